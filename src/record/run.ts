// `kstory record`: discover the cluster's resources, list and watch them into one bundle until
// stopped (signal, --duration) or, with --once, list everything and finish. Every row goes through
// the bundle writer's spool, so a killed recording leaves a spool `kstory bundle repair` finishes.

import { setMaxListeners } from 'node:events';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Gap } from '../bundle/metadata.ts';
import type { BundleRow } from '../bundle/row.ts';
import { type RawJson, readSpoolState } from '../bundle/spool.ts';
import { BundleWriter, type FinishResult } from '../bundle/writer.ts';
import { KstoryError, messageOf } from '../errors.ts';
import { REDACTION_RULES } from '../kube/redact.ts';
import { tsKey } from '../kube/time.ts';
import { eventRow, type KubeObject, markerRow, objectRow, type WatchEvent } from '../kube/to-row.ts';
import { AuditSources, type AuditStatus, type AuditSummary } from './audit.ts';
import type { AuditWebhookOptions } from './audit-webhook.ts';
import { ApiError, KubeClient } from './client.ts';
import { monotonicClock } from './clock.ts';
import { type ApiResource, type DiscoveryResult, discoverResources, qualifiedName } from './discovery.ts';
import {
  acceptsContainer,
  acceptsEvent,
  acceptsLogLine,
  acceptsPod,
  filtersMetadata,
  type RecordFilters,
} from './filters.ts';
import { LogCollector, type LogPolicy } from './logs.ts';
import { namespaceScope } from './namespaces.ts';
import {
  checkPrometheusOptions,
  PrometheusCollector,
  type PrometheusReport,
  type PrometheusSourceOptions,
} from './prometheus.ts';
import { type RelistReport, ResourceWatcher, type WatchSink } from './watcher.ts';

export interface RecordOptions {
  output: string;
  kubeconfig?: string;
  context?: string;
  /** Namespace names or globs; empty for all. */
  namespaces: string[];
  include: string[];
  exclude: string[];
  /** List everything once, write the bundle and exit. */
  once: boolean;
  /** Stop after this long (continuous mode). */
  durationMs?: number;
  /** Replace an existing output file. */
  force?: boolean;
  /** Continue an interrupted recording into its spool; the time it was down becomes a gap. */
  resume?: boolean;
  /** Stops the recording (SIGINT, SIGTERM); the bundle is finished either way. */
  signal?: AbortSignal;
  /** Container logs: none, only lines that look like errors, or all. Default none. */
  logs?: LogPolicy;
  /** Start of the window (--since). With `once`, Events that last occurred before it are dropped and
   * logs, previous ones too, are read from it; continuously, how far back logs start. */
  since?: Date;
  /** Pods, containers, event sources and log lines to keep (multi-tenant clusters). */
  filters?: RecordFilters;
  /** Range queries to a Prometheus server over the recording's window (`--prometheus`). */
  prometheus?: PrometheusSourceOptions;
  /** Follow this API-server audit log file (--audit-log), across rotation. */
  auditLog?: string;
  /** Receive the API server's audit webhook (--audit-webhook); continuous recordings only. */
  auditWebhook?: AuditWebhookOptions;
  /** How often the audit log is checked besides file-system events. */
  auditPollMs?: number;
  /** Concurrent log streams. */
  maxLogStreams?: number;
  /** How long a log stream keeps its turn while other containers wait for one. */
  logTurnMs?: number;
  /** Look for new resources (CRDs) this often; 0 disables. */
  rediscoverMs?: number;
  /** Watch tuning, for tests of failure handling. */
  watch?: {
    backoffInitialMs?: number;
    backoffMaxMs?: number;
    watchTimeoutSeconds?: number;
    idleTimeoutMs?: number;
    pageSize?: number;
  };
  /** Warnings and errors as they happen, one line each. */
  log?: (line: string) => void;
  /** Called every `statusIntervalMs` with the live figures. */
  onStatus?: (status: RecordStatus) => void;
  statusIntervalMs?: number;
}

export interface RecordStatus {
  elapsedMs: number;
  rows: number;
  rowsBySource: Record<string, number>;
  watches: number;
  watchesRetrying: number;
  logStreams: number;
  relists: number;
  gaps: number;
  spoolBytes: number;
  audit?: AuditStatus;
}

