/**
 * Supervises the daemon process: a small state machine
 *
 *     stopped --start--> starting --launched--> running --crash--> starting (bounded) | failed
 *        ^                   |                     |
 *        +------stop---------+---------stop--------+
 *
 * with "busy" derived from the number of requests in flight. It knows nothing of vscode nor of
 * child processes: a `Launcher` spawns and initializes one daemon and returns a handle, so the tests
 * drive it with a fake launcher and a fake clock.
 */
import { Emitter, type Event } from 'vscode-jsonrpc';
import { RestartPolicy, type RestartDecision } from './restartPolicy';

export type DaemonState = 'stopped' | 'starting' | 'running' | 'failed';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

/** One launched, initialized daemon. */
export interface DaemonHandle<C, I> {
  readonly client: C;
  readonly info: I;
  /** Resolves when the process has ended, for whatever reason. */
  readonly exited: Promise<ExitInfo>;
  /** Graceful stop (shutdown + exit, then kill); resolves when the process is gone. */
  stop(): Promise<void>;
}

export type Launcher<C, I> = () => Promise<DaemonHandle<C, I>>;

/** A launch failure; `retryable: false` (a missing executable, say) fails at once without restarts. */
export class LaunchError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'LaunchError';
  }
}

/** Thrown by `client()` when the daemon is failed or stopping. */
export class DaemonUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DaemonUnavailableError';
  }
}

export interface SupervisorSnapshot<I> {
  state: DaemonState;
  /** Requests in flight; the daemon is "busy" when running with inFlight > 0. */
  inFlight: number;
  info?: I;
  /** Why the daemon is failed (or why the last start failed). */
  error?: string;
}

export interface CrashEvent {
  /** The exit of a running daemon, or undefined when the launch itself failed. */
  exit?: ExitInfo;
  launchError?: string;
  decision: RestartDecision;
}

export interface SupervisorDeps<C, I> {
  launch: Launcher<C, I>;
  policy?: RestartPolicy;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  log?: (message: string) => void;
}

export class DaemonSupervisor<C, I> {
  private readonly launch: Launcher<C, I>;
  private readonly policy: RestartPolicy;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly log: (message: string) => void;

  private stateValue: DaemonState = 'stopped';
  private inFlight = 0;
  private handle: DaemonHandle<C, I> | undefined;
  private info: I | undefined;
  private error: string | undefined;
  private loop: Promise<void> | undefined;
  private stopRequested = false;
  private waiters: { resolve: (client: C) => void; reject: (error: Error) => void }[] = [];

  private readonly stateEmitter = new Emitter<SupervisorSnapshot<I>>();
  private readonly crashEmitter = new Emitter<CrashEvent>();
  readonly onDidChangeState: Event<SupervisorSnapshot<I>> = this.stateEmitter.event;
  readonly onDidCrash: Event<CrashEvent> = this.crashEmitter.event;

  constructor(deps: SupervisorDeps<C, I>) {
    this.launch = deps.launch;
    this.policy = deps.policy ?? new RestartPolicy();
    this.now = deps.now ?? (() => Date.now());
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.log = deps.log ?? (() => undefined);
  }

  get state(): DaemonState {
    return this.stateValue;
  }

  snapshot(): SupervisorSnapshot<I> {
    const snap: SupervisorSnapshot<I> = { state: this.stateValue, inFlight: this.inFlight };
    if (this.info !== undefined) snap.info = this.info;
    if (this.error !== undefined) snap.error = this.error;
    return snap;
  }

  /** Starts the daemon unless it is starting or running. Resolves once it runs or has failed. */
  start(): Promise<void> {
    if (this.stateValue === 'starting' || this.stateValue === 'running') {
      return this.loop ? this.waitStarted() : Promise.resolve();
    }
    this.stopRequested = false;
    this.error = undefined;
    this.loop = this.run().finally(() => {
      this.loop = undefined;
    });
    return this.waitStarted();
  }

