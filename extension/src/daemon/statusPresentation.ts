/** What the status bar shows for a supervisor snapshot (pure, so it is tested without vscode). */
import type { InitializeResult } from './protocol';
import type { SupervisorSnapshot } from './supervisor';

export interface StatusPresentation {
  text: string;
  tooltip: string;
  severity: 'normal' | 'warning' | 'error';
  /** The command a click runs. */
  command: 'dime.showLogs' | 'dime.restartDaemon';
}

export function presentStatus(snap: SupervisorSnapshot<InitializeResult>): StatusPresentation {
  const device = snap.info?.device;
  const deviceText = device ? (device.kind === 'cuda' ? 'CUDA' : 'CPU') : '';
  const deviceLines: string[] = [];
  if (device) {
    deviceLines.push(`Device: ${deviceText} (${device.name}), requested ${device.requested}`);
    if (device.fallbackReason) deviceLines.push(`Fallback: ${device.fallbackReason}`);
  }
  if (snap.info) {
    const v = snap.info.versions;
    deviceLines.push(`Daemon ${v.daemon} · .NET ${v.dotnet} · ONNX Runtime ${v.onnxRuntime}`);
  }
  switch (snap.state) {
    case 'stopped':
      return { text: '$(circle-slash) DIME: stopped', tooltip: 'The DIME daemon is stopped. Click to restart it.', severity: 'normal', command: 'dime.restartDaemon' };
    case 'starting':
      return { text: '$(loading~spin) DIME: starting', tooltip: 'Starting the DIME daemon…', severity: 'normal', command: 'dime.showLogs' };
    case 'failed':
      return {
        text: '$(error) DIME: failed',
        tooltip: `The DIME daemon failed: ${snap.error ?? 'unknown reason'}\nClick to restart it.`,
        severity: 'error',
        command: 'dime.restartDaemon',
      };
    case 'running': {
      const busy = snap.inFlight > 0;
      const fallback = device?.requested === 'cuda' || (device?.requested === 'auto' && device.fallbackReason !== undefined);
      const head = busy ? `$(sync~spin) DIME: busy (${snap.inFlight})` : '$(pulse) DIME: ready';
      return {
        text: deviceText ? `${head} · ${deviceText}` : head,
        tooltip: [busy ? `DIME is working on ${snap.inFlight} request(s).` : 'The DIME daemon is ready.', ...deviceLines, 'Click to show the logs.'].join('\n'),
        severity: fallback && device?.kind === 'cpu' ? 'warning' : 'normal',
        command: 'dime.showLogs',
      };
    }
  }
}