export interface RecordResult {
  bundle: FinishResult;
  resources: string[];
  discoveryFailures: DiscoveryResult['failures'];
  relists: number;
  gaps: Gap[];
  /** Failed requests per watch scope; each was retried. */
  watchErrors: Record<string, { count: number; last: string }>;
  /** What was asked of Prometheus, when --prometheus was given. */
  prometheus?: PrometheusReport | null;
  /** What the audit sources received, when --audit-log or --audit-webhook was given. */
  audit?: AuditSummary | null;
}

/** Concurrent lists at start: enough to be quick, few enough not to trip API priority and fairness. */
const LIST_CONCURRENCY = 8;

export async function runRecord(options: RecordOptions): Promise<RecordResult> {
  const log = options.log ?? (() => {});
  const output = path.resolve(options.output);
  if (options.resume && !existsSync(`${output}.spool`)) {
    throw new KstoryError(`there is no recording to resume at ${options.output}.spool`, {
      hint: 'Start a new recording without --resume.',
    });
  }
  if (existsSync(output) && !options.force) {
    throw new KstoryError(`${options.output} already exists`, {
      hint: 'Choose another output path, or pass --force to replace it.',
    });
  }
  // A wrong URL, credential file or --promql file stops the command before anything is recorded.
  if (options.prometheus) checkPrometheusOptions(options.prometheus);
  const client = await KubeClient.connect({ kubeconfig: options.kubeconfig, context: options.context });
  try {
    return await recordWith(client, options, output, log);
  } finally {
    client.close();
  }
}

async function recordWith(
  client: KubeClient,
  options: RecordOptions,
  output: string,
  log: (line: string) => void,
): Promise<RecordResult> {
  const stop = new AbortController();
  // Every watcher and every request in flight listens to this one signal: hundreds on a big cluster.
  setMaxListeners(0, stop.signal);
  const onExternalStop = () => stop.abort();
  if (options.signal?.aborted) stop.abort();
  options.signal?.addEventListener('abort', onExternalStop, { once: true });
  // A port in use or a missing audit log directory stops the command before anything is written.
  const audit = await openAuditSources(options, log);
  try {
    return await recordUntilStopped(client, options, output, log, stop, audit);
  } finally {
    options.signal?.removeEventListener('abort', onExternalStop);
    await audit?.close();
  }
}

