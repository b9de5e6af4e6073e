import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ExplanationResult } from '../../src/daemon/protocol';
import type { ComparePair } from '../../src/panels/resultGuards';
import { addRecent, compareEntry, describeEntry, explanationEntry, parseRecent, readStoredResult, RECENT_LIMIT, type RecentEntry } from '../../src/recent/recentList';

const fixtures = join(__dirname, '../../../test/fixtures');
const explanation = JSON.parse(readFileSync(join(fixtures, 'explanation.json'), 'utf8')) as ExplanationResult;
const comparison = JSON.parse(readFileSync(join(fixtures, 'compare.json'), 'utf8')) as ComparePair;

function must<T>(value: T | undefined): T {
  assert.ok(value !== undefined);
  return value;
}

/** The fixture's result written where the daemon's cache would hold it. */
function stored(dir: string, result: ExplanationResult): ExplanationResult {
  const folder = join(dir, 'results', result.resultId);
  mkdirSync(folder, { recursive: true });
  const placed: ExplanationResult = { ...result, artifacts: { ...must(result.artifacts ?? undefined), folder } };
  writeFileSync(join(folder, 'result.json'), JSON.stringify(placed));
  return placed;
}

function entry(key: string, at = 0): RecentEntry {
  return { ...must(explanationEntry(explanation, { label: `sample ${key}`, imagePath: '/d/images/x.png', at })), key };
}

describe('recent explanations', () => {
  test('an explanation entry names the sample, the model and its answer, and points at the stored result.json', () => {
    const e = must(explanationEntry(explanation, { label: 'sample 0004', imagePath: '/d/images/0004.png', dataset: { path: '/d/samples.jsonl', format: 'jsonl' }, at: 1 }));
    assert.equal(e.key, explanation.resultId);
    assert.deepEqual(e.models, [explanation.model.name]);
    assert.deepEqual(e.predicted, [explanation.labels[explanation.prediction.label]]);
    assert.equal(e.question, explanation.sample.question);
    assert.ok(e.resultFiles[0]!.endsWith(join(must(explanation.artifacts ?? undefined).folder, 'result.json')));
    assert.deepEqual(e.dataset, { path: '/d/samples.jsonl', format: 'jsonl' });
  });

  test('a comparison entry holds both models and both results', () => {
    const e = must(compareEntry(comparison, { label: 'sample 0282', imagePath: '/d/images/0282.png', at: 1 }));
    assert.equal(e.kind, 'compare');
    assert.deepEqual(e.models, ['mini-CLEVR clean', 'mini-CLEVR biased']);
    assert.equal(e.resultFiles.length, 2);
    assert.notEqual(e.resultFiles[0], e.resultFiles[1]);
    assert.equal(e.key, `${comparison.results[0].resultId}+${comparison.results[1].resultId}`);
  });

  test('a result the daemon did not store (no artifacts) makes no entry', () => {
    const { artifacts: _, ...unstored } = explanation;
    assert.equal(explanationEntry(unstored, { label: 's', imagePath: '/x.png', at: 0 }), undefined);
    assert.equal(compareEntry({ results: [comparison.results[0], unstored] }, { label: 's', imagePath: '/x.png', at: 0 }), undefined);
  });

  test('newest first, the same result moves up instead of twice, at most the limit', () => {
    let list: RecentEntry[] = [];
    for (let i = 0; i < RECENT_LIMIT + 5; i++) list = addRecent(list, entry(`k${i}`, i));
    assert.equal(list.length, RECENT_LIMIT);
    assert.equal(list[0]!.key, `k${RECENT_LIMIT + 4}`);
    list = addRecent(list, entry('k10', 99));
    assert.equal(list[0]!.key, 'k10');
    assert.equal(list.filter((e) => e.key === 'k10').length, 1);
    assert.equal(list.length, RECENT_LIMIT);
  });

  test('the workspace state is read back; what is not an entry is dropped', () => {
    const good = entry('a');
    const back = parseRecent(JSON.parse(JSON.stringify([good, { kind: 'explanation', key: 3 }, null, { ...good, key: 'b', resultFiles: [] }])));
    assert.deepEqual(back, [good]);
    assert.deepEqual(parseRecent(undefined), []);
    assert.deepEqual(parseRecent({ not: 'a list' }), []);
  });

  test('the view line says the sample, the model, the answer and the time', () => {
    const at = new Date(2026, 11, 7, 23, 41).getTime();
    const text = describeEntry(entry('x', at), at + 60_000);
    assert.equal(text.label, `sample x · ${explanation.model.name}`);
    assert.equal(text.description, `${explanation.labels[explanation.prediction.label]} · 23:41`);
    assert.match(text.tooltip, new RegExp(explanation.sample.question.replace(/[?]/g, '\\?')));
    assert.equal(describeEntry(entry('x', at), at + 3 * 86_400_000).description.endsWith('2026-12-07'), true);
  });

  test('opening reads the stored results back, equal to what was shown', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dime-recent-'));
    try {
      const a = stored(dir, comparison.results[0]);
      const b = stored(dir, comparison.results[1]);
      const one = readStoredResult(must(explanationEntry(a, { label: 's', imagePath: '/x.png', at: 0 })), (f) => readFileSync(f, 'utf8'));
      assert.equal(one.kind, 'explanation');
      assert.deepEqual(one.result, a);
      const two = readStoredResult(must(compareEntry({ results: [a, b] }, { label: 's', imagePath: '/x.png', at: 0 })), (f) => readFileSync(f, 'utf8'));
      assert.equal(two.kind, 'compare');
      assert.deepEqual(two.kind === 'compare' ? two.result.results.map((r) => r.model.name) : [], ['mini-CLEVR clean', 'mini-CLEVR biased']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a result gone from the cache, or broken, is a clear error (never a recomputation)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dime-recent-'));
    try {
      const a = stored(dir, explanation);
      const e = must(explanationEntry(a, { label: 's', imagePath: '/x.png', at: 0 }));
      const file = e.resultFiles[0]!;
      writeFileSync(file, '{"resultId": "cut sh');
      assert.throws(() => readStoredResult(e, (f) => readFileSync(f, 'utf8')), /not valid JSON: explain the sample again/);
      writeFileSync(file, JSON.stringify({ ...a, labels: [] }));
      assert.throws(() => readStoredResult(e, (f) => readFileSync(f, 'utf8')), /cannot be shown \(labels: empty\)/);
      rmSync(file);
      assert.throws(() => readStoredResult(e, (f) => readFileSync(f, 'utf8')), /no longer in the daemon's cache/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
