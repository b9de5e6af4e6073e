import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Part, PartialResult, ProgressValue, SegmentationInfo } from '../../src/daemon/protocol';
import { forwardPartials } from '../../src/explain/forwardPartials';
import { MessageReplay } from '../../src/panels/messageReplay';
import { isHostMessage, type HostMessage, type PartialMessage } from '../../src/panels/messages';
import { partialProblem, PartialView, withDescription } from '../../src/panels/partialResults';

const part = (weights: number[]): Part => ({ weights, selected: weights.map((_, i) => i), intercept: 0, r2: 0.5, localPrediction: 1 });
const segmentation: SegmentationInfo = { method: 'grid', parameters: {}, count: 2, width: 2, height: 1, map: [0, 1] };

function imagePartial(rows: number, weights: number[], described: boolean): PartialResult {
  return {
    modality: 'image',
    rows,
    plannedRows: 1000,
    predicted: 3,
    explanations: [{ label: 3, m: part(weights), uc: part(weights), mi: part(weights) }],
    ...(described ? { segmentation } : {}),
  };
}

function textPartial(rows: number, described: boolean): PartialResult {
  return {
    modality: 'text',
    rows,
    plannedRows: 500,
    predicted: 3,
    explanations: [{ label: 1, m: part([1, 2, 3]), uc: part([1, 2, 3]), mi: part([0, 0, 0]) }, { label: 3, m: part([1, 0, 0]), uc: part([0, 1, 0]), mi: part([0, 0, 1]) }],
    ...(described ? { features: ['what', 'colour', 'circle'], tokens: [{ text: 'what', feature: 0 }, { text: 'colour', feature: 1 }, { text: 'circle', feature: 2 }, { text: '?', feature: -1 }] } : {}),
  };
}

const message = (partial: PartialResult): PartialMessage => ({ type: 'partial', partial, labelNames: { 3: 'yes' } });

describe('partial results on their way to the explanation panel', () => {
  test('forwardPartials posts each partial with its label names and passes the progress on without it', () => {
    const posted: PartialMessage[] = [];
    const progress: ProgressValue[] = [];
    const forward = forwardPartials((m) => posted.push(m), ['no', 'red', 'blue', 'yes'], (v) => progress.push(v));
    forward({ phase: 'image', fraction: 0.1 });
    forward({ phase: 'image', fraction: 0.3, partial: textPartial(100, true) });
    assert.deepEqual(progress, [
      { phase: 'image', fraction: 0.1 },
      { phase: 'image', fraction: 0.3 },
    ]);
    assert.equal(posted.length, 1);
    assert.deepEqual(posted[0]!.labelNames, { 1: 'red', 3: 'yes' });
    assert.equal(posted[0]!.partial.rows, 100);
    assert.ok(isHostMessage(posted[0]), 'the webview accepts what the host posts');
  });

  test('the guard refuses malformed partials with the field at fault', () => {
    assert.equal(partialProblem(imagePartial(100, [1, 2], true)), undefined);
    assert.equal(partialProblem({ ...imagePartial(100, [1, 2], true), modality: 'audio' }), 'modality');
    assert.equal(partialProblem({ ...imagePartial(1001, [1, 2], true) }), 'rows');
    assert.equal(partialProblem({ ...imagePartial(100, [1, 2], true), predicted: -1 }), 'predicted');
    assert.equal(partialProblem(imagePartial(100, [1, Number.NaN], true)), 'explanations');
    assert.equal(partialProblem({ ...imagePartial(100, [1, 2], true), segmentation: { ...segmentation, map: [0, 2] } }), 'segmentation');
    assert.equal(partialProblem({ ...textPartial(100, true), tokens: [{ text: 'x', feature: -2 }] }), 'tokens');
    assert.equal(isHostMessage({ type: 'partial', partial: imagePartial(100, [1, 2], true), labelNames: { x: 'yes' } }), false);
  });

  test('PartialView builds a modality on its first partial, redraws on later ones and drops what does not fit', () => {
    const view = new PartialView();
    assert.equal(view.accept(imagePartial(250, [1, 2], false)), 'ignored', 'nothing describes the regions yet');
    assert.equal(view.accept(imagePartial(100, [1, 2], true)), 'built');
    assert.equal(view.accept(imagePartial(250, [3, 4], false)), 'redrawn');
    assert.deepEqual(view.source.image?.explanations[0]?.m.weights, [3, 4]);
    assert.deepEqual(view.source.rows, { image: [250, 1000] });
    assert.equal(view.accept(imagePartial(500, [1, 2, 3], false)), 'ignored', 'three weights for two regions');
    assert.equal(view.source.image?.samples, 250);
    assert.equal(view.accept(textPartial(100, true)), 'built');
    assert.equal(view.accept(textPartial(250, false)), 'redrawn');
    assert.deepEqual(view.source.rows.text, [250, 500]);
    assert.deepEqual(view.labels(), [3, 1], 'the predicted label first');
  });

  test('a reloaded webview gets one message per modality that still describes its features, then the progress', () => {
    const r = new MessageReplay();
    r.onReady();
    const start: HostMessage = { type: 'start', title: 't' };
    const progress: HostMessage = { type: 'progress', phase: 'text', fraction: 0.6 };
    r.post(start);
    r.post(message(imagePartial(100, [1, 2], true)));
    r.post(message(imagePartial(250, [3, 4], false)));
    r.post(message(textPartial(100, true)));
    r.post(progress);
    const replayed = r.onReady();
    assert.equal(replayed.length, 4);
    assert.deepEqual(replayed[0], start);
    const image = replayed[1] as PartialMessage;
    assert.equal(image.partial.rows, 250);
    assert.deepEqual(image.partial.segmentation, segmentation);
    assert.deepEqual(image.partial.explanations[0]?.m.weights, [3, 4]);
    assert.equal((replayed[2] as PartialMessage).partial.modality, 'text');
    assert.deepEqual(replayed[3], progress);
    // the result supersedes the partials; a new start forgets them
    const done: HostMessage = { type: 'cancelled' };
    r.post(done);
    assert.deepEqual(r.onReady(), [start, done]);
    r.post(start);
    r.post(message(imagePartial(100, [1, 2], true)));
    r.post(start);
    assert.deepEqual(r.onReady(), [start]);
  });

  test('withDescription keeps the latest weights and the first description', () => {
    const merged = withDescription(textPartial(100, true), textPartial(250, false));
    assert.equal(merged.rows, 250);
    assert.equal(merged.features?.length, 3);
    assert.equal(merged.tokens?.length, 4);
  });
});
