/** "DIME: Show Logs". */
import * as vscode from 'vscode';

export const SHOW_LOGS = 'dime.showLogs';

export function registerShowLogs(log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(SHOW_LOGS, () => log.show());
}
