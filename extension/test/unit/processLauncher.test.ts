// The launcher and the supervisor against a real child process speaking JSON-RPC over stdio.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import type { DaemonClient } from '../../src/daemon/client';
import { isCancellation } from '../../src/daemon/errors';
import { daemonArgs } from '../../src/daemon/launchSpec';
import { createProcessLauncher, type ProcessLauncherOptions } from '../../src/daemon/processLauncher';
import { Methods, type InitializeResult, type RequestMethod } from '../../src/daemon/protocol';
import { RestartPolicy } from '../../src/daemon/restartPolicy';
import { DaemonSupervisor, LaunchError } from '../../src/daemon/supervisor';
import type { Logger } from '../../src/util/logger';

const FAKE = path.resolve(__dirname, '../../../test/fixtures/fake-daemon.cjs') // out/test/unit -> test/fixtures;
const ARGS = daemonArgs({ cacheFolder: '/tmp/dime-test-cache', parentPid: process.pid, logLevel: 'info' });

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (m: string | Error) => void lines.push(`${level} ${String(m)}`);
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function options(log: Logger, overrides: Partial<ProcessLauncherOptions> = {}): ProcessLauncherOptions {
  return {
    spec: () => ({ command: process.execPath, args: [FAKE, ...ARGS], source: 'setting', target: FAKE }),
    initializeParams: () => ({ clientInfo: { name: 'test', version: '0' }, processId: process.pid, device: 'cpu' }),
    log,
    trace: () => 'off',
    initializeTimeoutMs: 10_000,
    stopTimeoutMs: 2000,
    ...overrides,
  };
}

// The typed client restricts methods to the protocol; the fake also has "test/crash".
const raw = (client: DaemonClient, method: string) => client.request(method as RequestMethod, {} as never).catch(() => undefined);

const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanup) await c();
  delete process.env['FAKE_MODE'];
});

describe('process launcher (real child process)', () => {
  test('spawns with the documented arguments, initializes, streams progress, cancels, shuts down with exit code 0', async () => {
    const log = recordingLogger();
    const handle = await createProcessLauncher(options(log))();
    cleanup.push(() => handle.stop());
    assert.equal(handle.info.device.requested, 'cpu');
    assert.equal(handle.info.device.fallbackReason, 'no GPU in tests');

    const fractions: number[] = [];
    const ok = await handle.client.requestWithProgress(Methods.explain, { modelId: 'm', sample: { datasetId: 'd', index: 1 } }, (p) => fractions.push(p.fraction));
    assert.deepEqual(ok, { resultId: 'r-1' });
    assert.deepEqual(fractions, [0.25, 0.5, 0.75]);

    const source = new CancellationTokenSource();
    const pending = handle.client.requestWithProgress(Methods.explain, { modelId: 'm', sample: { datasetId: 'd', index: 99 } }, () => source.cancel(), source.token);
    const error = await pending.catch((e: unknown) => e);
    assert.ok(isCancellation(error), `cancelled, got ${String(error)}`);

    await handle.stop();
    assert.deepEqual(await handle.exited, { code: 0, signal: null });
    assert.ok(log.lines.some((l) => l.startsWith('info [daemon] info: fake daemon started with serve --stdio --parent-pid')), log.lines.join('\n'));
    assert.ok(log.lines.some((l) => l.startsWith('warn [daemon] warn: CUDA provider not found')));
  });

  test('a daemon that dies during startup is a retryable LaunchError carrying its stderr', async () => {
    process.env['FAKE_MODE'] = 'crash-on-start';
    try {
      const error = await createProcessLauncher(options(recordingLogger()))().catch((e: unknown) => e);
      assert.ok(error instanceof LaunchError);
      assert.equal(error.retryable, true);
      assert.match(error.message, /exited during startup \(code 2\)/);
      assert.match(error.message, /cannot load libonnxruntime\.so/);
    } finally {
      delete process.env['FAKE_MODE'];
    }
  });

  test('a daemon that never answers initialize times out and is killed', async () => {
    process.env['FAKE_MODE'] = 'hang';
    try {
      const error = await createProcessLauncher(options(recordingLogger(), { initializeTimeoutMs: 600 }))().catch((e: unknown) => e);
      assert.ok(error instanceof LaunchError);
      assert.match(error.message, /did not answer initialize within 0.6 s/);
    } finally {
      delete process.env['FAKE_MODE'];
    }
  });

  test('a missing executable is a non-retryable LaunchError', async () => {
    const error = await createProcessLauncher(
      options(recordingLogger(), { spec: () => ({ command: '/nonexistent/Dime.Daemon', args: ARGS, source: 'setting', target: '/nonexistent/Dime.Daemon' }) }),
    )().catch((e: unknown) => e);
    assert.ok(error instanceof LaunchError);
    assert.equal(error.retryable, false);
  });

  test('no daemon found is reported without spawning anything', async () => {
    const error = await createProcessLauncher(options(recordingLogger(), { spec: () => ({ error: 'the DIME daemon was not found' }) }))().catch((e: unknown) => e);
    assert.ok(error instanceof LaunchError && !error.retryable);
  });

  test('the supervisor restarts a crashed daemon and the new one answers', async () => {
    const sup = new DaemonSupervisor<DaemonClient, InitializeResult>({
      launch: createProcessLauncher(options(recordingLogger())),
      policy: new RestartPolicy({ maxRestarts: 4, windowMs: 180_000, backoffMs: () => 10 }),
    });
    cleanup.push(() => sup.stop());
    const restarted = new Promise<void>((resolve) => sup.onDidCrash((c) => c.decision.restart && resolve()));
    const first = await sup.client();
    const pid1 = ((await first.request(Methods.status, {})) as unknown as { pid: number }).pid;
    void raw(first, 'test/crash');
    await restarted;
    const second = await sup.client();
    assert.notEqual(second, first);
    const pid2 = ((await second.request(Methods.status, {})) as unknown as { pid: number }).pid;
    assert.notEqual(pid2, pid1);
    await sup.stop();
    assert.equal(sup.state, 'stopped');
  });
});
