import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ExplanationResult } from '../../src/daemon/protocol';
import { alphaFor, blend, diverging, formatWeight, parseColor, symmetricMax, textOn, ticks } from '../../webview/shared/colorScale';
import { explainedLabels, ranks, sharedMax, valuesFor, visibleFeatures } from '../../webview/shared/view';
import fixture from '../fixtures/explanation.json';

const result = fixture as unknown as ExplanationResult;

describe('colour scale', () => {
  test('diverging: blue below 0, neutral at 0, red above, symmetric and clamped', () => {
    const neg = diverging(-1);
    const pos = diverging(1);
    const zero = diverging(0);
    assert.ok(neg[2] > neg[0], 'negative is blue');
    assert.ok(pos[0] > pos[2], 'positive is red');
    assert.deepEqual(zero, [247, 247, 247]);
    assert.deepEqual(diverging(-5), neg);
    assert.deepEqual(diverging(Number.NaN), zero);
    // symmetric in strength: |t| maps to the same distance from neutral
    const dist = (c: number[]) => Math.hypot(c[0]! - 247, c[1]! - 247, c[2]! - 247);
    assert.ok(Math.abs(dist(diverging(0.5)) - dist(diverging(-0.5))) < 40);
  });

  test('opacity grows with |weight| and the user opacity', () => {
    assert.ok(alphaFor(1, 1) > alphaFor(0.2, 1));
    assert.equal(alphaFor(-1, 0.5), alphaFor(1, 0.5));
    assert.equal(alphaFor(1, 0), 0);
  });

  test('shared bound, ticks and number formatting', () => {
    assert.equal(symmetricMax([0.1, -0.7], [0.3], [Number.NaN]), 0.7);
    assert.equal(symmetricMax([]), 0);
    assert.deepEqual(ticks(2), [-2, -1, 0, 1, 2]);
    assert.deepEqual(ticks(0), [0]);
    assert.equal(formatWeight(0.12345), '+0.1235');
    assert.equal(formatWeight(-2.5), '-2.500');
    assert.equal(formatWeight(0), '0');
  });

  test('readable text colour and CSS colour parsing', () => {
    assert.deepEqual(textOn([255, 255, 255]), [0, 0, 0]);
    assert.deepEqual(textOn([5, 48, 97]), [255, 255, 255]);
    assert.deepEqual(blend([255, 0, 0], 0.5, [0, 0, 0]), [128, 0, 0]);
    assert.deepEqual(parseColor('#1e1e1e'), [30, 30, 30]);
    assert.deepEqual(parseColor('#fff'), [255, 255, 255]);
    assert.deepEqual(parseColor('rgba(10, 20, 30, 0.5)'), [10, 20, 30]);
    assert.equal(parseColor('var(--x)'), undefined);
  });
});

describe('view selection', () => {
  const w = [0.5, -0.9, 0, 0.2, -0.1, 0.7];

  test('top-k by |weight|, zero weights never shown', () => {
    assert.deepEqual(visibleFeatures(w, 0, 'both'), [true, true, false, true, true, true]);
    assert.deepEqual(visibleFeatures(w, 3, 'both'), [true, true, false, false, false, true]);
    assert.deepEqual(visibleFeatures(w, 1, 'both'), [false, true, false, false, false, false]);
  });

  test('sign filters apply before top-k', () => {
    assert.deepEqual(visibleFeatures(w, 0, 'positive'), [true, false, false, true, false, true]);
    assert.deepEqual(visibleFeatures(w, 2, 'positive'), [true, false, false, false, false, true]);
    assert.deepEqual(visibleFeatures(w, 0, 'negative'), [false, true, false, false, true, false]);
  });

  test('ranks', () => {
    assert.deepEqual(ranks(w), [3, 1, 6, 4, 5, 2]);
  });

  test('the predicted label comes first; the shared max spans all six cells', () => {
    const labels = explainedLabels(result);
    assert.equal(labels[0], result.prediction.label);
    assert.equal(labels.length, 21);
    const label = result.prediction.label;
    const all: number[] = [];
    for (const list of [result.image!.explanations, result.text!.explanations]) {
      const e = list.find((x) => x.label === label)!;
      all.push(...e.m.weights, ...e.uc.weights, ...e.mi.weights);
    }
    assert.equal(sharedMax([result], label), Math.max(...all.map(Math.abs)));
  });

  test('values at the instance satisfy M = UC + MI in the fixture', () => {
    for (const v of result.values) {
      const x = valuesFor(result, v.label)!;
      assert.ok(Math.abs(x.m - (x.uc + x.mi)) < 1e-9);
    }
    assert.equal(valuesFor(result, 99), undefined);
  });
});

describe('weight colours', () => {
  test('every visible weight shows its sign; magnitude is opacity', async () => {
    const { weightColour } = await import('../../webview/shared/colorScale');
    const small = weightColour(0.05, 1);
    const big = weightColour(1, 1);
    assert.ok(small.rgb[0] > small.rgb[2] + 30, 'a small positive weight is still reddish');
    assert.ok(weightColour(-0.05, 1).rgb[2] > weightColour(-0.05, 1).rgb[0] + 30, 'a small negative weight is still bluish');
    assert.ok(big.alpha > small.alpha);
    assert.equal(weightColour(0.5, 0).alpha, 0);
  });
});
