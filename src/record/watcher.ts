// List-then-watch of one resource (cluster-wide or in one namespace), the way client-go's reflector
// does it: resume from the last resourceVersion after a disconnect, with capped exponential
// back-off; on 410 Gone relist and report the difference, so nothing that changed while the watch
// was down is silently lost. A watcher stops only when the recording stops.

import type { WatchEvent } from '../bundle/row.ts';
import type { RawJson } from '../bundle/spool.ts';
import { messageOf } from '../errors.ts';
import { parseWatchLine } from '../kube/raw-body.ts';
import type { KubeObject } from '../kube/to-row.ts';
import { Backoff } from './backoff.ts';
import { ApiError, isGone, type KubeClient } from './client.ts';
import { type ApiResource, apiVersionOf, collectionPath, qualifiedName } from './discovery.ts';

export interface RelistReport {
  /** Since when the watch may have missed changes: its last sign of life before the 410. */
  start: string;
  end: string;
  reason: string;
  added: number;
  modified: number;
  deleted: number;
}

export interface WatchSink {
  /**
   * `raw` is the JSON text `object` was parsed from, as the API server sent it, when the watch line
   * gives it: managedFields are cut out of both.
   */
  object(
    resource: ApiResource,
    object: KubeObject,
    watchEvent: WatchEvent,
    origin: string,
    raw?: RawJson,
  ): void;
  relisted(watcher: ResourceWatcher, report: RelistReport): void;
  /** A request failed; the watcher retries. Called for every failure, the sink decides what to show. */
  failed(watcher: ResourceWatcher, message: string): void;
}

export interface WatcherOptions {
  client: KubeClient;
  resource: ApiResource;
  /** Watch this namespace only, or null for cluster-wide. */
  namespace: string | null;
  /** Objects outside the recording's namespaces are dropped (cluster-wide watches with globs). */
  accepts: (namespace: string | null | undefined) => boolean;
  sink: WatchSink;
  signal: AbortSignal;
  pageSize?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Server-side watch timeout; the watch is reopened from its resourceVersion when it ends. */
  watchTimeoutSeconds?: number;
  /** Give up on a connection silent this long (a half-open TCP connection never errors by itself). */
  idleTimeoutMs?: number;
  /** Clock, for tests. */
  now?: () => Date;
  /** The bundle writer's back-pressure: a promise pauses the watch stream until it resolves. */
  wait?: () => Promise<void> | null;
}

export type WatcherState = 'listing' | 'watching' | 'retrying' | 'stopped';

interface WatchEventLine {
  type?: string;
  object?: KubeObject & { code?: number; message?: string; reason?: string };
}

interface ListResponse {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[];
}

const MAX_CONTINUE_RESTARTS = 3;

/**
 * What a watcher remembers of an object that exists, to tell what changed when it relists. A watched
 * object is kept as the JSON text the API server sent (managedFields cut out), copied into a buffer
 * of its own that each new version overwrites, and parsed again only if it vanishes during a
 * relist. Every version lives until the object's next one, long enough to be promoted to V8's old
 * space: kept as a string (or worse, parsed), the dead versions filled hundreds of MB there between
 * collections; as fresh Buffers, as much outside it (bench/record.ts). Reused, a buffer leaves no
 * garbage at all.
 */
interface KnownObject {
  uid: string | undefined;
  resourceVersion: string | undefined;
  /** From a list: the object as parsed. */
  object: KubeObject | null;
  /** From a watch: `length` bytes of JSON text. */
  text: Buffer | null;
  length: number;
}

/** Remember `object` (and its text, when the watch gave it), in `known`'s buffer when it has one. */
function remember(known: KnownObject | undefined, object: KubeObject, raw?: RawJson): KnownObject {
  const entry = known ?? { uid: undefined, resourceVersion: undefined, object: null, text: null, length: 0 };
  entry.uid = object.metadata?.uid;
  entry.resourceVersion = object.metadata?.resourceVersion;
  if (raw === undefined) {
    entry.object = object;
    entry.text = null;
    entry.length = 0;
    return entry;
  }
  const pieces = raw.pieces ?? [Buffer.from(raw.text)];
  let bytes = 0;
  for (const piece of pieces) bytes += piece.length;
  // Room to grow: a Pod's next version is usually a little longer (more status).
  if (entry.text === null || entry.text.length < bytes)
    entry.text = Buffer.allocUnsafeSlow(bytes + (bytes >> 2));
  entry.length = 0;
  for (const piece of pieces) {
    entry.text.set(piece, entry.length);
    entry.length += piece.length;
  }
  entry.object = null;
  return entry;
}

