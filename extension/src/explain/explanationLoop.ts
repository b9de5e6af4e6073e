/**
 * The explanation panel's loop: retry after a cancel or an error, previous / next sample of the dataset,
 * re-explain in place with an edited question or the settings drawer's values. Each re-runs the panel's
 * last request (ExplainRun) in the same panel.
 */
import * as path from 'node:path';
import { Methods, type DatasetInfo, type ExplanationResult, type SampleRef } from '../daemon/protocol';
import type { DimePanel } from '../panels/dimePanel';
import type { LoopMessage } from '../panels/messages';
import { absolute, explainInPanel, runOf, type ExplainRequest, type ExplainRun } from './explainInPanel';
import { reportError } from './runInPanel';
import { applyRunSettings } from './runSettings';
import type { Services } from './services';

const AFTER_RELOAD = 'This panel was restored after a reload: explain the sample again from its dataset or image to use this.';

export function attachExplanationLoop(s: Services, panel: DimePanel): void {
  panel.onDidRequestLoop((message) => void handle(s, panel, message));
}

async function handle(s: Services, panel: DimePanel, message: LoopMessage): Promise<void> {
  try {
    if (panel.busy) return;
    const run = runOf(panel);
    if (!run) throw new Error(AFTER_RELOAD);
    switch (message.type) {
      case 'retry':
        return await explainInPanel(s, run.request, panel);
      case 'navigate':
        return await navigate(s, panel, run, message.delta);
      case 'reexplain':
        return await reexplain(s, panel, run, message.question, message.settings);
      case 'pin':
        return;
    }
  } catch (error) {
    reportError(s.log, 'Explanation panel', error);
    panel.post({ type: 'note', text: error instanceof Error ? error.message : String(error) });
  }
}

function shown(run: ExplainRun): ExplanationResult {
  if (!run.result) throw new Error('Wait for the explanation to finish first.');
  return run.result;
}

async function datasetOf(s: Services, run: ExplainRun, result: ExplanationResult): Promise<DatasetInfo> {
  const known = result.sample.datasetId ? await s.datasets.known(result.sample.datasetId) : undefined;
  if (known) return known;
  const file = run.request.dataset;
  if (!file) throw new Error('Previous and next step through a dataset; this sample is an image with a typed question.');
  return s.datasets.open(file.path, file.format, s.settings().fields);
}

async function navigate(s: Services, panel: DimePanel, run: ExplainRun, delta: -1 | 1): Promise<void> {
  const result = shown(run);
  if (result.sample.index === undefined) throw new Error('Previous and next step through a dataset; this sample is an image with a typed question.');
  const dataset = await datasetOf(s, run, result);
  const index = result.sample.index + delta;
  if (index < 0 || index >= dataset.count) {
    panel.post({ type: 'note', text: index < 0 ? 'This is the first sample of the dataset.' : `This is the last sample of the dataset (${dataset.count}).` });
    return;
  }
  const listed = await s.daemon.request(Methods.listSamples, { datasetId: dataset.datasetId, offset: index, limit: 1 });
  const sample = listed.samples[0];
  if (!sample) throw new Error(`Sample ${index} was not found.`);
  const imagePath = sample.imagePath; // absolute: the daemon resolves it
  const manifestPath = result.model.manifestPath;
  const request: ExplainRequest = {
    ...run.request,
    modelName: result.model.name,
    prepare: async () => ({ model: await s.models.load(manifestPath), sample: { datasetId: dataset.datasetId, index } }),
    label: `sample ${sample.id}`,
    question: sample.question,
    imagePath,
    dataFolders: [dataset.folder, path.dirname(imagePath)],
    baseFolder: dataset.folder,
    options: run.options,
  };
  await explainInPanel(s, request, panel);
}

async function reexplain(s: Services, panel: DimePanel, run: ExplainRun, question: string | undefined, settings: Parameters<typeof applyRunSettings>[1] | undefined): Promise<void> {
  const result = shown(run);
  let options = settings ? applyRunSettings(run.options, settings) : run.options;
  const edited = question !== undefined && question.trim() !== result.sample.question ? question.trim() : undefined;
  const imagePath = absolute(result.sample.imagePath, run.request.baseFolder);
  let sample: SampleRef | undefined = run.sample;
  let label = run.request.label.replace(/ \(edited question\)$/, '');
  if (edited !== undefined) {
    // the same image with another question; UC and MI keep the sample's dataset as their reference set
    sample = { imagePath, question: edited };
    if (result.sample.datasetId && options.referenceDatasetId === undefined) options = { ...options, referenceDatasetId: result.sample.datasetId };
    label = `${label} (edited question)`;
  }
  if (!sample) throw new Error('Wait for the explanation to finish first.');
  const manifestPath = result.model.manifestPath;
  const fixed = sample;
  await explainInPanel(
    s,
    {
      ...run.request,
      modelName: result.model.name,
      prepare: async () => ({ model: await s.models.load(manifestPath), sample: fixed }),
      label,
      question: edited ?? fixed.question ?? result.sample.question,
      imagePath,
      options,
    },
    panel,
  );
}
