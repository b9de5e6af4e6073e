/**
 * Spawns one daemon process, connects vscode-jsonrpc to its stdio (LSP framing), forwards its stderr
 * lines to the log and sends `initialize`. Returns a DaemonHandle for the supervisor. Node only, no vscode.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, Trace, type MessageConnection } from 'vscode-jsonrpc/node';
import type { TraceLevel } from '../config/settings';
import { stderrLevel, type Logger } from '../util/logger';
import { DaemonClient } from './client';
import type { LaunchSpec } from './launchSpec';
import { Methods, PROTOCOL_VERSION, type InitializeParams, type InitializeResult } from './protocol';
import { LaunchError, type DaemonHandle, type ExitInfo, type Launcher } from './supervisor';

export interface ProcessLauncherOptions {
  spec: () => LaunchSpec | { error: string };
  initializeParams: () => InitializeParams;
  log: Logger;
  trace: () => TraceLevel;
  initializeTimeoutMs?: number;
  stopTimeoutMs?: number;
}

const STDERR_TAIL = 20;

export function createProcessLauncher(options: ProcessLauncherOptions): Launcher<DaemonClient, InitializeResult> {
  return () => launchOnce(options);
}

async function launchOnce(options: ProcessLauncherOptions): Promise<DaemonHandle<DaemonClient, InitializeResult>> {
  const { log } = options;
  const spec = options.spec();
  if ('error' in spec) throw new LaunchError(spec.error, false);
  if (spec.source === 'bundled') ensureExecutable(spec.target, log);

  log.info(`starting the daemon (${spec.source}): ${spec.command} ${spec.args.join(' ')}`);
  const child = spawn(spec.command, spec.args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
    windowsHide: true,
  });

  const tail: string[] = [];
  const stderr = readline.createInterface({ input: child.stderr });
  stderr.on('line', (line) => {
    tail.push(line);
    if (tail.length > STDERR_TAIL) tail.shift();
    log[stderrLevel(line)](`[daemon] ${line}`);
  });

  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      log.info(`the daemon (pid ${String(child.pid)}) exited: ${signal ? `signal ${signal}` : `code ${String(code)}`}`);
      resolve({ code, signal });
    });
  });
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      const missing = error.code === 'ENOENT' || error.code === 'EACCES';
      reject(new LaunchError(`cannot start ${spec.command}: ${error.message}`, !missing));
    });
  });
  spawnError.catch(() => undefined);

  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin), {
    error: (m) => log.error(`[rpc] ${m}`),
    warn: (m) => log.warn(`[rpc] ${m}`),
    info: (m) => log.info(`[rpc] ${m}`),
    log: (m) => log.debug(`[rpc] ${m}`),
  });
  connection.onError(([error]) => log.error(`[rpc] ${error.message}`));
  connection.onClose(() => log.debug('[rpc] connection closed'));
  const trace = options.trace();
  if (trace !== 'off') {
    void connection.trace(trace === 'verbose' ? Trace.Verbose : Trace.Messages, {
      log: (message: unknown, data?: string) => log.trace(`[rpc] ${String(message)}${data ? `\n${data}` : ''}`),
    });
  }
  connection.listen();
  const client = new DaemonClient(connection);

  const timeoutMs = options.initializeTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const info = await Promise.race([
      client.request(Methods.initialize, options.initializeParams()),
      spawnError,
      exited.then((exit) => {
        throw new LaunchError(`the daemon exited during startup (${describeExit(exit)})${tailText(tail)}`, true);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new LaunchError(`the daemon did not answer initialize within ${timeoutMs / 1000} s`, true)), timeoutMs);
      }),
    ]);
    if (info.protocolVersion !== PROTOCOL_VERSION) {
      log.warn(`the daemon speaks protocol ${String(info.protocolVersion)}, the extension ${PROTOCOL_VERSION}`);
    }
    log.info(
      `daemon ready: ${info.serverInfo.name} ${info.serverInfo.version}, device ${info.device.kind} (${info.device.name})` +
        (info.device.fallbackReason ? `, fallback: ${info.device.fallbackReason}` : ''),
    );
    return {
      client,
      info,
      exited,
      stop: () => stopProcess(child, connection, client, exited, options.stopTimeoutMs ?? 3000, log),
    };
  } catch (error) {
    kill(child);
    connection.dispose();
    throw error instanceof LaunchError ? error : new LaunchError(`initialize failed: ${error instanceof Error ? error.message : String(error)}${tailText(tail)}`, true);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function stopProcess(
  child: ChildProcess,
  connection: MessageConnection,
  client: DaemonClient,
  exited: Promise<ExitInfo>,
  timeoutMs: number,
  log: Logger,
): Promise<void> {
  const within = <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> =>
    Promise.race([p, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref())]);
  if (child.exitCode === null && child.signalCode === null) {
    try {
      const answer = await within(client.request(Methods.shutdown, undefined), timeoutMs);
      if (answer === 'timeout') log.warn('the daemon did not answer shutdown in time');
      await client.notify(Methods.exit);
    } catch (error) {
      log.debug(`shutdown: ${error instanceof Error ? error.message : String(error)}`);
    }
    if ((await within(exited, timeoutMs)) === 'timeout') {
      log.warn('the daemon did not exit after "exit"; terminating it');
      kill(child);
      if ((await within(exited, timeoutMs)) === 'timeout') child.kill('SIGKILL');
    }
  }
  connection.dispose();
}

function kill(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

function describeExit(exit: ExitInfo): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${String(exit.code)}`;
}

function tailText(tail: string[]): string {
  return tail.length ? `; last stderr lines:\n${tail.join('\n')}` : '';
}

/** VSIX extraction may lose the executable bit; the bundled daemon lives in our own folder, so restore it. */
function ensureExecutable(file: string, log: Logger): void {
  try {
    const mode = fs.statSync(file).mode;
    if ((mode & 0o111) === 0) {
      fs.chmodSync(file, mode | 0o755);
      log.info(`made ${file} executable`);
    }
  } catch (error) {
    log.warn(`cannot check ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
