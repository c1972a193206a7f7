// What `kstory events` prints: kubectl events' table (LAST SEEN with "(x3 over 10m)", TYPE,
// REASON, OBJECT as Kind/name, MESSAGE), ages measured from the instant shown.

import { type Json, rec, str } from '../kube/fields.ts';
import { since } from '../serve/columns/format.ts';
import type { Instant } from '../serve/instant.ts';
import { escapeControl } from './escape.ts';
import { alignColumns } from './kube-table.ts';

function lastSeenCell(ev: Json, now: Instant): string {
  const series = rec(ev.series);
  const first = str(ev.firstTimestamp) ?? str(ev.eventTime);
  const last = series ? str(series.lastObservedTime) : (str(ev.lastTimestamp) ?? first);
  const count = Number(series ? series.count : (ev.count ?? 1)) || 1;
  const age = since(last, now);
  return count > 1 ? `${age} (x${count} over ${since(first, now)})` : age;
}

export function renderEvents(events: readonly Json[], now: Instant, withNamespace: boolean): string {
  const cell = (s: unknown) => escapeControl(String(s ?? ''), { singleLine: true });
  const rows = [
    [...(withNamespace ? ['NAMESPACE'] : []), 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
  ];
  for (const ev of events) {
    const involved = rec(ev.involvedObject) ?? {};
    rows.push([
      ...(withNamespace ? [cell(rec(ev.metadata)?.namespace)] : []),
      lastSeenCell(ev, now),
      cell(ev.type),
      cell(ev.reason),
      cell(`${String(involved.kind ?? '')}/${String(involved.name ?? '')}`),
      cell(String(ev.message ?? '').trim()),
    ]);
  }
  return `${alignColumns(rows)}\n`;
}
