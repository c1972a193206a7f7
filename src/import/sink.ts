// Where converters put what they read: rows go to the bundle writer once, whatever number of
// inputs carried them (same object version, same event version, same audit request), and every
// row, skip and damaged line is counted against the input it came from.

import type { BundleRow, WatchEvent } from '../bundle/row.ts';
import { type AuditEntry, AuditStageJoiner } from '../kube/audit.ts';
import { AuditObjectReplay } from '../kube/audit-objects.ts';
import { arr, type Json, rec } from '../kube/fields.ts';
import { auditRow, eventRow, type KubeObject, lastChangeTime, objectRow } from '../kube/to-row.ts';
import { isSqlRowTarget, SqlAuditLogs } from './audit-sql/logs.ts';
import { isLater, noteInferred, noteObserved, observedTimeOf } from './capture-time.ts';
import type { ImportIssue, InputStats } from './stats.ts';

/** Issues kept per input for the report; all are counted. */
/** Issues kept to be listed (`--json` lists them all up to this; beyond it says how many it left out). */
const MAX_ISSUES_KEPT = 100_000;

/** Where an audit entry came from: its request's row is counted against it. */
interface AuditSource {
  origin: string;
  stats: InputStats;
  /** Where an unparsed line came from, to report it if it turns out damaged. */
  file?: string;
  line?: number;
}

/** What the import knows of a pod from its objects, for files that name only the pod (logs, tables). */
export interface PodInfo {
  node: string | undefined;
  uid: string | undefined;
  /** Names of its (non-init) containers. */
  containers: string[];
}

/** Where rows go: a BundleWriter, or (in benchmarks) anything else that takes rows. */
export interface RowTarget {
  append(row: BundleRow): void;
}

export class ImportSink {
  private readonly objectKeys = new Set<string>();
  private readonly eventKeys = new Set<string>();
  private readonly audits = new AuditStageJoiner<AuditSource>({
    emit: (entry, raw, source) => {
      const row = auditRow(entry, { origin: source.origin, raw });
      this.append(row, source.stats);
      this.objectFromAudit(entry, row, source);
    },
    duplicate: (source) => {
      source.stats.duplicates++;
    },
    invalid: (source, reason) =>
      this.issue(source.stats, { file: source.file ?? source.origin, line: source.line, reason }),
  });
  private readonly replay = new AuditObjectReplay();
  private readonly seenObjects = new Set<string>();
  /** Objects by kind, namespace and name, whatever their uid: when each was created, when it says. */
  private readonly named = new Map<string, string | undefined>();
  /** Container names of the pod templates of workloads, by kind, namespace and name. */
  private readonly templates = new Map<string, string[]>();
  rows = 0;
  /** The newest time any object, event or dated log line of the whole import carries. */
  newestObserved: string | null = null;
  /** The newest log time of the whole import whose year was inferred (klog). */
  newestInferred: string | null = null;

  /** Plain audit logs read in DuckDB (audit-sql/): only when the rows go to a bundle writer. */
  private readonly sqlAudit: SqlAuditLogs | null;

  // Synchronous all the way down: an await per audit line costs more than converting it.
  constructor(private readonly target: RowTarget) {
    this.sqlAudit = isSqlRowTarget(target) ? new SqlAuditLogs(target) : null;
  }

  private append(row: BundleRow, stats: InputStats): void {
    this.target.append(row);
    this.count(row, stats, 1);
  }

  /** `n` rows like `row` written, counted against the input and the file they came from. */
  private count(row: Pick<BundleRow, 'source' | 'origin'>, stats: InputStats, n: number): void {
    if (n === 0) return;
    this.rows += n;
    stats.records[row.source] = (stats.records[row.source] ?? 0) + n;
    const origin = row.origin ?? stats.input;
    let counts = stats.rowsByFile.get(origin);
    if (counts === undefined) {
      counts = {};
      stats.rowsByFile.set(origin, counts);
    }
    counts[row.source] = (counts[row.source] ?? 0) + n;
  }

