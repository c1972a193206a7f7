// `kubectl get events` tables as Events: `LAST SEEN TYPE REASON OBJECT MESSAGE` (kubectl 1.14 on,
// `5m (x3 over 20m)` for a series, `-o wide` adding SUBOBJECT, SOURCE, FIRST SEEN, COUNT and the
// event's NAME), `LAST SEEN FIRST SEEN COUNT NAME KIND SUBOBJECT TYPE REASON SOURCE MESSAGE`
// (1.10–1.13) and `LASTSEEN FIRSTSEEN COUNT NAME KIND …` (before), with -A a NAMESPACE first.

import { BUILTIN_API_VERSIONS, CLUSTER_SCOPED_KINDS } from '../../kube/resources.ts';
import { kindOfWord } from './command.ts';
import { type EventRow, eventOf } from './describe-events.ts';
import type { Table, TableRow } from './tables.ts';
import { AGE_SOURCE, parseAge } from './time-text.ts';

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

const AGE = `(?:${AGE_SOURCE})`;
const AGE_RE = new RegExp(`^${AGE}$`);
// `5m`, or `5m (x3 over 20m)` for a series.
const LAST_SEEN_RE = new RegExp(`^${AGE}(?: \\(x\\d+ over ${AGE}\\))?$`);
const TYPE_RE = /^(?:Normal|Warning)$/;
const REASON_RE = /^[A-Z][A-Za-z0-9]*$/;
// `pod/web-1`, `deployment/web`, `horizontalpodautoscaler/api`.
const OBJECT_RE = /^[a-z][a-z0-9.-]*\/\S+$/;
const KIND_RE = /^[A-Z][A-Za-z]+$/;
const NAMESPACE_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// An event's own name: its object's name, a dot, a hexadecimal suffix.
const EVENT_NAME_RE = /^[a-z0-9][-a-z0-9.]*\.[0-9a-f]{8,}$/;
// A SUBOBJECT cell: the field path of a container (`spec.containers{app}`).
const FIELD_PATH_RE = /^(?:spec|status|metadata)\.|\{/;

/** One headerless row's cells in a layout of `kubectl get events`, or null when it is none. */
function eventRowCells(parts: readonly string[]): Record<string, string> | null {
  const rest = [...parts];
  const cells: Record<string, string> = {};
  // With -A, NAMESPACE first.
  const namespaced =
    rest.length > 1 &&
    !LAST_SEEN_RE.test(rest[0]!) &&
    NAMESPACE_RE.test(rest[0]!) &&
    AGE_RE.test(rest[1]!.split(' ')[0]!);
  if (namespaced) cells.NAMESPACE = rest.shift()!;
  // kubectl 1.10-1.13: LAST SEEN, FIRST SEEN, COUNT, NAME, KIND, [SUBOBJECT], TYPE, REASON, SOURCE, MESSAGE.
  if (rest.length >= 8 && AGE_RE.test(rest[0]!) && AGE_RE.test(rest[1]!) && /^\d+$/.test(rest[2]!)) {
    const typeAt = TYPE_RE.test(rest[5]!) ? 5 : TYPE_RE.test(rest[6] ?? '') ? 6 : -1;
    if (typeAt < 0 || !KIND_RE.test(rest[4]!) || !REASON_RE.test(rest[typeAt + 1] ?? '')) return null;
    Object.assign(cells, {
      'LAST SEEN': rest[0]!,
      'FIRST SEEN': rest[1]!,
      COUNT: rest[2]!,
      NAME: rest[3]!,
      KIND: rest[4]!,
      SUBOBJECT: typeAt === 6 ? rest[5]! : '',
      TYPE: rest[typeAt]!,
      REASON: rest[typeAt + 1]!,
      SOURCE: rest[typeAt + 2] ?? '',
      MESSAGE: rest.slice(typeAt + 3).join('  '),
    });
    return cells;
  }
  // kubectl 1.14 on: LAST SEEN, TYPE, REASON, OBJECT, then MESSAGE; -o wide puts SUBOBJECT (often
  // empty) and SOURCE before it and FIRST SEEN, COUNT and NAME after it.
  if (rest.length < 4) return null;
  const [lastSeen, type, reason, object] = rest.splice(0, 4) as [string, string, string, string];
  if (
    !LAST_SEEN_RE.test(lastSeen) ||
    !TYPE_RE.test(type) ||
    !REASON_RE.test(reason) ||
    !OBJECT_RE.test(object)
  )
    return null;
  Object.assign(cells, { 'LAST SEEN': lastSeen, TYPE: type, REASON: reason, OBJECT: object });
  const n = rest.length;
  const wide =
    n >= 4 && EVENT_NAME_RE.test(rest[n - 1]!) && /^\d+$/.test(rest[n - 2]!) && AGE_RE.test(rest[n - 3]!);
  if (!wide) {
    cells.MESSAGE = rest.join('  ');
    return cells;
  }
  const [firstSeen, count, name] = rest.splice(n - 3, 3) as [string, string, string];
  const subObject = rest.length >= 3 && FIELD_PATH_RE.test(rest[0]!) ? rest.shift()! : '';
  const source = rest.length >= 2 ? rest.shift()! : '';
  Object.assign(cells, {
    SUBOBJECT: subObject,
    SOURCE: source,
    MESSAGE: rest.join('  '),
    'FIRST SEEN': firstSeen,
    COUNT: count,
    NAME: name,
  });
  return cells;
}

/**
 * Rows of `kubectl get events` printed without their header (`--no-headers`, a paste that lost its
 * first line, `| grep`), in any layout since kubectl 1.10, plain or -o wide, with or without -A;
 * null unless every row is one, in the same layout.
 */
export function headerlessEventTable(rows: readonly { line: number; parts: string[] }[]): Table | null {
  if (rows.length === 0) return null;
  const read: TableRow[] = [];
  let headers: string[] | null = null;
  for (const row of rows) {
    const cells = eventRowCells(row.parts);
    if (!cells) return null;
    const keys = Object.keys(cells);
    if (headers && keys.join() !== headers.join()) return null;
    headers ??= keys;
    read.push({ cells, line: row.line });
  }
  return { headers: headers!, rows: read };
}