  /** The connected client; starts the daemon when stopped, waits while starting, throws when failed. */
  async client(): Promise<C> {
    if (this.stateValue === 'running' && this.handle) {
      return this.handle.client;
    }
    if (this.stateValue === 'failed') {
      throw new DaemonUnavailableError(`The DIME daemon is not running: ${this.error ?? 'it failed'}. Run "DIME: Restart Daemon".`);
    }
    const waiting = new Promise<C>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.stateValue === 'stopped') {
      void this.start();
    }
    return waiting;
  }

  /** Counts a request as in flight while `work` runs ("busy"). */
  async track<T>(work: Promise<T>): Promise<T> {
    this.inFlight++;
    this.fireState();
    try {
      return await work;
    } finally {
      this.inFlight--;
      this.fireState();
    }
  }

  /** Stops the daemon gracefully; resolves when it is gone and the state is "stopped". */
  async stop(): Promise<void> {
    this.stopRequested = true;
    const handle = this.handle;
    this.handle = undefined;
    if (handle) {
      try {
        await handle.stop();
      } catch (error) {
        this.log(`stopping the daemon failed: ${describe(error)}`);
      }
    }
    if (this.loop) {
      await this.loop;
    }
    this.rejectWaiters(new DaemonUnavailableError('The DIME daemon was stopped.'));
    if (this.stateValue !== 'stopped') {
      this.info = undefined;
      this.setState('stopped');
    }
  }

  /** Manual restart: forgets past crashes, stops and starts again. */
  async restart(): Promise<void> {
    await this.stop();
    this.policy.reset();
    await this.start();
  }

  dispose(): void {
    this.stateEmitter.dispose();
    this.crashEmitter.dispose();
  }

  // ------------------------------------------------------------------ internals

  private async run(): Promise<void> {
    for (;;) {
      this.setState('starting');
      let handle: DaemonHandle<C, I>;
      try {
        handle = await this.launch();
      } catch (error) {
        if (this.stopRequested) return;
        const message = describe(error);
        this.log(`starting the daemon failed: ${message}`);
        const decision: RestartDecision =
          error instanceof LaunchError && !error.retryable
            ? { restart: false, crashes: 1, windowMs: 0 }
            : this.policy.onCrash(this.now());
        this.crashEmitter.fire({ launchError: message, decision });
        if (!decision.restart) {
          this.fail(message);
          return;
        }
        await this.sleep(decision.delayMs);
        if (this.stopRequested) return;
        continue;
      }
      if (this.stopRequested) {
        await handle.stop().catch(() => undefined);
        return;
      }
      this.handle = handle;
      this.info = handle.info;
      this.error = undefined;
      this.setState('running');
      const waiters = this.waiters;
      this.waiters = [];
      for (const waiter of waiters) waiter.resolve(handle.client);

      const exit = await handle.exited;
      if (this.stopRequested || this.handle !== handle) {
        return; // stopped on purpose
      }
      this.handle = undefined;
      const decision = this.policy.onCrash(this.now());
      const reason = `exited unexpectedly (${exit.signal ? `signal ${exit.signal}` : `code ${String(exit.code)}`})`;
      this.log(`the daemon ${reason}`);
      this.crashEmitter.fire({ exit, decision });
      if (!decision.restart) {
        this.fail(`the daemon ${reason} ${decision.crashes} times within ${Math.round(decision.windowMs / 1000)} s`);
        return;
      }
      this.setState('starting');
      await this.sleep(decision.delayMs);
      if (this.stopRequested) return;
    }
  }

  private fail(message: string): void {
    this.error = message;
    this.setState('failed');
    this.rejectWaiters(new DaemonUnavailableError(`The DIME daemon failed: ${message}`));
  }

  private rejectWaiters(error: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  private waitStarted(): Promise<void> {
    if (this.stateValue === 'running') return Promise.resolve();
    if (this.stateValue === 'failed') return Promise.resolve();
    return new Promise<void>((resolve) => {
      const sub = this.onDidChangeState((snap) => {
        if (snap.state === 'running' || snap.state === 'failed' || snap.state === 'stopped') {
          sub.dispose();
          resolve();
        }
      });
    });
  }

  private setState(state: DaemonState): void {
    this.stateValue = state;
    this.fireState();
  }

  private fireState(): void {
    this.stateEmitter.fire(this.snapshot());
  }
}

export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
