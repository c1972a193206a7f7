// What `kstory record` tells the user: the live status line (stderr, TTY only) and the closing
// summary, as text or JSON. Formatting only; the figures come from run.ts.

import type { ChalkInstance } from 'chalk';
import { formatBytes, formatDuration } from '../report/format.ts';
import type { RecordResult, RecordStatus } from './run.ts';

const MAX_GAP_LINES = 10;

/** One line, redrawn in place: rows and rates per source, watches, gaps, spool size. */
export function renderStatusLine(status: RecordStatus, previous: RecordStatus | null): string {
  // The first line's rate is over the whole recording so far.
  const since = previous ?? { elapsedMs: 0, rowsBySource: {} as Record<string, number> };
  const seconds = Math.max((status.elapsedMs - since.elapsedMs) / 1000, 0.001);
  const rates = Object.entries(status.rowsBySource)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([source, n]) => `${source} ${n} (${Math.round((n - (since.rowsBySource[source] ?? 0)) / seconds)}/s)`,
    );
  const retrying = status.watchesRetrying > 0 ? `, ${status.watchesRetrying} retrying` : '';
  return [
    `recording ${formatDuration(status.elapsedMs)}`,
    rates.length > 0 ? rates.join(' · ') : 'no rows yet',
    `${status.watches} watches${retrying}`,
    ...(status.logStreams > 0 ? [`${status.logStreams} log streams`] : []),
    `${status.gaps} gaps`,
    formatBytes(status.spoolBytes),
  ].join(' | ');
}

export function renderRecordSummary(result: RecordResult, chalk: ChalkInstance): string {
  const { bundle } = result;
  const bySource = Object.entries(bundle.rowsBySource)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([source, n]) => `${source} ${n}`)
    .join(', ');
  const lines = [
    `${chalk.green('recorded')} ${bundle.rows} rows (${bySource}) from ${result.resources.length} resources into ${bundle.path} (${formatBytes(bundle.bytes)})`,
  ];
  if (result.relists > 0) lines.push(`${result.relists} relists after expired watches`);
  for (const gap of result.gaps.slice(0, MAX_GAP_LINES)) {
    lines.push(`${chalk.yellow('gap')} ${gap.scope} ${gap.start} → ${gap.end ?? 'end'}: ${gap.reason}`);
  }
  if (result.gaps.length > MAX_GAP_LINES) {
    lines.push(`… and ${result.gaps.length - MAX_GAP_LINES} more gaps (kstory bundle info lists them all)`);
  }
  const failing = Object.entries(result.watchErrors);
  if (failing.length > 0) {
    lines.push(
      `${failing.length} watches had errors (retried): ${failing.map(([scope, e]) => `${scope} ×${e.count}`).join(', ')}`,
    );
  }
  for (const f of result.discoveryFailures)
    lines.push(`${chalk.yellow('not recorded')} ${f.groupVersion}: ${f.error}`);
  return `${lines.join('\n')}\n`;
}

export function recordSummaryJson(result: RecordResult): Record<string, unknown> {
  return {
    bundle: result.bundle.path,
    rows: result.bundle.rows,
    bytes: result.bundle.bytes,
    rows_by_source: result.bundle.rowsBySource,
    resources: result.resources,
    relists: result.relists,
    gaps: result.gaps,
    watch_errors: result.watchErrors,
    discovery_failures: result.discoveryFailures,
  };
}
