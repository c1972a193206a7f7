// A small Kubernetes API server for tests, on 127.0.0.1 over plain HTTP: discovery, paged lists,
// chunked watch streams with bookmarks, 410 Gone, dropped connections, /version and pod logs.
// Tests mutate its store; every change bumps the resourceVersion and reaches open watches.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type ServerOptions as TlsServerOptions } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeResource {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural name, as in the URL: `pods`. */
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
  shortNames?: string[];
}

type Obj = Record<string, unknown> & { metadata: Record<string, unknown> };
type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface HistoryEntry {
  type: EventType;
  rv: number;
  object: Obj;
}

interface Watch {
  resourceKey: string;
  namespace: string | null;
  bookmarks: boolean;
  res: ServerResponse;
  timer: NodeJS.Timeout | null;
}

interface LogFollower {
  key: string;
  timestamps: boolean;
  res: ServerResponse;
}

interface LogLine {
  ts: string;
  text: string;
}

export interface FakeApiServerOptions {
  /** Resources served besides the built-in few (pods, events, secrets, configmaps, namespaces,
   * nodes, deployments). */
  resources?: FakeResource[];
  /** Interval of BOOKMARK events on watches that ask for them. */
  bookmarkIntervalMs?: number;
  /** Group versions (`metrics.k8s.io/v1beta1`) listed by /apis whose discovery answers 503, as an
   * aggregated API whose backend is down does. */
  unavailable?: string[];
  /** Answer 401 Unauthorized to requests without `Authorization: Bearer <token>`. */
  token?: string;
  /** Serve HTTPS with these options (key, cert, and ca + requestCert to demand client certificates). */
  tls?: TlsServerOptions;
}

