/** The explanation panel: sample, prediction, M/UC/MI x image/words grid on one scale, controls, details. */
import '../shared/panel.css';
import type { ExplanationMessage, HostMessage, PanelState, PartialMessage, ViewOptions } from '../../src/panels/messages';
import { listen, restoreState } from '../shared/boot';
import { renderControls } from '../shared/controls';
import { renderDetails } from '../shared/details';
import { h } from '../shared/dom';
import { ExplanationGrid } from '../shared/grid';
import { renderHowToRead } from '../shared/howToRead';
import { updateGrids } from '../shared/scaleView';
import { ProvenanceSection } from '../shared/provenance';
import { applyEnding, PanelShell } from '../shared/shell';
import { renderPrediction, renderSample } from '../shared/summary';
import { onThemeChange } from '../shared/theme';
import { renderWarnings, warningsFor } from '../shared/trust';
import { renderValues } from '../shared/values';
import { explainedLabels, valuesFor } from '../shared/view';
import { vscodeApi } from '../shared/vscodeApi';
import { runSettingsOf } from '../../src/explain/runSettings';
import { renderLoopBar } from './loop';
import { PartialPanel } from './partial';

const api = vscodeApi();
let state: PanelState = restoreState('explanation');
const shell = new PanelShell(
  () => api.post({ type: 'cancel' }),
  () => api.post({ type: 'retry' }),
);

interface Rendered {
  message: ExplanationMessage;
  grid: ExplanationGrid;
  legend: HTMLElement;
  values: HTMLElement;
  warnings: HTMLElement;
  howToRead: HTMLElement;
}
let rendered: Rendered | undefined;
/** The heatmaps of the rows so far while a run is in flight (not persisted: a reload gets them replayed). */
let partial: PartialPanel | undefined;
/** When the run began (its start message), for the time to its first partial heatmap (#app data-first-partial-ms). */
let startedAt = 0;
let provenance: ProvenanceSection | undefined;

function save(): void {
  api.setState(state);
}

function currentLabel(message: ExplanationMessage): number {
  const labels = explainedLabels(message.result);
  const wanted = state.view.label;
  return wanted !== undefined && labels.includes(wanted) ? wanted : message.result.prediction.label;
}

function renderAll(): void {
  shell.setTitle(state.start?.title ?? state.title, state.start?.subtitle);
  rendered = undefined;
  partial = undefined;
  if (state.explanation) {
    renderResult(state.explanation);
    // a re-run keeps the previous result in view, dimmed, until the new one arrives
    shell.content.classList.toggle('stale', state.phase === 'running');
  } else {
    shell.content.replaceChildren(renderSample(state.start?.question, state.start?.imageUri));
  }
  shell.setPhase(state.phase, state.error);
}

