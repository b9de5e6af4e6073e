/** "DIME: Compare Models on Sample…": the selected model and another one, side by side, one shared scale. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { explainOptions } from '../config/settings';
import { Methods } from '../daemon/protocol';
import { cursorTarget } from '../datasets/sampleTarget';
import { absolute } from '../explain/explainInPanel';
import { reportError, runInPanel } from '../explain/runInPanel';
import type { Services } from '../explain/services';
import type { ModelChoice } from '../models/modelCatalog';
import { isCompareResult } from '../panels/resultGuards';
import { compareKey } from '../panels/panelKeys';
import { compareEntry } from '../recent/recentList';

export const COMPARE_MODELS = 'dime.compareModels';

export function registerCompareModels(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMPARE_MODELS, async (uri?: unknown, line?: unknown) => {
    try {
      const settings = s.settings();
      const { location } = await cursorTarget(uri, line);
      const target = await s.datasets.find(location, settings.fields);
      const { dataset, sample } = target.found;
      const first = s.models.selected();
      const others = [...s.models.bundled(), ...(await s.models.workspaceChoices())].filter((c) => c.manifestPath !== first.manifestPath);
      const second = await pickSecond(first, others);
      if (!second) return;
      const [a, b] = await Promise.all([s.models.load(first.manifestPath), s.models.load(second.manifestPath)]);
      const label = target.label;
      const title = `DIME compare: ${label} · ${a.name} vs ${b.name}`;
      const panel = s.panels.create('compare', title, target.dataFolders);
      panel.post({ type: 'start', title, subtitle: `${a.name} vs ${b.name}`, question: sample.question, imageUri: panel.asWebviewUri(target.imagePath) });
      const result = await runInPanel(panel, `Comparing ${a.name} and ${b.name}`, s.log, (token, onProgress) =>
        s.daemon.requestWithProgress(
          Methods.compare,
          { modelIds: [a.modelId, b.modelId], sample: { datasetId: dataset.datasetId, index: sample.index }, options: explainOptions(settings) },
          onProgress,
          token,
        ),
      );
      if (!result) return;
      if (!isCompareResult(result)) throw new Error('The daemon answered the comparison with something other than two results.');
      const imagePath = absolute(result.results[0].sample.imagePath, dataset.folder);
      panel.allowFolders([path.dirname(imagePath)]);
      panel.resultIds = result.results.map((r) => r.resultId);
      panel.resultNames = result.results.map((r) => r.model.name);
      panel.sampleKey = compareKey(result);
      panel.post({ type: 'compare', result, imageUri: panel.asWebviewUri(imagePath) });
      s.remember(compareEntry(result, { label, imagePath, at: Date.now() }));
    } catch (error) {
      reportError(s.log, 'Compare models', error);
    }
  });
}

async function pickSecond(first: ModelChoice, others: ModelChoice[]): Promise<ModelChoice | undefined> {
  if (others.length === 0) throw new Error('There is no other model to compare with.');
  const picked = await vscode.window.showQuickPick(
    others.map((c) => ({ label: c.label, description: c.description, detail: c.manifestPath, choice: c })),
    { title: `DIME: compare ${first.label} with…` },
  );
  return picked?.choice;
}
