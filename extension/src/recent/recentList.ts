/**
 * The "Recent explanations" list (pure): what was explained in this workspace, newest first, kept in the
 * workspace state so that it survives a reload. An entry holds no heatmaps, only where the daemon stored
 * each result (its `artifacts` folder and JSON file, as the daemon announced them); opening an entry reads
 * those files back, so nothing is computed again.
 */
import * as path from 'node:path';
import type { CompareResult, DatasetFormat, ExplanationResult } from '../daemon/protocol';
import { explanationProblem, isCompareResult, type ComparePair } from '../panels/resultGuards';

export const RECENT_LIMIT = 30;

export interface RecentEntry {
  kind: 'explanation' | 'compare';
  /** The result ids, joined with '+': identifies the entry. */
  key: string;
  /** What the sample is called ("sample 0004", "0004.png"). */
  label: string;
  question: string;
  /** The model's name (two for a comparison). */
  models: string[];
  /** The predicted answer per model. */
  predicted: string[];
  /** The stored result.json of each result (absolute). */
  resultFiles: string[];
  /** The sample's image (absolute). */
  imagePath: string;
  /** The dataset file the sample comes from, so previous / next work in the panel it opens. */
  dataset?: { path: string; format: DatasetFormat };
  /** When it finished (ms since the epoch). */
  at: number;
}

export type StoredResult = { kind: 'explanation'; result: ExplanationResult } | { kind: 'compare'; result: ComparePair };

/** Where the daemon stored a result's JSON: `artifacts.folder` / `artifacts.json` (absent: not in its cache). */
export function resultFileOf(result: ExplanationResult): string | undefined {
  return result.artifacts ? path.resolve(result.artifacts.folder, result.artifacts.json) : undefined;
}

function predictedOf(result: ExplanationResult): string {
  return result.labels[result.prediction.label] ?? String(result.prediction.label);
}

/** The entry of an explanation; undefined when the daemon did not say where it stored the result. */
export function explanationEntry(
  result: ExplanationResult,
  where: { label: string; imagePath: string; dataset?: { path: string; format: DatasetFormat }; at: number },
): RecentEntry | undefined {
  const file = resultFileOf(result);
  if (!file) return undefined;
  return {
    kind: 'explanation',
    key: result.resultId,
    label: where.label,
    question: result.sample.question,
    models: [result.model.name],
    predicted: [predictedOf(result)],
    resultFiles: [file],
    imagePath: where.imagePath,
    ...(where.dataset ? { dataset: where.dataset } : {}),
    at: where.at,
  };
}

export function compareEntry(result: CompareResult, where: { label: string; imagePath: string; at: number }): RecentEntry | undefined {
  const files = result.results.map(resultFileOf);
  if (!files.every((f): f is string => f !== undefined)) return undefined;
  return {
    kind: 'compare',
    key: result.results.map((r) => r.resultId).join('+'),
    label: where.label,
    question: result.results[0]?.sample.question ?? '',
    models: result.results.map((r) => r.model.name),
    predicted: result.results.map(predictedOf),
    resultFiles: files,
    imagePath: where.imagePath,
    at: where.at,
  };
}

/** The list with `entry` first; an entry with the same key moves up instead of appearing twice. */
export function addRecent(list: readonly RecentEntry[], entry: RecentEntry, limit = RECENT_LIMIT): RecentEntry[] {
  return [entry, ...list.filter((e) => e.key !== entry.key)].slice(0, limit);
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

function isEntry(v: unknown): v is RecentEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  const dataset = e['dataset'] as Record<string, unknown> | undefined;
  return (
    (e['kind'] === 'explanation' || e['kind'] === 'compare') &&
    isString(e['key']) &&
    isString(e['label']) &&
    isString(e['question']) &&
    isStrings(e['models']) &&
    isStrings(e['predicted']) &&
    isStrings(e['resultFiles']) &&
    e['resultFiles'].length === (e['kind'] === 'compare' ? 2 : 1) &&
    isString(e['imagePath']) &&
    typeof e['at'] === 'number' &&
    (dataset === undefined || (typeof dataset === 'object' && dataset !== null && isString(dataset['path']) && isString(dataset['format'])))
  );
}

/** The list kept in the workspace state; what does not look like an entry is dropped. */
export function parseRecent(value: unknown): RecentEntry[] {
  return Array.isArray(value) ? value.filter(isEntry).slice(0, RECENT_LIMIT) : [];
}

/** One line per entry in the view: "sample 0004 · mini-CLEVR clean" and "circle · 23:41". */
export function describeEntry(entry: RecentEntry, now = Date.now()): { label: string; description: string; tooltip: string } {
  const models = entry.models.join(' vs ');
  const when = new Date(entry.at);
  const sameDay = new Date(now).toDateString() === when.toDateString();
  const time = sameDay ? when.toTimeString().slice(0, 5) : when.toISOString().slice(0, 10);
  const answers = entry.predicted.join(' / ');
  return {
    label: `${entry.label} · ${models}`,
    description: `${answers} · ${time}`,
    tooltip: `${entry.question}\n${entry.models.map((m, i) => `${m}: ${entry.predicted[i] ?? '?'}`).join('\n')}\n${entry.kind === 'compare' ? 'comparison' : 'explanation'}, ${when.toLocaleString()}`,
  };
}

/**
 * Reads an entry's results back from the daemon's result cache. A result that is gone (the cache was
 * cleared) or unreadable is a clear error, never a recomputation behind the user's back.
 */
export function readStoredResult(entry: RecentEntry, read: (file: string) => string): StoredResult {
  const results = entry.resultFiles.map((file): ExplanationResult => {
    let text: string;
    try {
      text = read(file);
    } catch {
      throw new Error(`The stored result ${file} is no longer in the daemon's cache: explain the sample again.`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(`The stored result ${file} is not valid JSON: explain the sample again.`);
    }
    const problem = explanationProblem(value);
    if (problem) throw new Error(`The stored result ${file} cannot be shown (${problem}): explain the sample again.`);
    return value as ExplanationResult;
  });
  if (entry.kind === 'explanation') return { kind: 'explanation', result: results[0]! };
  const compare = { results };
  if (!isCompareResult(compare)) throw new Error('The stored comparison does not hold two results: compare the models again.');
  return { kind: 'compare', result: compare };
}
