// Window resolution: the period an analysis covers, the whole bundle unless --since and --until
// narrow it, each an RFC 3339 time or a duration back from the end.

import type { Bundle } from '../bundle/reader.ts';
import { KstoryError } from '../errors.ts';
import { isDuration, parseDuration } from '../vocab/duration.ts';

export async function resolveWindow(
  bundle: Bundle,
  options: { since?: string; until?: string },
): Promise<{ start: string; end: string }> {
  const [span] = await bundle.query<{ first: string | null; last: string | null }>(
    `SELECT strftime(min(ts), '%Y-%m-%dT%H:%M:%S.%fZ') AS first, strftime(max(ts), '%Y-%m-%dT%H:%M:%S.%fZ') AS last FROM bundle`,
  );
  const first = span?.first ?? '1970-01-01T00:00:00.000000Z';
  const last = span?.last ?? first;
  const end = options.until ? resolveTime(options.until, last, '--until') : last;
  const start = options.since ? resolveTime(options.since, end, '--since') : first;
  if (start > end)
    throw new KstoryError(`--since ${options.since} is after --until ${options.until ?? '(end of bundle)'}`);
  return { start, end };
}

/** An absolute RFC 3339 time, or a duration back from `reference` (`2h` = two hours before it). */
export function resolveTime(text: string, reference: string, flag: string): string {
  if (isDuration(text)) return new Date(Date.parse(reference) - parseDuration(text)).toISOString();
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new KstoryError(`${flag} "${text}" is neither a time nor a duration`, {
      hint: 'Use an RFC 3339 time (2026-03-01T10:40:00Z) or a duration back from the end of the bundle (30m, 2h, 1d).',
    });
  }
  return new Date(ms).toISOString();
}
