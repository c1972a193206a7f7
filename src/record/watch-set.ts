// The recording's watchers: one per resource (one per namespace when the recording names its
// namespaces), listed once for a snapshot or run until the recording stops, with resources that
// appear (a new CRD) watched and those that go away dropped by periodic rediscovery.

import type { Gap } from '../bundle/metadata.ts';
import { messageOf } from '../errors.ts';
import type { KubeClient } from './client.ts';
import {
  type ApiResource,
  apiVersionOf,
  type DiscoveryResult,
  discoverResources,
  qualifiedName,
  type ResourceFilter,
} from './discovery.ts';
import type { NamespaceScope } from './namespaces.ts';
import { ResourceWatcher, type WatcherOptions, type WatchSink } from './watcher.ts';

/** Concurrent lists at start: enough to be quick, few enough not to trip API priority and fairness. */
const LIST_CONCURRENCY = 8;

export interface WatchSetOptions {
  client: KubeClient;
  filter: ResourceFilter;
  scope: NamespaceScope;
  /** Watch tuning, for tests of failure handling. */
  watch?: Pick<
    WatcherOptions,
    'backoffInitialMs' | 'backoffMaxMs' | 'watchTimeoutSeconds' | 'idleTimeoutMs' | 'pageSize' | 'wait'
  >;
  sink: WatchSink;
  addGap: (gap: Gap) => void;
  signal: AbortSignal;
  log: (line: string) => void;
}

interface Entry {
  watcher: ResourceWatcher;
  stop: AbortController;
  done?: Promise<void>;
}

export class WatchSet {
  private readonly watchers = new Map<string, Entry>();
  private readonly resources = new Map<string, ApiResource>();

  constructor(private readonly o: WatchSetOptions) {}

  resourceNames(): string[] {
    return [...this.resources.keys()].sort();
  }

  /** Watches open now, and those waiting to retry. */
  counts(): { watching: number; retrying: number } {
    let watching = 0;
    let retrying = 0;
    for (const { watcher } of this.watchers.values()) {
      if (watcher.state === 'watching') watching++;
      else if (watcher.state === 'retrying') retrying++;
    }
    return { watching, retrying };
  }

  /** Create watchers for resources not watched yet. */
  add(resources: ApiResource[]): ResourceWatcher[] {
    const created: ResourceWatcher[] = [];
    const { scope, signal } = this.o;
    for (const resource of resources) {
      const name = qualifiedName(resource);
      if (this.resources.has(name)) continue;
      this.resources.set(name, resource);
      const namespaces = resource.namespaced && scope.watchEach ? scope.watchEach : [null];
      for (const namespace of namespaces) {
        const stop = new AbortController();
        const onStop = () => stop.abort();
        signal.addEventListener('abort', onStop, { once: true });
        stop.signal.addEventListener('abort', () => signal.removeEventListener('abort', onStop), {
          once: true,
        });
        const watcher = new ResourceWatcher({
          ...this.o.watch,
          client: this.o.client,
          resource,
          namespace,
          accepts: scope.accepts,
          sink: this.o.sink,
          signal: stop.signal,
        });
        this.watchers.set(watcher.scope, { watcher, stop });
        created.push(watcher);
      }
    }
    return created;
  }

  /** List every resource once (a snapshot); a list that fails leaves a gap of its scope. */
  async listAllOnce(): Promise<void> {
    await forEachLimited([...this.watchers.values()], LIST_CONCURRENCY, async ({ watcher }) => {
      const start = new Date().toISOString();
      try {
        await watcher.listOnce();
      } catch (error) {
        if (this.o.signal.aborted) return;
        const message = messageOf(error);
        this.o.sink.failed(watcher, message);
        this.o.addGap({
          start,
          end: new Date().toISOString(),
          reason: `list failed: ${message}`,
          scope: watcher.scope,
        });
      }
    });
  }

  /** Watch everything until the recording stops, rediscovering resources every `rediscoverMs` (0: never). */
  async run(rediscoverMs: number): Promise<void> {
    const { signal } = this.o;
    const timer = rediscoverMs > 0 ? setInterval(() => void this.rediscover(), rediscoverMs) : null;
    try {
      for (const entry of this.watchers.values()) this.start(entry);
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await Promise.all([...this.watchers.values()].map((e) => e.done));
    } finally {
      if (timer) clearInterval(timer);
    }
  }

  /** Watches still down at the end: what they missed is unknown. */
  openGaps(end: string): Gap[] {
    const gaps: Gap[] = [];
    for (const { watcher } of this.watchers.values()) {
      if (watcher.disconnectedAt === null) continue;
      gaps.push({
        start: watcher.disconnectedAt,
        end,
        reason: `watch not connected when the recording stopped: ${watcher.lastError ?? 'unknown error'}`,
        scope: watcher.scope,
      });
    }
    return gaps;
  }

  private start(entry: Entry): void {
    entry.done = entry.watcher.run().catch((error: unknown) => {
      // run() recovers from everything it knows; anything else is a bug, but must not be silent.
      this.o.log(`error: ${entry.watcher.scope} stopped: ${messageOf(error)}`);
      this.o.addGap({
        start: new Date().toISOString(),
        end: null,
        reason: `watch stopped: ${messageOf(error)}`,
        scope: entry.watcher.scope,
      });
    });
  }

  /** New CRDs get watchers; resources that went away (a deleted CRD) have theirs stopped. */
  private async rediscover(): Promise<void> {
    const { signal, log } = this.o;
    let found: DiscoveryResult;
    try {
      found = await discoverResources(this.o.client, this.o.filter, signal);
    } catch (error) {
      if (!signal.aborted) log(`warning: rediscovery failed: ${messageOf(error)}`);
      return;
    }
    if (signal.aborted) return;
    const names = new Set(found.resources.map(qualifiedName));
    // A group version that failed to answer says nothing about its resources: keep their watchers.
    const failedGroups = new Set(found.failures.map((f) => f.groupVersion));
    for (const [name, resource] of this.resources) {
      if (names.has(name) || failedGroups.has(apiVersionOf(resource))) continue;
      log(`${name}: no longer served, stopped watching`);
      this.resources.delete(name);
      for (const [key, entry] of this.watchers) {
        if (entry.watcher.resource === resource) {
          entry.stop.abort();
          this.watchers.delete(key);
        }
      }
    }
    for (const watcher of this.add(found.resources)) {
      log(`${qualifiedName(watcher.resource)}: new resource, watching`);
      const entry = this.watchers.get(watcher.scope);
      if (entry) this.start(entry);
    }
  }
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  });
  await Promise.all(workers);
}
