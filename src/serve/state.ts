// The state-at-T engine: what the cluster held at an instant (the last version of every object
// seen at or before it, unless that version is its deletion), the Events as they stood then, the
// history of versions between two instants, and the log lines of a container. The server and the
// offline commands (kstory get, describe, logs, events, diff) both read the bundle through it.

import type { DuckDBValue } from '@duckdb/node-api';
import { VERSION_NUMBER_SQL } from '../bundle/columns.ts';
import { sqlString } from '../bundle/duckdb.ts';
import type { Bundle } from '../bundle/reader.ts';
import type { Json } from '../kube/fields.ts';
import { type Instant, instantFromIso, type Window } from './instant.ts';
import { type ApiResource, buildCatalogue, type ResourceCatalogue } from './resources.ts';

/** One object as it stood at an instant: its JSON text as recorded, parsed when asked for. Only
 * the text is kept (tens of thousands of parsed objects would take several times its memory), and
 * what a caller derives from it can be kept beside it (`memo`: a table row, say). */
export class StoredObject {
  private memos: Map<string, unknown> | undefined;

  constructor(
    readonly namespace: string | null,
    readonly name: string,
    /** When this version was seen. */
    readonly ts: Instant,
    readonly text: string,
  ) {}

  get object(): Json {
    return JSON.parse(this.text) as Json;
  }

  /** `make()` once per key for this object. */
  memo<T>(key: string, make: () => T): T {
    this.memos ??= new Map();
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = make();
    this.memos.set(key, value);
    return value;
  }
}

/** A change between two instants, in the order it happened. */
export interface Change {
  ts: Instant;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  item: StoredObject;
}

export interface Scope {
  namespace?: string;
  name?: string;
}

/** The involved object that events are asked about (`kubectl describe` narrows them to one object). */
export interface EventScope extends Scope {
  involvedKind?: string;
  involvedName?: string;
  involvedNamespace?: string;
}

export interface LogLine {
  ts: Instant;
  line: string;
  stream: string | null;
  previous: boolean;
}

const LATEST = `QUALIFY row_number() OVER (PARTITION BY namespace, name ORDER BY ts DESC, ${VERSION_NUMBER_SQL} DESC NULLS LAST) = 1`;

/** Snapshots kept for paging and repeated requests: a few instants of a few resources, within a
 * budget of recorded text (a large bundle's pods at one instant are over 100 MB). */
const CACHE_ENTRIES = 16;
const CACHE_BYTES = 384 * 1024 * 1024;

export class BundleState {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly cache = new Map<string, Promise<StoredObject[]>>();
  private readonly cacheBytes = new Map<string, number>();

  private constructor(
    readonly bundle: Bundle,
    readonly catalogue: ResourceCatalogue,
    readonly window: Window,
    /** The cluster's name, from the bundle's metadata. */
    readonly cluster: string,
  ) {}

  static async open(bundle: Bundle): Promise<BundleState> {
    const catalogue = await buildCatalogue(bundle);
    const window = await windowOf(bundle);
    return new BundleState(bundle, catalogue, window, bundle.metadata.cluster.name ?? 'kstory');
  }

  /** The objects of a resource at `at`, sorted by namespace and name. Shared: do not change them. */
  objectsAt(resource: ApiResource, at: Instant, scope: Scope = {}): Promise<StoredObject[]> {
    if (resource.kind === 'Event' && (resource.group === '' || resource.group === 'events.k8s.io')) {
      return this.eventsAt(at, scope);
    }
    const key = `${resource.group}/${resource.kind}@${at}`;
    const whole = this.cached(key, () =>
      this.fetchObjects(
        `SELECT namespace, name, epoch_us(ts)::DOUBLE AS ts, body FROM (
           SELECT namespace, name, ts, body, watch_event FROM objects
           WHERE kind = ? AND api_version IN (${versionList(resource)}) AND ts <= make_timestamptz(?::BIGINT)
           ${LATEST}
         ) WHERE watch_event IS DISTINCT FROM 'DELETED' AND body IS NOT NULL
         ORDER BY namespace NULLS FIRST, name`,
        [resource.kind, at],
      ),
    );
    return whole.then((items) => narrow(items, scope));
  }

  /** Events (core/v1 bodies as recorded) at `at`: each Event's last version seen by then. */
  async eventsAt(at: Instant, scope: EventScope = {}): Promise<StoredObject[]> {
    // Narrowed to one involved object, the query reads a few rows; otherwise cache the whole list.
    if (scope.involvedName !== undefined) {
      const params: DuckDBValue[] = [at, scope.involvedName];
      let where = 'ts <= make_timestamptz(?::BIGINT) AND name = ?';
      if (scope.involvedKind) {
        where += ' AND kind = ?';
        params.push(scope.involvedKind);
      }
      const items = await this.fetchEvents(where, params);
      return narrow(items, scope);
    }
    const whole = this.cached(`Event@${at}`, () =>
      this.fetchEvents('ts <= make_timestamptz(?::BIGINT)', [at]),
    );
    return whole.then((items) => narrow(items, scope));
  }

