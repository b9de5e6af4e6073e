/** "DIME: Export Panel…": the JSON result, the overlay PNGs and the HTML report, written by the daemon. */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { Methods } from '../daemon/protocol';
import { reportError } from '../explain/runInPanel';
import type { Services } from '../explain/services';
import { DimePanel } from '../panels/dimePanel';
import { countOnDisk, exportTargets } from '../panels/exportPlan';

export const EXPORT_PANEL = 'dime.exportPanel';

export function registerExportPanel(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(EXPORT_PANEL, async (arg?: unknown) => {
    const panel = arg instanceof DimePanel ? arg : s.panels.active();
    try {
      if (!panel) throw new Error('Open a DIME panel first.');
      if (panel.resultIds.length === 0) throw new Error('This panel has no finished result to export yet.');
      const folder = await vscode.window.showOpenDialog({
        canSelectFiles: false,
        canSelectFolders: true,
        canSelectMany: false,
        openLabel: 'Export Here',
        title: 'DIME: export the result (JSON, overlay PNGs, HTML report)',
      });
      if (!folder?.[0]) return;
      const target = folder[0].fsPath;
      const written: string[] = [];
      const targets = exportTargets(
        target,
        panel.resultIds.map((resultId, i) => ({ resultId, name: panel.resultNames[i] ?? `result-${i + 1}` })),
      );
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Exporting…' }, async () => {
        for (const t of targets) written.push(...(await s.daemon.request(Methods.export, { resultId: t.resultId, folder: t.folder })).files);
      });
      // What is on disk, not what was asked for: a count that cannot hide an overwrite.
      const files = countOnDisk(written, existsSync);
      panel.post({ type: 'exported', folder: target, files });
      const choice = await vscode.window.showInformationMessage(`DIME: exported ${files} files to ${target}.`, 'Reveal');
      if (choice === 'Reveal') await vscode.commands.executeCommand('revealFileInOS', folder[0]);
    } catch (error) {
      reportError(s.log, 'Export', error);
    }
  });
}