async function recordUntilStopped(
  client: KubeClient,
  options: RecordOptions,
  output: string,
  log: (line: string) => void,
  stop: AbortController,
  audit: AuditSources | null,
): Promise<RecordResult> {
  const serverVersion = await readServerVersion(client);
  const filter = { include: options.include, exclude: options.exclude };
  const discovery = await discover(client, filter, stop.signal);
  for (const f of discovery.failures) log(`warning: cannot discover ${f.groupVersion}: ${f.error}`);
  if (discovery.resources.length === 0) {
    throw new KstoryError('no resource to record', {
      hint: 'No listable and watchable resource matches --include/--exclude; `kubectl api-resources --verbs=list,watch` shows what there is.',
    });
  }
  const scope = namespaceScope(options.namespaces);
  const started = new Date();
  const resumed = options.resume ? interruption(`${output}.spool`) : null;
  const windowStart =
    resumed?.windowStart ?? (options.once && options.since ? options.since : started).toISOString();
  const writer = await BundleWriter.create({
    output,
    resume: options.resume,
    metadata: {
      producer: 'record',
      cluster: { name: client.clusterName, server_version: serverVersion },
      filters: {
        namespaces: scope.patterns,
        include: options.include,
        exclude: options.exclude,
        logs: options.logs ?? 'none',
        ...windowFilters(options),
      },
      redaction: [...REDACTION_RULES],
      snapshot: options.once,
      sources: [
        ...((options.logs ?? 'none') === 'none'
          ? ['object', 'event', 'marker']
          : ['object', 'event', 'log', 'marker']),
        ...(audit ? ['audit'] : []),
      ],
      window: { start: windowStart, end: null },
      extra: { context: client.contextName, mode: options.once ? 'once' : 'continuous' },
    },
  });
  let finished = false;
  try {
    const recorder = new Recorder(writer, client, options, scope, stop.signal, log);
    recorder.audit = audit;
    // The log file's backlog from --since, or from where an interrupted recording stopped; a
    // snapshot without --since takes all of it.
    audit?.attach(
      (row) => recorder.append(row),
      options.since?.toISOString() ?? (options.once ? null : (resumed?.lastWrite ?? started.toISOString())),
      (gap) => recorder.addGap(gap),
    );
    writer.append(
      markerRow({
        ts: started.toISOString(),
        marker: 'recording-start',
        origin: 'record',
        detail: resumed ? 'resumed' : null,
      }),
    );
    if (resumed) {
      // What happened while nothing was recording is unknown; the relist below shows where it led.
      writer.addGap({
        start: resumed.lastWrite,
        end: started.toISOString(),
        reason: 'recording interrupted, then resumed: everything was relisted',
        scope: '*',
      });
    }
    recorder.addResources(discovery.resources);
    if (options.once) {
      await Promise.all([recorder.listAllOnce(), recorder.prometheus?.collectOnce(), audit?.readOnce()]);
      if (stop.signal.aborted) {
        writer.addGap({
          start: started.toISOString(),
          end: new Date().toISOString(),
          reason: 'stopped before every resource was listed: the snapshot is incomplete',
          scope: '*',
        });
      }
    } else {
      recorder.prometheus?.start();
      const auditDone = audit?.run(stop.signal);
      await recorder.runUntil(stop, options.durationMs);
      await recorder.prometheus?.finish();
      await auditDone;
    }
    await recorder.logs?.drain();
    const end = new Date().toISOString();
    for (const gap of recorder.openGaps(end)) writer.addGap(gap);
    writer.append(markerRow({ ts: end, marker: 'recording-stop', origin: 'record' }));
    writer.updateMetadata({
      window: { start: windowStart, end },
      filters: {
        namespaces: scope.patterns,
        include: options.include,
        exclude: options.exclude,
        logs: options.logs ?? 'none',
        resources: recorder.resourceNames(),
        ...windowFilters(options),
      },
      extra: {
        context: client.contextName,
        mode: options.once ? 'once' : 'continuous',
        watch_errors: recorder.watchErrors,
        discovery_failures: discovery.failures,
        ...(recorder.prometheus ? { prometheus: recorder.prometheus.report() } : {}),
        ...(audit ? { audit: audit.summary() } : {}),
      },
    });
    const bundle = await writer.finish();
    finished = true;
    return {
      bundle,
      resources: recorder.resourceNames(),
      discoveryFailures: discovery.failures,
      relists: recorder.relists,
      gaps: bundle.metadata.gaps,
      watchErrors: recorder.watchErrors,
      prometheus: recorder.prometheus?.report() ?? null,
      audit: audit?.summary() ?? null,
    };
  } finally {
    // On an internal error the spool stays for `kstory bundle repair` rather than being lost.
    if (!finished) await writer.close().catch(() => {});
  }
}

/** --since and the regular-expression filters, as the bundle metadata `filters` records them. */
function windowFilters(options: RecordOptions): Record<string, string> {
  return {
    ...(options.since ? { since: options.since.toISOString() } : {}),
    ...filtersMetadata(options.filters),
  };
}

/** The audit log follower and webhook receiver, when asked for: started before discovery. */
async function openAuditSources(
  options: RecordOptions,
  log: (line: string) => void,
): Promise<AuditSources | null> {
  if (!options.auditLog && !options.auditWebhook) return null;
  if (options.once && options.auditWebhook) {
    throw new KstoryError('--audit-webhook needs a continuous recording, not --once', {
      hint: 'The webhook receives what the API server does from now on; --audit-log reads a log file with --once.',
    });
  }
  return AuditSources.open({
    logFile: options.auditLog,
    webhook: options.auditWebhook,
    once: options.once,
    pollMs: options.auditPollMs,
    log,
  });
}

