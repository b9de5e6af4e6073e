/** "DIME: Explain Sample at Cursor" (and the CodeLens above each JSONL sample). */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { resolveSampleTarget } from '../datasets/sampleTarget';
import { explainInPanel } from '../explain/explainInPanel';
import { reportError } from '../explain/runInPanel';
import type { Services } from '../explain/services';

export const EXPLAIN_SAMPLE = 'dime.explainSample';

export function registerExplainSample(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(EXPLAIN_SAMPLE, async (uri?: unknown, line?: unknown) => {
    try {
      const settings = s.settings();
      const target = await resolveSampleTarget(settings.fields, uri, line);
      if (target.document.isDirty) throw new Error('Save the dataset file first: the daemon reads it from disk.');
      const sample = target.sample;
      const datasetFolder = path.dirname(target.document.fileName);
      await explainInPanel(s, {
        modelName: s.models.selected().label,
        prepare: async () => {
          const [model, dataset] = await Promise.all([s.models.current(), s.datasets.open(target.document.fileName, target.format, settings.fields)]);
          return { model, sample: { datasetId: dataset.datasetId, index: await s.datasets.indexOf(dataset, sample) } };
        },
        label: sample.id !== undefined ? `sample ${sample.id}` : `sample #${sample.index}`,
        question: sample.question,
        ...(target.imagePath ? { imagePath: target.imagePath } : {}),
        dataFolders: [datasetFolder, ...(target.imagePath ? [path.dirname(target.imagePath)] : [])],
        baseFolder: datasetFolder,
        dataset: { path: target.document.fileName, format: target.format },
      });
    } catch (error) {
      reportError(s.log, 'Explain sample', error);
    }
  });
}
