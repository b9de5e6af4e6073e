/** "Explain with DIME" above each line of a JSONL dataset that holds a JSON object (the daemon says which sample it is). */
import * as vscode from 'vscode';
import { EXPLAIN_SAMPLE } from '../commands/explainSample';
import { objectLines } from './sampleLocation';
import type { DimeSettings } from '../config/settings';

export const JSONL_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.jsonl' },
  { scheme: 'file', pattern: '**/*.ndjson' },
];

export class SampleCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly settings: () => DimeSettings) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const { enabled, maxSamples } = this.settings().codeLens;
    if (!enabled) return [];
    return objectLines(document.getText(), maxSamples).map(
      (line) =>
        new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
          title: 'Explain with DIME',
          tooltip: 'Explain the model\'s answer for this sample (UC and MI heatmaps)',
          command: EXPLAIN_SAMPLE,
          arguments: [document.uri, line],
        }),
    );
  }

  dispose(): void {
    this.changed.dispose();
  }
}
