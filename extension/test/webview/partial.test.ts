import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ExplanationResult, LabelExplanation, PartialResult } from '../../src/daemon/protocol';
import type { PartialMessage } from '../../src/panels/messages';
import { join } from 'node:path';
import { canvasStats, fixture, Harness, post, posted, RESULTS } from './harness';

// Partial results while an explanation runs: the real bundle draws the heatmaps of the rows so far, dimmed under a
// "partial: N rows" line, redraws them as later fits arrive, and gives way to the result.
const result = fixture<ExplanationResult>('explanation.json');
const image = result.image!;
const text = result.text!;
const map = image.segmentation.map;
const h = new Harness();
before(() => h.start());
after(() => h.stop());

/** A fit of fewer rows: the result's weights, scaled and with a region or word flipped, so redraws differ. */
function blur(list: readonly LabelExplanation[], scale: number, flip: number): LabelExplanation[] {
  const part = (p: LabelExplanation['m']) => ({ ...p, weights: p.weights.map((w, i) => (i === flip ? -w : w) * scale) });
  return list.map((e) => ({ ...e, m: part(e.m), uc: part(e.uc), mi: part(e.mi) }));
}

function partial(modality: 'image' | 'text', rows: number, first: boolean, scale = 0.5, flip = 0): PartialMessage {
  const source = modality === 'image' ? image : text;
  const p: PartialResult = {
    modality,
    rows,
    plannedRows: source.samples,
    predicted: result.prediction.label,
    explanations: blur(source.explanations, scale, flip),
    ...(first && modality === 'image' ? { segmentation: image.segmentation } : {}),
    ...(first && modality === 'text' ? { features: text.features, tokens: text.tokens } : {}),
  };
  return { type: 'partial', partial: p, labelNames: { [result.prediction.label]: result.labels[result.prediction.label]! } };
}

async function started(): Promise<Page> {
  const page = await h.open('explanation');
  await post(page, { type: 'start', title: 'DIME: sample 0004', question: result.sample.question, imageUri: `${h.origin}/fixtures/explanation.png` });
  await post(page, { type: 'progress', phase: 'image', fraction: 0.2 });
  return page;
}

const status = (page: Page) => page.locator('#partial-status').textContent();

describe('partial heatmaps while an explanation runs (real bundle, headless Chromium)', () => {
  test('the first partial draws dimmed heatmaps with its rows; later ones redraw them; the result replaces them', async () => {
    const page = await started();
    await post(page, partial('image', 100, true));
    await page.waitForSelector('#partial .image-cell canvas.overlay');
    assert.equal(await status(page), `partial: 100 of ${image.samples} rows (image) · words waiting — label “${result.labels[result.prediction.label]}”; sharpens until the result arrives`);
    assert.equal(await page.locator('#app').getAttribute('data-state'), 'running');
    assert.equal(await page.locator('#partial').getAttribute('data-label'), String(result.prediction.label));
    const opacity = Number(await page.locator('#partial .partial-grid').evaluate((e) => getComputedStyle(e).opacity));
    assert.ok(opacity < 0.9, `partial heatmaps are dimmed (opacity ${opacity})`);
    assert.equal(await page.locator('#partial .text-modality .muted').textContent(), 'Waiting for the first word rows…');
    const first = await canvasStats(page, '#partial canvas.overlay[data-part="m"]', map);
    assert.ok(first.opaque > 0.5 * first.width * first.height, `${first.opaque} coloured pixels`);

    // a later fit of the image (no segmentation: the first one's stays) redraws the same cells with its weights
    const cell = await page.locator('#partial canvas.overlay[data-part="m"]').elementHandle();
    await post(page, partial('image', 250, false, 1, 3));
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#partial-status')?.dataset['imageRows'] === '250');
    const second = await canvasStats(page, '#partial canvas.overlay[data-part="m"]', map);
    assert.notEqual(second.hash, first.hash, 'the heatmap changed with the new weights');
    assert.equal(await page.locator('#partial canvas.overlay[data-part="m"]').evaluate((c, old) => c === old, cell), true, 'redrawn in place, not rebuilt');

    // the words' first partial adds their cells
    await post(page, partial('text', 100, true));
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#partial-status')?.dataset['textRows'] === '100');
    assert.match((await status(page)) ?? '', new RegExp(`^partial: 250 of ${image.samples} rows \\(image\\) · 100 of ${text.samples} rows \\(words\\)`));
    assert.ok((await page.locator('#partial .text-cell .word').count()) >= text.features.length);
    await page.screenshot({ path: join(RESULTS, 'partial.png'), fullPage: true });

    await post(page, { type: 'explanation', result, imageUri: `${h.origin}/fixtures/explanation.png` });
    await page.waitForSelector('#app[data-state="done"]');
    assert.equal(await page.locator('#app').getAttribute('data-partials'), '3', 'the panel says how many partial fits it drew');
    assert.ok(Number(await page.locator('#app').getAttribute('data-first-partial-ms')) >= 0);
    assert.equal(await page.locator('#partial').count(), 0);
    assert.equal(await page.locator('#partial-status').count(), 0);
    // a partial that arrives after the result is not drawn over it
    await post(page, partial('image', 500, false));
    assert.equal(await page.locator('#partial').count(), 0);
    await page.close();
  });

  test('a partial that does not fit the first one is dropped with a log line; one before any description is dropped too', async () => {
    const page = await started();
    const orphan = partial('image', 250, false);
    await post(page, orphan); // no segmentation seen yet: nothing to draw on
    const bad = partial('image', 100, true);
    bad.partial.explanations[0]!.m.weights.push(1); // one weight more than the segmentation has regions
    await post(page, bad);
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'log').length >= 2);
    assert.equal(await page.locator('#partial').count(), 0);
    const logs = (await posted(page)).filter((m) => m.type === 'log').map((m) => m['message']);
    assert.ok(logs.every((m) => typeof m === 'string' && m.includes('partial result')), JSON.stringify(logs));
    await page.close();
  });

  test('a cancel keeps the partial heatmaps and says what they rest on', async () => {
    const page = await started();
    await post(page, partial('image', 250, true));
    await page.waitForSelector('#partial .image-cell canvas.overlay');
    await post(page, { type: 'cancelled' });
    await page.waitForSelector('#app[data-state="cancelled"]');
    assert.equal(await page.locator('#status-message').textContent(), 'Cancelled: the heatmaps show the partial fit of the 250 rows computed; nothing was kept.');
    assert.equal(await page.locator('#partial').count(), 1);
    await page.close();
  });
});
