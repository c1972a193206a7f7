// What `kstory events` prints: kubectl events' table (LAST SEEN with "(x3 over 10m)", TYPE,
// REASON, OBJECT as Kind/name, MESSAGE), ages measured from the instant shown.

import type { Instant } from '../serve/instant.ts';
import { eventAge } from './describe/common.ts';
import { type Json, rec } from './describe/fields.ts';
import { escapeControl } from './escape.ts';
import { alignColumns } from './kube-table.ts';

export function renderEvents(events: readonly Json[], now: Instant, withNamespace: boolean): string {
  const cell = (s: unknown) => escapeControl(String(s ?? ''), { singleLine: true });
  const rows = [
    [...(withNamespace ? ['NAMESPACE'] : []), 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
  ];
  for (const ev of events) {
    const involved = rec(ev.involvedObject) ?? {};
    rows.push([
      ...(withNamespace ? [cell(rec(ev.metadata)?.namespace)] : []),
      eventAge(ev, now),
      cell(ev.type),
      cell(ev.reason),
      cell(`${String(involved.kind ?? '')}/${String(involved.name ?? '')}`),
      cell(String(ev.message ?? '').trim()),
    ]);
  }
  return `${alignColumns(rows)}\n`;
}
