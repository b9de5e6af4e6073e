import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ComparePair } from '../../src/panels/resultGuards';
import { canvasStats, choose, fixture, Harness, post, RESULTS, violations } from './harness';

// Real daemon output (test/fixtures/make-fixtures.mjs): mini-CLEVR clean and biased on the shortcut
// probe 0282, "does the picture contain a red triangle?" (answer no: a red square, an orange triangle
// and an orange circle). The clean model answers "no", the biased one "yes".
const result = fixture<ComparePair>('compare.json');
const [clean, biased] = result.results;
const map = clean.image!.segmentation.map;
const yes = clean.labels.indexOf('yes');
const no = clean.labels.indexOf('no');
const imageWeights = (r: typeof clean, label: number, part: 'm' | 'uc' | 'mi') => r.image!.explanations.find((e) => e.label === label)![part].weights;
const textWeights = (r: typeof clean, label: number, part: 'm' | 'uc' | 'mi') => r.text!.explanations.find((e) => e.label === label)![part].weights;
const strongest = (w: number[]) => w.reduce((best, x, i) => (Math.abs(x) > Math.abs(w[best]!) ? i : best), 0);
const h = new Harness();
before(() => h.start());
after(() => h.stop());

function maxFor(label: number): number {
  let max = 0;
  for (const r of result.results) {
    for (const list of [r.image!.explanations, r.text!.explanations]) {
      const e = list.find((x) => x.label === label)!;
      for (const w of [...e.m.weights, ...e.uc.weights, ...e.mi.weights]) max = Math.max(max, Math.abs(w));
    }
  }
  return max;
}

describe('comparison panel (real bundle, headless Chromium)', () => {
  test('two explanations side by side, same label, one shared scale', async () => {
    const page = await h.open('compare');
    assert.equal(clean.sample.answer, 'no');
    assert.deepEqual([clean.prediction.label, biased.prediction.label], [no, yes], 'clean answers no, biased yes');
    assert.equal(clean.image!.segmentation.count, biased.image!.segmentation.count, 'the same regions in both columns');
    const imageUri = `${h.origin}/fixtures/compare.png`;
    await post(page, { type: 'start', title: `DIME compare: sample ${clean.sample.id}`, question: clean.sample.question, imageUri });
    await post(page, { type: 'compare', result, imageUri });
    await page.waitForSelector('#app[data-state="done"] [data-column="1"] canvas.overlay[data-coloured]');
    await page.waitForFunction(() => [...document.querySelectorAll('img')].every((i) => i.complete));

    assert.deepEqual(await page.locator('.model-name').allTextContents(), [clean.model.name, biased.model.name]);
    assert.deepEqual(await page.locator('.model-name').allTextContents(), ['mini-CLEVR clean', 'mini-CLEVR biased']);
    assert.equal(await page.locator('canvas.overlay').count(), 6);
    const label = clean.prediction.label;
    assert.equal(Number(await page.locator('#app').getAttribute('data-label')), label, 'the first model\'s answer is shown first');
    assert.equal(Number(await page.locator('#legend').getAttribute('data-max')), maxFor(label));
    // both columns' words carry the same result's weights
    const redFeature = clean.text!.features.indexOf('red');
    for (const [col, r] of [clean, biased].entries()) {
      const w = await page.locator(`[data-column="${col}"] .words[data-part="uc"] .word`, { hasText: /^red$/ }).getAttribute('data-weight');
      assert.equal(Number(w), textWeights(r, label, 'uc')[redFeature]);
    }

    for (const col of [0, 1]) {
      const s = await canvasStats(page, `[data-column="${col}"] canvas.overlay[data-part="m"]`, map);
      assert.ok(s.opaque > 1000, `column ${col} has an overlay`);
      const v = await page.evaluate((c) => ['value-m', 'value-uc', 'value-mi'].map((id) => Number(document.getElementById(`c${c}-${id}`)!.dataset['value'])), col);
      assert.ok(Math.abs(v[0]! - (v[1]! + v[2]!)) < 1e-9, `column ${col}: M = UC + MI`);
    }
    await page.screenshot({ path: join(RESULTS, 'compare.png'), fullPage: true });

    const before0 = await canvasStats(page, '[data-column="0"] canvas.overlay[data-part="mi"]', map);
    const before1 = await canvasStats(page, '[data-column="1"] canvas.overlay[data-part="mi"]', map);
    // the biased model's answer: "yes" rests on an interaction (MI > UC at the instance), and its
    // strongest MI region is one the clean model holds against "yes"
    await choose(page, 'label-select', 'yes (predicted by mini-CLEVR biased)');
    assert.equal(Number(await page.locator('#app').getAttribute('data-label')), yes);
    assert.equal(Number(await page.locator('#legend').getAttribute('data-max')), maxFor(yes));
    assert.notEqual((await canvasStats(page, '[data-column="0"] canvas.overlay[data-part="mi"]', map)).hash, before0.hash);
    assert.notEqual((await canvasStats(page, '[data-column="1"] canvas.overlay[data-part="mi"]', map)).hash, before1.hash);
    const v = biased.values.find((x) => x.label === yes)!;
    assert.equal(Number(await page.locator('#c1-value-m').getAttribute('data-value')), v.logit);
    assert.equal(Number(await page.locator('#c1-value-mi').getAttribute('data-value')), v.mi);
    assert.ok(v.mi > v.uc, `biased "yes": MI ${v.mi} > UC ${v.uc}`);
    const region = strongest(imageWeights(biased, yes, 'mi'));
    assert.ok(imageWeights(biased, yes, 'mi')[region]! > 0 && imageWeights(clean, yes, 'mi')[region]! < 0);
    const [r1, , b1] = (await canvasStats(page, '[data-column="1"] canvas.overlay[data-part="mi"]', map)).segmentColours[region]!;
    const [r0, , b0] = (await canvasStats(page, '[data-column="0"] canvas.overlay[data-part="mi"]', map)).segmentColours[region]!;
    assert.ok(r1 > b1 + 60, `region ${region} is red in the biased column`);
    assert.ok(b0 > r0, `region ${region} is blue in the clean column`);
    await page.screenshot({ path: join(RESULTS, 'compare-yes.png'), fullPage: true });
    assert.deepEqual(await violations(page), []);
    await page.close();
  });
});
