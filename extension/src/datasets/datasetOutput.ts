/**
 * Reading the output folder of `Dime.Daemon explain-dataset`, `dataset` or `merge` (docs/slurm.md): run.json,
 * then index.jsonl or dataset.json and samples.jsonl, each checked, since they come from disk.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { DatasetIndexLine, DatasetResult } from '../daemon/protocol';
import { isIndexLine } from '../panels/messages';
import { datasetProblem } from '../panels/resultGuards';

/** The part of run.json the extension reads (src/Dime.Daemon/Sharding/RunManifest.cs). */
export interface RunInfo {
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

export async function readJsonLines(file: string): Promise<unknown[]> {
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

