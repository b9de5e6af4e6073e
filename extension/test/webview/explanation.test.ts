import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ExplanationResult } from '../../src/daemon/protocol';
import { formatWeight } from '../../webview/shared/colorScale';
import { canvasStats, choose, dialogs, fixture, Harness, post, posted, RESULTS, violations } from './harness';

// Real daemon output (test/fixtures/make-fixtures.mjs): mini-CLEVR clean on demo sample 0004,
// "what is the shape of the red thing?" -> circle; a red circle, a yellow circle and a gray square.
const result = fixture<ExplanationResult>('explanation.json');
const map = result.image!.segmentation.map;
const { width: W, height: H } = result.sample;
const REGIONS = result.image!.segmentation.count;
const predicted = result.prediction.label;
const predictedName = result.labels[predicted]!;
/** The runner-up answer: the label the label switch goes to. */
const other = result.prediction.top[1]!.index;
const otherName = result.labels[other]!;
const no = result.labels.indexOf('no');
const PARTS = ['m', 'uc', 'mi'] as const;
const weightsOf = (label: number, part: (typeof PARTS)[number]) => result.image!.explanations.find((e) => e.label === label)![part].weights;
const textWeightsOf = (label: number, part: (typeof PARTS)[number]) => result.text!.explanations.find((e) => e.label === label)![part].weights;
/** Feature ids by |weight|, strongest first. */
const byStrength = (w: number[]) => w.map((x, i) => [Math.abs(x), i] as const).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
/** The red circle's centre in the 128x128 image, and the region there. */
const CIRCLE = { x: 94, y: 75 };
const circleRegion = map[CIRCLE.y * W + CIRCLE.x]!;

const h = new Harness();
let imageUri = '';
before(async () => {
  await h.start();
  imageUri = `${h.origin}/fixtures/explanation.png`;
});
after(() => h.stop());

async function showResult(page: Page, r: unknown = result): Promise<void> {
  await post(page, { type: 'start', title: `DIME: sample ${result.sample.id} · ${result.model.name}`, subtitle: result.model.name, question: result.sample.question, imageUri });
  await post(page, { type: 'explanation', result: r, imageUri });
  await page.waitForSelector('#app[data-state="done"] canvas.overlay[data-part="mi"][data-coloured]');
  await page.waitForFunction(() => [...document.querySelectorAll('img')].every((i) => i.complete));
}

const text = (page: Page, selector: string) => page.locator(selector).first().textContent();

