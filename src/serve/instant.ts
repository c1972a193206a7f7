// Instants of a recording: the moment a served or offline view of a bundle shows. Kept as epoch
// microseconds (bundle timestamps have microsecond precision), read from what users type for --at.

import { resolveTime } from '../analyze/window.ts';
import { KstoryError } from '../errors.ts';
import { normalizeTs } from '../kube/time.ts';
import { isDuration, parseDuration } from '../vocab/duration.ts';

/** Microseconds since the epoch, UTC. */
export type Instant = number;

export interface Window {
  start: Instant;
  end: Instant;
}

export function instantFromIso(iso: string): Instant {
  const match = /\.(\d+)Z$/.exec(iso);
  const ms = Date.parse(iso);
  const micros = match ? Number(match[1]!.padEnd(6, '0').slice(3, 6)) : 0;
  return ms * 1000 + micros;
}

/** `2026-03-02T09:10:00.123456Z`: the form SQL parameters and Kubernetes timestamps take. */
export function isoOf(at: Instant): string {
  const ms = Math.floor(at / 1000);
  const micros = at - ms * 1000;
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

/** `2026-03-02T09:10:00Z`: the second-precision form Kubernetes writes in objects. */
export function isoSeconds(at: Instant): string {
  return `${new Date(Math.floor(at / 1000)).toISOString().slice(0, 19)}Z`;
}

export function formatWindow(window: Window): string {
  return `${isoSeconds(window.start)} → ${isoSeconds(window.end)}`;
}

/**
 * What `--at` (and `kstory at`) take: `start`, `end`, an RFC 3339 time, a duration back from the end
 * (`10m`, as `analyze --since` reads it), or `+10m` after the start. `relativeTo` makes `+10m`/`-10m`
 * move from another instant instead (the instant a running server shows, for `kstory at`).
 */
export function parseInstant(text: string, window: Window, flag = '--at', relativeTo?: Instant): Instant {
  const value = text.trim();
  let at: Instant;
  if (value === 'start') at = window.start;
  else if (value === 'end' || value === 'now') at = window.end;
  else if (/^[+-]/.test(value) && isDuration(value.slice(1))) {
    const base = relativeTo ?? (value.startsWith('+') ? window.start : window.end);
    at = base + (value.startsWith('+') ? 1 : -1) * parseDuration(value.slice(1)) * 1000;
  } else {
    const exact = normalizeTs(value);
    at = instantFromIso(exact ?? resolveTime(value, isoOf(window.end), flag));
  }
  if (at < window.start || at > window.end) {
    throw new KstoryError(`${flag} ${text} is outside the recording (${formatWindow(window)})`, {
      hint: 'Choose a time within the window, e.g. start, end, +10m (after the start) or 10m (before the end).',
    });
  }
  return at;
}