/** Discovery before anything is written: its failures are the user's to fix (credentials, RBAC). */
async function discover(
  client: KubeClient,
  filter: { include: string[]; exclude: string[] },
  signal: AbortSignal,
): Promise<DiscoveryResult> {
  try {
    return await discoverResources(client, filter, signal);
  } catch (error) {
    if (signal.aborted) throw new KstoryError('stopped before the recording started: nothing was written');
    const status = error instanceof ApiError ? error.status : 0;
    const hint =
      status === 401
        ? 'The API server rejected the credentials: log in again or refresh the kubeconfig, then check with `kubectl auth whoami`.'
        : status === 403
          ? 'Your user may not read API discovery: `kubectl auth can-i get /apis` says.'
          : `Check the cluster is reachable: \`kubectl --context ${client.contextName ?? '…'} api-resources\`.`;
    throw new KstoryError(`cannot discover the cluster's resources: ${messageOf(error)}`, { hint });
  }
}

/** When the interrupted recording last wrote to its spool (it flushes every second), and when it began. */
function interruption(spoolDir: string): { lastWrite: string; windowStart: string | null } {
  let last = 0;
  for (const entry of readdirSync(spoolDir)) {
    if (/^seg-\d+\.(ndjson|parquet)$/.test(entry))
      last = Math.max(last, statSync(path.join(spoolDir, entry)).mtimeMs);
  }
  const state = readSpoolState(spoolDir);
  return {
    lastWrite: new Date(last || Date.now()).toISOString(),
    windowStart: state.metadata.window.start,
  };
}

async function readServerVersion(client: KubeClient): Promise<string | null> {
  try {
    const version = await client.getJson<{ gitVersion?: string }>('/version');
    return version.gitVersion ?? null;
  } catch (error) {
    if (error instanceof ApiError) return null; // Some clusters forbid /version; recording still works.
    throw new KstoryError(`cannot reach the API server at ${client.server.origin}: ${messageOf(error)}`, {
      hint: 'Check the cluster is up and the kubeconfig context is right: `kubectl version`.',
    });
  }
}

class Recorder implements WatchSink {
  readonly watchErrors: Record<string, { count: number; last: string }> = {};
  relists = 0;
  readonly logs: LogCollector | null;
  readonly prometheus: PrometheusCollector | null;
  /** The audit log and webhook, whose figures join the live status. */
  audit: AuditSources | null = null;
  private readonly watchers = new Map<
    string,
    { watcher: ResourceWatcher; stop: AbortController; done?: Promise<void> }
  >();
  private readonly resources = new Map<string, ApiResource>();
  private conversionErrors = 0;
  private gapCount = 0;
  private readonly rowsBySource: Record<string, number> = {};
  private readonly clock = monotonicClock();
  /** With --once --since: Events that last occurred before this are outside the window. */
  private readonly eventsSinceKey: string | null;

  constructor(
    private readonly writer: BundleWriter,
    private readonly client: KubeClient,
    private readonly options: RecordOptions,
    private readonly scope: ReturnType<typeof namespaceScope>,
    private readonly signal: AbortSignal,
    private readonly log: (line: string) => void,
  ) {
    const policy = options.logs ?? 'none';
    const filters = options.filters;
    this.eventsSinceKey = options.once && options.since ? tsKey(options.since.toISOString()) : null;
    this.logs =
      policy === 'none'
        ? null
        : new LogCollector({
            client,
            policy,
            follow: !options.once,
            maxStreams: options.maxLogStreams ?? 32,
            turnMs: options.logTurnMs,
            // A snapshot wants whole logs (or the window's); a recording wants what happens while it
            // runs, and the backlog --since asks for.
            since: (options.since ?? (options.once ? null : new Date()))?.toISOString() ?? null,
            acceptsContainer: filters ? (name) => acceptsContainer(filters, name) : undefined,
            acceptsLine: filters ? (line) => acceptsLogLine(filters, line) : undefined,
            signal,
            emit: (row) => this.append(row),
            log,
          });
    this.prometheus = options.prometheus
      ? new PrometheusCollector({
          options: options.prometheus,
          once: options.once,
          since: options.since,
          durationMs: options.durationMs,
          emit: (row) => this.append(row),
          addGap: (gap) => this.addGap(gap),
          log,
          signal,
        })
      : null;
  }

  resourceNames(): string[] {
    return [...this.resources.keys()].sort();
  }

