/**
 * Finds the dataset sample under the cursor (pure: text in, sample out).
 *  - JSONL: one sample per non-blank line; the sample index is the line's ordinal among non-blank lines.
 *  - CLEVR questions JSON: `{ "questions": [ { "image_filename", "question", "answer", ... } ] }`;
 *    the sample is the element of `questions` that contains the cursor offset.
 */
import * as path from 'node:path';
import type { DatasetFormat } from '../daemon/protocol';
import { DEFAULT_FIELDS, type RequiredFields } from '../config/settings';

export interface CursorSample {
  format: DatasetFormat;
  /** Index of the sample in the dataset, as the daemon counts it. */
  index: number;
  /** 0-based line of the sample's start. */
  line: number;
  id?: string;
  /** Image path as written in the dataset (relative to the dataset file for JSONL, a file name for CLEVR). */
  image: string;
  question: string;
  answer?: string;
  /** CLEVR's `split` (train, val, test), used to find the image. */
  split?: string;
}

export type SampleParse = { ok: true; sample: CursorSample } | { ok: false; error: string };

/**
 * The names the daemon tries when a field is not configured (src/Dime.Daemon/Workspace/DatasetReader.cs):
 * with the default field names the extension reads a line the same way.
 */
export const FIELD_FALLBACKS: Readonly<Record<keyof RequiredFields, readonly string[]>> = {
  image: ['image', 'image_path', 'imagePath', 'image_filename', 'img', 'file'],
  question: ['question', 'text', 'prompt', 'caption'],
  answer: ['answer', 'label', 'target'],
  id: ['id', 'question_id', 'questionId', 'uid'],
};

function field(row: Record<string, unknown>, fields: RequiredFields, key: keyof RequiredFields): string | undefined {
  const names = fields[key] === DEFAULT_FIELDS[key] ? FIELD_FALLBACKS[key] : [fields[key]];
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(row, name)) return scalarText(row[name]);
  }
  return undefined;
}

/** Whether a JSONL line is a sample the daemon can read (an object with an image and a question). */
function isReadableLine(line: string, fields: RequiredFields): boolean {
  if (line.trim() === '') return false;
  try {
    const v: unknown = JSON.parse(line);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const row = v as Record<string, unknown>;
    return field(row, fields, 'image') !== undefined && field(row, fields, 'question') !== undefined;
  } catch {
    return false;
  }
}

export function detectFormat(fileName: string, text?: string): DatasetFormat | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.json')) {
    if (text === undefined || /"questions"\s*:\s*\[/.test(text.slice(0, 1_000_000))) return 'clevr';
  }
  return undefined;
}

function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** 0-based line numbers of the samples of a JSONL text (its non-blank lines), at most `max`. */
export function jsonlSampleLines(text: string, max = Number.POSITIVE_INFINITY): number[] {
  const lines = splitLines(text);
  const out: number[] = [];
  for (let i = 0; i < lines.length && out.length < max; i++) {
    if (lines[i]!.trim() !== '') out.push(i);
  }
  return out;
}

/** A field's text as the daemon reads it: strings as they are, numbers and booleans as written. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * The sample on a line. Its index counts the readable samples above it, as the daemon does (blank and
 * unreadable lines are skipped); callers confirm it against the daemon's `line` (see DatasetService).
 */
