/**
 * The dataset overview: EMAP gap (accuracy of f vs. its additive projection), UC/MI share per label,
 * and the samples most driven by interaction, each a link to its own explanation.
 */
import '../shared/panel.css';
import type { DatasetMessage, HostMessage, PanelState, StoredDatasetMessage } from '../../src/panels/messages';
import { listen, restoreState } from '../shared/boot';
import { renderDetails } from '../shared/details';
import { h } from '../shared/dom';
import { applyEnding, PanelShell } from '../shared/shell';
import { vscodeApi } from '../shared/vscodeApi';
import { renderSampleTable, type SampleRow } from './sampleTable';

const api = vscodeApi();
let state: PanelState = restoreState('dataset');
const shell = new PanelShell(() => api.post({ type: 'cancel' }));

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
const orNone = (v: number | undefined, show: (v: number) => string): string => (v === undefined ? '–' : show(v));

function card(label: string, value: string, id: string, note: string): HTMLElement {
  return h('div', { class: 'card', id }, h('div', { class: 'card-value', text: value }), h('div', { class: 'card-label', text: label }), h('div', { class: 'card-note', text: note }));
}

function renderResult(message: DatasetMessage): void {
  const r = message.result;
  const name = (i: number): string => r.labels[i] ?? String(i);
  // Accuracies need answers: a dataset without them has none, and the shares below still stand.
  const answered = r.samplesWithAnswers > 0 ? `on the ${r.samplesWithAnswers} explained samples with an answer` : 'no explained sample has an answer';

  const emap = h(
    'section',
    { class: 'emap', id: 'emap' },
    h('h2', { text: 'EMAP: how much does the model need interactions?' }),
    h(
      'div',
      { class: 'cards' },
      card('accuracy of the model f', orNone(r.emap.accuracy, pct), 'acc-f', answered),
      card('accuracy of its additive projection', orNone(r.emap.projectedAccuracy, pct), 'acc-projection', 'f without interactions (UC only)'),
      card('EMAP gap', orNone(r.emap.gap, (g) => `${(g * 100).toFixed(1)} points`), 'emap-gap', 'accuracy that needs multimodal interactions'),
    ),
    h('p', {
      class: 'muted emap-note',
      id: 'emap-note',
      text: 'How the shares below and the gap relate: a share says how large |UC| and |MI| are in a label’s logit; the gap says how often the answer changes when MI is removed. Both can be large at once: UC often lifts every plausible answer alike (the question type says “a shape”), and a smaller MI is what picks one of them. A high UC share with a large gap means the interactions are small but decisive.',
    }),
  );

  const bars = h('div', { class: 'share-bars', id: 'share-bars' });
  const perLabel = [...r.perLabel].sort((a, b) => b.count - a.count);
  for (const p of perLabel) {
    const total = p.ucShare + p.miShare;
    const uc = total > 0 ? p.ucShare / total : 0;
    const ucBar = h('span', { class: 'share uc', title: `UC ${pct(uc)}` });
    const miBar = h('span', { class: 'share mi', title: `MI ${pct(1 - uc)}` });
    ucBar.style.width = `${(uc * 100).toFixed(1)}%`;
    miBar.style.width = `${((1 - uc) * 100).toFixed(1)}%`;
    bars.append(
      h(
        'div',
        { class: 'share-row', data: { label: String(p.label) } },
        h('span', { class: 'share-label', text: name(p.label) }),
        h('span', { class: 'share-count', text: `${p.count}×` }),
        h('span', { class: 'share-bar' }, ucBar, miBar),
        h('span', { class: 'share-text', text: `UC ${pct(uc)} · MI ${pct(1 - uc)}` }),
      ),
    );
  }

  const rows: SampleRow[] = r.samples.map((x) => ({
    index: x.index,
    id: x.id,
    question: x.question,
    ...(x.answer === undefined ? {} : { answer: x.answer }),
    predicted: name(x.predicted),
    ...(x.answer === undefined ? {} : { correct: x.answer === name(x.predicted) }),
    miShare: x.miShare,
    uc: x.uc,
    mi: x.mi,
  }));
  const table = renderSampleTable(rows, (index) => api.post({ type: 'openSample', datasetId: r.dataset.datasetId, index }));

  shell.content.replaceChildren(
    emap,
    h(
      'section',
      {},
      h('h2', { text: "Share of UC and MI in each label's logit" }),
      h('p', { class: 'muted', text: 'Over all explained samples; × is how often the model predicts the label. The slice itself is the reference set here, so UC and MI differ from a sample’s own explanation (which averages over N samples drawn from the dataset).' }),
      h('div', { class: 'share-legend' }, h('span', { class: 'share uc key' }), ' UC (unimodal) ', h('span', { class: 'share mi key' }), ' MI (interaction)'),
      bars,
    ),
    h(
      'section',
      {},
      h('h2', { text: r.samples.length < r.count ? 'Samples most driven by interaction' : 'Samples' }),
      h('p', { class: 'muted', text: 'Click a column to sort, filter by label, correctness or MI share; click a sample to open its explanation.' }),
      table,
    ),
    renderDetails({
      model: r.model,
      device: r.device,
      settings: r.settings,
      timings: r.timings,
      resultId: r.resultId,
      extra: [['dataset', `${r.dataset.path} · samples ${r.offset}–${r.offset + r.count - 1} of ${r.dataset.count}`]],
    }),
  );
}

