import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { REFERENCE_COLOURS } from '../../webview/shared/colorScale.generated';
import { weightColour } from '../../webview/shared/colorScale';

describe('one colour scale for the panels and the HTML report', () => {
  test('the panel colours a weight exactly as the daemon does (colours generated from ColorScale.cs)', () => {
    assert.ok(REFERENCE_COLOURS.length >= 10);
    for (const [t, r, g, b, alpha] of REFERENCE_COLOURS) {
      const c = weightColour(t, 1);
      assert.deepEqual(c.rgb, [r, g, b], `t = ${t}`);
      assert.ok(Math.abs(c.alpha - alpha) < 1e-6, `t = ${t}: alpha ${c.alpha} vs ${alpha}`);
    }
  });
});
