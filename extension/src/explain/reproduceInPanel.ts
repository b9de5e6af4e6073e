/**
 * "Reproduce" in a panel's details: the daemon computes the panel's result again from its provenance
 * (dime/reproduce) and the panel shows the largest difference, or which input changed.
 */
import * as vscode from 'vscode';
import { DaemonRequestError, isCancellation, userMessage } from '../daemon/errors';
import { Methods } from '../daemon/protocol';
import type { DimePanel } from '../panels/dimePanel';
import type { Services } from './services';

export async function reproduceInPanel(services: Services, panel: DimePanel): Promise<void> {
  const resultId = panel.resultIds[0];
  if (!resultId) {
    panel.post({ type: 'reproduced', error: 'This panel has no finished result to reproduce yet.' });
    return;
  }
  services.log.info(`reproducing ${resultId}`);
  try {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'DIME: reproducing the result', cancellable: true },
      (progress, token) =>
        services.daemon.requestWithProgress(Methods.reproduce, { resultId }, (p) => progress.report({ message: `${p.phase} ${Math.round(p.fraction * 100)}%` }), token),
    );
    services.log.info(
      `reproduced ${resultId}: ${report.compared} numbers, ${report.identical ? 'identical' : `${report.differing} differ, largest ${String(report.largest?.difference)} at ${report.largest?.path ?? '?'}`}`,
    );
    panel.post({ type: 'reproduced', report });
  } catch (error) {
    const message = isCancellation(error) ? 'Reproducing was cancelled.' : userMessage(error);
    services.log.warn(`reproduce ${resultId}: ${message}`);
    panel.post({ type: 'reproduced', error: message, ...(error instanceof DaemonRequestError && error.errorName ? { errorName: error.errorName } : {}) });
  }
}
