// Durations: the one grammar every command, pattern and scenario accepts (`90s`, `5m`, `1h30m`, `2d`,
// `1.5h`, `250ms`) and the one way kstory prints them (`45s`, `5m`, `2h 3m`, `3d 4h`).

import { z } from 'zod';
import { KstoryError } from '../errors.ts';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

/** One or more `<number><unit>` parts, largest first or not: `1h30m`, `90s`, `1.5h`. */
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** What a duration looks like, for error messages and help text (parts add up: `1h30m`, `1.5h`, `2d`). */
export const DURATION_EXAMPLES = '90s, 15m or 2h';

export function isDuration(text: string): boolean {
  return DURATION.test(text.trim());
}

/** Milliseconds of a duration; a KstoryError when the text is not one. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) {
    throw new KstoryError(`"${text}" is not a duration`, {
      hint: `Write a duration such as ${DURATION_EXAMPLES}; parts add up (1h30m), and 1.5h or 2d work too.`,
    });
  }
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) total += Number(amount) * UNIT_MS[unit as Unit];
  return total;
}

/** A duration in a zod schema: the text stays as written; `parseDuration` reads it. */
export const DurationSchema = z.string().regex(DURATION, `a duration such as ${DURATION_EXAMPLES}`);

const PRINTED: [string, number][] = [
  ['d', UNIT_MS.d],
  ['h', UNIT_MS.h],
  ['m', UNIT_MS.m],
  ['s', UNIT_MS.s],
];

/**
 * The two largest units of a duration: `45s`, `5m`, `2h 3m`, `3d 4h`, rounded to the nearest
 * `smallest` unit (a narrative's `20m` rather than `20m 21s`), or to the nearest second when that
 * rounds to nothing.
 */
export function formatDuration(ms: number, options: { smallest?: 's' | 'm' | 'h' } = {}): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const smallest = UNIT_MS[options.smallest ?? 's'];
  const coarse = Math.round(ms / smallest) * smallest;
  let rest = coarse > 0 ? coarse : Math.round(ms / UNIT_MS.s) * UNIT_MS.s;
  const parts: string[] = [];
  for (const [name, size] of PRINTED) {
    if (rest >= size || (name === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(rest / size)}${name}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
