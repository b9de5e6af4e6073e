/**
 * The daemon as the rest of the extension sees it: typed requests (counted as "busy" while in flight),
 * lifecycle events, and the user-facing side of supervision (crash notifications, "Restart Daemon").
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { CancellationToken } from 'vscode-jsonrpc';
import { readSettings } from '../config/configuration';
import type { DaemonClient, ProgressMethod } from './client';
import { resolveLaunchSpec, type LaunchInputs, type LaunchSpec } from './launchSpec';
import { gpuNatives } from '../gpu/gpuNatives';
import { createProcessLauncher } from './processLauncher';
import type { InitializeResult, ParamsOf, ProgressValue, RequestMethod, ResultOf } from './protocol';
import { DaemonSupervisor, type CrashEvent, type SupervisorSnapshot } from './supervisor';

export class DaemonService implements vscode.Disposable {
  private readonly supervisor: DaemonSupervisor<DaemonClient, InitializeResult>;
  private readonly disposables: vscode.Disposable[] = [];
  private generationValue = 0;
  private readonly generationEmitter = new vscode.EventEmitter<number>();
  private readonly stateEmitter = new vscode.EventEmitter<SupervisorSnapshot<InitializeResult>>();

  /** Fires with every state or busy change. */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Fires when a new daemon process is running (models and datasets must be loaded again). */
  readonly onDidStartProcess = this.generationEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const cacheFolder = vscode.Uri.joinPath(context.globalStorageUri, 'cache').fsPath;
    const launcher = createProcessLauncher({
      log,
      trace: () => readSettings().trace,
      spec: () => {
        fs.mkdirSync(cacheFolder, { recursive: true });
        const natives = gpuNatives(context, log);
        return this.launchSpec(natives ? { ortNatives: natives } : {});
      },
      initializeParams: () => ({
        clientInfo: { name: 'dime-vscode', version: (context.extension.packageJSON as { version?: string }).version ?? '0.0.0' },
        processId: process.pid,
        cacheFolder,
        device: readSettings().device,
      }),
    });
    this.supervisor = new DaemonSupervisor({ launch: launcher, log: (m) => log.warn(m) });
    this.disposables.push(
      this.stateEmitter,
      this.generationEmitter,
      toDisposable(
        this.supervisor.onDidChangeState((snap) => {
          this.stateEmitter.fire(snap);
          if (snap.state === 'running' && this.lastRunningInfo !== snap.info) {
            this.lastRunningInfo = snap.info;
            this.generationEmitter.fire(++this.generationValue);
          }
        }),
      ),
      toDisposable(this.supervisor.onDidCrash((crash) => this.onCrash(crash))),
    );
  }

  private lastRunningInfo: InitializeResult | undefined;

  /** Where the daemon is and how it is started (also for its other subcommands, `gpu enable`). */
  launchSpec(extra: Partial<Pick<LaunchInputs, 'ortNatives'>> = {}): LaunchSpec | { error: string } {
    const settings = readSettings(this.log);
    return resolveLaunchSpec({
      settingPath: settings.daemonPath,
      extensionPath: this.context.extensionPath,
      cacheFolder: this.cacheFolder.fsPath,
      parentPid: process.pid,
      logLevel: settings.logLevel,
      ...extra,
      mtime: (file) => {
        try {
          return fs.statSync(file).mtimeMs;
        } catch {
          return undefined;
        }
      },
    });
  }

  get cacheFolder(): vscode.Uri {
    return vscode.Uri.joinPath(this.context.globalStorageUri, 'cache');
  }

  /** Increases with every new daemon process. */
  get generation(): number {
    return this.generationValue;
  }

  snapshot(): SupervisorSnapshot<InitializeResult> {
    return this.supervisor.snapshot();
  }

  start(): Promise<void> {
    return this.supervisor.start();
  }

  async restart(): Promise<void> {
    this.log.info('restarting the daemon on request');
    await this.supervisor.restart();
  }

  stop(): Promise<void> {
    return this.supervisor.stop();
  }

  async request<M extends RequestMethod>(method: M, params: ParamsOf<M>, token?: CancellationToken): Promise<ResultOf<M>> {
    const client = await this.supervisor.client();
    return this.supervisor.track(client.request(method, params, token));
  }

  async requestWithProgress<M extends ProgressMethod>(
    method: M,
    params: Omit<ParamsOf<M>, 'progressToken'>,
    onProgress: (value: ProgressValue) => void,
    token?: CancellationToken,
  ): Promise<ResultOf<M>> {
    const client = await this.supervisor.client();
    return this.supervisor.track(client.requestWithProgress(method, params, onProgress, token));
  }

  private onCrash(crash: CrashEvent): void {
    const what = crash.launchError
      ? `could not start: ${crash.launchError}`
      : `exited unexpectedly (${crash.exit?.signal ? `signal ${crash.exit.signal}` : `code ${String(crash.exit?.code)}`})`;
    const decision = crash.decision;
    if (decision.restart) {
      void vscode.window.showWarningMessage(`The DIME daemon ${what}. Restarting it (${decision.attempt} of ${decision.max}).`);
      return;
    }
    void vscode.window.showErrorMessage(`The DIME daemon ${what}. It was stopped.`, 'Restart Daemon', 'Show Logs').then((choice) => {
      if (choice === 'Restart Daemon') void vscode.commands.executeCommand('dime.restartDaemon');
      if (choice === 'Show Logs') this.log.show();
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.supervisor.dispose();
  }
}

function toDisposable(d: { dispose(): void }): vscode.Disposable {
  return new vscode.Disposable(() => d.dispose());
}
