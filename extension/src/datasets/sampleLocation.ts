/**
 * Which dataset sample a command is about (pure). The extension knows only where the cursor is; the daemon
 * reads the file and says which sample that is (dime/findSample): its index, id, question and image path.
 */
import * as path from 'node:path';
import { datasetFields, type RequiredFields } from '../config/settings';
import { Methods, type FindSampleParams, type FindSampleResult, type ParamsOf, type RequestMethod, type ResultOf } from '../daemon/protocol';

/** A place in a dataset file: 1-based line and (UTF-16) column, as docs/protocol.md counts them. */
export interface SampleLocation {
  path: string;
  line: number;
  /** Tells CLEVR questions on one line apart; absent for a CodeLens (the line's first sample). */
  column?: number;
}

/** The part of the daemon client this module uses (a fake in unit tests). */
export interface DaemonRequester {
  request<M extends RequestMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
}

const DATASET_FILE = /\.(jsonl|ndjson|json)$/i;

/** Whether a file may be a dataset (JSONL, or a CLEVR questions JSON); the daemon decides what it holds. */
export function isDatasetFile(fileName: string): boolean {
  return DATASET_FILE.test(fileName);
}

/** 0-based numbers of the lines that hold a JSON object (start with `{`), at most `max`: where CodeLenses go. */
export function objectLines(text: string, max = Number.POSITIVE_INFINITY): number[] {
  const out: number[] = [];
  let line = 0;
  let start = 0;
  while (start <= text.length && out.length < max) {
    const end = text.indexOf('\n', start);
    const content = text.slice(start, end < 0 ? text.length : end);
    if (content.trimStart().startsWith('{')) out.push(line);
    if (end < 0) break;
    start = end + 1;
    line++;
  }
  return out;
}

/** An editor position (0-based line and character) as a sample location. */
export function locationAt(file: string, line: number, character?: number): SampleLocation {
  return character === undefined ? { path: file, line: line + 1 } : { path: file, line: line + 1, column: character + 1 };
}

/** What a panel shows before the explanation comes, all of it from the daemon's answer. */
export interface SampleTarget {
  found: FindSampleResult;
  label: string;
  /** Absolute image path, as the daemon resolved it. */
  imagePath: string;
  /** Folders the panel may load images from. */
  dataFolders: string[];
}

/** Asks the daemon which sample is at `location`, read with the configured field names. */
export async function findSample(daemon: DaemonRequester, location: SampleLocation, fields: RequiredFields): Promise<SampleTarget> {
  const changed = datasetFields(fields);
  const params: FindSampleParams = { ...location, ...(changed ? { fields: changed } : {}) };
  const found = await daemon.request(Methods.findSample, params);
  const imagePath = found.sample.imagePath;
  return {
    found,
    label: `sample ${found.sample.id}`,
    imagePath,
    dataFolders: [...new Set([found.dataset.folder, path.dirname(imagePath)])],
  };
}
