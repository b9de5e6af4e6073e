/**
 * "DIME: Open Dataset Result…": opens the output folder of `explain-dataset` or `dataset` (one process, or the
 * merge of its shards; docs/slurm.md) in the overview panel, without the daemon. Rows of an explain-dataset output
 * open their stored result.json; rows of an EMAP overview explain their sample as the live overview does.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DatasetFormat, DatasetIndexLine, DatasetResult } from '../daemon/protocol';
import { reportError } from '../explain/runInPanel';
import type { Services } from '../explain/services';
import type { DimePanel } from '../panels/dimePanel';
import { isIndexLine } from '../panels/messages';
import { datasetProblem, explanationProblem } from '../panels/resultGuards';
import type { ExplanationResult } from '../daemon/protocol';

export const OPEN_DATASET_RESULT = 'dime.openDatasetResult';

/** The part of run.json the extension reads (src/Dime.Daemon/Sharding/RunManifest.cs). */
interface RunInfo {
  kind: string;
  model: { name: string };
  dataset: { path: string; count: number };
  range: { start: number; end: number };
  shard: { index: number; count: number };
}

function isRunInfo(v: unknown): v is RunInfo {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const o = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
  return typeof r['kind'] === 'string' && o(r['model']) && o(r['dataset']) && typeof r['dataset']['path'] === 'string' && o(r['range']) && o(r['shard']);
}

async function readJsonLines(file: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new Error(`${path.basename(file)} line ${i + 1} is not JSON.`);
      }
    });
}

async function pickFolder(arg: unknown): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Open Dataset Result' });
  return picked?.[0]?.fsPath;
}

/** Reads an output folder: its run.json, then index.jsonl (explain-dataset) or dataset.json and samples.jsonl (dataset). */
export async function readDatasetOutput(folder: string): Promise<{ run: RunInfo; rows?: DatasetIndexLine[]; overview?: DatasetResult }> {
  let run: unknown;
  try {
    run = JSON.parse(await readFile(path.join(folder, 'run.json'), 'utf8'));
  } catch {
    throw new Error(`${folder} holds no readable run.json: open the --out folder of explain-dataset, dataset or merge.`);
  }
  if (!isRunInfo(run)) throw new Error(`${path.join(folder, 'run.json')} is not the run.json of a DIME run.`);
  if (run.shard.count !== 1) throw new Error(`${folder} is shard ${run.shard.index}/${run.shard.count} of a run: merge the shards first (Dime.Daemon merge --out DIR SHARDS...).`);
  if (run.kind === 'explain-dataset') {
    const lines = await readJsonLines(path.join(folder, 'index.jsonl'));
    const bad = lines.findIndex((l) => !isIndexLine(l));
    if (bad >= 0) throw new Error(`index.jsonl line ${bad + 1} is not a sample of an explain-dataset index.`);
    return { run, rows: lines as DatasetIndexLine[] };
  }
  if (run.kind === 'dataset') {
    const overview = JSON.parse(await readFile(path.join(folder, 'dataset.json'), 'utf8')) as unknown;
    const problem = datasetProblem(overview);
    if (problem) throw new Error(`dataset.json is not an EMAP overview (${problem}).`);
    const samples = (await readJsonLines(path.join(folder, 'samples.jsonl'))) as DatasetResult['samples'];
    return { run, overview: { ...(overview as DatasetResult), samples } };
  }
  throw new Error(`${folder} holds a '${run.kind}' run, which this extension cannot show.`);
}

export function registerOpenDatasetResult(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(OPEN_DATASET_RESULT, async (arg?: unknown) => {
    try {
      const folder = await pickFolder(arg);
      if (!folder) return;
      const { run, rows, overview } = await readDatasetOutput(folder);
      const title = `DIME overview: ${path.basename(run.dataset.path)} · ${run.model.name}`;
      const subtitle = `samples ${run.range.start}–${run.range.end - 1} · ${folder}`;
      const panel = s.panels.create('dataset', title, [folder, path.dirname(run.dataset.path)]);
      panel.post({ type: 'start', title, subtitle });
      if (rows) {
        panel.origin = { storedFolder: folder };
        panel.post({ type: 'storedDataset', folder, rows });
      } else if (overview) {
        const format: DatasetFormat = overview.dataset.format === 'clevr' ? 'clevr' : 'jsonl';
        panel.origin = { manifestPath: overview.model.manifestPath, dataset: { path: overview.dataset.path, format } };
        panel.resultIds = [overview.resultId];
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
    view.resultIds = [explanation.resultId];
    view.post({ type: 'start', title, subtitle: `${explanation.model.name} · ${file}`, question: explanation.sample.question, imageUri: view.asWebviewUri(imagePath) });
    view.post({ type: 'explanation', result: explanation, imageUri: view.asWebviewUri(imagePath) });
  } catch (error) {
    reportError(s.log, 'Open stored sample', error);
  }
}