describe('explanation panel (real bundle, headless Chromium)', () => {
  let page: Page;
  before(async () => {
    page = await h.open('explanation');
    await showResult(page);
  });

  test('the fixture is the real sample: predicted circle, with signal on the red circle', () => {
    assert.equal(result.sample.question, 'what is the shape of the red thing?');
    assert.equal(predictedName, 'circle');
    assert.equal(result.sample.answer, 'circle');
    assert.equal(REGIONS, Math.max(...map) + 1);
    // median hiding: the regions of the red circle carry the explanation, the background next to nothing
    const m = weightsOf(predicted, 'm');
    assert.equal(byStrength(m)[0], circleRegion, 'the strongest region of M is the red circle');
    assert.ok(m[circleRegion]! > 5 * Math.abs(m[byStrength(m)[5]!]!), 'it stands out of the rest');
  });

  test('shows image, question, prediction with top answers, ground truth, the 3x2 grid and details', async () => {
    assert.equal(await text(page, '#prediction'), predictedName);
    assert.equal(await text(page, '#question'), result.sample.question);
    assert.match((await text(page, '#truth')) ?? '', new RegExp(`Ground truth\\s*${result.sample.answer}`));
    assert.equal(await page.locator('#top-answers li').count(), Math.min(5, result.prediction.top.length));
    const top = result.prediction.top[0]!;
    assert.equal(await text(page, '#top-answers li .answer-label'), top.label);
    assert.equal(await text(page, '#top-answers li .prob-text'), `${(top.probability * 100).toFixed(1)}%`);
    assert.equal(await page.locator('canvas.overlay').count(), 3);
    assert.equal(await page.locator('.words').count(), 3);
    assert.equal(await page.locator('.image-cell .badge', { hasText: 'R²' }).count(), 3);
    assert.equal(await page.locator('.text-cell .badge', { hasText: 'R²' }).count(), 3);
    assert.equal(await page.locator('.badge', { hasText: 'stability' }).count(), 6);
    const details = (await text(page, '#details')) ?? '';
    const needles = ['seed', result.device.name, 'total', `${result.timings['total']!.toFixed(0)} ms`, 'referenceSize', 'median', result.resultId];
    if (result.device.fallbackReason) needles.push(result.device.fallbackReason);
    for (const needle of needles) {
      assert.ok(details.includes(needle), `details mention ${needle}`);
    }
    assert.deepEqual((await posted(page)).map((m) => m.type), ['ready']);
    await page.screenshot({ path: join(RESULTS, 'explanation-dark.png'), fullPage: true });
  });

  test('the values at the instance satisfy M = UC + MI and match the result', async () => {
    const v = await page.evaluate(() => ['value-m', 'value-uc', 'value-mi'].map((id) => Number(document.getElementById(id)!.dataset['value'])));
    const expected = result.values.find((x) => x.label === predicted)!;
    assert.deepEqual(v, [expected.logit, expected.uc, expected.mi]);
    assert.ok(Math.abs(v[0]! - (v[1]! + v[2]!)) < 1e-9);
    assert.match((await text(page, '#values .check')) ?? '', /✓/);
  });

  test('one shared, symmetric scale with numbers for all six cells', async () => {
    const max = Number(await page.locator('#legend').getAttribute('data-max'));
    const all = [...result.image!.explanations, ...result.text!.explanations].filter((e) => e.label === predicted).flatMap((e) => [...e.m.weights, ...e.uc.weights, ...e.mi.weights]);
    assert.equal(max, Math.max(...all.map(Math.abs)));
    const ticks = await page.locator('#legend .tick').allTextContents();
    assert.equal(ticks.length, 5);
    assert.equal(ticks[0], formatWeight(-max));
    assert.equal(ticks[2], '0');
    assert.equal(ticks[4], formatWeight(max));
  });

  test('overlays have non-trivial pixels, coloured by sign', async () => {
    for (const part of PARTS) {
      const s = await canvasStats(page, `canvas.overlay[data-part="${part}"]`, map);
      assert.equal(s.width, W);
      assert.equal(s.height, H);
      assert.ok(s.opaque > 0.5 * W * H, `${part}: ${s.opaque} coloured pixels`);
      assert.ok(s.distinctColours >= 5, `${part}: ${s.distinctColours} colours`);
      const w = weightsOf(predicted, part);
      for (const seg of s.segments) {
        const [r, , b] = s.segmentColours[seg]!;
        if (Math.abs(w[seg]!) > 0.2 * Math.max(...w.map(Math.abs))) assert.equal(r > b, w[seg]! > 0, `${part} segment ${seg} colour follows its sign`);
      }
    }
    // the red circle is the strongest positive region of M for "circle": red, and far more opaque
    // than a weak background region
    const m = await canvasStats(page, 'canvas.overlay[data-part="m"]', map);
    const [r, , b] = m.segmentColours[circleRegion]!;
    assert.ok(r > b + 60, 'the red circle is red (positive) in M');
    const alphaAt = (x: number, y: number) =>
      page.evaluate(([x, y]) => document.querySelector<HTMLCanvasElement>('canvas.overlay[data-part="m"]')!.getContext('2d')!.getImageData(x!, y!, 1, 1).data[3]!, [x, y]);
    const weakest = byStrength(weightsOf(predicted, 'm')).at(-1)!;
    const weakPixel = map.indexOf(weakest);
    assert.ok((await alphaAt(CIRCLE.x, CIRCLE.y)) > 2 * (await alphaAt(weakPixel % W, Math.floor(weakPixel / W))));
  });

  test('top-k = 3 leaves exactly 3 coloured segments (and at most 3 words)', async () => {
    await choose(page, 'topk-select', 'top 3');
    for (const part of PARTS) {
      const s = await canvasStats(page, `canvas.overlay[data-part="${part}"]`, map);
      assert.equal(s.segments.length, 3, `${part}: ${s.segments.join(',')}`);
      const top3 = byStrength(weightsOf(predicted, part)).slice(0, 3).sort((a, b) => a - b);
      assert.deepEqual(s.segments, top3);
      assert.ok(Number(await page.locator(`.words[data-part="${part}"]`).getAttribute('data-coloured')) <= 3);
    }
    await page.screenshot({ path: join(RESULTS, 'explanation-top3.png'), fullPage: true });
    await choose(page, 'topk-select', 'all');
    assert.ok((await canvasStats(page, 'canvas.overlay[data-part="m"]', map)).segments.length > 3);
  });

  test('sign = positive hides every negative weight', async () => {
    await choose(page, 'sign-select', 'positive only');
    for (const part of PARTS) {
      const w = weightsOf(predicted, part);
      const s = await canvasStats(page, `canvas.overlay[data-part="${part}"]`, map);
      assert.ok(s.segments.length > 0 && s.segments.length < REGIONS, `${part}: ${s.segments.length} positive regions`);
      assert.deepEqual(s.segments, w.map((x, i) => [x, i] as const).filter(([x]) => x > 0).map(([, i]) => i));
      for (const seg of s.segments) {
        const [r, , b] = s.segmentColours[seg]!;
        assert.ok(r >= b, `${part} segment ${seg} is not blue`);
      }
    }
    assert.equal(await page.locator('.word.hl.neg').count(), 0);
    assert.ok((await page.locator('.word.hl.pos').count()) > 0);
    await choose(page, 'sign-select', 'negative only');
    assert.equal(await page.locator('.word.hl.pos').count(), 0);
    // the real result has negative words too (M: "the" lowers "circle")
    assert.ok(textWeightsOf(predicted, 'm').some((x) => x < 0));
    assert.ok((await page.locator('.word.hl.neg').count()) > 0);
    const neg = await canvasStats(page, 'canvas.overlay[data-part="m"]', map);
    assert.ok(!neg.segments.includes(circleRegion), 'the red circle is hidden: it raises the label');
    await choose(page, 'sign-select', 'positive and negative');
  });

  test('switching the label changes weights, values and words, without asking the host', async () => {
    const before = await canvasStats(page, 'canvas.overlay[data-part="mi"]', map);
    const wordsBefore = await page.locator('.words[data-part="m"] .word').evaluateAll((els) => els.map((e) => (e as HTMLElement).style.backgroundColor));
    await choose(page, 'label-select', otherName);
    assert.equal(await page.locator('#app').getAttribute('data-label'), String(other));
    const after = await canvasStats(page, 'canvas.overlay[data-part="mi"]', map);
    assert.notEqual(after.hash, before.hash);
    const wordsAfter = await page.locator('.words[data-part="m"] .word').evaluateAll((els) => els.map((e) => (e as HTMLElement).style.backgroundColor));
    assert.notDeepEqual(wordsAfter, wordsBefore);
    const m = Number(await page.locator('#value-m').getAttribute('data-value'));
    assert.equal(m, result.values.find((v) => v.label === other)!.logit);
    // for the runner-up ("square") the strongest region of M is part of the red circle, and it argues
    // against the label: blue now, where it was red for "circle"
    const strongest = byStrength(weightsOf(other, 'm'))[0]!;
    assert.ok(weightsOf(other, 'm')[strongest]! < 0 && weightsOf(predicted, 'm')[strongest]! > 0);
    const mAfter = await canvasStats(page, 'canvas.overlay[data-part="m"]', map);
    const [r, , b] = mAfter.segmentColours[strongest]!;
    assert.ok(b > r + 60, `region ${strongest} is blue (negative) for "${otherName}"`);
    assert.deepEqual((await posted(page)).map((x) => x.type), ['ready']);
    await choose(page, 'label-select', `${predictedName} (predicted, truth)`);
  });

  test('opacity and segment borders change the overlay', async () => {
    const base = await canvasStats(page, 'canvas.overlay[data-part="m"]', map);
    await page.locator('#opacity').focus();
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowLeft'); // 60% -> 20%
    const faint = await canvasStats(page, 'canvas.overlay[data-part="m"]', map);
    assert.ok(faint.maxAlpha < base.maxAlpha * 0.5, `alpha ${base.maxAlpha} -> ${faint.maxAlpha}`);
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');

    await choose(page, 'topk-select', 'top 1');
    const without = await canvasStats(page, 'canvas.overlay[data-part="m"]', map);
    await page.locator('#borders').click();
    const withBorders = await canvasStats(page, 'canvas.overlay[data-part="m"]', map);
    assert.ok(withBorders.opaque > without.opaque + 200, `${without.opaque} -> ${withBorders.opaque} opaque pixels`);
    await page.screenshot({ path: join(RESULTS, 'explanation-borders.png'), fullPage: true });
    await page.locator('#borders').click();
    await choose(page, 'topk-select', 'all');
  });

  test('hovering a region or a word shows its weight', async () => {
    const canvas = page.locator('canvas.overlay[data-part="m"]');
    const box = (await canvas.boundingBox())!;
    // the centre of the red circle
    await page.mouse.move(box.x + ((CIRCLE.x + 0.5) / W) * box.width, box.y + ((CIRCLE.y + 0.5) / H) * box.height);
    await page.waitForSelector('#tooltip:not([hidden])');
    const w = weightsOf(predicted, 'm')[circleRegion]!;
    assert.match((await text(page, '#tooltip')) ?? '', new RegExp(`^M · region ${circleRegion} \\((bottom right|right)\\): ${formatWeight(w).replace('+', '\\+')} \\(rank 1 of ${REGIONS}\\)$`));
    // the hovered region is outlined in all three image cells, and its row marked in their lists
    for (const part of PARTS) assert.equal(await page.locator(`canvas.focus-layer[data-part="${part}"]`).getAttribute('data-region'), String(circleRegion));
    assert.equal(await page.locator(`.image-cell[data-part="m"] .feature.marked`).getAttribute('data-feature'), String(circleRegion));
    // "red" acts through the interaction: its MI weight is the largest of the question's words
    const red = page.locator('.words[data-part="mi"] .word', { hasText: /^red$/ });
    await red.hover();
    const redFeature = result.text!.features.indexOf('red');
    const wRed = textWeightsOf(predicted, 'mi')[redFeature]!;
    assert.equal(byStrength(textWeightsOf(predicted, 'mi'))[0], redFeature);
    assert.equal(await text(page, '#tooltip'), `MI · “red”: ${formatWeight(wRed)} (rank 1 of ${result.text!.features.length})`);
    await page.mouse.move(0, 0);
  });

  test('no CSP violation and no dialog happened', async () => {
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(dialogs(page), []);
  });
});

