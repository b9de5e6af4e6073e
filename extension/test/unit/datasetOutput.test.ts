import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { DatasetResult } from '../../src/daemon/protocol';
import { readDatasetOutput } from '../../src/datasets/datasetOutput';
import { isHostMessage, isWebviewMessage } from '../../src/panels/messages';
import datasetFixture from '../fixtures/dataset.json';

// Real daemon output (test/fixtures/make-fixtures.mjs): explain-dataset's index of demo samples 0-39, the EMAP overview.
const indexText = readFileSync(path.resolve(__dirname, '../../../test/fixtures/dataset-index.jsonl'), 'utf8');
const overview = datasetFixture as unknown as DatasetResult;
const root = mkdtempSync(path.join(tmpdir(), 'dime-output-'));
after(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, run: object, files: Record<string, string>): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'run.json'), JSON.stringify(run));
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

const run = (kind: string, shard = { index: 0, count: 1 }) => ({
  kind,
  model: { name: 'mini-CLEVR clean', hash: 'h' },
  dataset: { path: '/data/samples.jsonl', version: 1, count: 300 },
  range: { start: 0, end: 40 },
  shard,
});

describe('dataset outputs read from disk', () => {
  test('an explain-dataset output gives its index rows, checked', async () => {
    const read = await readDatasetOutput(folder('explain', run('explain-dataset'), { 'index.jsonl': indexText }));
    assert.equal(read.rows?.length, 40);
    assert.equal(read.rows?.[0]?.result, 'results/000000/result.json');
    assert.equal(read.overview, undefined);
  });

  test('an EMAP output gives the overview with every sample of samples.jsonl', async () => {
    const lines = overview.samples.map((s) => JSON.stringify(s)).join('\n');
    const read = await readDatasetOutput(folder('emap', run('dataset'), { 'dataset.json': JSON.stringify(overview), 'samples.jsonl': lines }));
    assert.equal(read.overview?.samples.length, overview.samples.length);
    assert.equal(read.overview?.emap.accuracy, overview.emap.accuracy);
  });

  test('a shard, a broken line, a foreign folder are refused with a reason', async () => {
    await assert.rejects(readDatasetOutput(folder('shard', run('explain-dataset', { index: 1, count: 4 }), { 'index.jsonl': indexText })), /merge the shards first/);
    const broken = indexText.split('\n').slice(0, 3).join('\n') + '\n{"index":-1,"id":"x","question":"q"}\n';
    await assert.rejects(readDatasetOutput(folder('broken', run('explain-dataset'), { 'index.jsonl': broken })), /line 4 is not a sample/);
    await assert.rejects(readDatasetOutput(path.join(root, 'nothing-here')), /holds no readable run.json/);
    await assert.rejects(readDatasetOutput(folder('other', run('sweep'), {})), /'sweep' run/);
  });

  test('the panel messages of stored outputs are validated', () => {
    const rows = indexText.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
    assert.ok(isHostMessage({ type: 'storedDataset', folder: '/runs/x', rows }));
    assert.ok(!isHostMessage({ type: 'storedDataset', folder: '/runs/x', rows: [{ index: 'one', id: 'x', question: 'q' }] }));
    assert.ok(isWebviewMessage({ type: 'openStored', index: 3 }));
    assert.ok(!isWebviewMessage({ type: 'openStored', index: -1 }));
    assert.ok(!isWebviewMessage({ type: 'openStored', index: 3, path: '/etc/passwd' }));
  });
});
