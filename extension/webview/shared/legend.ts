/**
 * The legend of the colour scale, drawn with the very function that colours the overlays and words
 * (weightColour), over a light grey like the grey base of the image cells, so its colours are theirs. One
 * gradient per bound: one for a shared scale, image and words for a scale per modality, and a relative
 * one for a scale per cell (each cell shows its own bound).
 */
import type { ScaleMode } from '../../src/panels/messages';
import { formatWeight, rgba, ticks, weightColour } from './colorScale';
import { h } from './dom';

export interface LegendScale {
  /** What this gradient applies to ("image regions"), empty for a shared scale. */
  name: string;
  max: number;
}

/** About the grey the image cells show under the heat (a light, low-contrast grey copy of the image). */
const LEGEND_BASE = 'rgb(214, 214, 214)';

function gradient(max: number, relative: boolean): HTMLElement {
  const bar = h('canvas', { class: 'legend-bar', attrs: { width: '256', height: '12', 'aria-hidden': 'true' } });
  const ctx = bar.getContext('2d');
  if (ctx) {
    ctx.fillStyle = LEGEND_BASE;
    ctx.fillRect(0, 0, 256, 12);
    for (let x = 0; x < 256; x++) {
      const t = (x / 255) * 2 - 1;
      const { rgb, alpha } = weightColour(t, 1);
      ctx.fillStyle = rgba(rgb, alpha);
      ctx.fillRect(x, 0, 1, 12);
    }
  }
  const labels = h('div', { class: 'legend-ticks' });
  for (const t of relative ? ticks(1) : ticks(max)) labels.append(h('span', { class: 'tick', text: relative ? (t === 0 ? '0' : `${t > 0 ? '+' : '−'}${Math.abs(t)}×`) : formatWeight(t) }));
  return h('div', { class: 'legend-scale' }, bar, labels);
}

export function renderLegend(container: HTMLElement, mode: ScaleMode, scales: readonly LegendScale[]): void {
  const items: HTMLElement[] = [];
  if (mode === 'cell') {
    items.push(h('div', { class: 'legend-item' }, h('span', { class: 'legend-title', text: 'weight / the cell’s scale' }), gradient(1, true)));
  } else {
    for (const s of scales) {
      const item = h('div', { class: 'legend-item', data: { scale: s.name || 'shared', max: String(s.max) } }, h('span', { class: 'legend-title', text: s.name ? `${s.name}` : 'weight' }), gradient(s.max, false));
      items.push(item);
    }
  }
  const note = mode === 'shared' ? 'one scale for all cells' : mode === 'modality' ? 'one scale per modality' : 'each cell on its own scale (shown in its header)';
  const allZero = scales.every((s) => s.max <= 0);
  items.push(h('span', { class: 'legend-note', text: allZero ? 'all weights are 0' : `blue lowers, red raises the logit; ${note}` }));
  container.replaceChildren(...items);
  container.dataset['mode'] = mode;
  container.dataset['max'] = mode === 'shared' ? String(scales[0]?.max ?? 0) : '';
}
