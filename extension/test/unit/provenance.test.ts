import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ExplanationResult, ReproduceResult } from '../../src/daemon/protocol';
import { MessageReplay } from '../../src/panels/messageReplay';
import { isHostMessage, isWebviewMessage, type HostMessage } from '../../src/panels/messages';
import { explanationProblem, isReproduceResult } from '../../src/panels/resultGuards';
import fixture from '../fixtures/explanation.json';

const result = fixture as unknown as ExplanationResult;
const report: ReproduceResult = {
  resultId: result.resultId,
  identical: false,
  compared: 100,
  differing: 1,
  largest: { path: 'values[3].mi', stored: 1, reproduced: 1.5, difference: 0.5 },
  mismatches: [],
  environmentChanges: [],
  tolerance: 0,
  withinTolerance: false,
  elapsedMs: 12,
};

describe('provenance and reproduce in the panel contract', () => {
  test('the fixture (real daemon output) has a valid provenance; a broken one is named', () => {
    assert.ok(result.provenance, 'make-fixtures.mjs records the provenance');
    assert.equal(explanationProblem(result), undefined);
    const broken = structuredClone(result);
    broken.provenance!.reference.lines = [1, 2];
    assert.equal(explanationProblem(broken), 'provenance.reference.lines: not one per id');
    const noHash = structuredClone(result) as unknown as { provenance: { sample: Record<string, unknown> } };
    delete noHash.provenance.sample['imageHash'];
    assert.equal(explanationProblem(noHash), 'provenance.sample.imageHash: missing');
    const { provenance: _p, ...old } = result;
    assert.equal(explanationProblem(old), undefined, 'results of older daemons stay valid');
    assert.equal(explanationProblem({ ...result, warnings: [3] }), 'warnings[0]: expected string');
  });

  test('reproduce messages are validated on both sides', () => {
    assert.ok(isWebviewMessage({ type: 'reproduce' }));
    assert.ok(!isWebviewMessage({ type: 'reproduce', resultId: 'x' }));
    assert.ok(isReproduceResult(report));
    assert.ok(isHostMessage({ type: 'reproduced', report }));
    assert.ok(isHostMessage({ type: 'reproduced', error: 'Dataset changed [1601]', errorName: 'DatasetChanged' }));
    assert.ok(!isHostMessage({ type: 'reproduced' }));
    assert.ok(!isHostMessage({ type: 'reproduced', report: { ...report, compared: '100' } }));
    assert.ok(!isHostMessage({ type: 'reproduced', report: { ...report, largest: { path: 'x' } } }));
  });

  test('an outcome of Reproduce is not replayed in place of the result', () => {
    const replay = new MessageReplay();
    replay.onReady();
    const explanation: HostMessage = { type: 'explanation', result, imageUri: 'x' };
    replay.post({ type: 'start', title: 't' });
    replay.post(explanation);
    replay.post({ type: 'reproduced', report });
    assert.deepEqual(replay.onReady().map((m) => m.type), ['start', 'explanation']);
  });
});