export const BUILTIN_RESOURCES: FakeResource[] = [
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, shortNames: ['po'] },
  { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'] },
  { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true },
  {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
  },
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'] },
  {
    group: '',
    version: 'v1',
    resource: 'bindings',
    kind: 'Binding',
    namespaced: true,
    verbs: ['create'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
  },
];

const DEFAULT_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function groupVersion(r: FakeResource): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

function resourceKey(r: FakeResource): string {
  return `${groupVersion(r)}/${r.resource}`;
}

function objectKey(namespace: string | null, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function status(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export class FakeApiServer {
  readonly resources: FakeResource[];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly objects = new Map<string, Map<string, Obj>>();
  private readonly history = new Map<string, HistoryEntry[]>();
  private readonly watches = new Set<Watch>();
  private readonly logs = new Map<string, { current: LogLine[]; previous: LogLine[] }>();
  private readonly followers = new Set<LogFollower>();
  private readonly pages = new Map<string, { rv: number; items: Obj[] }>();
  /** Previous-log requests waiting for `holdPreviousLogs`' release, when held. */
  private heldPreviousLogs: (() => void)[] | null = null;
  private rv = 1000;
  /** Watches and paged lists from before this resourceVersion get 410 Gone, as after etcd compaction. */
  private compactedRv = 0;
  private nextToken = 1;
  private uid = 1;
  /** Requests seen, as `METHOD path?query`, for assertions. */
  readonly requests: string[] = [];
  /** The Authorization header of each request ('' when none), in the order of `requests`. */
  readonly authorizations: string[] = [];
  /** The User-Agent header of each request ('' when none), in the order of `requests`. */
  readonly userAgents: string[] = [];
  port = 0;

  private constructor(private readonly options: FakeApiServerOptions) {
    this.resources = [];
    for (const r of [...BUILTIN_RESOURCES, ...(options.resources ?? [])]) this.addResource(r);
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    this.server = options.tls ? createTlsServer(options.tls, handler) : createServer(handler);
    // Plain connections on HTTP, TLS sockets once the handshake is done on HTTPS.
    this.server.on(options.tls ? 'secureConnection' : 'connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
    const api = new FakeApiServer(options);
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    api.port = (api.server.address() as AddressInfo).port;
    return api;
  }

  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** The common name of the client certificate of each request ('' when none), in request order. */
  readonly clientNames: string[] = [];

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Open watch streams, for tests that wait for a recorder to be watching. */
  get openWatches(): number {
    return this.watches.size;
  }

  async close(): Promise<void> {
    for (const w of this.watches) if (w.timer) clearInterval(w.timer);
    this.watches.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- the store -------------------------------------------------------------------------------

  /** Serve a new resource from now on, as when a CRD is created. */
  addResource(r: FakeResource): void {
    this.resources.push(r);
    this.objects.set(resourceKey(r), new Map());
    this.history.set(resourceKey(r), []);
  }

  /** Create or replace an object (ADDED or MODIFIED). `kind` names the resource by its kind. */
  apply(object: Record<string, unknown>): Obj {
    const r = this.resourceOfObject(object);
    const metadata = { ...(object.metadata as Record<string, unknown>) };
    const name = String(metadata.name);
    const namespace = r.namespaced ? String(metadata.namespace ?? 'default') : null;
    const store = this.objects.get(resourceKey(r)) as Map<string, Obj>;
    const previous = store.get(objectKey(namespace, name));
    this.rv += 1;
    const stored: Obj = {
      ...object,
      apiVersion: groupVersion(r),
      kind: r.kind,
      metadata: {
        ...metadata,
        ...(namespace === null ? {} : { namespace }),
        uid:
          previous?.metadata.uid ??
          metadata.uid ??
          `00000000-0000-4000-8000-${String(this.uid++).padStart(12, '0')}`,
        creationTimestamp:
          previous?.metadata.creationTimestamp ??
          metadata.creationTimestamp ??
          new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        resourceVersion: String(this.rv),
      },
    };
    store.set(objectKey(namespace, name), stored);
    this.publish(r, previous ? 'MODIFIED' : 'ADDED', stored);
    return stored;
  }

  /** Delete an object; the DELETED event carries `last` (its final state, e.g. from a replayed
   * bundle) when given, else the stored object. */
  delete(kind: string, namespace: string | null, name: string, last?: Record<string, unknown>): void {
    const r = this.resourceOfKind(kind);
    const store = this.objects.get(resourceKey(r)) as Map<string, Obj>;
    const key = objectKey(r.namespaced ? namespace : null, name);
    const previous = store.get(key);
    if (!previous) throw new Error(`fake apiserver: no ${kind} ${key}`);
    store.delete(key);
    this.rv += 1;
    const body = last ? ({ ...previous, ...last } as Obj) : previous;
    this.publish(r, 'DELETED', {
      ...body,
      metadata: { ...body.metadata, uid: previous.metadata.uid, resourceVersion: String(this.rv) },
    });
  }

  /**
   * Write pre-encoded watch events (JSON lines) to every open watch of a kind, bypassing the store
   * and its history: for benchmarks streaming more than a store should hold. Resolves once the
   * connections have taken it (their buffers drained).
   */
  async streamRaw(kind: string, lines: string | Buffer): Promise<number> {
    const key = resourceKey(this.resourceOfKind(kind));
    const drained: Promise<void>[] = [];
    let watches = 0;
    for (const w of this.watches) {
      if (w.resourceKey !== key) continue;
      watches++;
      if (w.res.write(lines)) continue;
      drained.push(
        new Promise((resolve) => {
          const done = () => {
            w.res.off('drain', done);
            w.res.off('close', done);
            resolve();
          };
          w.res.on('drain', done);
          w.res.on('close', done);
        }),
      );
    }
    await Promise.all(drained);
    return watches;
  }

  /** Change the store without telling anyone, as if it happened while no watch was open. */
  deleteQuietly(kind: string, namespace: string | null, name: string): void {
    const r = this.resourceOfKind(kind);
    this.objects.get(resourceKey(r))?.delete(objectKey(r.namespaced ? namespace : null, name));
    this.rv += 1;
  }

  /** Forget history up to now: watches and paged lists from older resourceVersions get 410 Gone,
   * and watches open now receive a 410 ERROR event and end, as the real API server does. */
  compact(): void {
    this.compactedRv = this.rv;
    for (const h of this.history.values()) h.length = 0;
    this.pages.clear();
    for (const w of [...this.watches]) {
      this.writeEvent(w, {
        type: 'ERROR',
        object: status(
          410,
          'Expired',
          `too old resource version: ${this.compactedRv - 1} (${this.compactedRv})`,
        ),
      });
      this.endWatch(w);
    }
  }

  /** Cut every open watch's connection without a word, as a load balancer or a crash does. */
  dropWatches(): void {
    for (const w of [...this.watches]) {
      this.watches.delete(w);
      if (w.timer) clearInterval(w.timer);
      w.res.socket?.destroy();
    }
  }

  /** Send a BOOKMARK to every watch that asked for them. */
  bookmark(): void {
    for (const w of this.watches) this.sendBookmark(w);
  }

  /** One log line of a container; followers see it at once. */
  appendLog(namespace: string, pod: string, container: string, text: string, ts = new Date()): void {
    const key = `${namespace}/${pod}/${container}`;
    const entry = this.logsOf(key);
    const line = { ts: ts.toISOString(), text };
    entry.current.push(line);
    for (const f of this.followers) if (f.key === key) f.res.write(formatLogLine(line, f.timestamps));
  }

  /** The container restarted: its log becomes the previous log and followers' streams end. */
  restartContainer(namespace: string, pod: string, container: string): void {
    const key = `${namespace}/${pod}/${container}`;
    const entry = this.logsOf(key);
    entry.previous = entry.current;
    entry.current = [];
    for (const f of [...this.followers]) {
      if (f.key !== key) continue;
      this.followers.delete(f);
      f.res.end();
    }
  }

  /**
   * Answer no previous-log request until the returned function is called, then answer them with the
   * logs as they are at that time: as a slow kubelet does when the container dies again meanwhile.
   */
  holdPreviousLogs(): () => void {
    const held: (() => void)[] = [];
    this.heldPreviousLogs = held;
    return () => {
      if (this.heldPreviousLogs === held) this.heldPreviousLogs = null;
      for (const answer of held.splice(0)) answer();
    };
  }

  private logsOf(key: string): { current: LogLine[]; previous: LogLine[] } {
    let entry = this.logs.get(key);
    if (!entry) {
      entry = { current: [], previous: [] };
      this.logs.set(key, entry);
    }
    return entry;
  }

  private resourceOfKind(kind: string): FakeResource {
    const r = this.resources.find((x) => x.kind === kind);
    if (!r) throw new Error(`fake apiserver: no resource of kind ${kind}`);
    return r;
  }

  private resourceOfObject(object: Record<string, unknown>): FakeResource {
    return this.resourceOfKind(String(object.kind));
  }

  private publish(r: FakeResource, type: EventType, object: Obj): void {
    const key = resourceKey(r);
    this.history.get(key)?.push({ type, rv: this.rv, object });
    for (const w of this.watches) {
      if (w.resourceKey !== key) continue;
      if (w.namespace !== null && object.metadata.namespace !== w.namespace) continue;
      this.writeEvent(w, { type, object });
    }
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  // Handlers are typed `undefined` so that `return this.json(...)` can end a branch in one line.
  private handle(req: IncomingMessage, res: ServerResponse): undefined {
    const url = new URL(req.url ?? '/', 'http://localhost');
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    this.authorizations.push(req.headers.authorization ?? '');
    this.userAgents.push(req.headers['user-agent'] ?? '');
    const socket = req.socket as Socket & { getPeerCertificate?: () => { subject?: { CN?: string } } };
    this.clientNames.push(socket.getPeerCertificate?.()?.subject?.CN ?? '');
    try {
      if (this.options.token !== undefined && req.headers.authorization !== `Bearer ${this.options.token}`) {
        return this.json(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
      }
      if (req.method !== 'GET') return this.json(res, 405, status(405, 'MethodNotAllowed', 'read-only fake'));
      const path = url.pathname.replace(/\/+$/, '') || '/';
      if (path === '/version') {
        return this.json(res, 200, {
          major: '1',
          minor: '31',
          gitVersion: 'v1.31.0-fake',
          platform: 'linux/amd64',
        });
      }
      if (path === '/api') {
        return this.json(res, 200, {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${this.port}` }],
        });
      }
      if (path === '/apis') return this.json(res, 200, this.groupList());
      const match = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/(.*))?$/.exec(path);
      if (!match) return this.json(res, 404, status(404, 'NotFound', `the server could not find ${path}`));
      const group = match[2] ?? '';
      const version = match[1] ?? (match[3] as string);
      const rest = match[4] ? match[4].split('/') : [];
      if (rest.length === 0) return this.resourceList(res, group, version);
      return this.resourceRequest(req, res, url, group, version, rest);
    } catch (error) {
      this.json(res, 500, status(500, 'InternalError', String(error)));
    }
  }

  private groupList(): Record<string, unknown> {
    const groups = new Map<string, Set<string>>();
    for (const gv of this.options.unavailable ?? []) {
      const [group, version] = gv.split('/') as [string, string];
      groups.set(group, new Set([version]));
    }
    for (const r of this.resources) {
      if (r.group === '') continue;
      let versions = groups.get(r.group);
      if (!versions) {
        versions = new Set();
        groups.set(r.group, versions);
      }
      versions.add(r.version);
    }
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups].map(([name, versions]) => {
        const list = [...versions].map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
        return { name, versions: list, preferredVersion: list[0] };
      }),
    };
  }

  private resourceList(res: ServerResponse, group: string, version: string): undefined {
    if (this.options.unavailable?.includes(`${group}/${version}`)) {
      return this.json(
        res,
        503,
        status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'),
      );
    }
    const resources = this.resources.filter((r) => r.group === group && r.version === version);
    if (resources.length === 0) return this.json(res, 404, status(404, 'NotFound', 'no such group version'));
    const list: Record<string, unknown>[] = [];
    for (const r of resources) {
      list.push({
        name: r.resource,
        singularName: r.kind.toLowerCase(),
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: r.verbs ?? DEFAULT_VERBS,
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      });
      if (r.kind === 'Pod') {
        list.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
      }
    }
    this.json(res, 200, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group === '' ? version : `${group}/${version}`,
      resources: list,
    });
  }

  private resourceRequest(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    group: string,
    version: string,
    rest: string[],
  ): undefined {
    let namespace: string | null = null;
    let parts = rest;
    if (parts[0] === 'namespaces' && parts.length >= 3) {
      namespace = parts[1] as string;
      parts = parts.slice(2);
    }
    const [resource, name, sub] = parts;
    const r = this.resources.find(
      (x) => x.group === group && x.version === version && x.resource === resource,
    );
    if (!r || (namespace !== null && !r.namespaced)) {
      return this.json(res, 404, status(404, 'NotFound', `the server could not find the requested resource`));
    }
    const verbs = r.verbs ?? DEFAULT_VERBS;
    const store = this.objects.get(resourceKey(r)) as Map<string, Obj>;
    if (name !== undefined) {
      const obj = store.get(objectKey(r.namespaced ? namespace : null, name));
      if (!obj) return this.json(res, 404, status(404, 'NotFound', `${r.resource} "${name}" not found`));
      if (sub === 'log' && r.kind === 'Pod') return this.podLog(req, res, url, obj);
      if (sub !== undefined) return this.json(res, 404, status(404, 'NotFound', `no subresource ${sub}`));
      return this.json(res, 200, obj);
    }
    const watch = url.searchParams.get('watch');
    if (watch === '1' || watch === 'true') {
      if (!verbs.includes('watch'))
        return this.json(res, 405, status(405, 'MethodNotAllowed', 'watch not allowed'));
      return this.watch(res, url, r, namespace);
    }
    if (!verbs.includes('list'))
      return this.json(res, 405, status(405, 'MethodNotAllowed', 'list not allowed'));
    return this.list(res, url, r, namespace);
  }

  private list(res: ServerResponse, url: URL, r: FakeResource, namespace: string | null): undefined {
    const limit = Number(url.searchParams.get('limit') ?? 0);
    const token = url.searchParams.get('continue');
    let rv: number;
    let items: Obj[];
    if (token) {
      const page = this.pages.get(token);
      if (!page) {
        return this.json(res, 410, status(410, 'Expired', 'The provided continue parameter is too old'));
      }
      this.pages.delete(token);
      rv = page.rv;
      items = page.items;
    } else {
      const asked = url.searchParams.get('resourceVersion');
      if (
        asked &&
        asked !== '0' &&
        url.searchParams.get('resourceVersionMatch') === 'Exact' &&
        Number(asked) < this.compactedRv
      ) {
        return this.json(
          res,
          410,
          status(410, 'Expired', `too old resource version: ${asked} (${this.compactedRv})`),
        );
      }
      rv = this.rv;
      items = [...(this.objects.get(resourceKey(r)) as Map<string, Obj>).values()]
        .filter((o) => namespace === null || o.metadata.namespace === namespace)
        .sort((a, b) =>
          objectKey(a.metadata.namespace as string, a.metadata.name as string).localeCompare(
            objectKey(b.metadata.namespace as string, b.metadata.name as string),
          ),
        );
    }
    const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
    let pageItems = items;
    if (limit > 0 && items.length > limit) {
      pageItems = items.slice(0, limit);
      const next = `page-${this.nextToken++}`;
      this.pages.set(next, { rv, items: items.slice(limit) });
      metadata.continue = next;
      metadata.remainingItemCount = items.length - limit;
    }
    // Items of a typed list carry no kind or apiVersion: clients take them from the list.
    const listItems = pageItems.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest);
    this.json(res, 200, { kind: `${r.kind}List`, apiVersion: groupVersion(r), metadata, items: listItems });
  }

  private watch(res: ServerResponse, url: URL, r: FakeResource, namespace: string | null): undefined {
    const asked = url.searchParams.get('resourceVersion');
    const w: Watch = {
      resourceKey: resourceKey(r),
      namespace,
      bookmarks: url.searchParams.get('allowWatchBookmarks') === 'true',
      res,
      timer: null,
    };
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    if (asked && asked !== '0' && Number(asked) < this.compactedRv) {
      this.writeEvent(w, {
        type: 'ERROR',
        object: status(410, 'Expired', `too old resource version: ${asked} (${this.compactedRv})`),
      });
      res.end();
      return;
    }
    const inNamespace = (o: Obj) => namespace === null || o.metadata.namespace === namespace;
    if (!asked || asked === '0') {
      // No resourceVersion: the current state as ADDED events, then changes.
      for (const o of (this.objects.get(w.resourceKey) as Map<string, Obj>).values()) {
        if (inNamespace(o)) this.writeEvent(w, { type: 'ADDED', object: o });
      }
    } else {
      for (const h of this.history.get(w.resourceKey) ?? []) {
        if (h.rv > Number(asked) && inNamespace(h.object))
          this.writeEvent(w, { type: h.type, object: h.object });
      }
    }
    this.watches.add(w);
    if (w.bookmarks)
      w.timer = setInterval(() => this.sendBookmark(w), this.options.bookmarkIntervalMs ?? 1000);
    const timeout = Number(url.searchParams.get('timeoutSeconds') ?? 0);
    const timeoutTimer = timeout > 0 ? setTimeout(() => this.endWatch(w), timeout * 1000) : null;
    res.on('close', () => {
      if (timeoutTimer) clearTimeout(timeoutTimer);
      if (w.timer) clearInterval(w.timer);
      this.watches.delete(w);
    });
  }

  private sendBookmark(w: Watch): void {
    if (!w.bookmarks) return;
    const r = this.resources.find((x) => resourceKey(x) === w.resourceKey) as FakeResource;
    this.writeEvent(w, {
      type: 'BOOKMARK',
      object: { kind: r.kind, apiVersion: groupVersion(r), metadata: { resourceVersion: String(this.rv) } },
    });
  }

  private writeEvent(w: Watch, event: { type: string; object: unknown }): void {
    w.res.write(`${JSON.stringify(event)}\n`);
  }

  private endWatch(w: Watch): void {
    this.watches.delete(w);
    if (w.timer) clearInterval(w.timer);
    w.res.end();
  }

  private podLog(req: IncomingMessage, res: ServerResponse, url: URL, pod: Obj): undefined {
    const spec = (pod.spec ?? {}) as { containers?: { name: string }[] };
    const containers = (spec.containers ?? []).map((c) => c.name);
    let container = url.searchParams.get('container');
    if (!container) {
      if (containers.length !== 1) {
        return this.json(
          res,
          400,
          status(
            400,
            'BadRequest',
            `a container name must be specified for pod ${String(pod.metadata.name)}, choose one of: [${containers.join(' ')}]`,
          ),
        );
      }
      container = containers[0] as string;
    }
    if (!containers.includes(container)) {
      return this.json(
        res,
        400,
        status(400, 'BadRequest', `container ${container} is not valid for pod ${String(pod.metadata.name)}`),
      );
    }
    const key = `${String(pod.metadata.namespace)}/${String(pod.metadata.name)}/${container}`;
    const previous = url.searchParams.get('previous') === 'true';
    if (previous && this.heldPreviousLogs !== null) {
      this.heldPreviousLogs.push(() => this.sendLog(req, res, url, pod, container, key));
      return;
    }
    return this.sendLog(req, res, url, pod, container, key);
  }

  private sendLog(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    pod: Obj,
    container: string,
    key: string,
  ): undefined {
    const entry = this.logsOf(key);
    const timestamps = url.searchParams.get('timestamps') === 'true';
    const previous = url.searchParams.get('previous') === 'true';
    if (previous && entry.previous.length === 0) {
      return this.json(
        res,
        400,
        status(
          400,
          'BadRequest',
          `previous terminated container "${container}" in pod "${String(pod.metadata.name)}" not found`,
        ),
      );
    }
    // sinceTime is read to the second, as the kubelet does; tailLines counts from the end.
    const since = url.searchParams.get('sinceTime');
    const sinceMs = since ? Math.floor(Date.parse(since) / 1000) * 1000 : Number.NEGATIVE_INFINITY;
    let lines = (previous ? entry.previous : entry.current).filter((l) => Date.parse(l.ts) >= sinceMs);
    const tail = url.searchParams.get('tailLines');
    if (tail !== null) lines = lines.slice(Math.max(lines.length - Number(tail), 0));
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    for (const line of lines) res.write(formatLogLine(line, timestamps));
    if (previous || url.searchParams.get('follow') !== 'true') {
      res.end();
      return;
    }
    res.flushHeaders();
    const follower: LogFollower = { key, timestamps, res };
    this.followers.add(follower);
    req.on('close', () => this.followers.delete(follower));
  }

  private json(res: ServerResponse, code: number, body: unknown): undefined {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }
}

function formatLogLine(line: LogLine, timestamps: boolean): string {
  return timestamps ? `${line.ts} ${line.text}\n` : `${line.text}\n`;
}

/** A pod with the fields a kubelet would have filled, for tests. */
export function aPod(
  namespace: string,
  name: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: name.split('-')[0] } },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'registry.example.com/app:v1' }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          ready: true,
          restartCount: 0,
          image: 'registry.example.com/app:v1',
          state: { running: { startedAt: '2026-03-01T10:00:00Z' } },
        },
      ],
    },
    ...overrides,
  };
}