function renderResult(message: ExplanationMessage): void {
  const result = message.result;
  const label = currentLabel(message);
  const truth = result.sample.answer;
  const labels = explainedLabels(result).map((i) => {
    const name = result.labels[i] ?? String(i);
    const tags = [i === result.prediction.label ? 'predicted' : '', name === truth ? 'truth' : ''].filter(Boolean);
    return { index: i, text: tags.length ? `${name} (${tags.join(', ')})` : name };
  });
  const grid = new ExplanationGrid(result, message.imageUri);
  const legend = h('div', { class: 'legend', id: 'legend' });
  const values = h('div', { class: 'values-slot' });
  const warnings = h('div', { class: 'warnings-slot' });
  const howToRead = h('div', { class: 'how-slot' });
  const controls = renderControls(labels, state.view, label, onViewChange, () => api.post({ type: 'export' }));
  provenance = new ProvenanceSection(result, () => api.post({ type: 'reproduce' }));
  shell.content.replaceChildren(
    h('div', { class: 'top' }, renderSample(result.sample.question, message.imageUri, truth), renderPrediction(result)),
    renderLoopBar({
      question: result.sample.question,
      ...(message.position ? { position: message.position } : {}),
      settings: runSettingsOf(result, message.limits),
      ...(message.limits ? { limits: message.limits } : {}),
      pinned: state.pinned === true,
      post: (m) => api.post(m),
      onPin: (pinned) => {
        state = { ...state, pinned };
        save();
      },
    }),
    warnings,
    controls,
    h('div', { class: 'scale-row' }, values, legend),
    grid.element,
    howToRead,
    renderDetails({
      model: result.model,
      device: result.device,
      settings: result.settings,
      timings: result.timings,
      resultId: result.resultId,
      cached: result.cached,
      extra: [
        ['sample', `${result.sample.id}${result.sample.index !== undefined ? ` (#${result.sample.index})` : ''} · ${result.sample.width}×${result.sample.height} · ${result.sample.imagePath}`],
        ...(result.image ? ([['image', `${result.image.segmentation.count} regions (${result.image.segmentation.method}), ${result.image.samples} perturbations`]] as [string, string][]) : []),
        ...(result.text ? ([['text', `${result.text.features.length} features, ${result.text.samples} perturbations`]] as [string, string][]) : []),
      ],
      more: provenance.element,
    }),
  );
  rendered = { message, grid, legend, values, warnings, howToRead };
  updateView();
}

function updateView(): void {
  if (!rendered) return;
  const result = rendered.message.result;
  const label = currentLabel(rendered.message);
  const labelText = result.labels[label] ?? String(label);
  updateGrids([result], [rendered.grid], rendered.legend, state.view, label);
  rendered.values.replaceChildren(renderValues(valuesFor(result, label), labelText));
  rendered.warnings.replaceChildren(renderWarnings(warningsFor(result, label)));
  rendered.howToRead.replaceChildren(
    renderHowToRead(result.values.find((v) => v.label === label), labelText, Number(result.settings['referenceSize']), state.view.howToRead ?? false, (open) => {
      state = { ...state, view: { ...state.view, howToRead: open } };
      save();
    }),
  );
  shell.root.dataset['label'] = String(label);
}

function onViewChange(view: ViewOptions): void {
  state = { ...state, view };
  save();
  updateView();
}

function showPartial(message: PartialMessage): void {
  if (state.phase !== 'running') return; // a straggler after the result, a cancel or an error
  partial ??= new PartialPanel(state.start);
  if (!partial.show(message, state.view)) {
    api.post({ type: 'log', level: 'warn', message: `ignored a partial result of the ${message.partial.modality} that does not match its first` });
    return;
  }
  const drawn = Number(shell.root.dataset['partials'] ?? '0') + 1;
  shell.root.dataset['partials'] = String(drawn);
  if (drawn === 1) shell.root.dataset['firstPartialMs'] = String(Math.round(performance.now() - startedAt));
  if (partial.element.parentElement !== shell.content) {
    shell.content.classList.remove('stale');
    shell.content.replaceChildren(partial.element);
  }
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'start': {
      const { error: _e, ...rest } = state;
      state = { ...rest, title: message.title, view: { ...state.view, label: undefined }, phase: 'running', start: message };
      startedAt = performance.now();
      delete shell.root.dataset['partials'];
      delete shell.root.dataset['firstPartialMs'];
      renderAll();
      break;
    }
    case 'progress':
      if (state.phase !== 'running') {
        state = { ...state, phase: 'running' };
        shell.setPhase('running');
      }
      shell.progress(message);
      return; // progress is not worth persisting
    case 'partial':
      showPartial(message);
      return; // replayed by the host after a reload, like progress
    case 'explanation': {
      const { error: _e, ...rest } = state;
      state = { ...rest, phase: 'done', explanation: message };
      renderAll();
      break;
    }
    case 'reproduced':
      provenance?.show(message);
      return; // a check of the result, not part of it
    default: {
      const cancelled = partial
        ? `Cancelled: the heatmaps show the partial fit of the ${partial.rows} rows computed; nothing was kept.`
        : state.explanation
          ? 'Cancelled: the panel still shows the previous result.'
          : undefined;
      const ended = applyEnding(shell, state, message, cancelled);
      if (!ended) return;
      shell.content.classList.remove('stale');
      state = ended;
    }
  }
  save();
}

onThemeChange(() => {
  updateView();
  partial?.redraw(state.view);
});
renderAll();
listen(handle);