/** A stored explain-dataset output: a summary and the table; a row opens the sample's stored explanation. */
function renderStored(message: StoredDatasetMessage): void {
  const rows: SampleRow[] = message.rows.map((l) => ({
    index: l.index,
    id: l.id,
    question: l.question,
    ...(l.answer === undefined ? {} : { answer: l.answer }),
    ...(l.prediction ? { predicted: l.prediction.label } : {}),
    ...(l.correct === undefined ? {} : { correct: l.correct }),
    ...(l.miShare === undefined ? {} : { miShare: l.miShare }),
    ...(l.values ? { uc: l.values.uc, mi: l.values.mi } : {}),
    ...(l.error ? { failed: l.error.message } : {}),
  }));
  const judged = rows.filter((r) => r.correct !== undefined);
  const shares = rows.map((r) => r.miShare).filter((v): v is number => v !== undefined);
  const failed = rows.filter((r) => r.failed !== undefined).length;
  shell.content.replaceChildren(
    h(
      'section',
      { id: 'stored-summary' },
      h('h2', { text: 'Stored explanations' }),
      h(
        'div',
        { class: 'cards' },
        card('samples explained', String(rows.length - failed), 'stored-count', failed > 0 ? `${failed} failed` : 'none failed'),
        card('accuracy of the model f', judged.length > 0 ? pct(judged.filter((r) => r.correct).length / judged.length) : '–', 'stored-accuracy', `on ${judged.length} samples with an answer`),
        card('mean MI share', shares.length > 0 ? pct(shares.reduce((a, b) => a + b, 0) / shares.length) : '–', 'stored-mi', '|MI| / (|UC| + |MI|) at the predicted label'),
      ),
    ),
    h(
      'section',
      {},
      h('h2', { text: 'Samples' }),
      h('p', { class: 'muted', text: `Click a column to sort, filter by label, correctness or MI share; click a sample to open its stored explanation (${message.folder}).` }),
      renderSampleTable(rows, (index) => api.post({ type: 'openStored', index })),
    ),
  );
}

function renderAll(): void {
  shell.setTitle(state.start?.title ?? state.title, state.start?.subtitle);
  if (state.dataset) renderResult(state.dataset);
  else if (state.stored) renderStored(state.stored);
  else shell.content.replaceChildren();
  shell.setPhase(state.phase, state.error);
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'start':
      state = { kind: 'dataset', title: message.title, view: state.view, phase: 'running', start: message };
      renderAll();
      break;
    case 'progress':
      shell.progress(message);
      return;
    case 'dataset': {
      const { error: _e, stored: _s, ...rest } = state;
      state = { ...rest, phase: 'done', dataset: message };
      renderAll();
      break;
    }
    case 'storedDataset': {
      const { error: _e, dataset: _d, ...rest } = state;
      state = { ...rest, phase: 'done', stored: message };
      renderAll();
      break;
    }
    default: {
      const ended = applyEnding(shell, state, message, 'The dataset explanation was cancelled.');
      if (!ended) return;
      state = ended;
    }
  }
  api.setState(state);
}

renderAll();
listen(handle);
