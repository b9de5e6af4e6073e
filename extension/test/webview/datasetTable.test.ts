import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { DatasetIndexLine, DatasetResult } from '../../src/daemon/protocol';
import { dialogs, fixture, FIXTURES, Harness, post, posted, RESULTS, violations } from './harness';

// Real daemon output (test/fixtures/make-fixtures.mjs): the EMAP overview of the 300 demo samples, and the index of
// `explain-dataset` over demo samples 0-39.
const overview = fixture<DatasetResult>('dataset.json');
const index: DatasetIndexLine[] = readFileSync(join(FIXTURES, 'dataset-index.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as DatasetIndexLine);
const h = new Harness();
before(() => h.start());
after(() => h.stop());

const shownIds = (page: Page): Promise<string[]> => page.locator('#samples-table tbody tr a.link').allTextContents();

async function openStored(theme: 'dark' | 'light' = 'dark'): Promise<Page> {
  const page = await h.open('dataset', theme);
  await post(page, { type: 'start', title: 'DIME overview: samples.jsonl · mini-CLEVR clean', subtitle: 'samples 0–39' });
  await post(page, { type: 'storedDataset', folder: '/runs/demo/merged', rows: index });
  await page.waitForSelector('#app[data-state="done"] #samples-table');
  return page;
}

describe('dataset overview: sortable, filterable samples table (real bundle, headless Chromium)', () => {
  test('a stored explain-dataset output: summary, default order by MI share, row opens the stored result', async () => {
    const page = await openStored();
    assert.equal(await page.locator('#samples-table tbody tr').count(), index.length);
    assert.equal(await page.locator('#table-count').textContent(), `${index.length} of ${index.length} samples`);
    const judged = index.filter((l) => l.correct !== undefined);
    const accuracy = judged.filter((l) => l.correct).length / judged.length;
    assert.ok((await page.locator('#stored-accuracy').textContent())?.includes(`${(accuracy * 100).toFixed(1)}%`));
    const expected = [...index].sort((a, b) => b.miShare! - a.miShare! || a.index - b.index).map((l) => l.id);
    assert.deepEqual(await shownIds(page), expected);
    assert.equal(await page.locator('th[data-sort="miShare"]').getAttribute('aria-sort'), 'descending');

    await page.locator('#samples-table tbody tr').nth(2).locator('a.link').click();
    const open = (await posted(page)).filter((m) => m.type === 'openStored');
    assert.deepEqual(open, [{ type: 'openStored', index: index.find((l) => l.id === expected[2])!.index }]);
    await page.screenshot({ path: join(RESULTS, 'dataset-stored-table.png'), fullPage: true });
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  test('sorting by a column, and again to reverse it', async () => {
    const page = await openStored('light');
    await page.locator('th[data-sort="uc"] button').click();
    const descending = [...index].sort((a, b) => b.values!.uc - a.values!.uc || a.index - b.index).map((l) => l.id);
    assert.deepEqual(await shownIds(page), descending);
    await page.locator('th[data-sort="uc"] button').click();
    assert.equal(await page.locator('th[data-sort="uc"]').getAttribute('aria-sort'), 'ascending');
    const ascending = [...index].sort((a, b) => a.values!.uc - b.values!.uc || a.index - b.index).map((l) => l.id);
    assert.deepEqual(await shownIds(page), ascending);
    assert.equal(await page.locator('th[data-sort="miShare"]').getAttribute('aria-sort'), null);

    await page.locator('th[data-sort="question"] button').click();
    const byQuestion = [...index].sort((a, b) => a.question.localeCompare(b.question, undefined, { numeric: true }) || a.index - b.index).map((l) => l.id);
    assert.deepEqual(await shownIds(page), byQuestion);
    await page.close();
  });

  test('filters by predicted label, correctness and minimum MI share, together', async () => {
    const page = await openStored();
    const counts = new Map<string, number>();
    for (const l of index) counts.set(l.prediction!.label, (counts.get(l.prediction!.label) ?? 0) + 1);
    const label = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    await page.selectOption('#filter-label', label);
    assert.equal(await page.locator('#samples-table tbody tr').count(), counts.get(label));
    for (const text of await page.locator('#samples-table tbody tr td:nth-child(5)').allTextContents()) assert.equal(text, label);

    await page.selectOption('#filter-label', '');
    await page.selectOption('#filter-correct', 'wrong');
    const wrong = index.filter((l) => l.correct === false);
    assert.equal(await page.locator('#samples-table tbody tr').count(), wrong.length);
    assert.equal(await page.locator('#samples-table tbody tr td.ok').count(), 0);

    await page.selectOption('#filter-correct', 'correct');
    await page.fill('#filter-mi', '50');
    const strong = index.filter((l) => l.correct === true && l.miShare! >= 0.5);
    assert.ok(strong.length > 0 && strong.length < index.length, 'the filter keeps some and hides some');
    assert.deepEqual(new Set(await shownIds(page)), new Set(strong.map((l) => l.id)));
    assert.equal(await page.locator('#table-count').textContent(), `${strong.length} of ${index.length} samples`);
    await page.fill('#filter-mi', '101');
    assert.equal(await page.locator('#samples-table tbody tr').count(), 0);
    await page.close();
  });

  test('the live EMAP overview sorts and filters the same way; a restored panel keeps its rows', async () => {
    const page = await h.open('dataset');
    await post(page, { type: 'start', title: 'overview' });
    await post(page, { type: 'dataset', result: overview });
    await page.waitForSelector('#app[data-state="done"] #samples-table');
    await page.locator('th[data-sort="mi"] button').click();
    const mis = overview.samples.map((x) => x.mi).sort((a, b) => b - a);
    const shown = (await page.locator('#samples-table tbody tr td:nth-child(8)').allTextContents()).length;
    assert.equal(shown, overview.samples.length);
    const first = await page.locator('#samples-table tbody tr').first().getAttribute('data-index');
    assert.equal(Number(first), overview.samples.find((x) => x.mi === mis[0])!.index);
    await page.selectOption('#filter-correct', 'wrong');
    const wrong = overview.samples.filter((x) => x.answer !== undefined && overview.labels[x.predicted] !== x.answer).length;
    assert.equal(await page.locator('#samples-table tbody tr').count(), wrong);

    await page.reload();
    await post(page, { type: 'storedDataset', folder: '/runs/x', rows: index.slice(0, 5) });
    await page.waitForSelector('#app[data-state="done"] #stored-summary');
    await page.reload();
    await page.waitForSelector('#app[data-state="done"] #stored-summary');
    assert.equal(await page.locator('#samples-table tbody tr').count(), 5);
    assert.deepEqual(dialogs(page), []);
    await page.close();
  });
});
