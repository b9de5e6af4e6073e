/**
 * A cell's ranked feature list (LIME's bar chart): the strongest features with their weights, each a
 * focusable row. It is how the keyboard reaches the image regions: focusing (or hovering) a row outlines
 * its region on the canvas, and hovering a region on the canvas marks its row (kept in step by the grid).
 * Arrow keys move between rows (one tab stop per list), Home/End jump, "Show all" lists every feature.
 */
import { formatWeight, rgba, weightColour } from './colorScale';
import { h } from './dom';

export interface FeatureListModel {
  names: readonly string[];
  weights: readonly number[];
  visible: readonly boolean[];
  max: number;
  /** How many rows show before "Show all". */
  top: number;
  /** What the list is, for screen readers ("M, image regions"). */
  label: string;
}

export interface FeatureListEvents {
  onFocus(feature: number): void;
  onBlur(): void;
}

/** Visible features ordered by |weight|, strongest first. */
export function rankedVisible(weights: readonly number[], visible: readonly boolean[]): number[] {
  return weights
    .map((_, i) => i)
    .filter((i) => visible[i] && Number.isFinite(weights[i]) && weights[i] !== 0)
    .sort((a, b) => Math.abs(weights[b]!) - Math.abs(weights[a]!) || a - b);
}

export class FeatureList {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly more: HTMLButtonElement;
  private expanded = false;
  private model: FeatureListModel | undefined;

  constructor(private readonly events: FeatureListEvents) {
    this.list = h('ol', { class: 'feature-list', attrs: { role: 'listbox' } });
    this.more = h('button', { class: 'link-button more', attrs: { type: 'button' } });
    this.more.addEventListener('click', () => {
      this.expanded = !this.expanded;
      if (this.model) this.render(this.model);
    });
    this.list.addEventListener('keydown', (e) => this.key(e));
    this.list.addEventListener('focusin', (e) => {
      const row = rowOf(e.target);
      if (row) this.events.onFocus(Number(row.dataset['feature']));
    });
    this.list.addEventListener('focusout', () => this.events.onBlur());
    this.list.addEventListener('mouseover', (e) => {
      const row = rowOf(e.target);
      if (row) this.events.onFocus(Number(row.dataset['feature']));
    });
    this.list.addEventListener('mouseleave', () => this.events.onBlur());
    this.element = h('div', { class: 'features' }, this.list, this.more);
  }

  render(m: FeatureListModel): void {
    this.model = m;
    const ranked = rankedVisible(m.weights, m.visible);
    const shown = this.expanded ? ranked : ranked.slice(0, m.top);
    this.list.setAttribute('aria-label', `${m.label}: ${ranked.length} features, strongest first`);
    const rows = shown.map((f, i) => {
      const w = m.weights[f]!;
      const bar = h('span', { class: 'feature-bar' });
      const fill = h('span', { class: `feature-fill ${w > 0 ? 'pos' : 'neg'}` });
      const t = m.max > 0 ? w / m.max : 0;
      const { rgb } = weightColour(t, 1);
      fill.style.width = `${Math.min(100, Math.abs(t) * 100).toFixed(1)}%`;
      fill.style.backgroundColor = rgba(rgb, 1);
      bar.append(fill);
      const name = m.names[f] ?? String(f);
      const says = `${name}: ${formatWeight(w)}, ${w > 0 ? 'raises' : 'lowers'} the logit, rank ${i + 1}`;
      return h(
        'li',
        {
          class: 'feature',
          title: `${says} of ${ranked.length} (${Math.abs(t * 100).toFixed(0)}% of the scale)`,
          data: { feature: String(f), weight: String(w) },
          attrs: { role: 'option', tabindex: i === 0 ? '0' : '-1', 'aria-label': says },
        },
        h('span', { class: 'feature-name', text: name }),
        bar,
        h('span', { class: 'feature-weight', text: formatWeight(w) }),
      );
    });
    if (rows.length === 0) rows.push(h('li', { class: 'feature muted', text: 'no feature passes the filters' }));
    this.list.replaceChildren(...rows);
    this.more.hidden = ranked.length <= m.top;
    this.more.textContent = this.expanded ? 'Show fewer' : `Show all ${ranked.length}`;
  }

  /** Marks the row of `feature` (hovered on the canvas); -1 clears. */
  mark(feature: number): void {
    for (const row of this.list.querySelectorAll<HTMLElement>('.feature')) row.classList.toggle('marked', row.dataset['feature'] === String(feature));
  }

  private key(e: KeyboardEvent): void {
    const rows = [...this.list.querySelectorAll<HTMLElement>('.feature[data-feature]')];
    const current = rows.indexOf(rowOf(e.target) ?? rows[0]!);
    const next = e.key === 'ArrowDown' ? current + 1 : e.key === 'ArrowUp' ? current - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? rows.length - 1 : undefined;
    if (next === undefined || rows.length === 0) return;
    e.preventDefault();
    const target = rows[Math.max(0, Math.min(rows.length - 1, next))]!;
    for (const r of rows) r.tabIndex = r === target ? 0 : -1;
    target.focus();
  }
}

function rowOf(target: EventTarget | null): HTMLElement | null {
  return target instanceof HTMLElement ? target.closest<HTMLElement>('.feature[data-feature]') : null;
}