  /** A time an input carries of its own (not a fallback): what capture times are inferred from. */
  observe(stats: InputStats, ts: string): void {
    noteObserved(stats, ts);
    if (isLater(ts, this.newestObserved)) this.newestObserved = ts;
  }

  /** A log time whose year was inferred: a reference for undated text, never for a year. */
  observeInferred(stats: InputStats, ts: string): void {
    noteInferred(stats, ts);
    if (isLater(ts, this.newestInferred)) this.newestInferred = ts;
  }

  issue(stats: InputStats, issue: ImportIssue): void {
    stats.issueCount++;
    if (stats.issues.length < MAX_ISSUES_KEPT) stats.issues.push(issue);
  }

  /** What was assumed to read a file (not damage: the rows were read). */
  note(stats: InputStats, note: ImportIssue): void {
    if (stats.notes.length < MAX_ISSUES_KEPT) stats.notes.push(note);
  }

  /**
   * A file whose data stopped partway: `lines` whole lines were read before. The same failure
   * reaches the archive around the file too; it is counted once.
   */
  cutShort(stats: InputStats, cut: { file: string; lines: number; reason: string }, error: Error): void {
    if (this.counted.has(error)) return;
    this.counted.add(error);
    stats.cut.push(cut);
  }

  /** Whether this failure was counted already as a file cut short. */
  isCounted(error: unknown): boolean {
    return error instanceof Error && this.counted.has(error);
  }

  private readonly counted = new WeakSet<Error>();

  skipFile(stats: InputStats, file: string, reason: string): void {
    const list = stats.skippedFiles[reason] ?? [];
    list.push(file);
    stats.skippedFiles[reason] = list;
  }

  /**
   * One object version. `watchEvent` null means "first sighting LISTED, later ones MODIFIED", for
   * `kubectl get -w` streams that do not say. `fallbackTs` dates objects that carry no time at all.
   * `observed: false` for an object whose times were computed from a reference time (ages in
   * kubectl's text) rather than read: they must not date the capture.
   */
  object(
    obj: KubeObject,
    opts: {
      stats: InputStats;
      origin: string;
      watchEvent: WatchEvent | null;
      ts?: string;
      fallbackTs: string;
      observed?: boolean;
    },
  ): void {
    const metadata = obj.metadata ?? {};
    const identity = `${obj.kind}\0${metadata.namespace ?? ''}\0${metadata.name ?? ''}\0${metadata.uid ?? ''}`;
    // Without a resourceVersion two copies cannot be told apart from two versions: both are kept.
    if (metadata.resourceVersion !== undefined) {
      const key = `${identity}\0${metadata.resourceVersion}`;
      if (this.objectKeys.has(key)) {
        opts.stats.duplicates++;
        return;
      }
      this.objectKeys.add(key);
    }
    this.noteNamed(obj);
    let watchEvent = opts.watchEvent;
    if (watchEvent === null) {
      watchEvent = this.seenObjects.has(identity) ? 'MODIFIED' : 'LISTED';
      this.seenObjects.add(identity);
    }
    if (obj.kind === 'Pod' && metadata.name && metadata.namespace) {
      const spec = obj.spec as { nodeName?: unknown; containers?: unknown } | undefined;
      const known = this.pods.get(`${metadata.namespace}/${metadata.name}`);
      const containers = Array.isArray(spec?.containers)
        ? spec.containers
            .map((c) => (c as { name?: unknown }).name)
            .filter((n): n is string => typeof n === 'string')
        : [];
      this.pods.set(`${metadata.namespace}/${metadata.name}`, {
        node: typeof spec?.nodeName === 'string' ? spec.nodeName : known?.node,
        uid: metadata.uid ?? known?.uid,
        containers: containers.length > 0 ? containers : (known?.containers ?? []),
      });
    }
    const ts = opts.ts ?? (lastChangeTime(obj) === null ? opts.fallbackTs : undefined);
    this.append(objectRow(obj, { watchEvent, origin: opts.origin, ts }), opts.stats);
    const observed = observedTimeOf(obj as Record<string, unknown>);
    if (observed !== null && opts.observed !== false) this.observe(opts.stats, observed);
  }