function lastBodyOf(known: KnownObject): KubeObject {
  if (known.object) return known.object;
  return JSON.parse((known.text as Buffer).toString('utf8', 0, known.length)) as KubeObject;
}

export class ResourceWatcher {
  state: WatcherState = 'listing';
  /** Where the next watch starts; null when a (re)list is needed. */
  resourceVersion: string | null = null;
  /** The last error while it has not recovered from it. */
  lastError: string | null = null;
  /** Since when the watch has been disconnected, while it is. */
  disconnectedAt: string | null = null;
  events = 0;
  relists = 0;
  /** `watch:pods` or `watch:pods@shop`: the scope of gaps and errors. */
  readonly scope: string;
  private readonly known = new Map<string, KnownObject>();
  private listed = false;
  /** The last sign of life of the watch (a Date, formatted only if a gap starts there). */
  private lastSyncAt: Date | null = null;
  private gapStart: string | null = null;
  private progressSinceGone = true;
  private readonly o: Required<Omit<WatcherOptions, 'namespace'>> & { namespace: string | null };

  constructor(options: WatcherOptions) {
    // Spread like client-go's reflector (5 to 10 minutes) so that watches do not reopen in step.
    const watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300);
    this.o = {
      ...options,
      pageSize: options.pageSize ?? 500,
      backoffInitialMs: options.backoffInitialMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 30_000,
      watchTimeoutSeconds,
      idleTimeoutMs: options.idleTimeoutMs ?? (watchTimeoutSeconds + 60) * 1000,
      now: options.now ?? (() => new Date()),
      wait: options.wait ?? (() => null),
    };
    const r = options.resource;
    this.scope = `watch:${qualifiedName(r)}${options.namespace !== null && r.namespaced ? `@${options.namespace}` : ''}`;
  }

  get resource(): ApiResource {
    return this.o.resource;
  }

  /** Objects currently known to exist. */
  get size(): number {
    return this.known.size;
  }

  /** List once and report every object as LISTED (for --once and the start of a recording). */
  async listOnce(): Promise<void> {
    await this.list();
  }

  /** List if not done yet, then watch until the signal aborts, recovering from every failure. */
  async run(): Promise<void> {
    const { signal } = this.o;
    const backoff = new Backoff({ initialMs: this.o.backoffInitialMs, maxMs: this.o.backoffMaxMs });
    while (!signal.aborted) {
      try {
        if (this.resourceVersion === null) await this.list();
        this.state = 'watching';
        const lines = await this.watchOnce();
        this.recovered();
        // A watch the server ended after a while is the normal course: reopen at once. One that
        // ends at once and empty (a proxy cutting streams) must not become a busy loop.
        if (lines > 0) backoff.reset();
        else await sleep(backoff.nextExact(), signal);
      } catch (error) {
        if (signal.aborted) break;
        if (isGone(error)) {
          // The resourceVersion is too old (etcd compacted it): only a relist can catch up.
          this.gapStart ??= (this.lastSyncAt ?? this.o.now()).toISOString();
          this.resourceVersion = null;
          // 410 again with no event in between: back off rather than relist in a tight loop.
          if (!this.progressSinceGone) {
            this.o.sink.failed(this, messageOf(error));
            await sleep(backoff.nextExact(), signal);
          }
          this.progressSinceGone = false;
          continue;
        }
        this.state = 'retrying';
        this.disconnectedAt ??= this.nowIso();
        this.lastError = messageOf(error);
        this.o.sink.failed(this, this.lastError);
        // Jitter keeps many watchers from hammering a recovering API server in step.
        await sleep(backoff.next(), signal);
      }
    }
    this.state = 'stopped';
  }

  private recovered(): void {
    this.disconnectedAt = null;
    this.lastError = null;
  }

  private nowIso(): string {
    return this.o.now().toISOString();
  }

  private path(): string {
    return collectionPath(this.o.resource, this.o.namespace);
  }

  private keyOf(obj: KubeObject): string {
    return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
  }

  /** Items of a list carry no kind or apiVersion; bundle rows need both. */
  private typed(obj: KubeObject): KubeObject {
    if (obj.kind && obj.apiVersion) return obj;
    return { ...obj, apiVersion: apiVersionOf(this.o.resource), kind: this.o.resource.kind };
  }

  private async listAll(): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    for (let attempt = 0; ; attempt++) {
      const items: KubeObject[] = [];
      let token: string | undefined;
      try {
        let resourceVersion = '';
        do {
          const query = new URLSearchParams({ limit: String(this.o.pageSize) });
          if (token) query.set('continue', token);
          const page = await this.o.client.getJson<ListResponse>(`${this.path()}?${query}`, {
            signal: this.o.signal,
          });
          for (const item of page.items ?? []) items.push(this.typed(item));
          token = page.metadata?.continue || undefined;
          // The first page's version is the list's: later pages are served from the same snapshot.
          resourceVersion ||= page.metadata?.resourceVersion ?? '';
        } while (token);
        return { items, resourceVersion };
      } catch (error) {
        // A continue token expires when a paged list outlives etcd's compaction window: start over.
        if (!isGone(error) || token === undefined || attempt >= MAX_CONTINUE_RESTARTS) throw error;
      }
    }
  }

  private async list(): Promise<void> {
    this.state = 'listing';
    const { items, resourceVersion } = await this.listAll();
    const fresh = new Map<string, KubeObject>();
    for (const item of items) {
      if (this.o.accepts(item.metadata?.namespace)) fresh.set(this.keyOf(item), item);
    }
    const { sink, resource } = this.o;
    if (!this.listed) {
      for (const item of fresh.values()) sink.object(resource, item, 'LISTED', this.scope);
    } else {
      // A relist: write what changed while the watch was down. Objects that vanished are DELETED
      // with their last known body; a name reused by a new object (another uid) is two changes.
      const origin = `relist:${this.scope.slice('watch:'.length)}`;
      let added = 0;
      let modified = 0;
      let deleted = 0;
      for (const [key, old] of this.known) {
        const now = fresh.get(key);
        if (now && now.metadata?.uid === old.uid) continue;
        sink.object(resource, lastBodyOf(old), 'DELETED', origin);
        deleted++;
      }
      for (const [key, item] of fresh) {
        const old = this.known.get(key);
        if (old && old.uid === item.metadata?.uid) {
          if (old.resourceVersion === item.metadata?.resourceVersion) continue;
          sink.object(resource, item, 'MODIFIED', origin);
          modified++;
        } else {
          sink.object(resource, item, 'ADDED', origin);
          added++;
        }
      }
      this.relists++;
      const end = this.nowIso();
      sink.relisted(this, {
        start: this.gapStart ?? end,
        end,
        reason: 'watch expired (410 Gone): relisted, changes in between may be missing',
        added,
        modified,
        deleted,
      });
    }
    this.gapStart = null;
    this.known.clear();
    for (const [key, item] of fresh) this.known.set(key, remember(undefined, item));
    this.listed = true;
    this.resourceVersion = resourceVersion;
    this.lastSyncAt = this.o.now();
    this.recovered();
  }

  /** One watch request; returns the number of lines received when the server ends it. */
  private async watchOnce(): Promise<number> {
    const query = new URLSearchParams({
      watch: '1',
      allowWatchBookmarks: 'true',
      resourceVersion: this.resourceVersion ?? '',
      timeoutSeconds: String(this.o.watchTimeoutSeconds),
    });
    let lines = 0;
    await this.o.client.streamLineBytes(
      `${this.path()}?${query}`,
      (line) => {
        const parsed = parseWatchLine(line);
        if (parsed === null) return;
        lines++;
        this.handleEvent(parsed.event as WatchEventLine, parsed.object ?? undefined);
      },
      { signal: this.o.signal, idleTimeoutMs: this.o.idleTimeoutMs, wait: this.o.wait },
    );
    return lines;
  }

  private handleEvent(event: WatchEventLine, raw: RawJson | undefined): void {
    const obj = event.object;
    if (event.type === 'ERROR') {
      const code = obj?.code ?? 0;
      throw new ApiError(
        code,
        obj?.reason ?? null,
        `watch error ${code}: ${obj?.message ?? obj?.reason ?? 'unknown'}`,
      );
    }
    if (!obj) return;
    const rv = obj.metadata?.resourceVersion;
    this.lastSyncAt = this.o.now();
    this.progressSinceGone = true;
    if (this.disconnectedAt !== null) this.recovered();
    if (event.type === 'BOOKMARK') {
      if (rv) this.resourceVersion = rv;
      return;
    }
    if (event.type !== 'ADDED' && event.type !== 'MODIFIED' && event.type !== 'DELETED') return;
    if (rv) this.resourceVersion = rv;
    const typed = this.typed(obj);
    if (!this.o.accepts(typed.metadata?.namespace)) return;
    const key = this.keyOf(typed);
    // A typed copy is no longer what the text says.
    const text = typed === obj ? raw : undefined;
    if (event.type === 'DELETED') this.known.delete(key);
    else this.known.set(key, remember(this.known.get(key), typed, text));
    this.events++;
    this.o.sink.object(this.o.resource, typed, event.type, this.scope, text);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
