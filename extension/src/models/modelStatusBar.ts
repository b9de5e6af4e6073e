/** A status bar item with the selected model; a click selects another one. */
import * as vscode from 'vscode';
import type { ModelService } from './modelService';

export class ModelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('dime.model', vscode.StatusBarAlignment.Left, 9);
  private readonly subscription: vscode.Disposable;

  constructor(models: ModelService) {
    this.item.name = 'DIME model';
    this.item.command = 'dime.selectModel';
    this.subscription = models.onDidChangeModel(() => this.update(models));
    this.update(models);
    this.item.show();
  }

  private update(models: ModelService): void {
    const m = models.selected();
    this.item.text = `$(symbol-class) ${m.label}`;
    this.item.tooltip = `DIME model: ${m.label} (${m.description})\n${m.manifestPath}\nClick to select another model.`;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