  /** Versions of a resource seen after `from` and up to `to`, oldest first, typed as a watch would. */
  async changes(
    resource: ApiResource,
    from: Instant,
    to: Instant,
    scope: Scope = {},
    /** Keys (`namespace/name`) that exist at `from`, updated as changes are read; computed when absent. */
    known?: Set<string>,
  ): Promise<Change[]> {
    const present = known ?? new Set((await this.objectsAt(resource, from, scope)).map(keyOf));
    const isEvent = resource.kind === 'Event';
    const params: DuckDBValue[] = [from, to];
    let where = 'ts > make_timestamptz(?::BIGINT) AND ts <= make_timestamptz(?::BIGINT)';
    if (!isEvent) {
      where += ` AND kind = ? AND api_version IN (${versionList(resource)})`;
      params.push(resource.kind);
    }
    const rows = await this.run<{
      ts: number;
      namespace: string | null;
      name: string;
      event: string | null;
      body: string;
    }>(
      isEvent
        ? `SELECT epoch_us(ts)::DOUBLE AS ts, json_extract_string(body, '$.metadata.namespace') AS namespace,
                  json_extract_string(body, '$.metadata.name') AS name, 'MODIFIED' AS event, body
           FROM events WHERE ${where} AND body IS NOT NULL ORDER BY ts, ${VERSION_NUMBER_SQL} NULLS FIRST`
        : `SELECT epoch_us(ts)::DOUBLE AS ts, namespace, name, watch_event AS event, body
           FROM objects WHERE ${where} AND body IS NOT NULL ORDER BY ts, ${VERSION_NUMBER_SQL} NULLS FIRST`,
      params,
    );
    const out: Change[] = [];
    for (const row of rows) {
      const item = new StoredObject(row.namespace, row.name, row.ts, row.body);
      if (scope.namespace !== undefined && item.namespace !== scope.namespace) continue;
      if (scope.name !== undefined && item.name !== scope.name) continue;
      const key = keyOf(item);
      if (row.event === 'DELETED') {
        if (!present.delete(key)) continue;
        out.push({ ts: row.ts, type: 'DELETED', item });
      } else {
        out.push({ ts: row.ts, type: present.has(key) ? 'MODIFIED' : 'ADDED', item });
        present.add(key);
      }
    }
    return out;
  }

  /** Every recorded version of one object, oldest first, deletions included. */
  async versions(resource: ApiResource, namespace: string | null, name: string): Promise<Change[]> {
    const rows = await this.run<{ ts: number; event: string | null; body: string }>(
      `SELECT epoch_us(ts)::DOUBLE AS ts, watch_event AS event, body FROM objects
       WHERE kind = ? AND api_version IN (${versionList(resource)}) AND name = ? AND namespace IS NOT DISTINCT FROM ?
         AND body IS NOT NULL
       ORDER BY ts, ${VERSION_NUMBER_SQL} NULLS FIRST`,
      [resource.kind, name, namespace],
    );
    return rows.map((row, i) => ({
      ts: row.ts,
      type: row.event === 'DELETED' ? 'DELETED' : i === 0 ? 'ADDED' : 'MODIFIED',
      item: new StoredObject(namespace, name, row.ts, row.body),
    }));
  }

  /** The log lines of one container of a pod between two instants, oldest first. */
  logs(
    namespace: string,
    pod: string,
    container: string,
    from: Instant | null,
    to: Instant,
  ): Promise<LogLine[]> {
    return this.run<LogLine>(
      `SELECT epoch_us(ts)::DOUBLE AS ts, log_line AS line, log_stream AS stream, coalesce(log_previous, false) AS previous
       FROM logs WHERE namespace = ? AND name = ? AND container = ?
         AND ts <= make_timestamptz(?::BIGINT) ${from === null ? '' : 'AND ts >= make_timestamptz(?::BIGINT)'}
       ORDER BY ts`,
      from === null ? [namespace, pod, container, to] : [namespace, pod, container, to, from],
    );
  }

  /** The containers a pod has log lines for. */
  async loggedContainers(namespace: string, pod: string): Promise<string[]> {
    const rows = await this.run<{ container: string }>(
      'SELECT DISTINCT container FROM logs WHERE namespace = ? AND name = ? AND container IS NOT NULL ORDER BY 1',
      [namespace, pod],
    );
    return rows.map((r) => r.container);
  }

