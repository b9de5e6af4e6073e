/** "DIME: Restart Daemon": a manual restart, which also resets the automatic restart budget. */
import * as vscode from 'vscode';
import { reportError } from '../explain/runInPanel';
import type { Services } from '../explain/services';

export const RESTART_DAEMON = 'dime.restartDaemon';

export function registerRestartDaemon(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(RESTART_DAEMON, async () => {
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Restarting the DIME daemon' }, () => s.daemon.restart());
      const snap = s.daemon.snapshot();
      if (snap.state === 'failed') void vscode.window.showErrorMessage(`DIME: the daemon failed to start: ${snap.error ?? ''}`, 'Show Logs').then((c) => c && s.log.show());
    } catch (error) {
      reportError(s.log, 'Restart daemon', error);
    }
  });
}
