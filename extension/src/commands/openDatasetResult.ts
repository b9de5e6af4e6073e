/**
 * "DIME: Open Dataset Result…": opens the output folder of `explain-dataset` or `dataset` (one process, or the
 * merge of its shards; docs/slurm.md) in the overview panel, without the daemon. Rows of an explain-dataset output
 * open their stored result.json; rows of an EMAP overview explain their sample as the live overview does.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DatasetFormat, DatasetIndexLine, ExplanationResult } from '../daemon/protocol';
import { readDatasetOutput, readJsonLines, type RunInfo } from '../datasets/datasetOutput';
import { reportError } from '../explain/runInPanel';
import { announcedLimits, type Services } from '../explain/services';
import type { DimePanel } from '../panels/dimePanel';
import { isIndexLine } from '../panels/messages';
import { explanationProblem } from '../panels/resultGuards';

export const OPEN_DATASET_RESULT = 'dime.openDatasetResult';

/** The folder: a Uri (Explorer), a path (a keybinding's or task's `args`), else one the user picks. */
async function pickFolder(arg: unknown): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'string' && arg.trim() !== '') return path.resolve(arg.trim());
  const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Open Dataset Result' });
  return picked?.[0]?.fsPath;
}

export function registerOpenDatasetResult(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(OPEN_DATASET_RESULT, async (arg?: unknown) => {
    try {
      const folder = await pickFolder(arg);
      if (!folder) return;
      const { run, rows, overview } = await readDatasetOutput(folder);
      const title = `DIME ${rows ? 'stored explanations' : 'overview'}: ${path.basename(run.dataset.path)} · ${run.model.name}`;
      const subtitle = `samples ${run.range.start}–${run.range.end - 1} · ${folder}`;
      const panel = s.panels.create('dataset', title, [folder, path.dirname(run.dataset.path)]);
      panel.post({ type: 'start', title, subtitle });
      if (rows) {
        panel.origin = { storedFolder: folder };
        panel.post({ type: 'storedDataset', folder, rows });
      } else if (overview) {
        const format: DatasetFormat = overview.dataset.format === 'clevr' ? 'clevr' : 'jsonl';
        panel.origin = { manifestPath: overview.model.manifestPath, dataset: { path: overview.dataset.path, format } };
        panel.post({ type: 'dataset', result: overview });
      }
      s.log.info(`opened the ${run.kind} output ${folder} (${rows?.length ?? overview?.samples.length ?? 0} samples)`);
    } catch (error) {
      reportError(s.log, 'Open dataset result', error);
    }
  });
}

/** A row of a stored overview was clicked: its result.json, shown in an explanation panel (nothing recomputed). */
export async function openStoredSample(s: Services, panel: DimePanel, index: number): Promise<void> {
  try {
    const folder = panel.origin.storedFolder;
    if (!folder) throw new Error('This overview was not opened from a stored result.');
    const line = ((await readJsonLines(path.join(folder, 'index.jsonl'))) as DatasetIndexLine[]).find((l) => isIndexLine(l) && l.index === index);
    if (!line?.result) throw new Error(line?.error ? `Sample ${index} failed when it was explained: ${line.error.message}` : `Sample ${index} has no stored result in ${folder}.`);
    const file = path.resolve(folder, line.result);
    if (path.relative(folder, file).startsWith('..')) throw new Error(`The result path of sample ${index} leaves ${folder}.`);
    const result = JSON.parse(await readFile(file, 'utf8')) as unknown;
    const problem = explanationProblem(result);
    if (problem) throw new Error(`${file} is not a DIME explanation (${problem}).`);
    const explanation = result as ExplanationResult;
    const run = JSON.parse(await readFile(path.join(folder, 'run.json'), 'utf8')) as RunInfo;
    const imagePath = path.isAbsolute(explanation.sample.imagePath) ? explanation.sample.imagePath : path.join(path.dirname(run.dataset.path), explanation.sample.imagePath);
    const title = `DIME: sample ${explanation.sample.id} · ${explanation.model.name} (stored)`;
    const view = s.panels.create('explanation', title, [path.dirname(imagePath), path.dirname(file)]);
    view.post({ type: 'start', title, subtitle: `${explanation.model.name} · ${file}`, question: explanation.sample.question, imageUri: view.asWebviewUri(imagePath) });
    view.post({ type: 'explanation', result: explanation, imageUri: view.asWebviewUri(imagePath), ...announcedLimits(s) });
  } catch (error) {
    reportError(s.log, 'Open stored sample', error);
  }
}
