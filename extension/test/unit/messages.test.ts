import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DatasetResult, ExplanationResult } from '../../src/daemon/protocol';
import { DEFAULT_VIEW, isHostMessage, isPanelState, isViewOptions, isWebviewMessage, stateResultId } from '../../src/panels/messages';
import { datasetProblem, explanationProblem, isCompareResult } from '../../src/panels/resultGuards';
import compareFixture from '../fixtures/compare.json';
import datasetFixture from '../fixtures/dataset.json';
import fixture from '../fixtures/explanation.json';

const clone = <T>(v: T): T => structuredClone(v);

describe('messages from the webview (validated by the host)', () => {
  test('accepts the documented messages', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'cancel' },
      { type: 'export' },
      { type: 'openSample', datasetId: 'ds-1', index: 0 },
      { type: 'openSample', datasetId: 'ds-1', index: 299 },
      { type: 'log', level: 'warn', message: 'something' },
    ]) {
      assert.ok(isWebviewMessage(m), JSON.stringify(m));
    }
  });

  test('refuses anything else', () => {
    for (const m of [
      null,
      undefined,
      'ready',
      42,
      [],
      {},
      { type: 'READY' },
      { type: 'ready', extra: 1 },
      { type: 'run', command: 'rm -rf /' },
      { type: 'openSample', datasetId: 'ds-1', index: -1 },
      { type: 'openSample', datasetId: 'ds-1', index: 1.5 },
      { type: 'openSample', datasetId: 'ds-1', index: '3' },
      { type: 'openSample', datasetId: '', index: 3 },
      { type: 'openSample', datasetId: 'x'.repeat(300), index: 3 },
      { type: 'openSample', datasetId: 'ds', index: Number.MAX_SAFE_INTEGER + 2 },
      { type: 'openSample', datasetId: { toString: 'x' }, index: 3 },
      { type: 'log', level: 'fatal', message: 'x' },
      { type: 'log', level: 'info', message: 'x'.repeat(5000) },
      JSON.parse('{"type": "cancel", "__proto__": {"polluted": true}}'),
    ]) {
      assert.equal(isWebviewMessage(m), false, JSON.stringify(m));
    }
  });
});

