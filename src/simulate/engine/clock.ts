// The virtual clock: simulated time in milliseconds since the epoch, advanced only by the engine.
// Observations within one instant get increasing sub-second offsets so that their order survives.

export class VirtualClock {
  /** The current simulated instant (ms since epoch). */
  now: number;
  private stampCursor = 0;
  private stampBase = 0;

  constructor(start: number) {
    this.now = start;
  }

  advanceTo(ms: number): void {
    if (ms < this.now) throw new Error(`clock cannot go back from ${this.now} to ${ms}`);
    this.now = ms;
  }

  /** Seconds precision, as metav1.Time serialises (`2026-03-01T10:00:00Z`). */
  iso(ms = this.now): string {
    return toIsoSeconds(ms);
  }

  /** A strictly increasing time for the next observation at the current instant, in ms. */
  stamp(): number {
    if (this.stampBase !== this.now) {
      this.stampBase = this.now;
      this.stampCursor = 0;
    }
    // Spread within the tick, never reaching the next one.
    this.stampCursor = Math.min(this.stampCursor + 3 + (this.stampCursor % 7), 999);
    return this.now + this.stampCursor;
  }
}

export function toIsoSeconds(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** Microsecond precision, as audit stage timestamps and events.k8s.io eventTime carry. */
export function toIsoMicros(ms: number, micros = 0): string {
  const base = new Date(Math.floor(ms)).toISOString().slice(0, 23);
  return `${base}${String(micros % 1000).padStart(3, '0')}Z`;
}
