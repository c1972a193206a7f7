// When a command other than kubectl ran, as its output tells it: `date`, and `systemctl status`
// ("active (running) since Wed 2024-10-23 17:14:52 UTC; 4min 19s ago"). A transcript's kubectl
// tables and describes print ages, not times: the commands around them date them.

import type { TextLine } from './describe-tree.ts';
import { monthIndex, zoneOffsetMinutes } from './time-text.ts';

/** The time the output of a non-kubectl command shows it ran at, in bundle form; null when it shows none. */
export function toldTime(lines: readonly TextLine[]): string | null {
  for (const { text } of lines) {
    const told = dateOutput(text.trim()) ?? unitSince(text);
    if (told !== null) return told;
  }
  return null;
}

// `date` in the C locale: `Thu Nov 14 20:23:18 UTC 2024`; with -Iseconds or --rfc-3339: ISO 8601.
const DATE_RE =
  /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) ([A-Z]{1,5}|[+-]\d{4}) (\d{4})$/;
const ISO_RE = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:[.,]\d+)?(Z|[+-]\d\d:?\d\d)$/;

function dateOutput(text: string): string | null {
  const iso = ISO_RE.exec(text);
  if (iso)
    return atUtc(
      Date.parse(
        `${iso[1]}T${iso[2]}${iso[3]!.length === 5 ? `${iso[3]!.slice(0, 3)}:${iso[3]!.slice(3)}` : iso[3]}`,
      ),
    );
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const month = monthIndex(m[1]!);
  const offset = zoneOffsetMinutes(m[6]!);
  if (month < 0 || offset === null) return null;
  const [day, h, min, s, year] = [m[2], m[3], m[4], m[5], m[7]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return atUtc(Date.UTC(year, month, day, h, min, s) - offset * 60_000);
}

// systemd's "since" timestamp and how long ago that was: `since Wed 2024-10-23 17:14:52 UTC; 4min 19s ago`.
const SINCE_RE =
  /\bsince (?:[A-Z][a-z]{2} )?(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) ([A-Z]{1,5}|[+-]\d{4}); (.+?) ago\b/;
// The units of systemd's format_timespan (and the words people write for them).
const SPAN_UNIT_MS: Record<string, number> = {
  y: 31_557_600_000,
  year: 31_557_600_000,
  month: 2_629_800_000,
  w: 604_800_000,
  week: 604_800_000,
  d: 86_400_000,
  day: 86_400_000,
  h: 3_600_000,
  min: 60_000,
  s: 1000,
  ms: 1,
  us: 0,
};

function unitSince(text: string): string | null {
  const m = SINCE_RE.exec(text);
  if (!m) return null;
  const offset = zoneOffsetMinutes(m[3]!);
  const ago = timespanMs(m[4]!);
  if (offset === null || ago === null) return null;
  return atUtc(Date.parse(`${m[1]}T${m[2]}Z`) - offset * 60_000 + ago);
}

/** `4min 19s`, `2 days 3h`, `1 month 2 weeks` in milliseconds; null when it is not a timespan. */
export function timespanMs(text: string): number | null {
  const parts = text.trim().split(/\s+(?=\d)/);
  let total = 0;
  for (const part of parts) {
    const m = /^(\d+)\s*([a-z]+)$/.exec(part);
    const unit = m ? (SPAN_UNIT_MS[m[2]!] ?? SPAN_UNIT_MS[m[2]!.replace(/s$/, '')]) : undefined;
    if (!m || unit === undefined) return null;
    total += Number(m[1]) * unit;
  }
  return total;
}

function atUtc(ms: number): string | null {
  return Number.isFinite(ms) && ms > 0 ? `${new Date(ms).toISOString().slice(0, 19)}Z` : null;
}
