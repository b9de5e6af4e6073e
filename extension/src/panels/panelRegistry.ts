/**
 * Keeps track of the open DIME panels: which one is active (for "Export Panel" and the `dime.panelActive`
 * context key) and revives them after a reload through WebviewPanelSerializers.
 */
import * as vscode from 'vscode';
import { DimePanel, VIEW_TYPES, type PanelEnvironment } from './dimePanel';
import { isPanelState, type PanelKind } from './messages';

export class PanelRegistry implements vscode.Disposable {
  private readonly panels = new Set<DimePanel>();
  private lastActive: DimePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly addedEmitter = new vscode.EventEmitter<DimePanel>();
  /** A panel was created or restored after a reload; features attach their handlers (export, open sample). */
  readonly onDidAdd = this.addedEmitter.event;

  constructor(private readonly env: PanelEnvironment) {
    for (const kind of Object.keys(VIEW_TYPES) as PanelKind[]) {
      this.disposables.push(
        vscode.window.registerWebviewPanelSerializer(VIEW_TYPES[kind], {
          deserializeWebviewPanel: (panel: vscode.WebviewPanel, state: unknown) => {
            const valid = isPanelState(state) && state.kind === kind ? state : undefined;
            if (state !== undefined && !valid) env.log.warn(`a restored ${kind} panel had an invalid state; it starts empty`);
            this.add(DimePanel.revive(env, kind, panel, valid));
            return Promise.resolve();
          },
        }),
      );
    }
    this.disposables.push(this.addedEmitter);
  }

  create(kind: PanelKind, title: string, dataFolders: string[]): DimePanel {
    return this.add(DimePanel.create(this.env, kind, title, dataFolders));
  }

  /**
   * The panel a new explanation goes to: the one that shows the same sample, else an unpinned idle one of the
   * kind (explaining sample after sample keeps one tab), else a new one.
   */
  reuseOrCreate(kind: PanelKind, sampleKey: string, title: string, dataFolders: string[]): DimePanel {
    const idle = [...this.panels].filter((p) => p.kind === kind && !p.busy);
    const reused = idle.find((p) => p.sampleKey === sampleKey) ?? idle.find((p) => !p.pinned);
    if (!reused) {
      const created = this.create(kind, title, dataFolders);
      created.sampleKey = sampleKey;
      return created;
    }
    reused.allowFolders(dataFolders);
    reused.setTitle(title);
    reused.sampleKey = sampleKey;
    reused.reveal();
    return reused;
  }

  /** An idle panel of the kind that shows `key` (a comparison's results, say), brought forward; else undefined. */
  revealShowing(kind: PanelKind, key: string): DimePanel | undefined {
    const shown = [...this.panels].find((p) => p.kind === kind && !p.busy && p.sampleKey === key);
    shown?.reveal();
    return shown;
  }

  private add(panel: DimePanel): DimePanel {
    this.panels.add(panel);
    this.lastActive = panel;
    void this.updateContext();
    panel.onDidChangeActive((active) => {
      if (active) this.lastActive = panel;
      void this.updateContext();
    });
    panel.onDidDispose(() => {
      this.panels.delete(panel);
      if (this.lastActive === panel) this.lastActive = undefined;
      void this.updateContext();
    });
    this.addedEmitter.fire(panel);
    return panel;
  }

  /** The active panel, else the one active last. */
  active(): DimePanel | undefined {
    for (const p of this.panels) if (p.active) return p;
    return this.lastActive;
  }

  private updateContext(): Thenable<unknown> {
    const active = [...this.panels].some((p) => p.active);
    return vscode.commands.executeCommand('setContext', 'dime.panelActive', active);
  }

  dispose(): void {
    for (const p of [...this.panels]) p.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
