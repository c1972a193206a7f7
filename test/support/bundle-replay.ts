// Replays a bundle (one `kstory simulate` wrote, or a recording) through the fake API server: the
// state at the start of its window as the store's contents, then every object version as a watch
// event (ADDED, MODIFIED, DELETED) in time order, its Events, and its container logs (a container
// whose restart count grows gets its log turned into the previous one), optionally time-compressed.

import { CLUSTER_SCOPED_KINDS } from '../../src/kube/resources.ts';
import { openBundle } from '../../src/views/open.ts';
import type { FakeApiServer, FakeResource } from './fake-apiserver.ts';

type Json = Record<string, unknown> & { metadata?: Record<string, unknown> };

export type ReplayStep =
  | { at: number; type: 'object'; watchEvent: 'ADDED' | 'MODIFIED' | 'DELETED'; object: Json }
  | { at: number; type: 'event'; object: Json }
  | { at: number; type: 'log'; namespace: string; pod: string; container: string; line: string };

export interface ReplayOptions {
  /** Simulated seconds per real second: 100 plays a 30-minute scenario in 18 s. Default 1. */
  speed?: number;
  signal?: AbortSignal;
}

interface ObjectRow {
  ts: string;
  kind: string;
  namespace: string | null;
  watch_event: string;
  resource_version: string | null;
  body: string;
}

const WATCH_ORDER: Record<string, number> = { LISTED: 0, ADDED: 1, MODIFIED: 2, DELETED: 3 };
const STEP_ORDER: Record<ReplayStep['type'], number> = { object: 0, event: 1, log: 2 };

/** The URL name of a kind's collection: `ReplicaSet` → `replicasets`, `NetworkPolicy` → `networkpolicies`. */
export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

export class BundleReplay {
  private readonly uids = new Map<string, string>();
  private readonly restarts = new Map<string, number>();

  private constructor(
    /** The bundle's window: the replay starts with the store as it was at `start`. */
    readonly start: number,
    readonly end: number,
    /** Resources the bundle's objects need, beyond what the fake server serves already. */
    readonly resources: FakeResource[],
    /** The state at `start`: LISTED objects, then whatever happened before it. */
    readonly initial: ReplayStep[],
    /** What happens after `start`, in time order. */
    readonly steps: ReplayStep[],
  ) {}

  static async load(file: string): Promise<BundleReplay> {
    const bundle = await openBundle([file]);
    const ts = "strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ')";
    try {
      const window = bundle.metadata.window;
      const objects = await bundle.query<ObjectRow>(
        `SELECT ${ts} AS ts, kind, namespace, watch_event, resource_version, CAST(body AS VARCHAR) AS body
         FROM objects WHERE body IS NOT NULL`,
      );
      const events = await bundle.query<{ ts: string; body: string }>(
        `SELECT ${ts} AS ts, CAST(body AS VARCHAR) AS body FROM events WHERE body IS NOT NULL`,
      );
      const logs = await bundle.query<{
        ts: string;
        namespace: string;
        name: string;
        container: string;
        log_line: string;
      }>(
        // Lines of previous containers repeat what their containers wrote: the replay restarts them.
        `SELECT ${ts} AS ts, namespace, name, container, log_line FROM logs WHERE NOT coalesce(log_previous, false)`,
      );
      const first = Math.min(...objects.map((o) => Date.parse(o.ts)));
      const start = Date.parse(window.start ?? '') || first;
      const end = Date.parse(window.end ?? '') || Math.max(...objects.map((o) => Date.parse(o.ts)));

      objects.sort(
        (a, b) =>
          Date.parse(a.ts) - Date.parse(b.ts) ||
          (WATCH_ORDER[a.watch_event] ?? 9) - (WATCH_ORDER[b.watch_event] ?? 9) ||
          Number(a.resource_version ?? 0) - Number(b.resource_version ?? 0),
      );
      const all: ReplayStep[] = [];
      const initial: ReplayStep[] = [];
      const kinds = new Map<string, { apiVersion: string; namespaced: boolean }>();
      for (const o of objects) {
        const object = JSON.parse(o.body) as Json;
        kinds.set(o.kind, {
          apiVersion: String(object.apiVersion ?? 'v1'),
          namespaced: o.namespace !== null && !CLUSTER_SCOPED_KINDS.has(o.kind),
        });
        const at = Date.parse(o.ts);
        if (o.watch_event === 'LISTED') {
          initial.push({ at, type: 'object', watchEvent: 'ADDED', object });
        } else {
          all.push({ at, type: 'object', watchEvent: o.watch_event as 'ADDED', object });
        }
      }
      for (const e of events) all.push({ at: Date.parse(e.ts), type: 'event', object: JSON.parse(e.body) });
      for (const l of logs) {
        all.push({
          at: Date.parse(l.ts),
          type: 'log',
          namespace: l.namespace,
          pod: l.name,
          container: l.container,
          line: l.log_line,
        });
      }
      // A stable sort: objects keep their order among themselves at equal times.
      all.sort((a, b) => a.at - b.at || STEP_ORDER[a.type] - STEP_ORDER[b.type]);
      const before = all.filter((s) => s.at < start);
      const after = all.filter((s) => s.at >= start);
      const resources = [...kinds].map(([kind, { apiVersion, namespaced }]) => {
        const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
        return {
          group: group as string,
          version: version as string,
          resource: pluralOf(kind),
          kind,
          namespaced,
        };
      });
      return new BundleReplay(start, end, resources, [...initial, ...before], after);
    } finally {
      bundle.close();
    }
  }

