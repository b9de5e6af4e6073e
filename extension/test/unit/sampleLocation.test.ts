import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_FIELDS } from '../../src/config/settings';
import { DaemonRequestError } from '../../src/daemon/errors';
import { Methods, type FindSampleResult, type ParamsOf, type RequestMethod, type ResultOf } from '../../src/daemon/protocol';
import { findSample, isDatasetFile, locationAt, objectLines, type DaemonRequester } from '../../src/datasets/sampleLocation';

/** A daemon client that records each request and answers from a function. */
class FakeDaemon implements DaemonRequester {
  readonly calls: { method: string; params: unknown }[] = [];
  constructor(private readonly answer: (method: string, params: unknown) => unknown) {}

  request<M extends RequestMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    this.calls.push({ method, params });
    try {
      return Promise.resolve(this.answer(method, params) as ResultOf<M>);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

const FOUND: FindSampleResult = {
  dataset: { datasetId: 'ds-1', path: '/data/CLEVR/questions/CLEVR_val_questions.json', format: 'clevr', count: 3, folder: '/data/CLEVR', warnings: [] },
  sample: { index: 1, id: '11', imagePath: '/data/CLEVR/images/val/CLEVR_val_000001.png', question: 'Is the ball gray?', answer: 'no', line: 9 },
};

describe('lines for CodeLenses', () => {
  test('every line that holds a JSON object, whatever its fields; blank and other lines get none', () => {
    const text = ['{"id": "0000", "image": "a.png", "question": "q?"}', '', '  {"anything": 1}', '   ', '[1, 2]', 'not json', '{broken', '\t{"x": 2}'].join('\r\n');
    assert.deepEqual(objectLines(text), [0, 2, 6, 7]);
    assert.deepEqual(objectLines(text, 2), [0, 2]);
    assert.deepEqual(objectLines(''), []);
    assert.deepEqual(objectLines('{"a": 1}\n'), [0]);
  });

  test('dataset files are told by their extension; the daemon decides what they hold', () => {
    assert.ok(isDatasetFile('/x/samples.jsonl'));
    assert.ok(isDatasetFile('/x/S.NDJSON'));
    assert.ok(isDatasetFile('/x/CLEVR_val_questions.json'));
    assert.equal(isDatasetFile('/x/image.png'), false);
    assert.equal(isDatasetFile('/x/notes.jsonl.txt'), false);
  });

  test('editor positions become the protocol\'s 1-based line and column', () => {
    assert.deepEqual(locationAt('/d/s.jsonl', 0), { path: '/d/s.jsonl', line: 1 });
    assert.deepEqual(locationAt('/d/q.json', 4, 0), { path: '/d/q.json', line: 5, column: 1 });
    assert.deepEqual(locationAt('/d/q.json', 0, 117), { path: '/d/q.json', line: 1, column: 118 });
  });
});

describe('the sample under the cursor comes from the daemon', () => {
  test('one dime/findSample request; identity, question and image path are the daemon\'s', async () => {
    const daemon = new FakeDaemon(() => FOUND);
    const target = await findSample(daemon, { path: FOUND.dataset.path, line: 12, column: 7 }, DEFAULT_FIELDS);
    assert.deepEqual(daemon.calls, [{ method: Methods.findSample, params: { path: FOUND.dataset.path, line: 12, column: 7 } }]);
    assert.equal(target.found, FOUND);
    assert.equal(target.label, 'sample 11');
    assert.equal(target.imagePath, '/data/CLEVR/images/val/CLEVR_val_000001.png');
    assert.deepEqual(target.dataFolders, ['/data/CLEVR', '/data/CLEVR/images/val']);
  });

  test('configured field names go with the request; default ones are left to the daemon', async () => {
    const daemon = new FakeDaemon(() => ({ ...FOUND, dataset: { ...FOUND.dataset, folder: '/data/CLEVR/images/val' } }));
    const target = await findSample(daemon, { path: '/d/s.jsonl', line: 3 }, { ...DEFAULT_FIELDS, image: 'picture', id: 'key' });
    assert.deepEqual(daemon.calls[0]?.params, { path: '/d/s.jsonl', line: 3, fields: { image: 'picture', id: 'key' } });
    assert.deepEqual(target.dataFolders, ['/data/CLEVR/images/val'], 'one folder when the image is in the dataset folder');
  });

  test('"line is not a sample" is the daemon\'s typed error, passed on unchanged', async () => {
    const refusal = new DaemonRequestError('line 2 of samples.jsonl is not a sample: the line is blank.', 1202, 'SampleNotFound', 'line 2');
    const daemon = new FakeDaemon(() => {
      throw refusal;
    });
    await assert.rejects(findSample(daemon, { path: '/d/samples.jsonl', line: 2 }, DEFAULT_FIELDS), (e) => e === refusal);
    assert.equal(daemon.calls.length, 1, 'no second request: nothing is scanned or reconciled');
  });
});
