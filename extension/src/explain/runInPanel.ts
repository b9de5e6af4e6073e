/**
 * Runs one long daemon request for a panel: a cancellable notification with progress, the same progress
 * and a Cancel button in the panel, `$/cancelRequest` when either is cancelled (or the panel is closed),
 * and errors shown as typed messages in both places.
 */
import * as vscode from 'vscode';
import type { CancellationToken } from 'vscode-jsonrpc';
import { isCancellation, userMessage, DaemonRequestError } from '../daemon/errors';
import type { ProgressValue } from '../daemon/protocol';
import type { DimePanel } from '../panels/dimePanel';

export type LongWork<T> = (token: CancellationToken, onProgress: (value: ProgressValue) => void) => Promise<T>;

/** The result, or undefined when cancelled or failed (already reported). */
export async function runInPanel<T>(panel: DimePanel, title: string, log: vscode.LogOutputChannel, work: LongWork<T>): Promise<T | undefined> {
  const source = new vscode.CancellationTokenSource();
  const cancel = (why: string) => () => {
    if (source.token.isCancellationRequested) return;
    log.info(`${title}: cancel requested (${why})`);
    source.cancel();
  };
  const subscriptions = [panel.onDidCancel(cancel('panel')), panel.onDidDispose(cancel('panel closed'))];
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, notificationToken) => {
        subscriptions.push(notificationToken.onCancellationRequested(cancel('notification')));
        let reported = 0;
        const onProgress = (value: ProgressValue): void => {
          panel.post({ type: 'progress', ...value });
          const percent = Math.round(value.fraction * 100);
          const increment = percent > reported ? percent - reported : 0;
          reported = Math.max(reported, percent);
          progress.report({ message: `${value.phase} ${percent}%${value.message ? ` · ${value.message}` : ''}`, increment });
        };
        try {
          return await work(source.token, onProgress);
        } catch (error) {
          if (isCancellation(error) || source.token.isCancellationRequested) {
            log.info(`${title}: cancelled`);
            panel.post({ type: 'cancelled' });
            return undefined;
          }
          const message = userMessage(error);
          log.error(`${title}: ${message}`);
          panel.post(
            error instanceof DaemonRequestError
              ? { type: 'error', message, code: error.code, ...(error.errorName ? { name: error.errorName } : {}) }
              : { type: 'error', message },
          );
          void vscode.window.showErrorMessage(`DIME: ${message}`, 'Show Logs').then((c) => c && log.show());
          return undefined;
        }
      },
    );
  } finally {
    for (const s of subscriptions) s.dispose();
    source.dispose();
  }
}

/** Shows an error of a command that failed before any panel existed. */
export function reportError(log: vscode.LogOutputChannel, what: string, error: unknown): void {
  const message = userMessage(error);
  log.error(`${what}: ${message}`);
  void vscode.window.showErrorMessage(`DIME: ${message}`);
}
