/**
 * "DIME: Enable GPU": runs the daemon's `gpu enable` (fetch the pinned CUDA build of ONNX Runtime from NuGet into the
 * extension's global storage, verify its SHA-512, install its natives, check for CUDA 13 / cuDNN 9), then restarts
 * the daemon on those natives and says what this machine still lacks, if anything.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { commandLine } from '../daemon/launchSpec';
import { reportError } from '../explain/runInPanel';
import type { Services } from '../explain/services';
import { enableMessage, parseEnableReport } from '../gpu/enableReport';
import { gpuFolder, rememberGpuNatives } from '../gpu/gpuNatives';

export const ENABLE_GPU = 'dime.enableGpu';

export function registerEnableGpu(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(ENABLE_GPU, async () => {
    try {
      if (process.platform !== 'linux') throw new Error('Enable GPU fetches the CUDA build of ONNX Runtime for Linux; on this system point dime.daemon.path at a daemon published with CUDA.');
      const spec = s.daemon.launchSpec();
      if ('error' in spec) throw new Error(spec.error);
      const into = gpuFolder(s.context);
      fs.mkdirSync(into, { recursive: true });
      const cli = commandLine(spec, ['gpu', 'enable', '--into', into, '--json']);
      const stdout = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'DIME: fetching the CUDA build of ONNX Runtime (about 250 MB) and verifying it', cancellable: true },
        (_progress, token) => run(cli.command, cli.args, token, s.log),
      );
      if (stdout === undefined) return;
      const report = parseEnableReport(stdout);
      s.log.info(`gpu enable: ${report.package} ${report.version} in ${report.folder} (${report.downloaded ? 'downloaded' : 'already there'}); ${report.cuda}`);
      await rememberGpuNatives(s.context, report.folder);
      await s.daemon.restart();
      const message = enableMessage(report);
      if (message.level === 'info') void vscode.window.showInformationMessage(message.text);
      else void vscode.window.showWarningMessage(message.text, 'Show Logs').then((c) => c && s.log.show());
    } catch (error) {
      reportError(s.log, 'Enable GPU', error);
    }
  });
}

/** Runs the daemon's command; its stdout, undefined when cancelled; an error with its last stderr line when it fails. */
function run(command: string, args: string[], token: vscode.CancellationToken, log: vscode.LogOutputChannel): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
      log.debug(`[gpu enable] ${d.toString('utf8').trimEnd()}`);
    });
    const cancelled = token.onCancellationRequested(() => child.kill('SIGTERM'));
    child.on('error', (e) => {
      cancelled.dispose();
      reject(e);
    });
    child.on('close', (code) => {
      cancelled.dispose();
      if (token.isCancellationRequested) return resolve(undefined);
      if (code === 0) return resolve(stdout);
      const last = stderr.trim().split('\n').pop() ?? `exit code ${String(code)}`;
      reject(new Error(last.replace(/^error \d+ \w+: /, '')));
    });
  });
}
