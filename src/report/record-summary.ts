// What `kstory record` tells the user: the live status line (stderr, TTY only) and the closing
// summary, as text or JSON. Formatting only; the figures come from src/record/run.ts.

import type { ChalkInstance } from 'chalk';
import type { AuditSummary } from '../record/audit.ts';
import type { PrometheusReport } from '../record/prometheus.ts';
import type { RecordResult, RecordStatus } from '../record/run.ts';
import { formatDuration } from '../vocab/duration.ts';
import { formatBytes } from '../vocab/units.ts';
import { forTerminal } from './neutralize.ts';

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
    ...(status.audit ? [auditStatus(status.audit)] : []),
    `${status.gaps} gaps`,
    formatBytes(status.spoolBytes),
  ].join(' | ');
}

export function renderRecordSummary(given: RecordResult, chalk: ChalkInstance): string {
  // Gap reasons, watch errors and paths carry what the cluster said.
  const result = forTerminal(given);
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
  if (result.prometheus) lines.push(prometheusLine(result.prometheus, chalk));
  if (result.audit) lines.push(...auditLines(result.audit, chalk));
  return `${lines.join('\n')}\n`;
}

/** The audit sources in the status line: what went wrong, else that all is well. */
function auditStatus(audit: NonNullable<RecordStatus['audit']>): string {
  const problems = [
    ...(audit.waiting ? ['log file missing'] : []),
    ...(audit.invalid > 0 ? [`${audit.invalid} invalid`] : []),
    ...(audit.rejected > 0 ? [`${audit.rejected} refused`] : []),
  ];
  return problems.length > 0 ? `audit: ${problems.join(', ')}` : 'audit ok';
}

/** A line per audit source: what it received, and what it had to leave out. */
function auditLines(audit: AuditSummary, chalk: ChalkInstance): string[] {
  const lines: string[] = [];
  if (audit.log) {
    const l = audit.log;
    const notes = [
      ...(l.invalid_lines > 0 ? [chalk.yellow(`${plural(l.invalid_lines, 'invalid line')} skipped`)] : []),
      ...(l.rotations > 0 ? [plural(l.rotations, 'rotation')] : []),
      ...(l.truncations > 0
        ? [
            `${plural(l.truncations, 'truncation')}${l.recovered_lines > 0 ? ` (${plural(l.recovered_lines, 'line')} read from the copy)` : ''}`,
          ]
        : []),
      ...(audit.before_window > 0
        ? [`${plural(audit.before_window, 'entry', 'entries')} before the window left out`]
        : []),
    ];
    lines.push(
      `audit log ${l.file}: ${plural(l.lines, 'line')} from ${plural(l.files_read, 'file')}${notes.length > 0 ? `; ${notes.join(', ')}` : ''}`,
    );
  }
  if (audit.webhook) {
    const w = audit.webhook;
    lines.push(
      `audit webhook ${w.url}: ${plural(w.events, 'entry', 'entries')} in ${plural(w.requests - w.rejected, 'request')}` +
        (w.rejected > 0 ? `; ${chalk.yellow(`${plural(w.rejected, 'request')} refused`)}` : ''),
    );
  }
  const duplicates = audit.duplicates > 0 ? ` (${audit.duplicates} repeated entries dropped)` : '';
  lines.push(`${plural(audit.rows, 'audit row')}, one per request${duplicates}`);
  return lines;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** One line on what Prometheus gave: samples, step, window, and the queries that lack part of it. */
function prometheusLine(report: PrometheusReport, chalk: ChalkInstance): string {
  const samples = report.queries.reduce((n, q) => n + q.samples, 0);
  const failing = report.queries.filter((q) => q.error !== null).map((q) => q.name);
  const window = `${report.window.start ?? '?'} → ${report.window.end ?? '?'}`;
  const line = `prometheus ${report.url}: ${samples} samples from ${report.queries.length} queries, step ${report.step}, ${window}`;
  return failing.length === 0
    ? line
    : `${line}; ${chalk.yellow(`${failing.length} incomplete`)}: ${failing.join(', ')} (see the gaps)`;
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
    ...(result.prometheus ? { prometheus: result.prometheus } : {}),
    ...(result.audit ? { audit: result.audit } : {}),
  };
}