describe('explanation panel: progress, cancel, errors, restore, themes', () => {
  test('progress and Cancel', async () => {
    const page = await h.open('explanation');
    await post(page, { type: 'start', title: 'DIME: sample 0003', question: 'what shape is the small green object?', imageUri });
    await post(page, { type: 'progress', phase: 'image', fraction: 0.42, message: '420 of 1000 perturbations' });
    await page.waitForSelector('#app[data-state="running"]');
    assert.equal(await text(page, '#phase'), 'image 42%');
    assert.equal(await text(page, '#status-message'), '420 of 1000 perturbations');
    assert.equal(await text(page, '#question'), 'what shape is the small green object?');
    await page.screenshot({ path: join(RESULTS, 'explanation-progress.png') });
    await page.locator('#cancel').click();
    assert.ok((await posted(page)).some((m) => m.type === 'cancel'));
    await post(page, { type: 'cancelled' });
    await page.waitForSelector('#app[data-state="cancelled"]');
    assert.equal(await text(page, '#phase'), 'Cancelled.');
    assert.ok(await page.locator('#cancel').isHidden());
    await page.close();
  });

  test('an error is shown as text; an invalid result is refused and reported', async () => {
    const page = await h.open('explanation');
    await post(page, { type: 'start', title: 't', question: 'q', imageUri });
    const broken = structuredClone(result);
    broken.image!.segmentation.map.length = 10;
    await post(page, { type: 'explanation', result: broken, imageUri });
    await post(page, { type: 'error', message: 'Image corrupt (images/0003.png): the PNG is truncated [1301]', code: 1301 });
    await page.waitForSelector('#app[data-state="error"]');
    assert.equal(await text(page, '#status-message'), 'Image corrupt (images/0003.png): the PNG is truncated [1301]');
    assert.equal(await page.locator('canvas.overlay').count(), 0);
    const logs = (await posted(page)).filter((m) => m.type === 'log');
    assert.equal(logs.length, 1);
    assert.match(String(logs[0]!['message']), /invalid message \(type explanation\)/);
    await page.close();
  });

  test('after a reload the panel restores from its state, with its view options', async () => {
    const page = await h.open('explanation');
    await showResult(page);
    await choose(page, 'topk-select', 'top 5');
    await choose(page, 'label-select', 'no');
    await page.reload();
    await page.waitForSelector('#app[data-state="done"] canvas.overlay[data-coloured]');
    assert.equal(await page.locator('#app').getAttribute('data-label'), String(no));
    assert.equal((await canvasStats(page, 'canvas.overlay[data-part="m"]', map)).segments.length, 5);
    assert.equal(await page.locator('#topk-select').evaluate((s) => (s as HTMLElement & { value: string }).value), '5');
    assert.deepEqual((await posted(page)).map((m) => m.type), ['ready']);
    await page.close();
  });

  for (const theme of ['light', 'high-contrast'] as const) {
    test(`theme-aware: ${theme}`, async () => {
      const page = await h.open('explanation', theme);
      await showResult(page);
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, theme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(0, 0, 0)');
      if (theme === 'high-contrast') {
        const border = await page.locator('.cell').first().evaluate((c) => getComputedStyle(c).borderTopColor);
        assert.equal(border, 'rgb(111, 195, 223)');
      }
      // words stay readable: text colour contrasts with its highlight
      const contrastOk = await page.locator('.word.hl').evaluateAll((els) =>
        els.every((e) => {
          const s = getComputedStyle(e);
          return s.color === 'rgb(0, 0, 0)' || s.color === 'rgb(255, 255, 255)';
        }),
      );
      assert.ok(contrastOk);
      assert.ok((await canvasStats(page, 'canvas.overlay[data-part="m"]', map)).opaque > 0);
      await page.screenshot({ path: join(RESULTS, `explanation-${theme}.png`), fullPage: true });
      await page.close();
    });
  }
});

