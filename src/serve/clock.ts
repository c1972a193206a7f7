// The instant a served cluster shows. Fixed at --at, or with --speed moving forward from it at N
// times real time until the end of the recording; `kstory at` (PUT /kstory/at) moves it. Open
// watches hear of a move: what they replayed no longer holds, so they end and clients list again.

import type { Instant, Window } from './instant.ts';

export type ClockListener = (at: Instant) => void;

export class Clock {
  private origin: Instant;
  private wallOrigin = Date.now();
  private readonly listeners = new Set<ClockListener>();

  constructor(
    readonly window: Window,
    at: Instant,
    /** Recording seconds per real second; null holds the instant still. */
    readonly speed: number | null,
    private readonly wallNow: () => number = Date.now,
  ) {
    this.origin = at;
    this.wallOrigin = wallNow();
  }

  now(): Instant {
    if (this.speed === null) return this.origin;
    const elapsed = (this.wallNow() - this.wallOrigin) * 1000 * this.speed;
    return Math.min(this.window.end, Math.round(this.origin + elapsed));
  }

  /** Whether the instant moves by itself. */
  get playing(): boolean {
    return this.speed !== null && this.now() < this.window.end;
  }

  /** Real milliseconds until the clock reaches `at` (0 when it has, Infinity when it never will). */
  delayUntil(at: Instant): number {
    const now = this.now();
    if (at <= now) return 0;
    if (this.speed === null) return Number.POSITIVE_INFINITY;
    return (at - now) / 1000 / this.speed;
  }

  set(at: Instant): void {
    this.origin = at;
    this.wallOrigin = this.wallNow();
    for (const listener of [...this.listeners]) listener(at);
  }

  onMove(listener: ClockListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
