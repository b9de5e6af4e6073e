/** Settings, seed, device and timings of a result, as tables (all values as text). */
import type { DeviceInfo, ModelInfo } from '../../src/daemon/protocol';
import { h } from './dom';

function valueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? '';
}

export function table(rows: readonly [string, string][], id?: string): HTMLTableElement {
  const t = h('table', { class: 'kv', ...(id ? { id } : {}) });
  for (const [k, v] of rows) t.append(h('tr', {}, h('th', { text: k, attrs: { scope: 'row' } }), h('td', { text: v })));
  return t;
}

export function deviceText(d: DeviceInfo): string {
  return `${d.kind === 'cuda' ? 'CUDA' : 'CPU'} (${d.name})${d.fallbackReason ? ` · fell back: ${d.fallbackReason}` : ''}`;
}

export function renderDetails(info: {
  model: ModelInfo;
  device: DeviceInfo;
  settings: Record<string, unknown>;
  timings: Record<string, number>;
  resultId: string;
  cached?: boolean;
  extra?: [string, string][];
  /** More of the details, after the tables (the explanation panel's provenance). */
  more?: HTMLElement;
}): HTMLElement {
  const seed = info.settings['seed'];
  const general: [string, string][] = [
    ['model', `${info.model.name} (${info.model.hash.slice(0, 12)})`],
    ['device', deviceText(info.device)],
    ['seed', valueText(seed)],
    ['result', `${info.resultId}${info.cached ? ' (from cache)' : ''}`],
    ...(info.extra ?? []),
  ];
  const settings = Object.entries(info.settings)
    .filter(([k]) => k !== 'seed')
    .map(([k, v]): [string, string] => [k, valueText(v)]);
  // runs.GRAPH and rows.GRAPH (a format-2 model's graph calls) are counts, every other entry milliseconds
  const timings = Object.entries(info.timings).map(([k, v]): [string, string] => [k, isCount(k) ? v.toFixed(0) : `${v.toFixed(0)} ms`]);
  const total = info.timings['total'];
  return h(
    'details',
    { class: 'details', id: 'details' },
    h('summary', { text: `Settings, device and timings${total !== undefined ? ` · ${(total / 1000).toFixed(2)} s` : ''} · seed ${valueText(seed)}` }),
    h(
      'div',
      { class: 'details-grid' },
      h('div', {}, h('h3', { text: 'Run' }), table(general, 'run-table')),
      h('div', {}, h('h3', { text: 'Settings' }), table(settings, 'settings-table')),
      h('div', {}, h('h3', { text: 'Timings' }), table(timings, 'timings-table')),
    ),
    info.more,
  );
}

function isCount(key: string): boolean {
  return key.startsWith('runs.') || key.startsWith('rows.');
}
