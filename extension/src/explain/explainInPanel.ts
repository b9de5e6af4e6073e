/**
 * The explanation flow every "explain" entry point shares: a panel (reused when one shows the same sample or
 * is unpinned and idle), then the request, then the result. What ran is kept on the panel (ExplainRun), so the
 * panel's loop (explanationLoop.ts) can retry it, step to the previous or next sample, or re-run it with an
 * edited question or other settings.
 */
import * as path from 'node:path';
import { explainOptions } from '../config/settings';
import { Methods, type DatasetFormat, type ExplainOptions, type ExplanationResult, type ModelInfo, type SampleRef } from '../daemon/protocol';
import type { DimePanel } from '../panels/dimePanel';
import { explanationEntry } from '../recent/recentList';
import { forwardPartials } from './forwardPartials';
import { runInPanel } from './runInPanel';
import { announcedLimits, type Services } from './services';

export interface ExplainRequest {
  /** The model's display name, for the title before it is loaded. */
  modelName: string;
  /** Loads the model and resolves the sample inside the panel's progress (errors show in the panel). */
  prepare: () => Promise<{ model: ModelInfo; sample: SampleRef }>;
  /** Shown before the daemon answers. */
  label: string;
  question: string;
  imagePath?: string;
  /** Folders the panel may load images from. */
  dataFolders: string[];
  /** Folder that relative image paths of the result are relative to. */
  baseFolder?: string;
  /** The dataset file the sample comes from (for previous / next after the daemon restarted). */
  dataset?: { path: string; format: DatasetFormat };
  /** Options of the request; absent: from the settings. */
  options?: ExplainOptions;
}

/** What ran in a panel, kept for its loop. */
export interface ExplainRun {
  request: ExplainRequest;
  options: ExplainOptions;
  model?: ModelInfo;
  sample?: SampleRef;
  result?: ExplanationResult;
}

export function runOf(panel: DimePanel): ExplainRun | undefined {
  return panel.loop as ExplainRun | undefined;
}

export function sampleKey(request: ExplainRequest): string {
  return JSON.stringify([request.modelName, request.dataset?.path ?? request.imagePath ?? '', request.label, request.question]);
}

export async function explainInPanel(services: Services, request: ExplainRequest, into?: DimePanel): Promise<void> {
  const title = `DIME: ${request.label} · ${request.modelName}`;
  const panel = into ?? services.panels.reuseOrCreate('explanation', sampleKey(request), title, request.dataFolders);
  if (into) {
    panel.allowFolders(request.dataFolders);
    panel.setTitle(title);
    panel.sampleKey = sampleKey(request);
  }
  const options = request.options ?? explainOptions(services.settings());
  const run: ExplainRun = { request, options };
  panel.loop = run;
  panel.busy = true;
  panel.post({
    type: 'start',
    title,
    subtitle: request.modelName,
    question: request.question,
    ...(request.imagePath ? { imageUri: panel.asWebviewUri(request.imagePath) } : {}),
  });
  try {
    const result = await runInPanel(panel, `Explaining ${request.label}`, services.log, async (token, onProgress) => {
      onProgress({ phase: 'loading the model', fraction: 0 });
      const { model, sample } = await request.prepare();
      run.model = model;
      run.sample = sample;
      panel.origin = { manifestPath: model.manifestPath };
      // partial results: the panel draws the heatmaps of the rows so far, dimmed, until the result arrives
      const forward = forwardPartials((message) => panel.post(message), model.labels, onProgress);
      return services.daemon.requestWithProgress(Methods.explain, { modelId: model.modelId, sample, options: { ...options, partial: true } }, forward, token);
    });
    if (!result) return;
    run.result = result;
    const imagePath = absolute(result.sample.imagePath, request.baseFolder);
    panel.allowFolders([path.dirname(imagePath)]);
    panel.resultIds = [result.resultId];
    panel.setTitle(`DIME: ${request.label} · ${result.model.name}`);
    const position = await positionOf(services, result);
    panel.post({ type: 'explanation', result, imageUri: panel.asWebviewUri(imagePath), ...(position ? { position } : {}), ...announcedLimits(services) });
    services.remember(explanationEntry(result, { label: request.label, imagePath, ...(request.dataset ? { dataset: request.dataset } : {}), at: Date.now() }));
    services.log.info(
      `explained ${request.label}: predicted ${result.labels[result.prediction.label] ?? '?'} on ${result.device.kind}, ${String(result.timings['total'] ?? '?')} ms${result.cached ? ' (cached)' : ''}`,
    );
  } finally {
    panel.busy = false;
  }
}

/** The sample's place in its dataset, when the dataset is open. */
async function positionOf(services: Services, result: ExplanationResult): Promise<{ index: number; count: number } | undefined> {
  const { datasetId, index } = result.sample;
  if (datasetId === undefined || index === undefined) return undefined;
  const dataset = await services.datasets.known(datasetId);
  return dataset ? { index, count: dataset.count } : undefined;
}

export function absolute(file: string, base: string | undefined): string {
  return path.isAbsolute(file) || !base ? file : path.join(base, file);
}
