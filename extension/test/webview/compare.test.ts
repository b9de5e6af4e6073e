import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CompareResult } from '../../src/daemon/protocol';
import { canvasStats, choose, fixture, Harness, post, RESULTS, violations } from './harness';

const result = fixture<CompareResult>('compare.json');
const [clean, biased] = result.results;
const map = clean.image!.segmentation.map;
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
    const imageUri = `${h.origin}/fixtures/explanation.png`;
    await post(page, { type: 'start', title: 'DIME compare: sample 0000', question: clean.sample.question, imageUri });
    await post(page, { type: 'compare', result, imageUri });
    await page.waitForSelector('#app[data-state="done"] [data-column="1"] canvas.overlay[data-coloured]');
    await page.waitForFunction(() => [...document.querySelectorAll('img')].every((i) => i.complete));

    assert.deepEqual(await page.locator('.model-name').allTextContents(), ['mini-CLEVR clean', 'mini-CLEVR biased']);
    assert.equal(await page.locator('canvas.overlay').count(), 6);
    const label = clean.prediction.label;
    assert.equal(Number(await page.locator('#legend').getAttribute('data-max')), maxFor(label));
    // the biased model leans on the word "red" through UC: its UC text cell holds the scale's extreme
    const ucRed = await page.locator('[data-column="1"] .words[data-part="uc"] .word', { hasText: /^red$/ }).getAttribute('data-weight');
    assert.ok(Math.abs(Number(ucRed)) > 0.8 * maxFor(label));

    for (const col of [0, 1]) {
      const s = await canvasStats(page, `[data-column="${col}"] canvas.overlay[data-part="m"]`, map);
      assert.ok(s.opaque > 1000, `column ${col} has an overlay`);
      const v = await page.evaluate((c) => ['value-m', 'value-uc', 'value-mi'].map((id) => Number(document.getElementById(`c${c}-${id}`)!.dataset['value'])), col);
      assert.ok(Math.abs(v[0]! - (v[1]! + v[2]!)) < 1e-9, `column ${col}: M = UC + MI`);
    }
    await page.screenshot({ path: join(RESULTS, 'compare.png'), fullPage: true });

    const before0 = await canvasStats(page, '[data-column="0"] canvas.overlay[data-part="mi"]', map);
    const before1 = await canvasStats(page, '[data-column="1"] canvas.overlay[data-part="mi"]', map);
    await choose(page, 'label-select', 'no');
    const no = clean.labels.indexOf('no');
    assert.equal(Number(await page.locator('#legend').getAttribute('data-max')), maxFor(no));
    assert.notEqual((await canvasStats(page, '[data-column="0"] canvas.overlay[data-part="mi"]', map)).hash, before0.hash);
    assert.notEqual((await canvasStats(page, '[data-column="1"] canvas.overlay[data-part="mi"]', map)).hash, before1.hash);
    assert.equal(Number(await page.locator('#c1-value-m').getAttribute('data-value')), biased.values.find((v) => v.label === no)!.logit);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });
});
