/**
 * Bounded restart policy: at most `maxRestarts` automatic restarts within a sliding window of
 * `windowMs`; beyond that the supervisor gives up and the user restarts by hand. Pure and clock-injected.
 */
export interface RestartPolicyOptions {
  maxRestarts: number;
  windowMs: number;
  /** Delay before the n-th restart in the window (1-based), in ms. */
  backoffMs: (attempt: number) => number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  maxRestarts: 4,
  windowMs: 3 * 60 * 1000,
  backoffMs: (attempt) => Math.min(8000, 500 * 2 ** (attempt - 1)),
};

export type RestartDecision =
  | { restart: true; attempt: number; delayMs: number; max: number }
  | { restart: false; crashes: number; windowMs: number };

export class RestartPolicy {
  private restarts: number[] = [];

  constructor(private readonly options: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {}

  /** Records a crash at `now` and tells whether to restart. */
  onCrash(now: number): RestartDecision {
    this.restarts = this.restarts.filter((t) => now - t < this.options.windowMs);
    if (this.restarts.length >= this.options.maxRestarts) {
      return { restart: false, crashes: this.restarts.length + 1, windowMs: this.options.windowMs };
    }
    this.restarts.push(now);
    const attempt = this.restarts.length;
    return { restart: true, attempt, delayMs: this.options.backoffMs(attempt), max: this.options.maxRestarts };
  }

  /** Forgets past crashes (after a manual restart). */
  reset(): void {
    this.restarts = [];
  }

  get recentRestarts(): number {
    return this.restarts.length;
  }
}
