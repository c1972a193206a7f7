// Times as kubectl prints them for people: ages relative to when the command ran (`45s`, `3m12s`,
// `2d3h`, `x23 over 115m`) and RFC 1123 dates (`Thu, 14 Nov 2024 20:23:18 +0000`). Ages are read
// back with their precision, since kubectl rounds them down to the unit it prints last.

import { addMicros } from '../../kube/time.ts';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  y: 365 * 86_400_000,
};

/** An age: how long before the command ran, and how much longer it may have been. */
export interface Age {
  ms: number;
  /** kubectl rounds down: the true age lies in [ms, ms + precisionMs). */
  precisionMs: number;
}

// The API machinery's HumanDuration (and the older ShortHumanDuration): up to two parts, largest first.
const AGE_RE = /^(\d+)([smhdy])(?:(\d+)([smhd]))?$/;

/** An age cell as kubectl prints it, for a larger expression: an age, or what it prints for none. */
export const AGE_SOURCE = '<unknown>|<invalid>|\\d+[smhdy](?:\\d+[smhd])?';

/** `5m10s`, `115m`, `2d3h`, `3y` as an Age; null for `<unknown>`, `<invalid>` or anything else. */
export function parseAge(text: string): Age | null {
  const m = AGE_RE.exec(text.trim());
  if (!m) return null;
  const first = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (m[3] === undefined) return { ms: first, precisionMs: UNIT_MS[m[2]!]! };
  if (UNIT_MS[m[4]!]! >= UNIT_MS[m[2]!]!) return null;
  return { ms: first + Number(m[3]) * UNIT_MS[m[4]!]!, precisionMs: UNIT_MS[m[4]!]! };
}

/** The instant `age` before `capture`, in bundle form. */
export function beforeCapture(capture: string, age: Age): string {
  return addMicros(capture, -age.ms * 1000);
}

// `Mon, 02 Jan 2006 15:04:05 -0700` (RFC1123Z, what describe prints), or a zone name (RFC1123).
const RFC1123_RE =
  /^(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d) ([+-]\d{4}|[A-Z]{1,5})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// Zone names Go prints for RFC1123 in the zones kubectl users most often run in; others are unknown.
const ZONE_OFFSET_MIN: Record<string, number> = {
  UTC: 0,
  GMT: 0,
  Z: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  CET: 60,
  CEST: 120,
  BST: 60,
  EET: 120,
  EEST: 180,
  JST: 540,
};

/** The offset from UTC of a zone as Go and the C library print it (`+0100`, `UTC`, `CEST`); null when unknown. */
export function zoneOffsetMinutes(zone: string): number | null {
  if (/^[+-]\d{4}$/.test(zone))
    return (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3)));
  return ZONE_OFFSET_MIN[zone] ?? null;
}

/** The month of a three-letter English abbreviation (0 for Jan), or -1. */
export function monthIndex(abbreviation: string): number {
  return MONTHS.indexOf(abbreviation);
}

/** A date as describe prints it, in bundle form; null when it is not one, or is Go's or Unix's zero time. */
export function parseDescribeDate(text: string): string | null {
  const m = RFC1123_RE.exec(text.trim());
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!);
  if (month < 0) return null;
  const offsetMin = zoneOffsetMinutes(m[7]!);
  if (offsetMin === null) return null;
  const ms =
    Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) -
    offsetMin * 60_000;
  // A container that never started prints the zero time: 1970-01-01 (Unix) or year 1 (Go).
  if (ms <= 0) return null;
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** True when `text` looks like a describe date (used to tell table columns apart). */
export function isDescribeDate(text: string): boolean {
  return RFC1123_RE.test(text.trim());
}

/** The pattern of one describe date inside a line, for tables whose cells hold them. */
export const DESCRIBE_DATE_SOURCE =
  '(?:[A-Z][a-z]{2}, )?\\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d (?:[+-]\\d{4}|[A-Z]{1,5})';
