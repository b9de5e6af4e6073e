/** The dataset sample a command targets: from a CodeLens (uri + line) or the active editor's cursor. */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { RequiredFields } from '../config/settings';
import type { DatasetFormat } from '../daemon/protocol';
import { clevrImageCandidates, clevrSampleAt, detectFormat, jsonlImagePath, jsonlSampleAt, type CursorSample } from './sampleAtCursor';

export interface SampleTarget {
  document: vscode.TextDocument;
  format: DatasetFormat;
  sample: CursorSample;
  /** Absolute image path as the extension resolves it (for the panel's first paint). */
  imagePath?: string;
}

export async function resolveSampleTarget(fields: RequiredFields, uri?: unknown, line?: unknown): Promise<SampleTarget> {
  let document: vscode.TextDocument;
  let position: vscode.Position;
  if (uri instanceof vscode.Uri && typeof line === 'number' && Number.isInteger(line) && line >= 0) {
    document = await vscode.workspace.openTextDocument(uri);
    position = new vscode.Position(line, 0);
  } else {
    const editor = vscode.window.activeTextEditor;
    if (!editor) throw new Error('Open a dataset file (JSONL or CLEVR questions JSON) and put the cursor on a sample.');
    document = editor.document;
    position = editor.selection.active;
  }
  if (document.uri.scheme !== 'file') throw new Error('DIME explains datasets stored as local files.');
  const text = document.getText();
  const format = detectFormat(document.fileName, text);
  if (!format) throw new Error(`${vscode.workspace.asRelativePath(document.uri)} is neither a JSONL dataset nor a CLEVR questions file.`);
  const parsed = format === 'jsonl' ? jsonlSampleAt(text, position.line, fields) : clevrSampleAt(text, document.offsetAt(position));
  if (!parsed.ok) throw new Error(parsed.error);
  const sample = parsed.sample;
  const imagePath =
    format === 'jsonl'
      ? jsonlImagePath(document.fileName, sample.image)
      : clevrImageCandidates(document.fileName, sample.image, sample.split).find((p) => fs.existsSync(p));
  const target: SampleTarget = { document, format, sample };
  if (imagePath) target.imagePath = imagePath;
  return target;
}
