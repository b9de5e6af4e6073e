/** The status bar item of the daemon: state, device, and a click to the logs or a restart. */
import * as vscode from 'vscode';
import type { DaemonService } from './daemonService';
import { presentStatus } from './statusPresentation';

export class DaemonStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('dime.daemon', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;

  constructor(daemon: DaemonService) {
    this.item.name = 'DIME daemon';
    this.subscription = daemon.onDidChangeState(() => this.update(daemon));
    this.update(daemon);
    this.item.show();
  }

  private update(daemon: DaemonService): void {
    const view = presentStatus(daemon.snapshot());
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.command = view.command;
    this.item.backgroundColor =
      view.severity === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.severity === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
