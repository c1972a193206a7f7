// `kubectl get events` tables as Events: `LAST SEEN TYPE REASON OBJECT MESSAGE` (kubectl 1.14 on,
// `5m (x3 over 20m)` for a series, `-o wide` adding SUBOBJECT, SOURCE, FIRST SEEN, COUNT and the
// event's NAME), `LAST SEEN FIRST SEEN COUNT NAME KIND SUBOBJECT TYPE REASON SOURCE MESSAGE`
// (1.10–1.13) and `LASTSEEN FIRSTSEEN COUNT NAME KIND …` (before), with -A a NAMESPACE first.

import { BUILTIN_API_VERSIONS, CLUSTER_SCOPED_KINDS } from '../../kube/resources.ts';
import { kindOfWord } from './command.ts';
import { type EventRow, eventOf } from './describe-events.ts';
import type { TableRow } from './tables.ts';
import { parseAge } from './time-text.ts';

/** Whether a table's columns are an event table's. */
export function isEventTable(headers: readonly string[]): boolean {
  return (
    headers.includes('REASON') &&
    headers.includes('MESSAGE') &&
    (headers.includes('OBJECT') || headers.includes('KIND'))
  );
}

export const GET_EVENTS_SOURCE = 'kubectl get events';

/** The Event a row prints, or why it cannot be read. */
export function eventOfRow(
  row: TableRow,
  defaults: { namespace: string; capture: string },
): Record<string, unknown> | string {
  const c = row.cells;
  const lastSeen = c['LAST SEEN'] ?? c.LASTSEEN ?? '';
  const series = /^(\S+) \(x(\d+) over (\S+)\)$/.exec(lastSeen);
  const lastAge = parseAge(series ? series[1]! : lastSeen);
  const firstText = series ? series[3]! : (c['FIRST SEEN'] ?? c.FIRSTSEEN);
  let kind: string | null;
  let name: string | undefined;
  if (c.OBJECT !== undefined) {
    const slash = c.OBJECT.indexOf('/');
    kind = slash > 0 ? kindOfWord(c.OBJECT.slice(0, slash)) : null;
    name = slash > 0 ? c.OBJECT.slice(slash + 1) : undefined;
  } else {
    kind = c.KIND ?? null;
    // Before kubectl 1.14, NAME is the involved object's name.
    name = c.NAME;
  }
  if (!kind || !name)
    return `an event about an object kstory cannot name: "${c.OBJECT ?? `${c.KIND}/${c.NAME}`}"`;
  const type = c.TYPE ?? '';
  const reason = c.REASON ?? '';
  if (!reason) return 'an event row without a reason';
  const eventRow: EventRow = {
    type,
    reason,
    lastAge,
    firstAge: firstText ? parseAge(firstText) : null,
    count: series ? Number(series[2]) : /^\d+$/.test(c.COUNT ?? '') ? Number(c.COUNT) : 1,
    from: c.SOURCE ?? '',
    subObject: c.SUBOBJECT && c.SUBOBJECT !== '<none>' ? c.SUBOBJECT : undefined,
    message: c.MESSAGE ?? '',
  };
  const namespaced = !CLUSTER_SCOPED_KINDS.has(kind);
  return eventOf(
    eventRow,
    {
      apiVersion: BUILTIN_API_VERSIONS[kind] ?? '',
      kind,
      name,
      namespace: namespaced ? (c.NAMESPACE ?? defaults.namespace) : undefined,
    },
    defaults.capture,
    GET_EVENTS_SOURCE,
    // kubectl 1.14 on prints the event's own name with -o wide.
    c.OBJECT !== undefined ? c.NAME : undefined,
  );
}
