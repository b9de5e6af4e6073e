import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DatasetResult } from '../../src/daemon/protocol';
import { dialogs, fixture, Harness, post, posted, RESULTS, violations } from './harness';

const result = fixture<DatasetResult>('dataset.json');
const h = new Harness();
before(() => h.start());
after(() => h.stop());

describe('dataset overview panel (real bundle, headless Chromium)', () => {
  test('EMAP gap, UC/MI share per label, most interaction-driven samples', async () => {
    const page = await h.open('dataset');
    await post(page, { type: 'start', title: 'DIME overview: samples.jsonl · mini-CLEVR clean', subtitle: '100 of 300 samples' });
    await post(page, { type: 'progress', phase: 'explain', fraction: 0.3 });
    await page.waitForSelector('#app[data-state="running"]');
    await post(page, { type: 'dataset', result });
    await page.waitForSelector('#app[data-state="done"] #samples-table');

    assert.match((await page.locator('#acc-f').textContent()) ?? '', /93\.0%/);
    assert.match((await page.locator('#acc-projection').textContent()) ?? '', /71\.0%/);
    assert.match((await page.locator('#emap-gap').textContent()) ?? '', /22\.0 points/);
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
    await page.screenshot({ path: join(RESULTS, 'dataset-overview.png'), fullPage: true });

    await rows.nth(1).locator('a.link').click();
    const open = (await posted(page)).filter((m) => m.type === 'openSample');
    assert.deepEqual(open, [{ type: 'openSample', datasetId: 'ds-1', index: result.samples[1]!.index }]);
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
