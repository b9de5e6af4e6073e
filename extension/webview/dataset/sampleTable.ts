/**
 * The overview's table of samples, sortable by any column and filterable by predicted label, correctness and a
 * minimum MI share. Works on rows of a live EMAP overview and of a stored explain-dataset output alike; each row's
 * link calls `open` with the sample's index. Sorting and filtering never ask the host.
 */
import './sampleTable.css';
import { formatValue } from '../shared/colorScale';
import { h } from '../shared/dom';

export interface SampleRow {
  index: number;
  id: string;
  question: string;
  answer?: string;
  /** The predicted label's name; undefined when the sample failed. */
  predicted?: string;
  /** Prediction = answer; undefined when there is no answer or no prediction. */
  correct?: boolean;
  miShare?: number;
  uc?: number;
  mi?: number;
  /** Why the sample has no explanation. */
  failed?: string;
}

export type SortKey = 'index' | 'id' | 'question' | 'answer' | 'predicted' | 'miShare' | 'uc' | 'mi';
export type Correctness = 'all' | 'correct' | 'wrong' | 'unknown';

export interface TableView {
  sort: SortKey;
  descending: boolean;
  label: string;
  correctness: Correctness;
  /** Rows with an MI share below this (0..1) are hidden. */
  minMiShare: number;
}

export const DEFAULT_TABLE_VIEW: TableView = { sort: 'miShare', descending: true, label: '', correctness: 'all', minMiShare: 0 };

const COLUMNS: { key: SortKey | undefined; title: string }[] = [
  { key: undefined, title: '#' },
  { key: 'id', title: 'sample' },
  { key: 'question', title: 'question' },
  { key: 'answer', title: 'answer' },
  { key: 'predicted', title: 'predicted' },
  { key: 'miShare', title: 'MI share' },
  { key: 'uc', title: 'UC' },
  { key: 'mi', title: 'MI' },
];

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

/** The rows the view shows, in its order (missing values sort last, ties by sample index). */
export function visibleRows(rows: readonly SampleRow[], view: TableView): SampleRow[] {
  const kept = rows.filter(
    (r) =>
      (view.label === '' || r.predicted === view.label) &&
      (view.correctness === 'all' ||
        (view.correctness === 'correct' && r.correct === true) ||
        (view.correctness === 'wrong' && r.correct === false) ||
        (view.correctness === 'unknown' && r.correct === undefined)) &&
      (view.minMiShare <= 0 || (r.miShare ?? -1) >= view.minMiShare),
  );
  const value = (r: SampleRow): string | number | undefined => (view.sort === 'index' ? r.index : r[view.sort]);
  return kept.sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    if (x === undefined || y === undefined) return x === y ? a.index - b.index : x === undefined ? 1 : -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return (view.descending ? -order : order) || a.index - b.index;
  });
}

export function renderSampleTable(rows: readonly SampleRow[], open: (index: number) => void, initial: TableView = DEFAULT_TABLE_VIEW): HTMLElement {
  let view = { ...initial };
  const labels = [...new Set(rows.map((r) => r.predicted).filter((p): p is string => p !== undefined))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const labelSelect = h('select', { id: 'filter-label', attrs: { 'aria-label': 'predicted label' } }, h('option', { text: 'all labels', attrs: { value: '' } }), ...labels.map((l) => h('option', { text: l, attrs: { value: l } })));
  const correctSelect = h(
    'select',
    { id: 'filter-correct', attrs: { 'aria-label': 'correctness' } },
    ...(['all', 'correct', 'wrong', 'unknown'] as const).map((c) => h('option', { text: c === 'unknown' ? 'no answer' : c, attrs: { value: c } })),
  );
  const miInput = h('input', { id: 'filter-mi', attrs: { type: 'number', min: '0', max: '100', step: '5', value: '0', 'aria-label': 'minimum MI share in percent' } });
  const count = h('span', { class: 'table-count', id: 'table-count' });
  const head = h('tr');
  const body = h('tbody');
  const table = h('table', { class: 'samples', id: 'samples-table' }, h('thead', {}, head), body);

  for (const column of COLUMNS) {
    const th = h('th', { attrs: { scope: 'col' } });
    if (column.key) {
      const key = column.key;
      th.dataset['sort'] = key;
      const button = h('button', { class: 'sort', text: column.title, attrs: { type: 'button' } });
      button.addEventListener('click', () => {
        view = { ...view, sort: key, descending: view.sort === key ? !view.descending : key === 'miShare' || key === 'uc' || key === 'mi' };
        update();
      });
      th.append(button);
    } else {
      th.textContent = column.title;
    }
    head.append(th);
  }

  labelSelect.addEventListener('change', () => {
    view = { ...view, label: labelSelect.value };
    update();
  });
  correctSelect.addEventListener('change', () => {
    view = { ...view, correctness: correctSelect.value as Correctness };
    update();
  });
  miInput.addEventListener('input', () => {
    const percent = Number(miInput.value);
    view = { ...view, minMiShare: Number.isFinite(percent) ? Math.min(Math.max(percent, 0), 100) / 100 : 0 };
    update();
  });

  function update(): void {
    for (const th of head.querySelectorAll<HTMLElement>('th[data-sort]')) {
      if (th.dataset['sort'] === view.sort) th.setAttribute('aria-sort', view.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    }
    const shown = visibleRows(rows, view);
    count.textContent = `${shown.length} of ${rows.length} samples`;
    body.replaceChildren(
      ...shown.map((r, rank) => {
        const link = h('a', { class: 'link', text: r.id, attrs: { href: '#', role: 'button' }, data: { index: String(r.index) } });
        link.addEventListener('click', (e) => {
          e.preventDefault();
          open(r.index);
        });
        return h(
          'tr',
          { data: { index: String(r.index) } },
          h('td', { text: String(rank + 1) }),
          h('td', {}, link),
          h('td', { class: 'q', text: r.question }),
          h('td', { text: r.answer ?? '' }),
          h('td', { class: r.correct === undefined ? '' : r.correct ? 'ok' : 'wrong', text: r.predicted ?? `failed: ${r.failed ?? ''}` }),
          h('td', { class: 'num', text: r.miShare === undefined ? '' : pct(r.miShare) }),
          h('td', { class: 'num', text: r.uc === undefined ? '' : formatValue(r.uc) }),
          h('td', { class: 'num', text: r.mi === undefined ? '' : formatValue(r.mi) }),
        );
      }),
    );
  }

  update();
  return h(
    'div',
    { class: 'sample-table' },
    h('div', { class: 'table-filters' }, h('label', {}, 'predicted', labelSelect), h('label', {}, 'correct', correctSelect), h('label', {}, 'MI share ≥', miInput, '%'), count),
    table,
  );
}
