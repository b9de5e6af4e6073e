/** Settings the running daemon was started with: offer a restart when they change. */
import * as vscode from 'vscode';
import { onDidChangeSettings } from './configuration';

export function offerRestartOnChange(): vscode.Disposable {
  return onDidChangeSettings(
    () =>
      void vscode.window
        .showInformationMessage('DIME: restart the daemon to apply the new device, path or log level.', 'Restart Daemon')
        .then((choice) => choice && vscode.commands.executeCommand('dime.restartDaemon')),
    'device',
    'daemon.path',
    'daemon.logLevel',
  );
}
