/** "DIME: Explain Sample at Cursor" (and the CodeLens above each JSONL sample). */
import * as vscode from 'vscode';
import { cursorTarget } from '../datasets/sampleTarget';
import { explainInPanel } from '../explain/explainInPanel';
import { reportError } from '../explain/runInPanel';
import type { Services } from '../explain/services';

export const EXPLAIN_SAMPLE = 'dime.explainSample';

export function registerExplainSample(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(EXPLAIN_SAMPLE, async (uri?: unknown, line?: unknown) => {
    try {
      const { location } = await cursorTarget(uri, line);
      const target = await s.datasets.find(location, s.settings().fields);
      const { dataset, sample } = target.found;
      await explainInPanel(s, {
        modelName: s.models.selected().label,
        prepare: async () => ({ model: await s.models.current(), sample: { datasetId: dataset.datasetId, index: sample.index } }),
        label: target.label,
        question: sample.question,
        imagePath: target.imagePath,
        dataFolders: target.dataFolders,
        baseFolder: dataset.folder,
        dataset: { path: dataset.path, format: dataset.format },
      });
    } catch (error) {
      reportError(s.log, 'Explain sample', error);
    }
  });
}