  /** Serve the bundle's resources and fill the store with the state at the start of its window. */
  seed(api: FakeApiServer): void {
    for (const r of this.resources) {
      if (!api.resources.some((x) => x.kind === r.kind)) api.addResource(r);
    }
    for (const step of this.initial) this.apply(api, step);
  }

  /**
   * Play what happened after the start: each step when its time comes, `speed` times faster than
   * it happened, then wait for the end of the window. Resolves at the end (or when `signal` aborts).
   */
  async play(api: FakeApiServer, options: ReplayOptions = {}): Promise<void> {
    const speed = options.speed ?? 1;
    const began = performance.now();
    const due = (at: number) => (at - this.start) / speed - (performance.now() - began);
    for (const step of this.steps) {
      if (options.signal?.aborted) return;
      const wait = due(step.at);
      if (wait > 1) await sleep(wait);
      this.apply(api, step);
    }
    const rest = due(this.end);
    if (rest > 0 && !options.signal?.aborted) await sleep(rest);
  }

  private apply(api: FakeApiServer, step: ReplayStep): void {
    if (step.type === 'log') {
      api.appendLog(step.namespace, step.pod, step.container, step.line, new Date(step.at));
      return;
    }
    const object = step.object;
    const kind = String(object.kind);
    const metadata = object.metadata ?? {};
    const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : null;
    const name = String(metadata.name);
    const key = `${kind}/${namespace ?? ''}/${name}`;
    const uid = String(metadata.uid ?? '');
    if (step.type === 'object' && step.watchEvent === 'DELETED') {
      if (!this.uids.has(key)) return;
      this.uids.delete(key);
      api.delete(kind, namespace, name, object);
      return;
    }
    // A new object under a name still in the store (another uid): the old one went first.
    const known = this.uids.get(key);
    if (known !== undefined && known !== uid) api.delete(kind, namespace, name);
    this.uids.set(key, uid);
    if (kind === 'Pod' && namespace !== null) this.restartContainers(api, namespace, name, uid, object);
    api.apply(object);
  }

  /** A container whose restart count grew has died: its log becomes the previous one. */
  private restartContainers(
    api: FakeApiServer,
    namespace: string,
    pod: string,
    uid: string,
    object: Json,
  ): void {
    const status = (object.status ?? {}) as Record<
      string,
      { name?: string; restartCount?: number }[] | undefined
    >;
    for (const st of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
      if (!st.name) continue;
      const key = `${uid}/${st.name}`;
      const count = st.restartCount ?? 0;
      const before = this.restarts.get(key);
      if (before !== undefined && count > before) api.restartContainer(namespace, pod, st.name);
      this.restarts.set(key, count);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
