/**
 * The "Recent Explanations" view in the explorer: the explanations and comparisons of this workspace, newest
 * first (kept in the workspace state, so those from before a reload stay). Clicking one opens its panel
 * from the result the daemon stored; nothing is computed again.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { explainOptions } from '../config/settings';
import type { ExplanationResult } from '../daemon/protocol';
import { type ExplainRun } from '../explain/explainInPanel';
import { reportError } from '../explain/runInPanel';
import { announcedLimits, type Services } from '../explain/services';
import { compareKey } from '../panels/panelKeys';
import { addRecent, describeEntry, parseRecent, readStoredResult, type RecentEntry } from './recentList';

export const RECENT_VIEW = 'dime.recentExplanations';
export const OPEN_RECENT = 'dime.openRecent';
export const CLEAR_RECENT = 'dime.clearRecent';
const STATE_KEY = 'dime.recentExplanations';

export class RecentExplanations implements vscode.TreeDataProvider<RecentEntry>, vscode.Disposable {
  private entries: RecentEntry[];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly state: vscode.Memento) {
    this.entries = parseRecent(state.get<unknown>(STATE_KEY));
  }

  list(): readonly RecentEntry[] {
    return this.entries;
  }

  record(entry: RecentEntry): void {
    this.entries = addRecent(this.entries, entry);
    void this.state.update(STATE_KEY, this.entries);
    this.changed.fire();
  }

  clear(): void {
    this.entries = [];
    void this.state.update(STATE_KEY, this.entries);
    this.changed.fire();
  }

  find(key: string): RecentEntry | undefined {
    return this.entries.find((e) => e.key === key);
  }

  getTreeItem(entry: RecentEntry): vscode.TreeItem {
    const text = describeEntry(entry);
    const item = new vscode.TreeItem(text.label, vscode.TreeItemCollapsibleState.None);
    item.id = entry.key;
    item.description = text.description;
    item.tooltip = text.tooltip;
    item.iconPath = new vscode.ThemeIcon(entry.kind === 'compare' ? 'split-horizontal' : 'lightbulb');
    item.contextValue = entry.kind;
    item.accessibilityInformation = { label: `${text.label}, answered ${text.description}` };
    item.command = { command: OPEN_RECENT, title: 'Open', arguments: [entry.key] };
    return item;
  }

  getChildren(entry?: RecentEntry): RecentEntry[] {
    return entry ? [] : this.entries;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerRecentExplanations(s: Services, recent: RecentExplanations): vscode.Disposable {
  return vscode.Disposable.from(
    recent,
    vscode.window.createTreeView(RECENT_VIEW, { treeDataProvider: recent, showCollapseAll: false }),
    vscode.commands.registerCommand(OPEN_RECENT, async (key?: unknown) => {
      try {
        const entry = typeof key === 'string' ? recent.find(key) : undefined;
        if (!entry) throw new Error('That explanation is no longer in the list.');
        await openRecent(s, entry);
      } catch (error) {
        reportError(s.log, 'Recent explanations', error);
      }
    }),
    vscode.commands.registerCommand(CLEAR_RECENT, () => recent.clear()),
  );
}

/** Opens an entry's panel from its stored results (a panel that already shows them is brought forward). */
async function openRecent(s: Services, entry: RecentEntry): Promise<void> {
  const stored = readStoredResult(entry, (file) => readFileSync(file, 'utf8'));
  const folders = [path.dirname(entry.imagePath)];
  if (stored.kind === 'compare') {
    const key = compareKey(stored.result);
    if (s.panels.revealShowing('compare', key)) {
      s.log.info(`brought forward the panel that shows the comparison of ${entry.label} (${entry.key})`);
      return;
    }
    const title = `DIME compare: ${entry.label} · ${entry.models.join(' vs ')}`;
    const panel = s.panels.create('compare', title, folders);
    panel.sampleKey = key;
    panel.resultIds = stored.result.results.map((r) => r.resultId);
    panel.resultNames = stored.result.results.map((r) => r.model.name);
    panel.post({ type: 'start', title, subtitle: entry.models.join(' vs '), question: entry.question, imageUri: panel.asWebviewUri(entry.imagePath) });
    panel.post({ type: 'compare', result: stored.result, imageUri: panel.asWebviewUri(entry.imagePath) });
    s.log.info(`opened the stored comparison of ${entry.label} (${entry.key}) from the result cache`);
    return;
  }
  const result = stored.result;
  const title = `DIME: ${entry.label} · ${result.model.name}`;
  const panel = s.panels.reuseOrCreate('explanation', `recent:${entry.key}`, title, folders);
  panel.resultIds = [result.resultId];
  // previous / next, retry and the drawers work from here as in a panel explained just now
  panel.loop = runFor(s, entry, result);
  panel.post({ type: 'start', title, subtitle: result.model.name, question: entry.question, imageUri: panel.asWebviewUri(entry.imagePath) });
  const dataset = result.sample.datasetId ? await s.datasets.known(result.sample.datasetId) : undefined;
  const position = dataset && result.sample.index !== undefined ? { index: result.sample.index, count: dataset.count } : undefined;
  panel.post({ type: 'explanation', result, imageUri: panel.asWebviewUri(entry.imagePath), ...(position ? { position } : {}), ...announcedLimits(s) });
  s.log.info(`opened the stored explanation of ${entry.label} (${entry.key}) from the result cache`);
}

/** The panel's loop for a result read back from the cache: the same model and sample, explained again on request. */
function runFor(s: Services, entry: RecentEntry, result: ExplanationResult): ExplainRun {
  const dataset = entry.dataset;
  return {
    options: explainOptions(s.settings()),
    result,
    request: {
      modelName: result.model.name,
      label: entry.label,
      question: entry.question,
      imagePath: entry.imagePath,
      dataFolders: [path.dirname(entry.imagePath), ...(dataset ? [path.dirname(dataset.path)] : [])],
      ...(dataset ? { baseFolder: path.dirname(dataset.path), dataset } : {}),
      prepare: async () => {
        const model = await s.models.load(result.model.manifestPath);
        if (dataset && result.sample.index !== undefined) {
          const opened = await s.datasets.open(dataset.path, dataset.format, s.settings().fields);
          return { model, sample: { datasetId: opened.datasetId, index: result.sample.index } };
        }
        return { model, sample: { imagePath: entry.imagePath, question: entry.question } };
      },
    },
  };
}
