/** The legend of the shared diverging scale: a gradient with numbers. */
import { formatWeight, rgba, ticks, weightColour } from './colorScale';
import { h } from './dom';

export function renderLegend(container: HTMLElement, max: number): void {
  const bar = h('canvas', { class: 'legend-bar', attrs: { width: '256', height: '12', 'aria-hidden': 'true' } });
  const ctx = bar.getContext('2d');
  if (ctx) {
    for (let x = 0; x < 256; x++) {
      const t = (x / 255) * 2 - 1;
      const { rgb, alpha } = weightColour(t, 1);
      ctx.fillStyle = rgba(rgb, alpha);
      ctx.fillRect(x, 0, 1, 12);
    }
  }
  const labels = h('div', { class: 'legend-ticks' });
  for (const t of ticks(max)) labels.append(h('span', { class: 'tick', text: formatWeight(t) }));
  container.replaceChildren(
    h('span', { class: 'legend-title', text: 'weight' }),
    h('div', { class: 'legend-scale' }, bar, labels),
    h('span', { class: 'legend-note', text: max > 0 ? 'blue lowers, red raises the logit; one scale for all cells' : 'all weights are 0' }),
  );
  container.dataset['max'] = String(max);
}
