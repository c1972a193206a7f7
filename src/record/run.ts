// `kstory record`: discover the cluster's resources, list and watch them into one bundle until
// stopped (signal, --duration) or, with --once, list everything and finish. Every row goes through
// the bundle writer's spool, so a killed recording leaves a spool `kstory bundle repair` finishes.

import { setMaxListeners } from 'node:events';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FinishResult } from '../bundle/final-bundle.ts';
import type { Gap } from '../bundle/metadata.ts';
import { checkOutputPath } from '../bundle/output-path.ts';
import type { BundleRow } from '../bundle/row.ts';
import { BundleWriter } from '../bundle/writer.ts';
import { KstoryError } from '../errors.ts';
import { markerRow } from '../kube/sample-rows.ts';
import type { LogPolicy, RecordFilters } from '../vocab/log-filter.ts';
import type { AuditSources, AuditStatus, AuditSummary } from './audit.ts';
import type { AuditWebhookOptions } from './audit-webhook.ts';
import { KubeClient } from './client.ts';
import type { DiscoveryResult } from './discovery.ts';
import { acceptsContainer, acceptsLogLine } from './filters.ts';
import { LogCollector } from './logs.ts';
import { finalMetadata, initialMetadata } from './metadata.ts';
import { namespaceScope } from './namespaces.ts';
import { discover, openAuditSources, readInterruption, readServerVersion } from './preflight.ts';
import {
  checkPrometheusOptions,
  PrometheusCollector,
  type PrometheusReport,
  type PrometheusSourceOptions,
} from './prometheus.ts';
import { Recorder } from './recorder.ts';
import { WatchSet } from './watch-set.ts';

