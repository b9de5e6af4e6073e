/** The place a sample command targets: a CodeLens's line (uri + 0-based line) or the active editor's cursor. */
import * as vscode from 'vscode';
import { isDatasetFile, locationAt, type SampleLocation } from './sampleLocation';

export interface CursorTarget {
  document: vscode.TextDocument;
  location: SampleLocation;
}

export async function cursorTarget(uri?: unknown, line?: unknown): Promise<CursorTarget> {
  let document: vscode.TextDocument;
  let location: SampleLocation;
  if (uri instanceof vscode.Uri && typeof line === 'number' && Number.isInteger(line) && line >= 0) {
    document = await vscode.workspace.openTextDocument(uri);
    location = locationAt(document.fileName, line);
  } else {
    const editor = vscode.window.activeTextEditor;
    if (!editor) throw new Error('Open a dataset file (JSONL or CLEVR questions JSON) and put the cursor on a sample.');
    document = editor.document;
    const cursor = editor.selection.active;
    location = locationAt(document.fileName, cursor.line, cursor.character);
  }
  if (document.uri.scheme !== 'file') throw new Error('DIME explains datasets stored as local files.');
  if (!isDatasetFile(document.fileName)) throw new Error(`${vscode.workspace.asRelativePath(document.uri)} is neither a JSONL dataset nor a CLEVR questions file.`);
  if (document.isDirty) throw new Error('Save the dataset file first: the daemon reads it from disk.');
  return { document, location };
}