  /** Create watchers for resources not watched yet. */
  addResources(resources: ApiResource[]): ResourceWatcher[] {
    const created: ResourceWatcher[] = [];
    for (const resource of resources) {
      const name = qualifiedName(resource);
      if (this.resources.has(name)) continue;
      this.resources.set(name, resource);
      const namespaces = resource.namespaced && this.scope.watchEach ? this.scope.watchEach : [null];
      for (const namespace of namespaces) {
        const stop = new AbortController();
        const onStop = () => stop.abort();
        this.signal.addEventListener('abort', onStop, { once: true });
        stop.signal.addEventListener('abort', () => this.signal.removeEventListener('abort', onStop), {
          once: true,
        });
        const watcher = new ResourceWatcher({
          ...this.options.watch,
          client: this.client,
          resource,
          namespace,
          accepts: this.scope.accepts,
          sink: this,
          signal: stop.signal,
        });
        this.watchers.set(watcher.scope, { watcher, stop });
        created.push(watcher);
      }
    }
    return created;
  }

  async listAllOnce(): Promise<void> {
    await forEachLimited([...this.watchers.values()], LIST_CONCURRENCY, async ({ watcher }) => {
      const start = new Date().toISOString();
      try {
        await watcher.listOnce();
      } catch (error) {
        if (this.signal.aborted) return;
        const message = messageOf(error);
        this.failed(watcher, message);
        this.addGap({
          start,
          end: new Date().toISOString(),
          reason: `list failed: ${message}`,
          scope: watcher.scope,
        });
      }
    });
  }

