import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ExplanationResult, ReproduceResult } from '../../src/daemon/protocol';
import { dialogs, fixture, Harness, post, posted, RESULTS, violations } from './harness';

// Real daemon output (test/fixtures/make-fixtures.mjs): its provenance is the daemon's own.
const result = fixture<ExplanationResult>('explanation.json');
const provenance = result.provenance!;

const h = new Harness();
let imageUri = '';
before(async () => {
  await h.start();
  imageUri = `${h.origin}/fixtures/explanation.png`;
});
after(() => h.stop());

async function showResult(page: Page, r: unknown = result): Promise<void> {
  await post(page, { type: 'start', title: 'DIME: provenance', question: result.sample.question, imageUri });
  await post(page, { type: 'explanation', result: r, imageUri });
  await page.waitForSelector('#app[data-state="done"] #provenance-table', { state: 'attached' });
}

const text = async (page: Page, selector: string): Promise<string> => (await page.locator(selector).first().textContent()) ?? '';

const identical: ReproduceResult = {
  resultId: result.resultId,
  identical: true,
  compared: 17271,
  differing: 0,
  mismatches: [],
  environmentChanges: [],
  tolerance: 0,
  withinTolerance: true,
  elapsedMs: 3600,
};

describe('explanation panel: provenance and Reproduce (real bundle, headless Chromium)', () => {
  test('the fixture carries the daemon\'s provenance: hashes, the reference ids and their lines', () => {
    assert.match(provenance.model.hash, /^[0-9a-f]{64}$/);
    assert.match(provenance.sample.datasetHash ?? '', /^[0-9a-f]{64}$/);
    assert.match(provenance.sample.imageHash, /^[0-9a-f]{64}$/);
    assert.equal(provenance.sample.line, (result.sample.index ?? -1) + 1);
    assert.equal(provenance.reference.ids.length, result.settings.referenceSize);
    assert.equal(provenance.reference.lines?.length, provenance.reference.ids.length);
    assert.equal(provenance.random.seed, result.settings.seed);
  });

  test('the details list every input with its hash, the seeds and the software', async () => {
    const page = await h.open('explanation');
    await showResult(page);
    const table = await text(page, '#provenance-table');
    for (const needle of [
      provenance.model.hash.slice(0, 12),
      provenance.sample.datasetHash!.slice(0, 12),
      provenance.sample.imageHash.slice(0, 12),
      `line ${provenance.sample.line}`,
      `${provenance.reference.ids.length} samples of ${provenance.reference.datasetPath}`,
      provenance.reference.ids[0]!,
      provenance.reference.imagesHash.slice(0, 12),
      `ONNX Runtime ${provenance.environment.onnxRuntime}`,
      `seed ${provenance.random.seed}`,
    ]) {
      assert.ok(table.includes(needle), `the provenance shows ${needle}`);
    }
    assert.deepEqual((await posted(page)).map((m) => m.type), ['ready']);
    await page.close();
  });

  test('Reproduce asks the host once and shows an identical outcome, then the largest difference', async () => {
    const page = await h.open('explanation');
    await showResult(page);
    await page.locator('#details summary').click();
    await page.locator('#reproduce').click();
    await page.locator('#reproduce').dispatchEvent('click'); // disabled while running: no second request
    assert.deepEqual((await posted(page)).map((m) => m.type), ['ready', 'reproduce']);
    assert.equal(await text(page, '#reproduce-outcome'), 'Reproducing…');

    await post(page, { type: 'reproduced', report: identical });
    await page.waitForSelector('#reproduce-outcome[data-state="identical"]');
    assert.equal(await text(page, '#reproduce-outcome'), 'Identical: 17271 numbers, bit for bit (3.6 s).');

    await page.locator('#reproduce').click();
    const close: ReproduceResult = {
      ...identical,
      identical: false,
      differing: 40,
      largest: { path: 'image.explanations[2].mi.weights[17]', stored: 0.25, reproduced: 0.2500001, difference: 1e-7 },
      environmentChanges: ['device: CUDA device 0 then, CPU now'],
      tolerance: 1e-4,
    };
    await post(page, { type: 'reproduced', report: close });
    await page.waitForSelector('#reproduce-outcome[data-state="close"]');
    const outcome = await text(page, '#reproduce-outcome');
    assert.match(outcome, /largest difference 1\.00e-7 at image\.explanations\[2\]\.mi\.weights\[17\]/);
    assert.match(outcome, /40 of 17271 numbers differ, within the tolerance 1e-4 .*CUDA device 0 then, CPU now/);
    await page.screenshot({ path: join(RESULTS, 'explanation-reproduced.png'), fullPage: true });
    await page.close();
  });

  test('a changed input is shown as the daemon named it; the result stays', async () => {
    const page = await h.open('explanation');
    await showResult(page);
    await page.locator('#details summary').click();
    await page.locator('#reproduce').click();
    const message = "Dataset changed (demo/dataset/samples.jsonl): The dataset 'demo/dataset/samples.jsonl' was edited [1601]";
    await post(page, { type: 'reproduced', error: message, errorName: 'DatasetChanged' });
    await page.waitForSelector('#reproduce-outcome[data-state="error"]');
    assert.equal(await text(page, '#reproduce-outcome'), `Could not reproduce: ${message}`);
    assert.equal(await page.locator('#app[data-state="done"] canvas.overlay').count(), 3, 'the explanation is still shown');
    assert.equal(await page.locator('#reproduce').getAttribute('disabled'), null, 'Reproduce can be tried again');
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(dialogs(page), []);
    await page.close();
  });

  test('a result without provenance (an older daemon) shows so and cannot be reproduced', async () => {
    const page = await h.open('explanation');
    const { provenance: _p, ...old } = result;
    await post(page, { type: 'start', title: 'DIME: old', question: result.sample.question, imageUri });
    await post(page, { type: 'explanation', result: old, imageUri });
    await page.waitForSelector('#app[data-state="done"] .provenance', { state: 'attached' });
    assert.match(await text(page, '.provenance'), /records no provenance/);
    assert.notEqual(await page.locator('#reproduce').getAttribute('disabled'), null);
    await page.close();
  });
});
