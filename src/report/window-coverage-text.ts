// What an analysis looked at, in sentences for the text and Markdown reports: the sources of the
// bundle and their rows in the window, what the import skipped, and "nothing to analyze". Computes
// nothing: the figures come from the report's coverage.

import type { Coverage, SourceCoverage } from '../analyze/report.ts';
import { formatCount, formatTime } from '../vocab/units.ts';
import { escapeControl } from './escape.ts';

const NOUNS: Record<SourceCoverage['source'], [one: string, many: string]> = {
  object: ['object version', 'object versions'],
  event: ['event', 'events'],
  audit: ['audit entry', 'audit entries'],
  log: ['log line', 'log lines'],
  metric: ['metric sample', 'metric samples'],
};

const REASONS_SHOWN = 4;

function noun(source: SourceCoverage['source'], n: number): string {
  return NOUNS[source][n === 1 ? 0 : 1];
}

/** `Looked at 2,953 object versions (2021-08-03 09:14:02Z → 10:14:13Z), … and 151,207 log lines (…); no audit entries.` */
export function lookedAt(coverage: Coverage): string {
  const present = coverage.sources.filter((s) => s.in_window > 0);
  const absent = coverage.sources.filter((s) => s.in_window === 0);
  const some = present.map((s) => {
    const outside = s.rows - s.in_window;
    const notes = [
      span(s.first, s.last),
      outside > 0 ? `${formatCount(outside)} more outside the window` : null,
    ];
    return `${formatCount(s.in_window)} ${noun(s.source, s.in_window)} (${notes.filter(Boolean).join('; ')})`;
  });
  const none = absent.map((s) => {
    const outside = s.rows > 0 ? ` (${formatCount(s.rows)} outside the window)` : '';
    return `${NOUNS[s.source][1]}${outside}`;
  });
  const parts: string[] = [];
  if (some.length > 0) parts.push(`Looked at ${joinAnd(some)}`);
  if (none.length > 0) parts.push(`${some.length > 0 ? 'no' : 'Looked at no'} ${joinOr(none)}`);
  return `${parts.join('; ')}.`;
}

/** `Its import skipped 871 files (871 empty file, …) and 3 damaged lines: kstory bundle info lists them.` or null. */
export function skippedAtImport(coverage: Coverage): string | null {
  const reasons = Object.entries(coverage.skipped).sort((a, b) => b[1] - a[1]);
  const files = reasons.reduce((sum, [, n]) => sum + n, 0);
  if (files === 0 && coverage.damaged === 0) return null;
  const shown = reasons
    .slice(0, REASONS_SHOWN)
    .map(([reason, n]) => `${formatCount(n)} ${escapeControl(reason, { singleLine: true })}`);
  if (reasons.length > REASONS_SHOWN) shown.push(`${reasons.length - REASONS_SHOWN} more reasons`);
  const parts: string[] = [];
  if (files > 0) parts.push(`${formatCount(files)} file${files === 1 ? '' : 's'} (${shown.join('; ')})`);
  if (coverage.damaged > 0)
    parts.push(
      `${formatCount(coverage.damaged)} damaged line${coverage.damaged === 1 ? '' : 's'} or document${coverage.damaged === 1 ? '' : 's'}`,
    );
  return `Its import skipped ${parts.join(' and ')}: kstory bundle info lists them.`;
}

/** `1,500 metric samples (120 names, e.g. throttling, …) are of metrics no pattern reads: …` or null. */
export function unreadMetrics(coverage: Coverage): string | null {
  const { rows, names, examples } = coverage.unread_metrics;
  if (rows === 0) return null;
  const shown = examples.map((e) => escapeControl(e, { singleLine: true })).join(', ');
  const more = names > examples.length ? ', …' : '';
  return `${formatCount(rows)} ${noun('metric', rows)} (${formatCount(names)} name${names === 1 ? '' : 's'}: ${shown}${more}) ${rows === 1 ? 'is' : 'are'} of metrics no pattern reads (a Prometheus expression's result, a metric no pattern knows): kept in the bundle, judged by nothing.`;
}

/**
 * `30 of the object versions and events were rebuilt from kubectl text (kubectl describe 30): …`,
 * `296 object versions were rebuilt from the audit log's writes: …`, both, or null.
 */
export function rebuiltRows(coverage: Coverage): string | null {
  const said: string[] = [];
  const sources = Object.entries(coverage.derived_from_text);
  const rows = sources.reduce((sum, [, n]) => sum + n, 0);
  if (rows > 0) {
    const by = sources
      .map(([text, n]) => `${escapeControl(text, { singleLine: true })} ${formatCount(n)}`)
      .join(', ');
    said.push(
      `${formatCount(rows)} of the object versions and events were rebuilt from kubectl text (${by}): they hold only the fields the text shows, their times counted back from its ages.`,
    );
  }
  const fromAudit = coverage.from_audit;
  if (fromAudit > 0)
    said.push(
      `${formatCount(fromAudit)} object ${fromAudit === 1 ? 'version was' : 'versions were'} rebuilt from the audit log's writes: only the states some write left, not the history a recording holds, so confidences weigh them as the audit's, not as objects read from the cluster.`,
    );
  return said.length > 0 ? said.join(' ') : null;
}

/** Said instead of "no incidents" when the window holds nothing to detect anything in. */
export function nothingToAnalyze(coverage: Coverage, window: { start: string; end: string }): string {
  const outside = coverage.sources.filter((s) => s.rows > 0);
  const where =
    outside.length > 0
      ? `between ${formatTime(window.start)} and ${formatTime(window.end)} (its rows lie outside: widen --since/--until)`
      : 'at all';
  return `Nothing to analyze: the bundle holds no objects, events, audit entries, logs or metrics ${where}. This is not an all-clear: kstory saw nothing it could judge.`;
}

/** `2021-08-03 09:14:02Z → 10:14:13Z`: the day said once when both ends share it. */
function span(first: string | null, last: string | null): string | null {
  if (!first || !last) return null;
  const [a, b] = [formatTime(first), formatTime(last)];
  if (a === b) return `at ${a}`;
  return a.slice(0, 10) === b.slice(0, 10) ? `${a} → ${b.slice(11)}` : `${a} → ${b}`;
}

function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function joinOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
