// Capped exponential back-off for what a recording retries (watches, log streams): each wait
// doubles up to a cap and starts again after a success; jitter keeps many clients that failed
// together (an API server restarting) from retrying in step.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Source of jitter, for tests; default Math.random. */
  random?: () => number;
}

export class Backoff {
  private currentMs: number;

  constructor(private readonly o: BackoffOptions) {
    this.currentMs = o.initialMs;
  }

  /** How long to wait now: between half and all of the current delay, which then doubles. */
  next(): number {
    const delay = this.nextExact();
    return delay / 2 + (this.o.random ?? Math.random)() * (delay / 2);
  }

  /** The current delay without jitter, which then doubles. */
  nextExact(): number {
    const delay = this.currentMs;
    this.currentMs = Math.min(delay * 2, this.o.maxMs);
    return delay;
  }

  /** After a success: the next failure waits the initial delay again. */
  reset(): void {
    this.currentMs = this.o.initialMs;
  }
}
