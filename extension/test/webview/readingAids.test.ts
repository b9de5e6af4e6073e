import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ExplanationResult } from '../../src/daemon/protocol';
import { formatValue, formatWeight } from '../../webview/shared/colorScale';
import { canvasStats, choose, fixture, Harness, post } from './harness';

// Scale modes, ranked feature lists, keyboard navigation, zoom, base, warnings and "How to read this", on
// the real fixture (mini-CLEVR clean, sample 0004, predicted "circle").
const result = fixture<ExplanationResult>('explanation.json');
const map = result.image!.segmentation.map;
const label = result.prediction.label;
const PARTS = ['m', 'uc', 'mi'] as const;
const imageW = (part: (typeof PARTS)[number]) => result.image!.explanations.find((e) => e.label === label)![part].weights;
const textW = (part: (typeof PARTS)[number]) => result.text!.explanations.find((e) => e.label === label)![part].weights;
const maxAbs = (...ws: number[][]) => Math.max(...ws.flat().map(Math.abs));
const byStrength = (w: number[]) => w.map((x, i) => [Math.abs(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, i]) => i);

const h = new Harness();
before(() => h.start());
after(() => h.stop());

async function open(r: unknown = result): Promise<Page> {
  const page = await h.open('explanation');
  const imageUri = `${h.origin}/fixtures/explanation.png`;
  await post(page, { type: 'start', title: 'DIME: sample 0004', imageUri });
  await post(page, { type: 'explanation', result: r, imageUri });
  await page.waitForSelector('#app[data-state="done"] canvas.overlay[data-part="mi"][data-coloured]');
  return page;
}

const cellMax = (page: Page, modality: string, part: string) => page.locator(`.cell[data-modality="${modality}"][data-part="${part}"]`).getAttribute('data-max').then(Number);