export function jsonlSampleAt(text: string, line: number, fields: RequiredFields): SampleParse {
  const lines = splitLines(text);
  if (line < 0 || line >= lines.length) return { ok: false, error: `line ${line + 1} is outside the file` };
  const content = lines[line]!;
  if (content.trim() === '') return { ok: false, error: `line ${line + 1} is blank: put the cursor on a sample` };
  let index = 0;
  for (let i = 0; i < line; i++) if (isReadableLine(lines[i]!, fields)) index++;

  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    return { ok: false, error: `line ${line + 1} is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `line ${line + 1} is not a JSON object` };
  }
  const row = value as Record<string, unknown>;
  const image = field(row, fields, 'image');
  const question = field(row, fields, 'question');
  if (image === undefined || image === '') {
    return { ok: false, error: `line ${line + 1} has no "${fields.image}" field (set dime.dataset.fields.image)` };
  }
  if (question === undefined) {
    return { ok: false, error: `line ${line + 1} has no "${fields.question}" field (set dime.dataset.fields.question)` };
  }
  const sample: CursorSample = { format: 'jsonl', index, line, image, question };
  const answer = field(row, fields, 'answer');
  if (answer !== undefined) sample.answer = answer;
  const id = field(row, fields, 'id');
  if (id !== undefined) sample.id = id;
  return { ok: true, sample };
}

// ------------------------------------------------------------------ CLEVR

interface Span {
  start: number;
  end: number;
}

class JsonScanner {
  pos = 0;
  constructor(private readonly text: string) {}

  ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  expect(ch: string): void {
    this.ws();
    if (this.text[this.pos] !== ch) throw new Error(`expected '${ch}' at offset ${this.pos}`);
    this.pos++;
  }

  peek(): string | undefined {
    this.ws();
    return this.text[this.pos];
  }

  string(): string {
    this.ws();
    const start = this.pos;
    if (this.text[this.pos] !== '"') throw new Error(`expected a string at offset ${this.pos}`);
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (c === '\\') this.pos += 2;
      else if (c === '"') {
        this.pos++;
        return JSON.parse(this.text.slice(start, this.pos)) as string;
      } else this.pos++;
    }
    throw new Error('unterminated string');
  }

  /** Skips one value and returns its span. */
  value(): Span {
    this.ws();
    const start = this.pos;
    const c = this.text[this.pos];
    if (c === '"') {
      this.string();
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      this.pos++;
      if (this.peek() === close) {
        this.pos++;
      } else {
        for (;;) {
          if (c === '{') {
            this.string();
            this.expect(':');
          }
          this.value();
          const next = this.peek();
          this.pos++;
          if (next === close) break;
          if (next !== ',') throw new Error(`expected ',' or '${close}' at offset ${this.pos - 1}`);
        }
      }
    } else {
      const m = /^(-?\d[\d.eE+-]*|true|false|null)/.exec(this.text.slice(this.pos, this.pos + 64));
      if (!m) throw new Error(`unexpected character at offset ${this.pos}`);
      this.pos += m[0].length;
    }
    return { start, end: this.pos };
  }
}

/** Spans of the elements of the top-level `questions` array. */
export function clevrQuestionSpans(text: string): Span[] {
  const s = new JsonScanner(text);
  s.expect('{');
  if (s.peek() === '}') return [];
  for (;;) {
    const key = s.string();
    s.expect(':');
    if (key === 'questions' && s.peek() === '[') {
      s.pos++;
      const spans: Span[] = [];
      if (s.peek() === ']') return spans;
      for (;;) {
        spans.push(s.value());
        const next = s.peek();
        s.pos++;
        if (next === ']') return spans;
        if (next !== ',') throw new Error(`expected ',' or ']' at offset ${s.pos - 1}`);
      }
    }
    s.value();
    const next = s.peek();
    s.pos++;
    if (next === '}') break;
    if (next !== ',') throw new Error(`expected ',' or '}' at offset ${s.pos - 1}`);
  }
  throw new Error('no "questions" array at the top level');
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function clevrSampleAt(text: string, offset: number): SampleParse {
  let spans: Span[];
  try {
    spans = clevrQuestionSpans(text);
  } catch (error) {
    return { ok: false, error: `not a CLEVR questions file: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (spans.length === 0) return { ok: false, error: 'the "questions" array is empty' };
  let index = spans.findIndex((s) => offset >= s.start && offset < s.end);
  if (index < 0) index = spans.findIndex((s) => s.start >= offset);
  if (index < 0) return { ok: false, error: 'put the cursor inside one of the questions' };
  const span = spans[index]!;
  // the daemon skips questions without image_filename or question: count only usable ones before
  let usable = 0;
  for (let i = 0; i < index; i++) {
    const t = text.slice(spans[i]!.start, spans[i]!.end);
    if (/"image_filename"\s*:\s*"/.test(t) && /"question"\s*:\s*["\d-]/.test(t)) usable++;
  }
  let value: unknown;
  try {
    value = JSON.parse(text.slice(span.start, span.end));
  } catch (error) {
    return { ok: false, error: `question ${index} is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: `question ${index} is not an object` };
  const q = value as Record<string, unknown>;
  if (typeof q['image_filename'] !== 'string' || q['image_filename'] === '') {
    return { ok: false, error: `question ${index} has no "image_filename"` };
  }
  if (typeof q['question'] !== 'string') return { ok: false, error: `question ${index} has no "question"` };
  const sample: CursorSample = { format: 'clevr', index: usable, line: lineOf(text, span.start), image: q['image_filename'], question: q['question'] };
  const answer = scalarText(q['answer']);
  if (answer !== undefined) sample.answer = answer;
  // the daemon's id: question_index, else the 1-based position in the array
  sample.id = scalarText(q['question_index']) ?? String(index + 1);
  const split = q['split'];
  if (typeof split === 'string' && /^[\w-]+$/.test(split)) {
    sample.split = split;
  }
  return { ok: true, sample };
}

/**
 * Where a CLEVR image may be, by CLEVR's layout (`<root>/questions/CLEVR_<split>_questions.json` with
 * `<root>/images/<split>/<file>`), then simpler sibling layouts. First match wins.
 */
export function clevrImageCandidates(questionsFile: string, imageFilename: string, split?: string): string[] {
  const dir = path.dirname(questionsFile);
  const parent = path.dirname(dir);
  const fromName = /_(train|val|test)_questions\.json$/i.exec(path.basename(questionsFile))?.[1]?.toLowerCase();
  const splits = [...new Set([split, fromName].filter((s): s is string => typeof s === 'string' && s !== ''))];
  const out: string[] = [];
  for (const s of splits) out.push(path.join(parent, 'images', s, imageFilename));
  out.push(path.join(parent, 'images', imageFilename), path.join(dir, 'images', imageFilename));
  for (const s of splits) out.push(path.join(dir, 'images', s, imageFilename));
  return [...new Set(out)];
}

/** The absolute image path of a JSONL sample (relative paths are relative to the dataset file). */
export function jsonlImagePath(datasetFile: string, image: string): string {
  return path.resolve(path.dirname(datasetFile), image);
}