  /** Any query against the bundle, one at a time (a DuckDB connection runs one statement at once). */
  run<T>(sql: string, params: DuckDBValue[] = []): Promise<T[]> {
    const next = this.queue.then(() => this.bundle.query<T>(sql, params));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private fetchEvents(where: string, params: DuckDBValue[]): Promise<StoredObject[]> {
    return this.fetchObjects(
      `SELECT json_extract_string(body, '$.metadata.namespace') AS namespace,
              json_extract_string(body, '$.metadata.name') AS name, epoch_us(ts)::DOUBLE AS ts, body
       FROM events WHERE ${where} AND body IS NOT NULL
       QUALIFY row_number() OVER (PARTITION BY coalesce(event_uid, json_extract_string(body, '$.metadata.uid'), namespace || '/' || name || '/' || event_reason)
                                  ORDER BY ts DESC, ${VERSION_NUMBER_SQL} DESC NULLS LAST) = 1
       ORDER BY namespace NULLS FIRST, name`,
      params,
    );
  }

  /** Rows read chunk by chunk: the bodies of tens of thousands of objects convert several times
   * faster this way than as row objects. */
  private fetchObjects(sql: string, params: DuckDBValue[]): Promise<StoredObject[]> {
    const next = this.queue.then(async () => {
      const result = await this.bundle.db.connection.stream(sql, params);
      const out: StoredObject[] = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const [ns, name, ts, body] = [0, 1, 2, 3].map((i) => chunk.getColumnVector(i));
        for (let i = 0; i < chunk.rowCount; i++) {
          out.push(
            new StoredObject(
              (ns!.getItem(i) as string | null) ?? null,
              String(name!.getItem(i)),
              Number(ts!.getItem(i)),
              String(body!.getItem(i)),
            ),
          );
        }
      }
      return out;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private cached(key: string, load: () => Promise<StoredObject[]>): Promise<StoredObject[]> {
    const hit = this.cache.get(key);
    if (hit) {
      // Most recently used last.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const loading = load();
    this.cache.set(key, loading);
    loading.then(
      (items) => {
        this.cacheBytes.set(
          key,
          items.reduce((sum, i) => sum + i.text.length, 0),
        );
        this.evict(key);
      },
      () => this.cache.delete(key),
    );
    return loading;
  }

  /** Forget the least recently used snapshots beyond the budget, never the one just loaded. */
  private evict(keep: string): void {
    let bytes = [...this.cacheBytes.values()].reduce((a, b) => a + b, 0);
    for (const key of [...this.cache.keys()]) {
      if (this.cache.size <= 1 || (this.cache.size <= CACHE_ENTRIES && bytes <= CACHE_BYTES)) break;
      if (key === keep) continue;
      bytes -= this.cacheBytes.get(key) ?? 0;
      this.cache.delete(key);
      this.cacheBytes.delete(key);
    }
  }
}

export function keyOf(item: StoredObject): string {
  return `${item.namespace ?? ''}/${item.name}`;
}

function versionList(resource: ApiResource): string {
  return resource.apiVersions.map(sqlString).join(', ');
}

function narrow(items: StoredObject[], scope: EventScope): StoredObject[] {
  if (scope.namespace === undefined && scope.name === undefined) return items;
  return items.filter(
    (i) =>
      (scope.namespace === undefined || i.namespace === scope.namespace) &&
      (scope.name === undefined || i.name === scope.name),
  );
}

/** The recording's window: the metadata's, else the span of its rows. */
async function windowOf(bundle: Bundle): Promise<Window> {
  const [span] = await bundle.query<{ first: number | null; last: number | null; observed: number | null }>(
    `SELECT epoch_us(min(ts))::DOUBLE AS first, epoch_us(max(ts))::DOUBLE AS last,
            epoch_us(max(ts) FILTER (WHERE source <> 'marker'))::DOUBLE AS observed FROM bundle`,
  );
  const meta = bundle.metadata.window;
  const first = span?.first ?? 0;
  const last = span?.last ?? first;
  // Rows before the window's start are history a snapshot carried in (creation times, old Events):
  // the recording knew the cluster's state only from its start.
  const start = meta.start ? instantFromIso(meta.start) : Number(first);
  // A snapshot's window may run to when it was imported; the cluster was last seen at its newest
  // observation, and ages ("5m", "restarted 2d ago") count from there.
  const end = bundle.metadata.snapshot
    ? Number(span?.observed ?? last)
    : Math.max(meta.end ? instantFromIso(meta.end) : 0, Number(last));
  return { start: Math.min(start, end), end };
}