  /** One Event; `observed: false` as for objects. */
  event(
    ev: Record<string, unknown>,
    opts: { stats: InputStats; origin: string; fallbackTs: string; observed?: boolean },
  ): void {
    const metadata = (ev.metadata ?? {}) as Record<string, unknown>;
    const key =
      metadata.uid !== undefined && metadata.resourceVersion !== undefined
        ? `${metadata.uid}\0${metadata.resourceVersion}`
        : `${metadata.namespace}\0${metadata.name}\0${ev.count ?? ''}\0${ev.lastTimestamp ?? ev.eventTime ?? ''}`;
    if (this.eventKeys.has(key)) {
      opts.stats.duplicates++;
      return;
    }
    this.eventKeys.add(key);
    let row: BundleRow;
    try {
      row = eventRow(ev, { origin: opts.origin });
      if (opts.observed !== false) this.observe(opts.stats, row.ts);
    } catch {
      row = eventRow(ev, { origin: opts.origin, ts: opts.fallbackTs });
    }
    this.append(row, opts.stats);
  }

  /**
   * One audit entry. Stages of one request (RequestReceived, then ResponseComplete) become one
   * row: the entry of the latest stage, with the request body of an earlier one if it lacks it.
   */
  audit(entry: AuditEntry, raw: string | undefined, opts: { stats: InputStats; origin: string }): void {
    this.audits.add(entry, raw, opts);
  }

  /**
   * A RequestReceived line without a request body, left unparsed: the ResponseComplete line of the
   * same request says all it says and more, so in a log with both stages half the lines are never
   * parsed. It is parsed only if its request never completes.
   */
  auditRequestReceived(
    id: string,
    raw: string,
    opts: { stats: InputStats; origin: string; file: string; line: number },
  ): void {
    this.audits.addReceived(id, raw, opts);
  }

  /** Object history rebuilt from audit bodies (audit-objects.ts): the object as the API server
   * returned it after a write, as a create or an update sent it, or as a patch left it. */
  private objectFromAudit(entry: AuditEntry, row: BundleRow, p: AuditSource): void {
    const code = (entry.responseStatus as { code?: number } | undefined)?.code;
    // A write that failed changed nothing; one whose answer is unknown did when the server answered.
    if (typeof code === 'number' ? code >= 300 : entry.responseObject === undefined) return;
    if (!row.kind || !row.name || !row.audit_verb) return;
    const version = this.replay.add({
      ts: row.ts,
      verb: row.audit_verb,
      kind: row.kind,
      api_version: row.api_version ?? null,
      namespace: row.namespace ?? null,
      name: row.name,
      uid: row.uid ?? null,
      subresource: row.audit_subresource ?? null,
      user: row.audit_impersonated_user ?? row.audit_user ?? null,
      request: entry.requestObject,
      response: entry.responseObject,
    });
    if (version)
      this.object(version.object, {
        stats: p.stats,
        origin: p.origin,
        watchEvent: version.watchEvent,
        ts: version.ts,
        fallbackTs: version.ts,
      });
  }

  /**
   * A plain audit log read whole in DuckDB (see audit-sql/logs.ts), its rows written at flushAudit;
   * false when it is to be read line by line (nothing of it was kept).
   */
  async auditLogInSql(
    file: { path: string; gzip: boolean; bytes: number },
    opts: { stats: InputStats; origin: string },
    progress: (fraction: number) => void,
  ): Promise<boolean> {
    if (this.sqlAudit === null) return false;
    return this.sqlAudit.read(file, opts, progress);
  }

