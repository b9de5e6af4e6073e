/** Applies the view's scale mode to a set of grids and their legend (shared by the explanation and compare panels). */
import type { ViewOptions } from '../../src/panels/messages';
import type { ExplanationGrid } from './grid';
import { renderLegend, type LegendScale } from './legend';
import { cellMax, type Modality } from './scales';
import type { GridSource } from './view';

export function updateGrids(results: readonly GridSource[], grids: readonly ExplanationGrid[], legend: HTMLElement, view: ViewOptions, label: number): void {
  const mode = view.scale ?? 'shared';
  grids.forEach((grid, i) => grid.update(view, label, (modality, part) => cellMax(results, i, label, mode, modality, part)));
  const scales: LegendScale[] = [];
  if (mode === 'modality') {
    const names: Record<Modality, string> = { image: 'image regions', text: 'words' };
    for (const m of ['image', 'text'] as const) if (results.some((r) => (m === 'image' ? r.image : r.text))) scales.push({ name: names[m], max: cellMax(results, 0, label, mode, m, 'm') });
  } else {
    scales.push({ name: '', max: cellMax(results, 0, label, 'shared', 'image', 'm') });
  }
  renderLegend(legend, mode, scales);
}
