import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ExplanationResult } from '../../src/daemon/protocol';
import { applyRunSettings, runSettingsOf } from '../../src/explain/runSettings';
import { isHostMessage, isWebviewMessage, type RunSettings } from '../../src/panels/messages';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const settings: RunSettings = { imageSamples: 200, textSamples: 300, referenceSize: 50, seed: 7, segmentation: 'grid', hide: 'blur', labels: 'top' };
const result = JSON.parse(readFileSync(join(__dirname, '../../../test/fixtures/explanation.json'), 'utf8')) as ExplanationResult;

describe('explanation loop messages', () => {
  test('valid loop messages pass, anything else is dropped', () => {
    for (const m of [{ type: 'retry' }, { type: 'navigate', delta: 1 }, { type: 'navigate', delta: -1 }, { type: 'pin', pinned: false }, { type: 'reexplain', question: 'what?' }, { type: 'reexplain', settings }]) {
      assert.ok(isWebviewMessage(m), JSON.stringify(m));
    }
    for (const m of [
      { type: 'navigate', delta: 2 },
      { type: 'retry', extra: 1 },
      { type: 'pin', pinned: 'yes' },
      { type: 'reexplain', question: '   ' },
      { type: 'reexplain', question: 'x'.repeat(1001) },
      { type: 'reexplain', settings: { ...settings, seed: -1 } },
      { type: 'reexplain', settings: { ...settings, imageSamples: 2.5 } },
      { type: 'reexplain', settings: { ...settings, segmentation: 'felzenszwalb' } },
      { type: 'reexplain', settings: { ...settings, extra: true } },
    ]) {
      assert.equal(isWebviewMessage(m), false, JSON.stringify(m).slice(0, 80));
    }
    assert.ok(isHostMessage({ type: 'note', text: 'This is the last sample.' }));
    assert.equal(isHostMessage({ type: 'explanation', result, imageUri: 'x', position: { index: -1, count: 3 } }), false);
    assert.ok(isHostMessage({ type: 'explanation', result, imageUri: 'x', position: { index: 4, count: 300 } }));
    // the daemon's announced bounds travel with the result for the drawer; a malformed set is refused
    assert.ok(isHostMessage({ type: 'explanation', result, imageUri: 'x', limits: { imageSamples: { default: 1000, min: 10, max: 20000 } } }));
    assert.equal(isHostMessage({ type: 'explanation', result, imageUri: 'x', limits: { imageSamples: { min: 10, max: 20000 } } }), false);
  });

  test('the drawer starts from what produced the result and its values become the request options', () => {
    const s = runSettingsOf(result);
    assert.deepEqual(s, { imageSamples: 1000, textSamples: 1000, referenceSize: 100, seed: 0, segmentation: 'auto', hide: 'median', labels: 'all' });
    const options = applyRunSettings({ labels: 'all', quality: { stabilityRuns: 3 }, textMask: 'mask' }, settings);
    assert.deepEqual(options, {
      labels: 'top',
      quality: { stabilityRuns: 3 },
      textMask: 'mask',
      imageSamples: 200,
      textSamples: 300,
      referenceSize: 50,
      seed: 7,
      segmentation: { method: 'grid' },
      hide: { mode: 'blur' },
    });
  });
});
