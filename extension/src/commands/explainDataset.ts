/**
 * "DIME: Explain Dataset…": EMAP overview of a dataset (or its first N samples) in a panel whose rows
 * open each sample's explanation.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Methods } from '../daemon/protocol';
import { isDatasetFile } from '../datasets/sampleLocation';
import { explainInPanel } from '../explain/explainInPanel';
import { reportError, runInPanel } from '../explain/runInPanel';
import type { Services } from '../explain/services';
import type { DimePanel } from '../panels/dimePanel';

export const EXPLAIN_DATASET = 'dime.explainDataset';

/** The dataset file to explain: the argument, else the active editor's file, else one the user picks (the daemon reads it). */
async function pickDataset(arg: unknown): Promise<{ file: string } | undefined> {
  const candidates: vscode.Uri[] = [];
  if (arg instanceof vscode.Uri) candidates.push(arg);
  const active = vscode.window.activeTextEditor?.document;
  if (active && active.uri.scheme === 'file') candidates.push(active.uri);
  for (const uri of candidates) {
    if (uri.scheme === 'file' && isDatasetFile(uri.fsPath)) return { file: uri.fsPath };
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { Datasets: ['jsonl', 'ndjson', 'json'] },
    openLabel: 'Explain Dataset',
  });
  if (!picked?.[0]) return undefined;
  if (!isDatasetFile(picked[0].fsPath)) throw new Error(`${path.basename(picked[0].fsPath)} is neither a JSONL dataset nor a CLEVR questions file.`);
  return { file: picked[0].fsPath };
}

export function registerExplainDataset(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(EXPLAIN_DATASET, async (arg?: unknown) => {
    try {
      const target = await pickDataset(arg);
      if (!target) return;
      const settings = s.settings();
      const [model, dataset] = await Promise.all([s.models.current(), s.datasets.open(target.file, undefined, settings.fields)]);
      const answer = await vscode.window.showInputBox({
        title: `DIME: explain ${path.basename(target.file)} (${dataset.count} samples)`,
        prompt: 'How many samples, from the first one?',
        value: String(Math.min(settings.datasetCount, dataset.count)),
        validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= dataset.count ? undefined : `A number from 1 to ${dataset.count}.`),
      });
      if (answer === undefined) return;
      const count = Number(answer.trim());
      const title = `DIME overview: ${path.basename(target.file)} · ${model.name}`;
      const panel = s.panels.create('dataset', title, [dataset.folder]);
      panel.origin = { manifestPath: model.manifestPath, dataset: { path: dataset.path, format: dataset.format } };
      panel.post({ type: 'start', title, subtitle: `${count} of ${dataset.count} samples · ${model.name}` });
      const result = await runInPanel(panel, `Explaining ${count} samples`, s.log, (token, onProgress) =>
        s.daemon.requestWithProgress(
          Methods.explainDataset,
          { modelId: model.modelId, datasetId: dataset.datasetId, offset: 0, count },
          onProgress,
          token,
        ),
      );
      if (!result) return;
      panel.resultIds = [result.resultId];
      panel.post({ type: 'dataset', result });
    } catch (error) {
      reportError(s.log, 'Explain dataset', error);
    }
  });
}

/** A row of an overview was clicked: explain that sample with the overview's model. */
export async function openDatasetSample(s: Services, panel: DimePanel, ref: { datasetId: string; index: number }): Promise<void> {
  try {
    const settings = s.settings();
    const origin = panel.origin;
    let dataset = await s.datasets.known(ref.datasetId);
    if (!dataset && origin.dataset) dataset = await s.datasets.open(origin.dataset.path, origin.dataset.format, settings.fields);
    if (!dataset) throw new Error('The dataset of this overview is no longer open; run "DIME: Explain Dataset" again.');
    if (ref.index >= dataset.count) throw new Error(`Sample ${ref.index} is outside the dataset (${dataset.count} samples).`);
    const manifestPath = origin.manifestPath;
    const listed = await s.daemon.request(Methods.listSamples, { datasetId: dataset.datasetId, offset: ref.index, limit: 1 });
    const sample = listed.samples[0];
    if (!sample) throw new Error(`Sample ${ref.index} was not found.`);
    const imagePath = sample.imagePath; // absolute: the daemon resolves it
    const datasetId = dataset.datasetId;
    await explainInPanel(s, {
      modelName: s.models.selected().label,
      prepare: async () => ({
        model: manifestPath ? await s.models.load(manifestPath) : await s.models.current(),
        sample: { datasetId, index: ref.index },
      }),
      label: `sample ${sample.id}`,
      question: sample.question,
      imagePath,
      dataFolders: [dataset.folder, path.dirname(imagePath)],
      baseFolder: dataset.folder,
      ...(origin.dataset ? { dataset: origin.dataset } : {}),
    });
  } catch (error) {
    reportError(s.log, 'Open sample', error);
  }
}