describe('reading aids (real bundle, headless Chromium)', () => {
  test('scale modes: shared, per modality, per cell; the legend follows', async () => {
    const page = await open();
    const all = maxAbs(...PARTS.map(imageW), ...PARTS.map(textW));
    for (const part of PARTS) assert.equal(await cellMax(page, 'image', part), all);
    assert.equal(Number(await page.locator('#legend').getAttribute('data-max')), all);
    const shared = await canvasStats(page, 'canvas.overlay[data-part="uc"]', map);

    await choose(page, 'scale-select', 'one per modality');
    const images = maxAbs(...PARTS.map(imageW));
    const words = maxAbs(...PARTS.map(textW));
    assert.notEqual(images, words);
    for (const part of PARTS) {
      assert.equal(await cellMax(page, 'image', part), images);
      assert.equal(await cellMax(page, 'text', part), words);
    }
    assert.deepEqual(await page.locator('#legend .legend-item').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset['max']))), [images, words]);
    const perModality = await canvasStats(page, 'canvas.overlay[data-part="uc"]', map);
    assert.notEqual(perModality.hash, shared.hash, 'the image overlay is redrawn on its own scale');

    await choose(page, 'scale-select', 'one per cell');
    for (const part of PARTS) {
      assert.equal(await cellMax(page, 'image', part), maxAbs(imageW(part)));
      assert.equal(await cellMax(page, 'text', part), maxAbs(textW(part)));
    }
    assert.equal(await page.locator('#legend').getAttribute('data-mode'), 'cell');
    assert.match((await page.locator('.image-cell[data-part="uc"] .cell-max').textContent()) ?? '', new RegExp(`scale ±${formatWeight(maxAbs(imageW('uc'))).slice(1)}`));
    // on its own scale the strongest region of a cell is drawn at full strength
    const uc = await canvasStats(page, 'canvas.overlay[data-part="uc"]', map);
    assert.ok(uc.maxAlpha > perModality.maxAlpha, `UC alpha ${perModality.maxAlpha} -> ${uc.maxAlpha}`);
    await page.close();
  });

  test('each cell lists its top features with their weights, strongest first; "Show all" lists every one', async () => {
    const page = await open();
    for (const part of PARTS) {
      const rows = page.locator(`.image-cell[data-part="${part}"] .feature[data-feature]`);
      assert.equal(await rows.count(), 5);
      const features = (await rows.evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset['feature']))));
      assert.deepEqual(features, byStrength(imageW(part)).slice(0, 5));
      const first = byStrength(imageW(part))[0]!;
      assert.equal(await rows.first().locator('.feature-weight').textContent(), formatWeight(imageW(part)[first]!));
      const words = await page.locator(`.text-cell[data-part="${part}"] .feature .feature-name`).allTextContents();
      assert.deepEqual(words, byStrength(textW(part)).slice(0, 5).map((i) => result.text!.features[i]));
    }
    // "red" carries MI: the summary sentence says so
    assert.match((await page.locator('.text-cell[data-part="mi"] .cell-summary').textContent()) ?? '', /^MI: raised most by “red”/);
    await page.locator('.image-cell[data-part="m"] .more').click();
    assert.equal(await page.locator('.image-cell[data-part="m"] .feature[data-feature]').count(), result.image!.segmentation.count);
    // top-k and sign filters apply to the lists too
    await choose(page, 'sign-select', 'negative only');
    const negatives = await page.locator('.image-cell[data-part="mi"] .feature[data-feature]').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset['weight'])));
    assert.ok(negatives.length > 0 && negatives.every((w) => w < 0));
    await page.close();
  });

  test('keyboard: a list takes the focus, arrows walk the regions and outline each in all three cells; Enter zooms', async () => {
    const page = await open();
    const first = page.locator('.image-cell[data-part="m"] .feature[data-feature]').first();
    await first.focus();
    const order = byStrength(imageW('m'));
    for (const part of PARTS) assert.equal(await page.locator(`canvas.focus-layer[data-part="${part}"]`).getAttribute('data-region'), String(order[0]));
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset['feature']), String(order[1]));
    for (const part of PARTS) assert.equal(await page.locator(`canvas.focus-layer[data-part="${part}"]`).getAttribute('data-region'), String(order[1]));
    const outline = await canvasStats(page, 'canvas.focus-layer[data-part="mi"]', map);
    assert.deepEqual(outline.segments, [order[1]], 'only the focused region is outlined');
    assert.equal(await page.locator('.image-cell[data-part="m"] .feature[tabindex="0"]').count(), 1, 'one tab stop per list');
    await page.keyboard.press('End');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset['feature']), String(order[4]));
    assert.match((await first.getAttribute('aria-label')) ?? '', /^region \d+ \([a-z ]+\): [+-][\d.]+, (raises|lowers) the logit, rank 1$/);
    assert.ok(await page.locator('.image-cell[data-part="m"] .feature-list').getAttribute('aria-label'));

    // Enter on a heatmap zooms it to the full width; Escape returns
    const wrap = page.locator('.image-cell[data-part="uc"] .overlay-wrap');
    const before = (await wrap.boundingBox())!.width;
    await wrap.focus();
    await page.keyboard.press('Enter');
    assert.equal(await wrap.getAttribute('aria-pressed'), 'true');
    const zoomed = (await wrap.boundingBox())!.width;
    assert.ok(zoomed > 2 * before, `${before} -> ${zoomed} px`);
    await page.keyboard.press('Escape');
    assert.equal(Math.round((await wrap.boundingBox())!.width), Math.round(before));
    await page.close();
  });

  test('colour base: the image keeps its colours and the heat is outlined', async () => {
    const page = await open();
    const filled = await canvasStats(page, 'canvas.overlay[data-part="m"]', map);
    await choose(page, 'base-select', 'colour image, heat outlined');
    assert.equal(await page.locator('.grid').getAttribute('data-base'), 'colour');
    assert.equal(await page.locator('.image-cell img.base').first().evaluate((i) => getComputedStyle(i).filter), 'none');
    const outlined = await canvasStats(page, 'canvas.overlay[data-part="m"]', map);
    assert.equal(outlined.maxAlpha, 255, 'region outlines are drawn solid');
    assert.notEqual(outlined.hash, filled.hash);
    await page.close();
  });

  test('warnings: device fallback in one sentence, stability below threshold, small N, poor R²', async () => {
    let page = await open();
    const kinds = await page.locator('#warnings .warning').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['kind']));
    assert.deepEqual(kinds, ['stability', 'device']);
    const device = (await page.locator('#warnings .warning[data-kind="device"]').textContent())!;
    assert.match(device, /^Ran on the CPU: CUDA could not be loaded \(libcublasLt\.so\.13 is missing\)\. .*Restart Daemon/);
    assert.ok(device.length < 200);
    // stability badges are graded by the documented thresholds
    assert.equal(await page.locator('.image-cell[data-part="m"] .badge.stability').getAttribute('data-grade'), 'poor');
    assert.equal(await page.locator('.text-cell[data-part="m"] .badge.stability').getAttribute('data-grade'), 'good');
    await page.close();

    const weak = structuredClone(result);
    weak.settings.referenceSize = 2;
    weak.image!.explanations.find((e) => e.label === label)!.uc.r2 = 0.05;
    delete (weak as { quality?: unknown }).quality;
    page = await open(weak);
    const texts = await page.locator('#warnings .warning').allTextContents();
    assert.match(texts[0]!, /N = 2 reference samples/);
    assert.match(texts[1]!, /UC image \(R² 0\.05\)/);
    assert.equal(await page.locator('.badge.stability').count(), 0);
    await page.close();
  });

  test('"How to read this" explains M = UC + MI with the sample\'s own numbers', async () => {
    const page = await open();
    await page.locator('#how-to-read summary').click();
    const text = (await page.locator('#how-to-read').textContent())!;
    const v = result.values.find((x) => x.label === label)!;
    for (const n of [v.logit, v.uc, v.mi, v.g1, v.g2]) assert.ok(text.includes(formatValue(n)), `mentions ${formatValue(n)}`);
    assert.match(text, /N = 100 reference/);
    assert.match(text, /\|MI\| > \|UC\|/);
    await page.close();
  });
});
