/** The view controls: label, top-k, sign, opacity, segment borders, export. They never ask the daemon. */
import { TOP_K_CHOICES, type BaseMode, type SignFilter, type ViewOptions } from '../../src/panels/messages';
import { h } from './dom';
import { button, checkbox, labelled, select } from './elements';
import { SCALE_MODES } from './scales';

export interface LabelChoice {
  index: number;
  text: string;
}

export function renderControls(
  labels: readonly LabelChoice[],
  view: ViewOptions,
  label: number,
  onChange: (view: ViewOptions) => void,
  onExport?: () => void,
): HTMLElement {
  let current: ViewOptions = { ...view, label };
  const emit = (patch: Partial<ViewOptions>): void => {
    current = { ...current, ...patch };
    onChange(current);
  };

  const labelSelect = select('label-select', 'Label', labels.map((l) => ({ value: String(l.index), text: l.text })), String(label));
  labelSelect.addEventListener('change', () => {
    const value = Number(labelSelect.value);
    if (Number.isInteger(value) && labels.some((l) => l.index === value)) emit({ label: value });
  });

  const topK = select(
    'topk-select',
    'Features shown',
    TOP_K_CHOICES.map((k) => ({ value: String(k), text: k === 0 ? 'all' : `top ${k}` })),
    String(view.topK),
  );
  topK.addEventListener('change', () => {
    const value = Number(topK.value);
    if (TOP_K_CHOICES.includes(value)) emit({ topK: value });
  });

  const signs: { value: SignFilter; text: string }[] = [
    { value: 'both', text: 'positive and negative' },
    { value: 'positive', text: 'positive only' },
    { value: 'negative', text: 'negative only' },
  ];
  const sign = select('sign-select', 'Sign', signs, view.sign);
  sign.addEventListener('change', () => {
    const found = signs.find((s) => s.value === sign.value);
    if (found) emit({ sign: found.value });
  });

  const opacity = h('input', {
    id: 'opacity',
    class: 'range',
    attrs: { type: 'range', min: '0', max: '100', step: '5', value: String(Math.round(view.opacity * 100)), 'aria-label': 'Opacity of the image heatmaps (words are always fully coloured)' },
  });
  opacity.addEventListener('input', () => {
    const value = Number(opacity.value);
    if (Number.isFinite(value)) emit({ opacity: Math.min(1, Math.max(0, value / 100)) });
  });

  const scale = select('scale-select', 'Colour scale', SCALE_MODES, view.scale ?? 'shared');
  scale.addEventListener('change', () => {
    const found = SCALE_MODES.find((s) => s.value === scale.value);
    if (found) emit({ scale: found.value });
  });

  const bases: { value: BaseMode; text: string }[] = [
    { value: 'grey', text: 'grey image, heat filled' },
    { value: 'colour', text: 'colour image, heat outlined' },
  ];
  const base = select('base-select', 'Image base', bases, view.base ?? 'grey');
  base.addEventListener('change', () => {
    const found = bases.find((b) => b.value === base.value);
    if (found) emit({ base: found.value });
  });

  const borders = checkbox('borders', 'Segment borders', view.borders);
  borders.addEventListener('change', () => emit({ borders: borders.checked }));

  const row = h(
    'section',
    { class: 'controls', id: 'controls', attrs: { 'aria-label': 'View controls' } },
    labelled('Label', labelSelect),
    labelled('Features', topK),
    labelled('Sign', sign),
    labelled('Scale', scale),
    labelled('Base', base),
    labelled('Image opacity', opacity),
    borders,
  );
  if (onExport) {
    const exp = button('Export…', 'export', true);
    exp.addEventListener('click', onExport);
    row.append(h('span', { class: 'spacer' }), exp);
  }
  return row;
}
