// Pieces every `kubectl describe` output shares: times in RFC 1123 form, label and annotation
// lists, conditions, resource lists, controllers and the Events table with kubectl's ages.

import type { Instant } from '../../serve/instant.ts';
import { eventLastSeen, humanDuration, since } from '../../vocab/kube-print.ts';
import { arr, type Json, rec, str } from './fields.ts';
import type { DescribeWriter } from './writer.ts';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Mon, 02 Mar 2026 09:10:00 +0000`, as kubectl describe prints times. */
export function rfc1123(value: unknown): string {
  const s = str(value);
  if (!s) return '<unset>';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

export function sortedPairs(map: unknown, separator = '='): string[] {
  return Object.entries(rec(map) ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}${separator}${String(v)}`);
}

/** Name, Namespace, Labels and Annotations, the head of most describe outputs. */
export function metadataHead(w: DescribeWriter, obj: Json, options: { namespace?: boolean } = {}): void {
  const metadata = rec(obj.metadata) ?? {};
  w.field(0, 'Name', str(metadata.name));
  if (options.namespace !== false && str(metadata.namespace))
    w.field(0, 'Namespace', str(metadata.namespace));
}

export function labelsAndAnnotations(w: DescribeWriter, obj: Json, level = 0): void {
  const metadata = rec(obj.metadata) ?? {};
  w.list(level, 'Labels', sortedPairs(metadata.labels));
  // Annotations print as key: value, long values shortened as kubectl does.
  w.list(
    level,
    'Annotations',
    sortedPairs(metadata.annotations, ': ').map((a) => (a.length > 140 ? `${a.slice(0, 137)}...` : a)),
  );
}

/** `Kind/name` of the controlling owner. */
export function controlledBy(obj: Json): string | null {
  const owner = arr(rec(obj.metadata)?.ownerReferences)
    .map(rec)
    .find((o) => o?.controller === true);
  return owner ? `${String(owner.kind)}/${String(owner.name)}` : null;
}

export function resourceList(w: DescribeWriter, level: number, key: string, list: unknown): void {
  const entries = Object.entries(rec(list) ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return;
  w.line(level, `${key}:`);
  for (const [k, v] of entries) w.line(level + 1, `${k}:`, String(v));
}

export function conditionsTable(
  w: DescribeWriter,
  level: number,
  conditions: unknown,
  columns: readonly string[],
): void {
  const list = arr(conditions).map((c) => rec(c) ?? {});
  if (list.length === 0) return;
  w.line(level, 'Conditions:');
  w.line(level + 1, ...columns);
  w.line(level + 1, ...columns.map((c) => '-'.repeat(c.length)));
  for (const c of list) {
    w.line(
      level + 1,
      ...columns.map((col) => {
        const key = col.charAt(0).toLowerCase() + col.slice(1);
        const v = c[key];
        if (key.endsWith('Time')) return rfc1123(v);
        return v === undefined || v === null ? '' : String(v);
      }),
    );
  }
}

/** `3m (x16 over 20m)`: the age cell of kubectl's Events tables (describe, kubectl events). */
export function eventAge(ev: Json, now: Instant): string {
  const first = str(ev.firstTimestamp) ?? str(ev.eventTime);
  const series = rec(ev.series);
  const last = series ? str(series.lastObservedTime) : (str(ev.lastTimestamp) ?? first);
  const count = Number(series ? series.count : (ev.count ?? 1)) || 1;
  const lastAge = since(last, now);
  return count > 1 && first ? `${lastAge} (x${count} over ${since(first, now)})` : lastAge;
}

function eventSource(ev: Json): string {
  const source = rec(ev.source) ?? {};
  return str(source.component) ?? str(ev.reportingComponent) ?? str(ev.reportingController) ?? '';
}

export function eventsTable(w: DescribeWriter, events: readonly Json[], now: Instant): void {
  if (events.length === 0) {
    w.line(0, 'Events:', '<none>');
    return;
  }
  w.line(0, 'Events:');
  w.line(1, 'Type', 'Reason', 'Age', 'From', 'Message');
  w.line(1, '----', '------', '----', '----', '-------');
  for (const ev of [...events].sort((a, b) => eventLastSeen(a) - eventLastSeen(b))) {
    w.line(
      1,
      String(ev.type ?? ''),
      String(ev.reason ?? ''),
      eventAge(ev, now),
      eventSource(ev),
      String(ev.message ?? '').trim(),
    );
  }
}

export { humanDuration, since };
