/**
 * One DIME webview panel (explanation, dataset overview or comparison): strict CSP HTML with a fresh
 * nonce, local resources limited to the media folder, the data's folders and the daemon cache, messages
 * from the webview validated before use, and messages to it queued until it is ready and replayed when
 * it reloads (panels do not retain their context when hidden; the webview also restores from its state).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DatasetFormat } from '../daemon/protocol';
import { buildWebviewHtml, createNonce } from './html';
import { MessageReplay } from './messageReplay';
import { compareKey } from './panelKeys';
import { isWebviewMessage, stateResultId, type HostMessage, type LoopMessage, type PanelKind, type PanelState } from './messages';

export const VIEW_TYPES: Record<PanelKind, string> = {
  explanation: 'dime.explanation',
  dataset: 'dime.dataset',
  compare: 'dime.compare',
};

export interface PanelOrigin {
  manifestPath?: string;
  dataset?: { path: string; format: DatasetFormat };
  /** The explain-dataset output folder a stored overview was opened from. */
  storedFolder?: string;
}

export interface PanelEnvironment {
  extensionUri: vscode.Uri;
  cacheFolder: vscode.Uri;
  log: vscode.LogOutputChannel;
}

export class DimePanel implements vscode.Disposable {
  private readonly replay = new MessageReplay();
  private roots: vscode.Uri[];
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];

  private readonly cancelEmitter = new vscode.EventEmitter<void>();
  private readonly exportEmitter = new vscode.EventEmitter<void>();
  private readonly reproduceEmitter = new vscode.EventEmitter<void>();
  private readonly openSampleEmitter = new vscode.EventEmitter<{ datasetId: string; index: number }>();
  private readonly openStoredEmitter = new vscode.EventEmitter<number>();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  private readonly activeEmitter = new vscode.EventEmitter<boolean>();
  private readonly loopEmitter = new vscode.EventEmitter<LoopMessage>();
  /** Retry, previous / next, re-explain, pin (the explanation panel's loop, handled in explain/explanationLoop.ts). */
  readonly onDidRequestLoop = this.loopEmitter.event;
  readonly onDidCancel = this.cancelEmitter.event;
  readonly onDidRequestExport = this.exportEmitter.event;
  readonly onDidRequestReproduce = this.reproduceEmitter.event;
  readonly onDidOpenSample = this.openSampleEmitter.event;
  /** A row of a stored explain-dataset overview was clicked: the sample index. */
  readonly onDidOpenStored = this.openStoredEmitter.event;
  readonly onDidDispose = this.disposeEmitter.event;
  readonly onDidChangeActive = this.activeEmitter.event;

  /** Result ids this panel shows (for export). */
  resultIds: string[] = [];
  /** What each result is called (its model's name), parallel to resultIds: names its export subfolder. */
  resultNames: string[] = [];
  /** Where a dataset overview came from, so its rows can be explained again after a reload. */
  origin: PanelOrigin = {};
  /** A pinned panel is kept: new explanations do not reuse it. */
  pinned = false;
  /** A request is running in this panel. */
  busy = false;
  /** What the panel shows, so that explaining the same sample again comes back to it. */
  sampleKey: string | undefined;
  /** How to run the panel's explanation again (set by explain/explainInPanel.ts; absent after a reload). */
  loop: unknown;

  static create(env: PanelEnvironment, kind: PanelKind, title: string, dataFolders: string[]): DimePanel {
    const panel = vscode.window.createWebviewPanel(
      VIEW_TYPES[kind],
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: rootsFor(env, dataFolders) },
    );
    panel.iconPath = vscode.Uri.joinPath(env.extensionUri, 'media', 'dime.svg');
    return new DimePanel(env, kind, panel, dataFolders);
  }

  /** Re-attaches to a panel VS Code restored after a reload; the webview restores itself from `state`. */
  static revive(env: PanelEnvironment, kind: PanelKind, panel: vscode.WebviewPanel, state: PanelState | undefined): DimePanel {
    const folders = state ? dataFoldersOf(state) : [];
    const revived = new DimePanel(env, kind, panel, folders);
    if (state) {
      const id = stateResultId(state);
      revived.resultIds = state.compare ? state.compare.result.results.map((r) => r.resultId) : id ? [id] : [];
      revived.resultNames = state.compare ? state.compare.result.results.map((r) => r.model.name) : [];
      if (state.compare) revived.sampleKey = compareKey(state.compare.result);
      const ds = state.dataset?.result;
      revived.pinned = state.pinned === true;
      if (ds) revived.origin = { manifestPath: ds.model.manifestPath, dataset: { path: ds.dataset.path, format: ds.dataset.format } };
      if (state.stored) revived.origin = { storedFolder: state.stored.folder };
      // The request of a panel that was running when the window reloaded is gone with the old extension host.
      if (state.phase === 'running') revived.post({ type: 'error', message: 'Interrupted by a reload of the window: run the explanation again.' });
    }
    return revived;
  }

  private constructor(
    private readonly env: PanelEnvironment,
    readonly kind: PanelKind,
    readonly panel: vscode.WebviewPanel,
    dataFolders: string[],
  ) {
    this.roots = rootsFor(env, dataFolders);
    panel.webview.options = { enableScripts: true, localResourceRoots: this.roots };
    this.disposables.push(
      this.cancelEmitter,
      this.exportEmitter,
      this.reproduceEmitter,
      this.openSampleEmitter,
      this.openStoredEmitter,
      this.activeEmitter,
      this.loopEmitter,
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      panel.onDidChangeViewState((e) => this.activeEmitter.fire(e.webviewPanel.active)),
      panel.onDidDispose(() => this.dispose()),
    );
    this.render();
  }

  get active(): boolean {
    return !this.disposed && this.panel.active;
  }

  get webview(): vscode.Webview {
    return this.panel.webview;
  }

  /** Allows the webview to load files below more folders (an image's folder, say). */
  allowFolders(folders: string[]): void {
    const extra = folders.map((f) => vscode.Uri.file(f)).filter((u) => !this.roots.some((r) => r.fsPath === u.fsPath));
    if (extra.length === 0) return;
    this.roots = [...this.roots, ...extra];
    this.panel.webview.options = { enableScripts: true, localResourceRoots: this.roots };
  }

  asWebviewUri(file: string): string {
    return this.panel.webview.asWebviewUri(vscode.Uri.file(file)).toString();
  }

  setTitle(title: string): void {
    if (!this.disposed) this.panel.title = title;
  }

  post(message: HostMessage): void {
    if (this.disposed) return;
    if (this.replay.post(message)) void this.panel.webview.postMessage(message);
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  private render(): void {
    const webview = this.panel.webview;
    const media = vscode.Uri.joinPath(this.env.extensionUri, 'media');
    webview.html = buildWebviewHtml({
      kind: this.kind,
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'dist', `${this.kind}.js`)).toString(),
      styleUris: [webview.asWebviewUri(vscode.Uri.joinPath(media, 'dist', `${this.kind}.css`)).toString()],
      title: this.panel.title,
    });
  }

  private receive(message: unknown): void {
    if (!isWebviewMessage(message)) {
      this.env.log.warn(`ignored an invalid message from the ${this.kind} panel`);
      return;
    }
    switch (message.type) {
      case 'ready':
        // A (re)loaded webview gets what it missed: the queue, or the replay of the last state.
        for (const m of this.replay.onReady()) void this.panel.webview.postMessage(m);
        break;
      case 'cancel':
        this.cancelEmitter.fire();
        break;
      case 'export':
        this.exportEmitter.fire();
        break;
      case 'reproduce':
        this.reproduceEmitter.fire();
        break;
      case 'openSample':
        this.openSampleEmitter.fire({ datasetId: message.datasetId, index: message.index });
        break;
      case 'openStored':
        this.openStoredEmitter.fire(message.index);
        break;
      case 'retry':
      case 'navigate':
      case 'reexplain':
        this.loopEmitter.fire(message);
        break;
      case 'pin':
        this.pinned = message.pinned;
        break;
      case 'log':
        this.env.log[message.level](`[${this.kind} panel] ${message.message}`);
        break;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

function rootsFor(env: PanelEnvironment, dataFolders: string[]): vscode.Uri[] {
  const roots = [vscode.Uri.joinPath(env.extensionUri, 'media'), env.cacheFolder, ...dataFolders.map((f) => vscode.Uri.file(f))];
  const seen = new Set<string>();
  return roots.filter((r) => (seen.has(r.fsPath) ? false : (seen.add(r.fsPath), true)));
}

function dataFoldersOf(state: PanelState): string[] {
  const paths = [
    state.explanation?.result.sample.imagePath,
    ...(state.compare?.result.results.map((r) => r.sample.imagePath) ?? []),
  ].filter((p): p is string => typeof p === 'string' && path.isAbsolute(p));
  return [...new Set(paths.map((p) => path.dirname(p)))];
}