export interface RecordOptions {
  output: string;
  /** Write a share-safe bundle (pseudonyms for names, users, addresses), its mapping here if given. */
  anonymize?: { mappingFile?: string };
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
  /** Told every row written, after it is (`--until` stops the recording from here). */
  onRow?: (row: BundleRow) => void;
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
  /** Containers whose logs are followed, when logs are recorded: those of pods not deleted. */
  logContainers?: number;
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

export async function runRecord(options: RecordOptions): Promise<RecordResult> {
  const log = options.log ?? (() => {});
  const output = path.resolve(options.output);
  if (options.resume && !existsSync(`${output}.spool`)) {
    throw new KstoryError(`there is no recording to resume at ${options.output}.spool`, {
      hint: 'Start a new recording without --resume.',
    });
  }
  checkOutputPath(options.output, { force: options.force });
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
  const identity = { clusterName: client.clusterName, contextName: client.contextName, serverVersion };
  const started = new Date();
  const resumed = options.resume ? readInterruption(`${output}.spool`) : null;
  const windowStart =
    resumed?.windowStart ?? (options.once && options.since ? options.since : started).toISOString();
  const writer = await BundleWriter.create({
    output,
    resume: options.resume,
    anonymize: options.anonymize,
    metadata: initialMetadata(options, scope, identity, windowStart, audit !== null),
  });
  let finished = false;
  try {
    const recorder = new Recorder(writer, {
      filters: options.filters,
      eventsSince: options.once && options.since ? options.since : null,
      log,
      onRow: options.onRow,
    });
    recorder.logs = logCollector(client, options, recorder, stop.signal, log);
    const prometheus = options.prometheus
      ? new PrometheusCollector({
          options: options.prometheus,
          once: options.once,
          since: options.since,
          durationMs: options.durationMs,
          emit: (row) => recorder.append(row),
          addGap: (gap) => recorder.addGap(gap),
          log,
          signal: stop.signal,
        })
      : null;
    const watches = new WatchSet({
      client,
      filter,
      scope,
      // Watch streams pause while the writer's compaction is behind (see BundleWriter.room).
      watch: { ...options.watch, wait: () => (writer.throttled ? writer.room() : null) },
      sink: recorder,
      addGap: (gap) => recorder.addGap(gap),
      signal: stop.signal,
      log,
    });
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
    watches.add(discovery.resources);
    if (options.once) {
      await Promise.all([watches.listAllOnce(), prometheus?.collectOnce(), audit?.readOnce()]);
      if (stop.signal.aborted) {
        writer.addGap({
          start: started.toISOString(),
          end: new Date().toISOString(),
          reason: 'stopped before every resource was listed: the snapshot is incomplete',
          scope: '*',
        });
      }
    } else {
      prometheus?.start();
      const auditDone = audit?.run(stop.signal);
      await watchUntilStopped(watches, options, stop, (startedAt) =>
        liveStatus(startedAt, writer, recorder, watches, audit),
      );
      await prometheus?.finish();
      await auditDone;
    }
    await recorder.logs?.drain();
    const end = new Date().toISOString();
    for (const gap of watches.openGaps(end)) writer.addGap(gap);
    writer.append(markerRow({ ts: end, marker: 'recording-stop', origin: 'record' }));
    writer.updateMetadata(
      finalMetadata(
        options,
        scope,
        identity,
        { start: windowStart, end },
        {
          resources: watches.resourceNames(),
          extra: {
            watch_errors: recorder.watchErrors,
            discovery_failures: discovery.failures,
            ...(prometheus ? { prometheus: prometheus.report() } : {}),
            ...(audit ? { audit: audit.summary() } : {}),
          },
        },
      ),
    );
    const bundle = await writer.finish();
    finished = true;
    return {
      bundle,
      resources: watches.resourceNames(),
      discoveryFailures: discovery.failures,
      relists: recorder.relists,
      gaps: bundle.metadata.gaps,
      watchErrors: recorder.watchErrors,
      prometheus: prometheus?.report() ?? null,
      audit: audit?.summary() ?? null,
    };
  } finally {
    // On an internal error the spool stays for `kstory bundle repair` rather than being lost.
    if (!finished) await writer.close().catch(() => {});
  }
}

/** Container logs of the recorded pods, unless --logs none. */
function logCollector(
  client: KubeClient,
  options: RecordOptions,
  recorder: Recorder,
  signal: AbortSignal,
  log: (line: string) => void,
): LogCollector | null {
  const policy = options.logs ?? 'none';
  if (policy === 'none') return null;
  const filters = options.filters;
  return new LogCollector({
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
    emit: (row) => recorder.append(row),
    log,
  });
}

/** A continuous recording: watch until stopped or --duration, with the live status every interval. */
async function watchUntilStopped(
  watches: WatchSet,
  options: RecordOptions,
  stop: AbortController,
  live: (startedAt: number) => RecordStatus,
): Promise<void> {
  const timers: NodeJS.Timeout[] = [];
  if (options.durationMs !== undefined) timers.push(setTimeout(() => stop.abort(), options.durationMs));
  const startedAt = Date.now();
  const onStatus = options.onStatus;
  if (onStatus) timers.push(setInterval(() => onStatus(live(startedAt)), options.statusIntervalMs ?? 1000));
  try {
    await watches.run(options.rediscoverMs ?? 60_000);
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
}

function liveStatus(
  startedAt: number,
  writer: BundleWriter,
  recorder: Recorder,
  watches: WatchSet,
  audit: AuditSources | null,
): RecordStatus {
  const { watching, retrying } = watches.counts();
  return {
    elapsedMs: Date.now() - startedAt,
    rows: writer.rowsAppended,
    rowsBySource: { ...recorder.rowsBySource },
    watches: watching,
    watchesRetrying: retrying,
    logStreams: recorder.logs?.streams ?? 0,
    ...(recorder.logs ? { logContainers: recorder.logs.containerCount } : {}),
    relists: recorder.relists,
    gaps: recorder.gapCount,
    spoolBytes: directoryBytes(writer.spoolDir),
    ...(audit ? { audit: audit.status() } : {}),
  };
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
