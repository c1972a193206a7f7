// What is written of each followed container's log, and whether a line it receives is new: a stream
// resumed after a turn repeats the second it resumes at, and a previous log repeats what follow streams delivered.

import type { Backoff } from './backoff.ts';

/** Follow streams remembered per container: more than the restarts that fit in one previous fetch. */
const FOLLOWED_RANGES = 16;

export interface Container {
  key: string;
  namespace: string;
  pod: string;
  podUid: string | null;
  node: string | null;
  name: string;
  restartCount: number;
  containerId: string | null;
  running: boolean;
  /** Newest line written, to skip what a resumed stream (sinceTime has second precision) repeats. */
  lastKey: string | null;
  lastLine: string | null;
  streaming: boolean;
  /** The newest line when the container's current (or last) stream ended. */
  streamEnded: Promise<string | null>;
  /** Previous-log fetches of this container, one after the other. */
  previousFetch: Promise<void>;
  /** Newest line written from a previous log: a later fetch of the same previous log (two
   * restarts seen before the first fetch ran) or a lagging follow stream must not write it again. */
  previousKey: string | null;
  /** What the latest follow streams received, newest last: a previous log asked for after one
   * death but answered after the next is the newer instance's, which a stream may have delivered. */
  followed: FollowedRange[];
  queued: boolean;
  /** Failed streams in a row and the wait before the next one. */
  retry: Backoff;
  /** The pod was deleted: its logs went with it. */
  deleted: boolean;
}

/** The first and last line times one follow stream received: it received every line between. */
export interface FollowedRange {
  first: string | null;
  last: string | null;
}

/** Where a line comes from: a follow stream, or a previous log with the part already written cut. */
export type LineSource =
  | { kind: 'follow'; received: FollowedRange }
  | { kind: 'previous'; cutoff: string | null };

/** Starts the record of what one follow stream of `c` receives, forgetting the oldest. */
export function beginFollow(c: Container): FollowedRange {
  const received: FollowedRange = { first: null, last: null };
  c.followed.push(received);
  if (c.followed.length > FOLLOWED_RANGES) c.followed.shift();
  return received;
}

/** Lines of a previous log up to this key were written already, by a follow stream or an earlier fetch. */
export function previousCutoff(c: Container, delivered: string | null): string | null {
  return c.previousKey !== null && (delivered === null || c.previousKey > delivered)
    ? c.previousKey
    : delivered;
}

/** Whether a line (time key and text) from `source` is one not written yet; notes it as written when it is. */
export function takeNewLine(c: Container, key: string, text: string, source: LineSource): boolean {
  if (source.kind === 'previous') {
    // The part of the dead container's log that its follow stream (or a previous fetch) delivered.
    if (source.cutoff !== null && key <= source.cutoff) return false;
    // An instance that died after the one asked for, whose lines a follow stream received.
    if (c.followed.some((r) => r.first !== null && r.first <= key && key <= (r.last as string))) return false;
    if (c.previousKey === null || key > c.previousKey) c.previousKey = key;
  } else {
    source.received.first ??= key;
    source.received.last = key;
    if (c.lastKey !== null && (key < c.lastKey || (key === c.lastKey && text === c.lastLine))) return false;
    c.lastKey = key;
    c.lastLine = text;
    if (c.previousKey !== null && key <= c.previousKey) return false;
  }
  return true;
}
