// When a snapshot was taken, read from what it holds: the newest time its objects, events and log
// lines carry. A file's modification time is only the last resort: an archive copied nine days later
// would otherwise make every "until now" nine days long.

import type { CaptureSource } from '../bundle/metadata.ts';
import { arr, type Json, rec } from '../kube/fields.ts';
import { lastChangeOf } from '../kube/object-fields.ts';
import { normalizeTs, tsKey } from '../kube/time.ts';
import type { FileContext, ImportOptions } from './context.ts';
import type { InputStats } from './stats.ts';

/**
 * The newest time an object was seen to be current: its last change, and also the times a component
 * last vouched for it (node heartbeats, probe times, lease renewals), which change without a change.
 */
export function observedTimeOf(obj: Json): string | null {
  let newest = lastChangeOf(obj);
  const consider = (value: unknown) => {
    const ts = normalizeTs(value);
    if (ts !== null && (newest === null || tsKey(ts) > tsKey(newest))) newest = ts;
  };
  const status = rec(obj.status);
  for (const c of arr(status?.conditions)) {
    const cond = rec(c);
    consider(cond?.lastHeartbeatTime);
    consider(cond?.lastProbeTime);
  }
  const spec = rec(obj.spec);
  if (obj.kind === 'Lease') consider(spec?.renewTime);
  return newest;
}

/** True when `ts` is later than `than` (or `than` is unknown). */
export function isLater(ts: string, than: string | null): boolean {
  return than === null || tsKey(ts) > tsKey(than);
}

/** Count `ts` as seen in this input. */
export function noteObserved(stats: InputStats, ts: string): void {
  if (isLater(ts, stats.observedAt)) stats.observedAt = ts;
}

/** Count a log time whose year was inferred: better than a file's time, worse than any other. */
export function noteInferred(stats: InputStats, ts: string): void {
  if (isLater(ts, stats.inferredAt)) stats.inferredAt = ts;
}

/** Count a file's modification time: the capture time when nothing better is known. */
export function noteFileTime(stats: InputStats, ts: string): void {
  if (isLater(ts, stats.newestFileTime)) stats.newestFileTime = ts;
}

/** The capture time of an input once it is read, best source first (see CaptureSource). */
export function finishCapture(stats: InputStats, options: ImportOptions): void {
  if (stats.capturedExact && stats.capturedAt !== null) return;
  const given = options.at !== undefined ? normalizeTs(options.at) : null;
  const [at, source]: [string | null, CaptureSource | null] =
    stats.observedAt !== null
      ? [stats.observedAt, 'newest-observation']
      : given !== null
        ? [given, 'given']
        : stats.inferredAt !== null
          ? [stats.inferredAt, 'inferred-year']
          : stats.newestFileTime !== null
            ? [stats.newestFileTime, 'file-time']
            : [null, null];
  stats.capturedAt = at;
  stats.capturedSource = source;
}

/**
 * The time a file's undated content is taken to precede, as far as the import knows so far: what the
 * dump says or --at, else the newest time anything imported carries (log times whose year was
 * inferred included), else the file's time.
 */
export function referenceTime(ctx: FileContext): string {
  const { stats, options } = ctx;
  if (stats.capturedExact && stats.capturedAt !== null) return stats.capturedAt;
  if (options.at !== undefined) {
    const given = normalizeTs(options.at);
    if (given !== null) return given;
  }
  const { newestObserved, newestInferred } = ctx.sink;
  // Inferred years came from the observed times, or from the file's time when there are none.
  if (newestInferred !== null && isLater(newestInferred, newestObserved)) return newestInferred;
  return newestObserved ?? ctx.fallbackTs;
}
