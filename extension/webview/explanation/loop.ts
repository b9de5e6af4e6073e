/**
 * The explanation panel's loop controls: previous / next sample, pin, edit the question and re-explain in
 * place, and the settings drawer (S, N, seed, segmentation, hiding, labels) that re-runs. They only post
 * messages; the host runs the request in this same panel.
 */
import type { OptionLimits } from '../../src/daemon/protocol';
import { HIDE_MODES, MAX_QUESTION, SEGMENTATIONS, type RunSettings, type WebviewMessage } from '../../src/panels/messages';
import { h } from '../shared/dom';
import { button, checkbox, labelled, select } from '../shared/elements';

export interface LoopModel {
  question: string;
  position?: { index: number; count: number };
  settings: RunSettings;
  /** The daemon's bounds for the drawer's numbers; without them the daemon alone checks (and names) a bad value. */
  limits?: OptionLimits;
  pinned: boolean;
  post(message: WebviewMessage): void;
  onPin(pinned: boolean): void;
}

export function renderLoopBar(m: LoopModel): HTMLElement {
  const previous = button('◀ Previous sample', 'previous', true);
  const next = button('Next sample ▶', 'next', true);
  const at = m.position;
  previous.disabled = !at || at.index <= 0;
  next.disabled = !at || at.index >= at.count - 1;
  previous.addEventListener('click', () => m.post({ type: 'navigate', delta: -1 }));
  next.addEventListener('click', () => m.post({ type: 'navigate', delta: 1 }));
  const position = h('span', { class: 'muted', id: 'position', text: at ? `sample ${at.index + 1} of ${at.count}` : 'an image with a typed question' });
  const pin = checkbox('pin', 'Pin this panel (new explanations open another)', m.pinned);
  pin.addEventListener('change', () => {
    m.onPin(pin.checked);
    m.post({ type: 'pin', pinned: pin.checked });
  });

  const editor = h('textarea', { class: 'question-editor', id: 'question-editor', attrs: { rows: '2', maxlength: String(MAX_QUESTION), 'aria-label': 'Question to explain' } });
  editor.value = m.question;
  const rerun = button('Re-explain with this question', 'reexplain-question');
  const invalid = h('span', { class: 'field-error', id: 'question-error' });
  rerun.addEventListener('click', () => {
    const q = editor.value.trim();
    invalid.textContent = q === '' ? 'Type a question.' : '';
    if (q !== '') m.post({ type: 'reexplain', question: q });
  });
  editor.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) rerun.click();
  });
  const question = h('details', { class: 'drawer', id: 'question-drawer' }, h('summary', { text: 'Edit the question and re-explain' }), editor, h('div', { class: 'drawer-actions' }, rerun, invalid));

  return h(
    'section',
    { class: 'loop', id: 'loop', attrs: { 'aria-label': 'Explain again' } },
    h('div', { class: 'loop-bar' }, previous, next, position, h('span', { class: 'spacer' }), pin),
    question,
    renderSettingsDrawer(m),
  );
}

function numberField(id: string, label: string, value: number, lo: number, hi: number): HTMLInputElement {
  return h('input', { id, class: 'number', attrs: { type: 'number', min: String(lo), max: String(hi), step: '1', value: String(value), 'aria-label': label } });
}

function renderSettingsDrawer(m: LoopModel): HTMLElement {
  const s = m.settings;
  const bounds = (name: string): [number, number] => {
    const limit = m.limits?.[name];
    return limit ? [limit.min, limit.max] : [0, Number.MAX_SAFE_INTEGER];
  };
  const [sLo, sHi] = bounds('imageSamples');
  const [tLo, tHi] = bounds('textSamples');
  const [nLo, nHi] = bounds('referenceSize');
  const [seedLo, seedHi] = bounds('seed');
  const imageSamples = numberField('set-image-samples', 'Image samples S', s.imageSamples, sLo, sHi);
  const textSamples = numberField('set-text-samples', 'Text samples S', s.textSamples, tLo, tHi);
  const referenceSize = numberField('set-reference-size', 'Reference samples N', s.referenceSize, nLo, nHi);
  const seed = numberField('set-seed', 'Seed', s.seed, seedLo, seedHi);
  const segmentation = select('set-segmentation', 'Segmentation', SEGMENTATIONS.map((v) => ({ value: v, text: v })), s.segmentation);
  const hide = select('set-hide', 'Hiding', HIDE_MODES.map((v) => ({ value: v, text: v })), s.hide);
  const labels = select('set-labels', 'Labels', [{ value: 'all', text: 'all labels' }, { value: 'top', text: 'top answers' }], s.labels);
  const error = h('span', { class: 'field-error', id: 'settings-error' });
  const rerun = button('Re-explain with these settings', 'reexplain-settings');
  rerun.addEventListener('click', () => {
    const int = (input: HTMLInputElement, lo: number, hi: number, name: string): number => {
      const v = Number(input.value);
      if (!Number.isSafeInteger(v) || v < lo || v > hi) throw new Error(`${name} must be a whole number from ${lo} to ${hi}.`);
      return v;
    };
    try {
      const settings: RunSettings = {
        imageSamples: int(imageSamples, sLo, sHi, 'Image samples'),
        textSamples: int(textSamples, tLo, tHi, 'Text samples'),
        referenceSize: int(referenceSize, nLo, nHi, 'N'),
        seed: int(seed, seedLo, seedHi, 'Seed'),
        segmentation: SEGMENTATIONS.find((v) => v === segmentation.value) ?? 'auto',
        hide: HIDE_MODES.find((v) => v === hide.value) ?? 'median',
        labels: labels.value === 'top' ? 'top' : 'all',
      };
      error.textContent = '';
      m.post({ type: 'reexplain', settings });
    } catch (e) {
      error.textContent = e instanceof Error ? e.message : String(e);
    }
  });
  const summary = `Settings: S ${s.imageSamples} / ${s.textSamples} · N ${s.referenceSize} · seed ${s.seed} · ${s.segmentation} · ${s.hide}`;
  return h(
    'details',
    { class: 'drawer', id: 'settings-drawer' },
    h('summary', { text: summary }),
    h(
      'div',
      { class: 'drawer-fields' },
      labelled('Image samples S', imageSamples),
      labelled('Text samples S', textSamples),
      labelled('Reference samples N', referenceSize),
      labelled('Seed', seed),
      labelled('Segmentation', segmentation),
      labelled('Hiding', hide),
      labelled('Labels', labels),
    ),
    h('div', { class: 'drawer-actions' }, rerun, error),
  );
}
