/**
 * The explanation panel while the rows arrive: the heatmaps of the partial fits so far, drawn dimmed under a
 * line that says how many rows each modality's fit rests on. They sharpen with every partial and give way to
 * the result when it arrives.
 */
import type { PartialMessage, StartMessage, ViewOptions } from '../../src/panels/messages';
import { PartialView } from '../../src/panels/partialResults';
import { h } from '../shared/dom';
import { ExplanationGrid } from '../shared/grid';
import { updateGrids } from '../shared/scaleView';
import { renderSample } from '../shared/summary';

const WAITING = (modality: string): string => `Waiting for the first ${modality === 'image' ? 'image' : 'word'} rows…`;

export class PartialPanel {
  readonly element: HTMLElement;
  private readonly partials = new PartialView();
  private readonly status = h('p', { class: 'partial-status', id: 'partial-status', attrs: { role: 'status' } });
  private readonly legend = h('div', { class: 'legend', id: 'legend' });
  private readonly slot = h('div', { class: 'partial-grid' });
  private grid: ExplanationGrid | undefined;
  private labelNames: Record<number, string> = {};

  constructor(private readonly start: StartMessage | undefined) {
    this.element = h(
      'div',
      { class: 'partial', id: 'partial' },
      h('div', { class: 'top' }, renderSample(start?.question, start?.imageUri)),
      this.status,
      h('div', { class: 'scale-row' }, this.legend),
      this.slot,
    );
  }

  /** Takes one partial and redraws; false when it did not fit what was described before (dropped). */
  show(message: PartialMessage, view: ViewOptions): boolean {
    const outcome = this.partials.accept(message.partial);
    if (outcome === 'ignored') return false;
    this.labelNames = { ...this.labelNames, ...message.labelNames };
    if (outcome === 'built' || !this.grid) {
      this.grid = new ExplanationGrid(this.partials.source, this.start?.imageUri ?? '', WAITING);
      this.slot.replaceChildren(this.grid.element);
    }
    this.redraw(view);
    return true;
  }

  /** Draws the cells again with other view options (opacity, scale, base). */
  redraw(view: ViewOptions): void {
    if (!this.grid) return;
    const labels = this.partials.labels();
    const label = view.label !== undefined && labels.includes(view.label) ? view.label : this.partials.source.predicted;
    updateGrids([this.partials.source], [this.grid], this.legend, { ...view, label }, label);
    const rows = this.partials.source.rows;
    const describe = (name: string, r: [number, number] | undefined): string => (r ? `${r[0]} of ${r[1]} rows (${name})` : `${name} waiting`);
    this.status.textContent = `partial: ${describe('image', rows.image)} · ${describe('words', rows.text)} — label “${this.labelNames[label] ?? label}”; sharpens until the result arrives`;
    this.status.dataset['imageRows'] = String(rows.image?.[0] ?? 0);
    this.status.dataset['textRows'] = String(rows.text?.[0] ?? 0);
    this.element.dataset['label'] = String(label);
  }

  /** Rows the partial heatmaps rest on, for the note after a cancel. */
  get rows(): number {
    return (this.partials.source.rows.image?.[0] ?? 0) + (this.partials.source.rows.text?.[0] ?? 0);
  }
}
