/** The decomposition at the instance, M = UC + MI, for the chosen label. */
import { formatValue } from './colorScale';
import { h } from './dom';

export function renderValues(v: { m: number; uc: number; mi: number } | undefined, labelText: string, idPrefix = ''): HTMLElement {
  if (!v) return h('div', { class: 'values muted', text: `No values for “${labelText}”.` });
  const diff = Math.abs(v.m - (v.uc + v.mi));
  const ok = diff <= 1e-6 * Math.max(1, Math.abs(v.m));
  const num = (id: string, value: number): HTMLElement => h('b', { id: `${idPrefix}${id}`, class: 'num', text: formatValue(value), data: { value: String(value) } });
  return h(
    'div',
    { class: 'values', id: `${idPrefix}values`, attrs: { title: 'logit of the label at this sample, split into unimodal contributions and interactions' } },
    h('span', { class: 'field-label', text: `logit of “${labelText}”: ` }),
    'M ',
    num('value-m', v.m),
    ' = UC ',
    num('value-uc', v.uc),
    ' + MI ',
    num('value-mi', v.mi),
    h('span', { class: ok ? 'check ok' : 'check wrong', text: ok ? ' ✓' : ` ✗ off by ${diff.toExponential(2)}` }),
  );
}
