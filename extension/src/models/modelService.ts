/**
 * The selected model: stored per workspace, loaded into the daemon on demand (once per daemon process),
 * and never taken from the workspace unless the workspace is trusted.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { DaemonService } from '../daemon/daemonService';
import { Methods, type ModelInfo } from '../daemon/protocol';
import { bundledModels, looksLikeManifest, mayLoad, modelName, type ModelChoice } from './modelCatalog';

const STATE_KEY = 'dime.model.manifestPath';

export class ModelService implements vscode.Disposable {
  private loaded = new Map<string, Promise<ModelInfo>>();
  private readonly changed = new vscode.EventEmitter<ModelChoice>();
  private readonly disposables: vscode.Disposable[] = [];
  readonly onDidChangeModel = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly daemon: DaemonService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.changed,
      daemon.onDidStartProcess(() => (this.loaded = new Map())),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire(this.selected())),
    );
  }

  bundled(): ModelChoice[] {
    return bundledModels(this.context.extensionPath, (f) => fs.existsSync(f));
  }

  /** The selected model, or the first bundled one when nothing (allowed) is selected. */
  selected(): ModelChoice {
    const bundled = this.bundled();
    const stored = this.context.workspaceState.get<string>(STATE_KEY);
    if (stored) {
      const known = bundled.find((b) => b.manifestPath === stored);
      if (known) return known;
      if (!fs.existsSync(stored)) {
        this.log.warn(`the selected model ${stored} no longer exists; using the bundled model`);
        return bundled[0]!;
      }
      if (mayLoad(stored, bundled, vscode.workspace.isTrusted)) {
        return { manifestPath: stored, label: modelName(stored, readText(stored)), description: vscode.workspace.asRelativePath(stored), source: 'workspace' };
      }
      this.log.warn(`the selected model ${stored} is ignored: the workspace is not trusted`);
    }
    return bundled[0]!;
  }

  /** Manifests in the workspace (trusted workspaces only). */
  async workspaceChoices(token?: vscode.CancellationToken): Promise<ModelChoice[]> {
    if (!vscode.workspace.isTrusted) return [];
    const files = await vscode.workspace.findFiles('**/manifest.json', '{**/node_modules/**,**/.git/**,**/bin/**,**/obj/**}', 200, token);
    const bundled = new Set(this.bundled().map((b) => b.manifestPath));
    const out: ModelChoice[] = [];
    for (const file of files) {
      if (bundled.has(file.fsPath)) continue;
      try {
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
        if (looksLikeManifest(text)) {
          out.push({ manifestPath: file.fsPath, label: modelName(file.fsPath, text), description: vscode.workspace.asRelativePath(file), source: 'workspace' });
        }
      } catch {
        // unreadable: not offered
      }
    }
    return out;
  }

  /** Loads a model and makes it the selected one. */
  async select(choice: ModelChoice): Promise<ModelInfo> {
    this.assertAllowed(choice.manifestPath);
    const info = await this.load(choice.manifestPath);
    await this.context.workspaceState.update(STATE_KEY, choice.manifestPath);
    this.changed.fire(choice);
    return info;
  }

  /** The selected model, loaded. */
  current(): Promise<ModelInfo> {
    return this.load(this.selected().manifestPath);
  }

  /** Loads a manifest into the daemon (cached for the daemon process). */
  load(manifestPath: string): Promise<ModelInfo> {
    this.assertAllowed(manifestPath);
    let pending = this.loaded.get(manifestPath);
    if (!pending) {
      this.log.info(`loading model ${manifestPath}`);
      pending = this.daemon.request(Methods.loadModel, { manifestPath });
      pending.then(
        // configurations that load but are probably wrong (docs/protocol.md, ModelInfo.warnings)
        (info) => info.warnings?.forEach((warning) => this.log.warn(`model ${info.name}: ${warning}`)),
        () => this.loaded.delete(manifestPath),
      );
      this.loaded.set(manifestPath, pending);
    }
    return pending;
  }

  private assertAllowed(manifestPath: string): void {
    if (!mayLoad(manifestPath, this.bundled(), vscode.workspace.isTrusted)) {
      throw new Error('DIME loads models from the workspace only when the workspace is trusted.');
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