  /**
   * Requests whose last stage never came (the log ends mid-request) are written as they are; then
   * the rows of the audit logs read in DuckDB, joined with each other by request.
   */
  async flushAudit(): Promise<void> {
    this.audits.flush();
    if (this.sqlAudit === null) return;
    for (const { stats, origin, rows, repeats } of await this.sqlAudit.finish(this.audits.ids())) {
      this.count({ source: 'audit', origin }, stats, rows);
      stats.duplicates += repeats;
    }
  }

  /** Stop reading audit logs in DuckDB: the import failed. */
  async closeAudit(): Promise<void> {
    await this.sqlAudit?.close();
  }

  private readonly logStreams = new Set<string>();
  private readonly pods = new Map<string, PodInfo>();

  /**
   * Node and UID of a pod seen among the objects so far: log files do not say where their pod ran
   * (must-gather lists pods before their logs, so this is usually known by then).
   */
  podInfo(namespace: string, pod: string): PodInfo | undefined {
    return this.pods.get(`${namespace}/${pod}`);
  }

  /** The namespaces of the pods of this name imported so far. */
  podNamespaces(pod: string): string[] {
    const out: string[] = [];
    for (const key of this.pods.keys()) {
      const slash = key.indexOf('/');
      if (key.slice(slash + 1) === pod) out.push(key.slice(0, slash));
    }
    return out;
  }

  /** Whether any version of the object was imported so far (from any file). */
  hasObject(kind: string, namespace: string | undefined, name: string): boolean {
    return this.named.has(`${kind}\0${namespace ?? ''}\0${name}`);
  }

  /**
   * When an object imported so far was created, as its versions say (its creationTimestamp, else
   * the start time describe prints): what dates text that shows only its age.
   */
  createdAt(kind: string, namespace: string | undefined, name: string): string | undefined {
    return this.named.get(`${kind}\0${namespace ?? ''}\0${name}`);
  }

  /** The container names of a workload's pod template, when a version of it showed them. */
  templateContainers(kind: string, namespace: string | undefined, name: string): string[] | undefined {
    return this.templates.get(`${kind}\0${namespace ?? ''}\0${name}`);
  }

  /**
   * The Node a host name is, among the Nodes imported so far: a journal names its host as the
   * machine knows itself (`ip-10-0-1-5`), the cluster often by its full name
   * (`ip-10-0-1-5.ec2.internal`), or the other way round. The host itself when no one Node fits.
   */
  nodeNamed(host: string): string {
    if (this.nodes.has(host)) return host;
    const label = host.split('.')[0]!;
    const fits = [...this.nodes].filter((node) => node === label || node.split('.')[0] === host);
    return fits.length === 1 ? fits[0]! : host;
  }

  private readonly nodes = new Set<string>();

  private noteNamed(obj: KubeObject): void {
    const metadata = obj.metadata ?? {};
    if (obj.kind === 'Node' && metadata.name) this.nodes.add(metadata.name);
    const key = `${obj.kind}\0${metadata.namespace ?? ''}\0${metadata.name ?? ''}`;
    const status = obj.status as { startTime?: unknown } | undefined;
    const created = metadata.creationTimestamp ?? status?.startTime;
    this.named.set(key, typeof created === 'string' ? created : this.named.get(key));
    const spec = obj.spec as Json | undefined;
    const template = (obj.kind === 'CronJob' ? rec(rec(spec?.jobTemplate)?.spec) : spec)?.template;
    const containers = arr(rec(rec(template)?.spec)?.containers)
      .map((c) => rec(c)?.name)
      .filter((n): n is string => typeof n === 'string');
    if (containers.length > 0) this.templates.set(key, containers);
  }

  /** False when a log stream (pod, container, instance) was already imported from another file. */
  claimLogStream(stream: string): boolean {
    if (this.logStreams.has(stream)) return false;
    this.logStreams.add(stream);
    return true;
  }

  /** Whether a log stream was imported, without claiming it. */
  hasLogStream(stream: string): boolean {
    return this.logStreams.has(stream);
  }

  row(row: BundleRow, stats: InputStats): void {
    this.append(row, stats);
  }
}
