/** Two models on the same sample, side by side, for the same label, on one shared scale. */
import '../shared/panel.css';
import type { CompareMessage, HostMessage, PanelState, ViewOptions } from '../../src/panels/messages';
import { listen, restoreState } from '../shared/boot';
import { renderControls } from '../shared/controls';
import { renderDetails } from '../shared/details';
import { h } from '../shared/dom';
import { ExplanationGrid } from '../shared/grid';
import { updateGrids } from '../shared/scaleView';
import { applyEnding, PanelShell } from '../shared/shell';
import { renderPrediction, renderSample } from '../shared/summary';
import { onThemeChange } from '../shared/theme';
import { renderValues } from '../shared/values';
import { explainedLabels, valuesFor } from '../shared/view';
import { vscodeApi } from '../shared/vscodeApi';

const api = vscodeApi();
let state: PanelState = restoreState('compare');
const shell = new PanelShell(() => api.post({ type: 'cancel' }));

interface Column {
  grid: ExplanationGrid;
  values: HTMLElement;
}
let rendered: { message: CompareMessage; columns: Column[]; legend: HTMLElement } | undefined;

function labelsOf(message: CompareMessage): number[] {
  const [a, b] = message.result.results;
  const inB = new Set(explainedLabels(b));
  return explainedLabels(a).filter((l) => inB.has(l));
}

function currentLabel(message: CompareMessage): number {
  const labels = labelsOf(message);
  const wanted = state.view.label;
  if (wanted !== undefined && labels.includes(wanted)) return wanted;
  return labels[0] ?? message.result.results[0].prediction.label;
}

function renderResult(message: CompareMessage): void {
  const results = message.result.results;
  const first = results[0];
  const label = currentLabel(message);
  const labels = labelsOf(message).map((i) => {
    const name = first.labels[i] ?? String(i);
    const by = results.filter((r) => r.prediction.label === i).map((r) => r.model.name);
    return { index: i, text: by.length ? `${name} (predicted by ${by.join(', ')})` : name };
  });
  const legend = h('div', { class: 'legend', id: 'legend' });
  const columns: Column[] = [];
  const columnEls = results.map((r, i) => {
    const grid = new ExplanationGrid(r, message.imageUri);
    const values = h('div', { class: 'values-slot' });
    columns.push({ grid, values });
    return h(
      'section',
      { class: 'compare-column', data: { column: String(i) } },
      h('h2', { class: 'model-name', text: r.model.name }),
      renderPrediction(r, `c${i}-`),
      values,
      grid.element,
      renderDetails({ model: r.model, device: r.device, settings: r.settings, timings: r.timings, resultId: r.resultId, cached: r.cached }),
    );
  });
  shell.content.replaceChildren(
    renderSample(first.sample.question, message.imageUri, first.sample.answer),
    renderControls(labels, state.view, label, onViewChange, () => api.post({ type: 'export' })),
    legend,
    h('div', { class: 'compare' }, ...columnEls),
  );
  rendered = { message, columns, legend };
  updateView();
}

function updateView(): void {
  if (!rendered) return;
  const results = rendered.message.result.results;
  const label = currentLabel(rendered.message);
  updateGrids(results, rendered.columns.map((c) => c.grid), rendered.legend, state.view, label);
  results.forEach((r, i) => {
    const col = rendered!.columns[i]!;
    col.values.replaceChildren(renderValues(valuesFor(r, label), r.labels[label] ?? String(label), `c${i}-`));
  });
  shell.root.dataset['label'] = String(label);
}

function onViewChange(view: ViewOptions): void {
  state = { ...state, view };
  api.setState(state);
  updateView();
}

function renderAll(): void {
  shell.setTitle(state.start?.title ?? state.title, state.start?.subtitle);
  rendered = undefined;
  if (state.compare) renderResult(state.compare);
  else shell.content.replaceChildren(renderSample(state.start?.question, state.start?.imageUri));
  shell.setPhase(state.phase, state.error);
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'start':
      state = { kind: 'compare', title: message.title, view: { ...state.view, label: undefined }, phase: 'running', start: message };
      renderAll();
      break;
    case 'progress':
      shell.progress(message);
      return;
    case 'compare': {
      const { error: _e, ...rest } = state;
      state = { ...rest, phase: 'done', compare: message };
      renderAll();
      break;
    }
    default: {
      const ended = applyEnding(shell, state, message, 'The comparison was cancelled.');
      if (!ended) return;
      state = ended;
    }
  }
  api.setState(state);
}

onThemeChange(() => updateView());
renderAll();
listen(handle);