  async runUntil(stop: AbortController, durationMs: number | undefined): Promise<void> {
    const timers: NodeJS.Timeout[] = [];
    if (durationMs !== undefined) timers.push(setTimeout(() => stop.abort(), durationMs));
    const rediscoverMs = this.options.rediscoverMs ?? 60_000;
    if (rediscoverMs > 0) timers.push(setInterval(() => void this.rediscover(), rediscoverMs));
    const statusMs = this.options.statusIntervalMs ?? 1000;
    const startedAt = Date.now();
    if (this.options.onStatus) {
      const onStatus = this.options.onStatus;
      timers.push(setInterval(() => onStatus(this.status(startedAt)), statusMs));
    }
    try {
      for (const entry of this.watchers.values()) this.start(entry);
      await new Promise<void>((resolve) => {
        if (stop.signal.aborted) resolve();
        stop.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await Promise.all([...this.watchers.values()].map((e) => e.done));
    } finally {
      for (const timer of timers) clearTimeout(timer);
    }
  }

  private start(entry: { watcher: ResourceWatcher; done?: Promise<void> }): void {
    entry.done = entry.watcher.run().catch((error: unknown) => {
      // run() recovers from everything it knows; anything else is a bug, but must not be silent.
      this.log(`error: ${entry.watcher.scope} stopped: ${messageOf(error)}`);
      this.addGap({
        start: new Date().toISOString(),
        end: null,
        reason: `watch stopped: ${messageOf(error)}`,
        scope: entry.watcher.scope,
      });
    });
  }

  /** New CRDs get watchers; resources that went away (a deleted CRD) have theirs stopped. */
  private async rediscover(): Promise<void> {
    let found: DiscoveryResult;
    try {
      found = await discoverResources(
        this.client,
        { include: this.options.include, exclude: this.options.exclude },
        this.signal,
      );
    } catch (error) {
      if (!this.signal.aborted) this.log(`warning: rediscovery failed: ${messageOf(error)}`);
      return;
    }
    if (this.signal.aborted) return;
    const names = new Set(found.resources.map(qualifiedName));
    // A group version that failed to answer says nothing about its resources: keep their watchers.
    const failedGroups = new Set(found.failures.map((f) => f.groupVersion));
    for (const [name, resource] of this.resources) {
      const gv = resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
      if (names.has(name) || failedGroups.has(gv)) continue;
      this.log(`${name}: no longer served, stopped watching`);
      this.resources.delete(name);
      for (const [key, entry] of this.watchers) {
        if (entry.watcher.resource === resource) {
          entry.stop.abort();
          this.watchers.delete(key);
        }
      }
    }
    for (const watcher of this.addResources(found.resources)) {
      this.log(`${qualifiedName(watcher.resource)}: new resource, watching`);
      const entry = this.watchers.get(watcher.scope);
      if (entry) this.start(entry);
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

  status(startedAt: number): RecordStatus {
    let retrying = 0;
    let open = 0;
    for (const { watcher } of this.watchers.values()) {
      if (watcher.state === 'watching') open++;
      else if (watcher.state === 'retrying') retrying++;
    }
    return {
      elapsedMs: Date.now() - startedAt,
      rows: this.writer.rowsAppended,
      rowsBySource: { ...this.rowsBySource },
      watches: open,
      watchesRetrying: retrying,
      logStreams: this.logs?.streams ?? 0,
      relists: this.relists,
      gaps: this.gapCount,
      spoolBytes: directoryBytes(this.writer.spoolDir),
      ...(this.audit ? { audit: this.audit.status() } : {}),
    };
  }

  // ---- WatchSink -------------------------------------------------------------------------------

  object(
    resource: ApiResource,
    object: KubeObject,
    watchEvent: WatchEvent,
    origin: string,
    raw?: RawJson,
  ): void {
    const isPod = resource.kind === 'Pod' && resource.group === '';
    // Left out at the source: neither written nor its logs followed.
    if (isPod && !acceptsPod(this.options.filters, object.metadata?.name)) return;
    const ts = this.clock();
    let row: BundleRow;
    try {
      if (resource.kind === 'Event' && (resource.group === '' || resource.group === 'events.k8s.io')) {
        // An event deleted by its TTL is housekeeping, not something that happened.
        if (watchEvent === 'DELETED') return;
        if (!acceptsEvent(this.options.filters, object)) return;
        // Events keep their own time (when it happened), not when the recorder saw them.
        row = eventRowOrNow(object, origin, ts, raw);
        if (this.eventsSinceKey !== null && tsKey(row.event_last ?? row.ts) < this.eventsSinceKey) return;
      } else {
        row = objectRow(object, { ts, origin, watchEvent, raw });
      }
    } catch (error) {
      // One odd object must not stop a recording; say so the first few times.
      if (++this.conversionErrors <= 10)
        this.log(`warning: ${origin}: skipped an object: ${messageOf(error)}`);
      return;
    }
    this.append(row);
    if (this.logs && isPod && watchEvent !== 'DELETED') {
      this.logs.observePod(object);
    }
  }

  append(row: BundleRow): void {
    this.writer.append(row);
    this.rowsBySource[row.source] = (this.rowsBySource[row.source] ?? 0) + 1;
  }

  addGap(gap: Gap): void {
    this.gapCount++;
    this.writer.addGap(gap);
  }

  relisted(watcher: ResourceWatcher, report: RelistReport): void {
    this.relists++;
    this.log(
      `${watcher.scope}: ${report.reason} (${report.added} added, ${report.modified} modified, ${report.deleted} deleted)`,
    );
    this.writer.append(
      markerRow({
        ts: report.end,
        marker: 'relist',
        origin: watcher.scope,
        detail: `${report.added} added, ${report.modified} modified, ${report.deleted} deleted`,
      }),
    );
    this.addGap({ start: report.start, end: report.end, reason: report.reason, scope: watcher.scope });
  }

  failed(watcher: ResourceWatcher, message: string): void {
    const entry = this.watchErrors[watcher.scope];
    // Logged when it changes, counted always: a watch retrying for an hour prints one line, not 120.
    if (entry?.last !== message) this.log(`warning: ${watcher.scope}: ${message} (retrying)`);
    this.watchErrors[watcher.scope] = { count: (entry?.count ?? 0) + 1, last: message };
  }
}

/** An Event that carries no time of its own at all is dated when it was seen. */
function eventRowOrNow(object: KubeObject, origin: string, now: string, raw?: RawJson): BundleRow {
  try {
    return eventRow(object, { origin, raw });
  } catch (error) {
    if (error instanceof KstoryError) return eventRow(object, { origin, ts: now, raw });
    throw error;
  }
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  });
  await Promise.all(workers);
}

function directoryBytes(dir: string): number {
  let total = 0;
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isFile()) total += statSync(path.join(dir, entry.name)).size;
    }
  } catch {
    // The spool may be compacting a segment at this very moment; the figure is only a status.
  }
  return total;
}