describe('messages from the host (validated by the webview)', () => {
  test('the fixture explanation, compare and dataset results are valid', () => {
    assert.equal(explanationProblem(fixture), undefined);
    assert.ok(isHostMessage({ type: 'explanation', result: fixture, imageUri: 'x' }));
    assert.ok(isCompareResult(compareFixture));
    assert.ok(isHostMessage({ type: 'compare', result: compareFixture, imageUri: 'x' }));
    assert.equal(datasetProblem(datasetFixture), undefined);
    assert.ok(isHostMessage({ type: 'dataset', result: datasetFixture }));
    assert.ok(isHostMessage({ type: 'progress', phase: 'image', fraction: 0.42 }));
    assert.ok(isHostMessage({ type: 'start', title: 't', question: 'q' }));
  });

  test('malformed results are refused with the failing field', () => {
    const broken: [string, (r: ExplanationResult) => void][] = [
      ['image.segmentation.map: not width x height', (r) => r.image!.segmentation.map.pop()],
      ['image.segmentation.map: not a segment', (r) => (r.image!.segmentation.map[5] = r.image!.segmentation.count)],
      ['image.explanations[0].m.weights: not one per feature', (r) => r.image!.explanations[0]!.m.weights.push(1)],
      ['image.explanations[0].uc.weights[0]: expected number', (r) => (r.image!.explanations[0]!.uc.weights[0] = Number.NaN)],
      ['image.explanations[3].label: not a label', (r) => (r.image!.explanations[3]!.label = r.labels.length)],
      ['text.tokens: not a feature', (r) => (r.text!.tokens[0]!.feature = r.text!.features.length)],
      ['text.explanations[0].mi.selected: not a feature', (r) => r.text!.explanations[0]!.mi.selected.push(r.text!.features.length + 2)],
      ['prediction.label: not a label', (r) => (r.prediction.label = -1)],
      ['values[0].uc: expected number', (r) => (r.values[0]!.uc = Number.POSITIVE_INFINITY)],
      ['sample.question: expected string', (r) => ((r.sample as unknown as Record<string, unknown>)['question'] = 7)],
      ['labels: empty', (r) => (r.labels = [])],
      ['quality.stability.image[0].m.meanSpearman: expected number', (r) => (r.quality!.stability!.image![0]!.m.meanSpearman = Number.NaN)],
      ['quality.stability.label: not a label', (r) => (r.quality!.stability!.text![0]!.label = 99)],
      ['settings.seed: expected number', (r) => ((r.settings as unknown as Record<string, unknown>)['seed'] = 'zero')],
      ['timings.total: expected number', (r) => (r.timings['total'] = Number.NaN)],
    ];
    for (const [field, breakIt] of broken) {
      const r = clone(fixture) as unknown as ExplanationResult;
      breakIt(r);
      assert.equal(explanationProblem(r), field);
      assert.equal(isHostMessage({ type: 'explanation', result: r, imageUri: 'x' }), false);
    }
    assert.equal(isHostMessage({ type: 'progress', phase: 'image', fraction: Number.NaN }), false);
    assert.equal(isHostMessage({ type: 'mystery' }), false);
  });

  test('the generated guards: a missing required property is named, a missing optional one is fine', () => {
    for (const required of ['resultId', 'model', 'labels', 'prediction', 'values', 'settings', 'timings']) {
      const r = clone(fixture) as unknown as Record<string, unknown>;
      delete r[required];
      assert.equal(explanationProblem(r), `${required}: missing`);
    }
    const noLogit = clone(fixture) as unknown as ExplanationResult;
    delete (noLogit.prediction.top[0] as Partial<(typeof noLogit.prediction.top)[0]>).logit;
    assert.equal(explanationProblem(noLogit), 'prediction.top[0].logit: missing');
    const noProjected = clone(datasetFixture) as unknown as DatasetResult;
    delete (noProjected.samples[2] as Partial<DatasetResult['samples'][0]>).projected;
    assert.equal(datasetProblem(noProjected), 'samples[2].projected: missing');
    for (const optional of ['image', 'text', 'quality', 'artifacts', 'provenance', 'warnings']) {
      const r = clone(fixture) as unknown as Record<string, unknown>;
      delete r[optional];
      assert.equal(explanationProblem(r), undefined, optional);
    }
    const badEnum = clone(fixture) as unknown as { device: { kind: string } };
    badEnum.device.kind = 'tpu';
    assert.equal(explanationProblem(badEnum), 'device.kind: expected one of cpu, cuda');
  });

  test('an overview of a dataset without answers is valid: the EMAP accuracies are optional (issue 13)', () => {
    const r = clone(datasetFixture) as unknown as DatasetResult;
    r.samplesWithAnswers = 0;
    r.emap = {};
    for (const s of r.samples) delete s.answer;
    assert.equal(datasetProblem(r), undefined);
    assert.ok(isHostMessage({ type: 'dataset', result: r }));
    const missing = clone(datasetFixture) as unknown as Partial<DatasetResult>;
    delete missing.emap;
    assert.equal(datasetProblem(missing), 'emap: missing');
  });

  test('a result without modalities is still valid (text-only / image-only)', () => {
    const r = clone(fixture) as Partial<ExplanationResult>;
    delete r.image;
    assert.equal(explanationProblem(r), undefined);
  });

  test('an image file explained with a typed question has no sample index or line', () => {
    const r = clone(fixture) as unknown as ExplanationResult;
    delete r.sample.index;
    delete r.sample.line;
    delete r.quality;
    assert.equal(explanationProblem(r), undefined);
  });
});

describe('persisted panel state', () => {
  test('view options', () => {
    assert.ok(isViewOptions(DEFAULT_VIEW));
    assert.ok(isViewOptions({ label: 3, topK: 5, sign: 'positive', opacity: 0.2, borders: true }));
    assert.equal(isViewOptions({ ...DEFAULT_VIEW, opacity: 2 }), false);
    assert.equal(isViewOptions({ ...DEFAULT_VIEW, sign: 'all' }), false);
    assert.equal(isViewOptions({ ...DEFAULT_VIEW, label: -2 }), false);
  });

  test('a valid state restores and names its result; a tampered one does not', () => {
    const state = {
      kind: 'explanation',
      title: 'DIME: sample 0000',
      view: DEFAULT_VIEW,
      phase: 'done',
      explanation: { type: 'explanation', result: fixture, imageUri: 'u' },
    };
    assert.ok(isPanelState(state));
    assert.equal(stateResultId(state as never), fixture.resultId);
    assert.equal(isPanelState({ ...state, kind: 'other' }), false);
    assert.equal(isPanelState({ ...state, phase: 'weird' }), false);
    assert.equal(isPanelState({ ...state, explanation: { type: 'explanation', result: { resultId: 'x' }, imageUri: 'u' } }), false);
    const compare = { kind: 'compare', title: 't', view: DEFAULT_VIEW, phase: 'done', compare: { type: 'compare', result: compareFixture, imageUri: 'u' } };
    assert.ok(isPanelState(compare));
    assert.equal(stateResultId(compare as never), compareFixture.results[0]!.resultId);
  });
});
