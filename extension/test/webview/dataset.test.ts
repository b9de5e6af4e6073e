import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DatasetResult } from '../../src/daemon/protocol';
import { dialogs, fixture, Harness, post, posted, RESULTS, violations } from './harness';

// Real daemon output (test/fixtures/make-fixtures.mjs): mini-CLEVR clean over the 300 demo samples.
const result = fixture<DatasetResult>('dataset.json');
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const h = new Harness();
before(() => h.start());
after(() => h.stop());

describe('dataset overview panel (real bundle, headless Chromium)', () => {
  test('EMAP gap, UC/MI share per label, most interaction-driven samples', async () => {
    const page = await h.open('dataset');
    await post(page, { type: 'start', title: `DIME overview: samples.jsonl · ${result.model.name}`, subtitle: `${result.count} of ${result.dataset.count} samples` });
    await post(page, { type: 'progress', phase: 'explain', fraction: 0.3 });
    await page.waitForSelector('#app[data-state="running"]');
    await post(page, { type: 'dataset', result });
    await page.waitForSelector('#app[data-state="done"] #samples-table');

    const { accuracy, projectedAccuracy, gap } = result.emap;
    assert.ok(accuracy !== undefined && projectedAccuracy !== undefined && gap !== undefined, 'the demo samples have answers');
    assert.ok(accuracy > 0.9 && gap > 0.1, `the clean model is accurate (${accuracy}) and needs interactions (gap ${gap})`);
    assert.ok((await page.locator('#acc-f').textContent())?.includes(pct(accuracy)));
    assert.ok((await page.locator('#acc-projection').textContent())?.includes(pct(projectedAccuracy)));
    assert.ok((await page.locator('#emap-gap').textContent())?.includes(`${(gap * 100).toFixed(1)} points`));
    assert.equal(await page.locator('.share-row').count(), result.perLabel.length);
    const firstBar = await page.locator('.share-row').first().evaluate((row) => {
      const uc = row.querySelector<HTMLElement>('.share.uc')!.getBoundingClientRect().width;
      const mi = row.querySelector<HTMLElement>('.share.mi')!.getBoundingClientRect().width;
      return { uc, mi, label: row.querySelector('.share-label')!.textContent };
    });
    const top = [...result.perLabel].sort((a, b) => b.count - a.count)[0]!;
    assert.equal(firstBar.label, result.labels[top.label]);
    assert.ok(Math.abs(firstBar.uc / (firstBar.uc + firstBar.mi) - top.ucShare / (top.ucShare + top.miShare)) < 0.02);

    const rows = page.locator('#samples-table tbody tr');
    assert.equal(await rows.count(), result.samples.length);
    assert.equal(await rows.first().locator('td.q').textContent(), result.samples[0]!.question);
    // most interaction-driven first
    const shares = result.samples.map((x) => x.miShare);
    assert.deepEqual(shares, [...shares].sort((a, b) => b - a));
    await page.screenshot({ path: join(RESULTS, 'dataset-overview.png'), fullPage: true });

    await rows.nth(1).locator('a.link').click();
    const open = (await posted(page)).filter((m) => m.type === 'openSample');
    assert.deepEqual(open, [{ type: 'openSample', datasetId: result.dataset.datasetId, index: result.samples[1]!.index }]);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  test('a dataset without answers: no accuracies, the overview still arrives (issue 13: the guard dropped it)', async () => {
    // What the daemon writes for such a dataset (EmapMerge): no answer on any sample, Emap's numbers absent.
    const unanswered = structuredClone(result);
    unanswered.samplesWithAnswers = 0;
    unanswered.emap = {};
    for (const sample of unanswered.samples) delete sample.answer;
    const page = await h.open('dataset');
    await post(page, { type: 'start', title: 'overview' });
    await post(page, { type: 'dataset', result: unanswered });
    await page.waitForSelector('#app[data-state="done"] #samples-table');
    assert.ok((await page.locator('#acc-f').textContent())?.includes('–'));
    assert.ok((await page.locator('#acc-f').textContent())?.includes('no explained sample has an answer'));
    assert.ok((await page.locator('#emap-gap').textContent())?.includes('–'));
    assert.equal(await page.locator('.share-row').count(), result.perLabel.length);
    assert.equal(await page.locator('#samples-table tbody tr').count(), result.samples.length);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  test('markup in questions stays text; restore after reload', async () => {
    const page = await h.open('dataset', 'light');
    const evil = structuredClone(result);
    evil.samples[0]!.question = '<img src=x onerror=alert(1)>';
    evil.samples[0]!.id = '<script>alert(2)</script>';
    await post(page, { type: 'start', title: 'overview' });
    await post(page, { type: 'dataset', result: evil });
    await page.waitForSelector('#app[data-state="done"] #samples-table');
    await page.waitForTimeout(200);
    assert.equal(await page.locator('#samples-table tbody tr td.q').first().textContent(), '<img src=x onerror=alert(1)>');
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('#samples-table a.link').first().textContent(), '<script>alert(2)</script>');
    await page.reload();
    await page.waitForSelector('#app[data-state="done"] #samples-table');
    assert.equal(await page.locator('#samples-table tbody tr').count(), result.samples.length);
    assert.deepEqual(dialogs(page), []);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });
});
