// Sections of kubectl text are read first and written once it is known when each was printed:
// a transcript's commands ran in order, so a section that shows no time of its own ran no earlier
// than the one before it, and the first sections without one ran when the first that has one did.

import { isLater, referenceTime } from '../capture-time.ts';
import type { FileContext } from '../context.ts';

/** A section read but not yet written: its rows depend on when it was printed. */
export interface PreparedSection {
  /** When it was printed at the earliest, from the absolute times it shows; null when it shows none. */
  floor: string | null;
  /** Write its rows; `observed` when `capture` was read from the text rather than assumed. */
  emit(capture: string, observed: boolean): void;
}

/** Write sections in the order they were printed, each at the time it was printed as far as the text says. */
export function emitInOrder(sections: readonly PreparedSection[], ctx: FileContext): void {
  let running: string | null = null;
  const captures = sections.map((s) => {
    if (s.floor !== null && isLater(s.floor, running)) running = s.floor;
    return running;
  });
  const first = captures.find((c) => c !== null) ?? null;
  const reference = first === null ? referenceTime(ctx) : null;
  sections.forEach((s, i) => {
    const capture = captures[i] ?? first;
    s.emit(capture ?? reference!, capture !== null);
  });
  if (running !== null) ctx.sink.observe(ctx.stats, running);
}
