/** "DIME: Select Model…": the bundled demo models, and manifests (or Hugging Face export folders) of a trusted workspace. */
import * as vscode from 'vscode';
import { reportError } from '../explain/runInPanel';
import type { Services } from '../explain/services';
import type { ModelChoice } from '../models/modelCatalog';

export const SELECT_MODEL = 'dime.selectModel';

interface Item extends vscode.QuickPickItem {
  choice?: ModelChoice;
  action?: 'browse' | 'browseFolder' | 'trust';
}

export function registerSelectModel(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(SELECT_MODEL, async () => {
    try {
      const current = s.models.selected();
      const items: Item[] = [{ label: 'Bundled', kind: vscode.QuickPickItemKind.Separator }];
      for (const choice of s.models.bundled()) items.push(itemFor(choice, current));
      items.push({ label: 'Workspace', kind: vscode.QuickPickItemKind.Separator });
      if (vscode.workspace.isTrusted) {
        for (const choice of await s.models.workspaceChoices()) items.push(itemFor(choice, current));
        items.push({ label: '$(folder-opened) Browse for a manifest…', action: 'browse' });
        items.push({
          label: '$(folder-library) Browse for a Hugging Face export folder…',
          detail: 'model.onnx, config.json, tokenizer.json, preprocessor_config.json: the daemon derives the manifest',
          action: 'browseFolder',
        });
      } else {
        items.push({
          label: '$(shield) Models from the workspace need a trusted workspace',
          detail: 'DIME runs only its bundled models in Restricted Mode. Choose to manage Workspace Trust.',
          action: 'trust',
        });
      }
      const picked = await vscode.window.showQuickPick(items, { title: 'DIME: select the model to explain', matchOnDescription: true });
      if (!picked) return;
      if (picked.action === 'trust') {
        await vscode.commands.executeCommand('workbench.trust.manage');
        return;
      }
      let choice = picked.choice;
      if (picked.action === 'browse') {
        const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'DIME manifest': ['json'] }, openLabel: 'Use Model' });
        if (!files?.[0]) return;
        choice = { manifestPath: files[0].fsPath, label: vscode.workspace.asRelativePath(files[0]), description: 'manifest', source: 'file' };
      }
      if (picked.action === 'browseFolder') {
        const folders = await vscode.window.showOpenDialog({ canSelectMany: false, canSelectFiles: false, canSelectFolders: true, openLabel: 'Use Model Folder' });
        if (!folders?.[0]) return;
        choice = { manifestPath: folders[0].fsPath, label: vscode.workspace.asRelativePath(folders[0]), description: 'Hugging Face folder', source: 'file' };
      }
      if (!choice) return;
      const info = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Loading ${choice.label}…` },
        () => s.models.select(choice),
      );
      void vscode.window.showInformationMessage(`DIME: ${info.name} (${info.labels.length} labels${info.split ? ', split graphs' : ''}) on ${info.device.kind.toUpperCase()}.`);
    } catch (error) {
      reportError(s.log, 'Select model', error);
    }
  });
}

function itemFor(choice: ModelChoice, current: ModelChoice): Item {
  return {
    label: `${choice.manifestPath === current.manifestPath ? '$(check) ' : ''}${choice.label}`,
    description: choice.description,
    detail: choice.manifestPath,
    choice,
  };
}
