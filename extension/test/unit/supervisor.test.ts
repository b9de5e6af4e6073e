import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RestartPolicy } from '../../src/daemon/restartPolicy';
import { DaemonSupervisor, DaemonUnavailableError, LaunchError, type CrashEvent, type DaemonHandle, type DaemonState, type ExitInfo } from '../../src/daemon/supervisor';

/** A fake daemon process: exits when told to, records stop() calls. */
class FakeProcess implements DaemonHandle<string, { n: number }> {
  stopped = 0;
  private resolveExit!: (e: ExitInfo) => void;
  readonly exited = new Promise<ExitInfo>((r) => (this.resolveExit = r));
  constructor(
    readonly client: string,
    readonly info: { n: number },
  ) {}
  crash(code = 134): void {
    this.resolveExit({ code, signal: null });
  }
  async stop(): Promise<void> {
    this.stopped++;
    this.resolveExit({ code: 0, signal: null });
  }
}

interface Harness {
  sup: DaemonSupervisor<string, { n: number }>;
  procs: FakeProcess[];
  states: DaemonState[];
  crashes: CrashEvent[];
  clock: { now: number };
  launches: () => number;
}

/** A supervisor over a fake process factory; `plan` decides each launch (a process, or an error). */
function harness(plan: (n: number) => 'ok' | Error = () => 'ok', policy?: RestartPolicy): Harness {
  const procs: FakeProcess[] = [];
  const states: DaemonState[] = [];
  const crashes: CrashEvent[] = [];
  const clock = { now: 1_000_000 };
  let launches = 0;
  const sup = new DaemonSupervisor<string, { n: number }>({
    launch: async () => {
      const n = ++launches;
      const what = plan(n);
      if (what instanceof Error) throw what;
      const p = new FakeProcess(`client-${n}`, { n });
      procs.push(p);
      return p;
    },
    policy: policy ?? new RestartPolicy({ maxRestarts: 4, windowMs: 180_000, backoffMs: () => 0 }),
    now: () => clock.now,
    sleep: async () => undefined,
  });
  sup.onDidChangeState((s) => {
    if (states[states.length - 1] !== s.state) states.push(s.state);
  });
  sup.onDidCrash((c) => crashes.push(c));
  return { sup, procs, states, crashes, clock, launches: () => launches };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await settle();
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('DaemonSupervisor', () => {
  test('starts: stopped -> starting -> running, exposes info and client', async () => {
    const h = harness();
    assert.equal(h.sup.state, 'stopped');
    await h.sup.start();
    assert.deepEqual(h.states, ['starting', 'running']);
    assert.equal(await h.sup.client(), 'client-1');
    assert.deepEqual(h.sup.snapshot().info, { n: 1 });
  });

  test('start twice and client() while starting launch one process', async () => {
    const h = harness();
    const a = h.sup.start();
    const b = h.sup.start();
    const c = h.sup.client();
    await Promise.all([a, b]);
    assert.equal(await c, 'client-1');
    assert.equal(h.launches(), 1);
  });

  test('client() starts a stopped daemon', async () => {
    const h = harness();
    assert.equal(await h.sup.client(), 'client-1');
    assert.equal(h.sup.state, 'running');
  });

  test('a crash restarts the daemon and reports the attempt', async () => {
    const h = harness();
    await h.sup.start();
    h.procs[0]!.crash(139);
    await until(() => h.procs.length === 2 && h.sup.state === 'running', 'the restart');
    assert.deepEqual(h.states, ['starting', 'running', 'starting', 'running']);
    assert.equal(h.crashes.length, 1);
    assert.deepEqual(h.crashes[0]!.exit, { code: 139, signal: null });
    assert.deepEqual(h.crashes[0]!.decision, { restart: true, attempt: 1, delayMs: 0, max: 4 });
    assert.equal(await h.sup.client(), 'client-2');
  });

  test('gives up after 4 restarts within 3 minutes: failed, client() rejects', async () => {
    const h = harness();
    await h.sup.start();
    for (let i = 0; i < 5; i++) {
      h.clock.now += 10_000;
      h.procs[i]!.crash();
      await until(() => h.sup.state === (i < 4 ? 'running' : 'failed') && (i === 4 || h.procs.length === i + 2), `crash ${i + 1}`);
    }
    assert.equal(h.sup.state, 'failed');
    assert.equal(h.launches(), 5);
    const last = h.crashes[h.crashes.length - 1]!;
    assert.equal(last.decision.restart, false);
    assert.match(h.sup.snapshot().error ?? '', /5 times within 180 s/);
    await assert.rejects(h.sup.client(), DaemonUnavailableError);
  });

  test('crashes spread beyond the window keep being restarted', async () => {
    const h = harness();
    await h.sup.start();
    for (let i = 0; i < 8; i++) {
      h.clock.now += 61_000; // at most 3 crashes in any 3 minutes
      h.procs[i]!.crash();
      await until(() => h.procs.length === i + 2 && h.sup.state === 'running', `restart ${i + 1}`);
    }
    assert.equal(h.sup.state, 'running');
    assert.ok(h.crashes.every((c) => c.decision.restart));
  });

  test('a missing executable fails at once, without retries', async () => {
    const h = harness(() => new LaunchError('cannot start /nope: ENOENT', false));
    await h.sup.start();
    assert.equal(h.sup.state, 'failed');
    assert.equal(h.launches(), 1);
    assert.match(h.sup.snapshot().error ?? '', /ENOENT/);
    await assert.rejects(h.sup.client(), /ENOENT/);
  });

  test('a failed start is retried and counts against the budget', async () => {
    const h = harness((n) => (n <= 2 ? new Error('initialize timed out') : 'ok'));
    await h.sup.start();
    assert.equal(h.sup.state, 'running');
    assert.equal(h.launches(), 3);
    assert.equal(h.crashes.length, 2);
    assert.equal(h.crashes[0]!.launchError, 'initialize timed out');
  });

  test('stop() stops gracefully and is not taken for a crash', async () => {
    const h = harness();
    await h.sup.start();
    await h.sup.stop();
    assert.equal(h.procs[0]!.stopped, 1);
    assert.equal(h.sup.state, 'stopped');
    assert.equal(h.crashes.length, 0);
    assert.equal(h.launches(), 1);
  });

  test('stop() while a launch is pending stops the late process', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const late = new FakeProcess('late', { n: 1 });
    const sup = new DaemonSupervisor<string, { n: number }>({
      launch: async () => {
        await gate;
        return late;
      },
      sleep: async () => undefined,
    });
    void sup.start();
    const waiting = sup.client();
    const stopping = sup.stop();
    release();
    await stopping;
    assert.equal(late.stopped, 1);
    assert.equal(sup.state, 'stopped');
    await assert.rejects(waiting, DaemonUnavailableError);
  });

  test('restart() after failure resets the restart budget', async () => {
    const h = harness();
    await h.sup.start();
    for (let i = 0; i < 5; i++) {
      h.procs[i]!.crash();
      await until(() => (i < 4 ? h.procs.length === i + 2 && h.sup.state === 'running' : h.sup.state === 'failed'), `crash ${i + 1}`);
    }
    await h.sup.restart();
    assert.equal(h.sup.state, 'running');
    h.procs[h.procs.length - 1]!.crash();
    await until(() => h.sup.state === 'running' && h.procs.length === 7, 'restart after the manual one');
    assert.equal(h.crashes[h.crashes.length - 1]!.decision.restart, true);
  });

  test('track() shows requests in flight (busy) and settles back to 0', async () => {
    const h = harness();
    await h.sup.start();
    const seen: number[] = [];
    h.sup.onDidChangeState((s) => seen.push(s.inFlight));
    let finish!: (v: string) => void;
    const a = h.sup.track(new Promise<string>((r) => (finish = r)));
    const b = h.sup.track(Promise.reject(new Error('boom')));
    assert.equal(h.sup.snapshot().inFlight, 2);
    await assert.rejects(b, /boom/);
    finish('done');
    assert.equal(await a, 'done');
    assert.equal(h.sup.snapshot().inFlight, 0);
    assert.deepEqual(seen, [1, 2, 1, 0]);
  });
});

describe('RestartPolicy', () => {
  test('allows maxRestarts in the window, then refuses; old crashes slide out', () => {
    const p = new RestartPolicy({ maxRestarts: 2, windowMs: 1000, backoffMs: (n) => n * 100 });
    assert.deepEqual(p.onCrash(0), { restart: true, attempt: 1, delayMs: 100, max: 2 });
    assert.deepEqual(p.onCrash(10), { restart: true, attempt: 2, delayMs: 200, max: 2 });
    assert.deepEqual(p.onCrash(20), { restart: false, crashes: 3, windowMs: 1000 });
    assert.equal(p.onCrash(1005).restart, true); // the crash at 0 left the window
    p.reset();
    assert.equal(p.recentRestarts, 0);
  });

  test('the default backoff grows and is capped', async () => {
    const { DEFAULT_RESTART_POLICY } = await import('../../src/daemon/restartPolicy');
    const delays = [1, 2, 3, 4, 5, 10].map(DEFAULT_RESTART_POLICY.backoffMs);
    assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 8000]);
    assert.equal(DEFAULT_RESTART_POLICY.maxRestarts, 4);
    assert.equal(DEFAULT_RESTART_POLICY.windowMs, 180_000);
  });
});