describe('explanation panel: dataset text stays inert', () => {
  test('words the model saw as its unknown token are marked', async () => {
    const marked = structuredClone(result);
    const unknownFeature = marked.text!.tokens.find((t) => t.feature >= 0)!.feature;
    marked.text!.tokens = marked.text!.tokens.map((t) => (t.feature === unknownFeature ? { ...t, unknown: true } : t));
    const page = await h.open('explanation');
    await showResult(page, marked);

    const unk = page.locator('.words[data-part="m"] .word.unk');
    assert.equal(await unk.count(), marked.text!.tokens.filter((t) => t.feature === unknownFeature).length);
    assert.equal(await unk.first().textContent(), marked.text!.features[unknownFeature]);
    assert.match((await unk.first().getAttribute('title')) ?? '', /unknown token/);
    assert.match((await unk.first().getAttribute('aria-label')) ?? '', /unknown to the model/);
    assert.equal(await page.locator('.words[data-part="m"] .word:not(.unk)').count(), marked.text!.tokens.filter((t) => t.feature >= 0 && t.feature !== unknownFeature).length);
    await showResult(page);
    assert.equal(await page.locator('.word.unk').count(), 0);
    await page.close();
  });

  test('markup in the question, tokens, labels, ids and model name renders as text', async () => {
    const page = await h.open('explanation');
    const payload = '<img src=x onerror=alert(1)> <script>window.__pwned=1</script>';
    const evil = structuredClone(result);
    evil.sample.question = payload;
    evil.sample.id = '<svg onload=alert(3)>';
    evil.sample.answer = '<iframe src=javascript:alert(4)>';
    evil.model.name = '<script>alert(2)</script>';
    // the real result, its words swapped for markup: features 0 and 1 ("what", "is") and their tokens
    const hostile = ['<img src=x onerror=alert(1)>', '<script>window.__pwned=1</script>'];
    evil.text!.features = evil.text!.features.map((f, i) => hostile[i] ?? f);
    evil.text!.tokens = evil.text!.tokens.map((t) => ({ ...t, text: t.feature >= 0 ? evil.text!.features[t.feature]! : t.text }));
    evil.labels = [...evil.labels];
    evil.labels[no] = '<b onmouseover=alert(5)>no</b>';
    evil.prediction.top = evil.prediction.top.map((a) => ({ ...a, label: evil.labels[a.index]! }));
    await post(page, { type: 'start', title: '<img src=x onerror=alert(6)>', question: payload, imageUri });
    await post(page, { type: 'explanation', result: evil, imageUri });
    await page.waitForSelector('#app[data-state="done"] canvas.overlay[data-coloured]');
    await choose(page, 'label-select', '<b onmouseover=alert(5)>no</b>');
    await page.locator('.words[data-part="m"] .word').first().hover();
    await page.waitForTimeout(300);

    assert.equal(await text(page, '#question'), payload);
    assert.equal(await page.locator('.words[data-part="m"] .word').first().textContent(), '<img src=x onerror=alert(1)>');
    const dom = await page.evaluate(() => ({
      imgs: [...document.querySelectorAll('img')].map((i) => i.getAttribute('src')),
      scripts: document.querySelectorAll('script').length,
      handlers: document.querySelectorAll('[onerror], [onload], [onmouseover]').length,
      injected: document.querySelectorAll('svg, iframe, main b:not(.predicted-label):not(.num), .words script, .words img').length,
      pwned: (window as unknown as { __pwned?: number }).__pwned,
    }));
    assert.deepEqual(dom.imgs, Array(4).fill(imageUri), 'only the sample image and the three overlay bases');
    assert.equal(dom.scripts, 2, 'the harness and the bundle, nothing else');
    assert.equal(dom.handlers, 0);
    assert.equal(dom.injected, 1, 'only the ground truth <b> of the panel itself');
    assert.equal(dom.pwned, undefined);
    assert.deepEqual(dialogs(page), []);
    assert.deepEqual(await violations(page), []);
    await page.screenshot({ path: join(RESULTS, 'explanation-xss.png'), fullPage: true });
    await page.close();
  });
});
