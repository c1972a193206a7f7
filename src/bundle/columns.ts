// The columns of a kstory bundle (format v1): one table, one row per observation.
// This list is the single source of truth for the writer, the reader's views and docs/bundle-format.md.

export const FORMAT_MAJOR = 1;
export const FORMAT_MINOR = 0;
export const FORMAT_VERSION = `${FORMAT_MAJOR}.${FORMAT_MINOR}`;

export const SOURCES = ['object', 'event', 'audit', 'log', 'metric', 'marker'] as const;
export type Source = (typeof SOURCES)[number];

export type ColumnGroup = 'common' | Source;

export interface ColumnSpec {
  name: string;
  /** DuckDB type; the Parquet type follows from it. */
  type: string;
  group: ColumnGroup;
  doc: string;
}

/**
 * The fields of one entry of the `containers` column, in order, with their DuckDB types: the one list
 * behind the column's STRUCT type, the ContainerRow producers fill in (row.ts) and the columns of the
 * `containers` view.
 */
export const CONTAINER_FIELDS = {
  name: 'VARCHAR',
  image: 'VARCHAR',
  init: 'BOOLEAN',
  ready: 'BOOLEAN',
  restart_count: 'INTEGER',
  state: 'VARCHAR',
  reason: 'VARCHAR',
  message: 'VARCHAR',
  exit_code: 'INTEGER',
  started_at: 'TIMESTAMPTZ',
  finished_at: 'TIMESTAMPTZ',
  last_reason: 'VARCHAR',
  last_exit_code: 'INTEGER',
  last_started_at: 'TIMESTAMPTZ',
  last_finished_at: 'TIMESTAMPTZ',
  cpu_request_m: 'BIGINT',
  cpu_limit_m: 'BIGINT',
  memory_request_bytes: 'BIGINT',
  memory_limit_bytes: 'BIGINT',
} as const;

/** The fields of one entry of the `conditions` column (ConditionRow in row.ts). */
export const CONDITION_FIELDS = {
  type: 'VARCHAR',
  status: 'VARCHAR',
  reason: 'VARCHAR',
  message: 'VARCHAR',
  last_transition: 'TIMESTAMPTZ',
} as const;

/** A DuckDB STRUCT type with these fields. */
function structType(fields: Readonly<Record<string, string>>): string {
  return `STRUCT(${Object.entries(fields)
    .map(([name, type]) => `${name} ${type}`)
    .join(', ')})`;
}

export const COLUMNS: readonly ColumnSpec[] = [
  // --- common to every source ---
  {
    name: 'source',
    type: 'VARCHAR',
    group: 'common',
    doc: 'What the row observes: object, event, audit, log, metric or marker.',
  },
  {
    name: 'ts',
    type: 'TIMESTAMPTZ',
    group: 'common',
    doc: 'Observation time, UTC, microseconds. Objects: when the version was seen (or its last change for snapshots); events: last occurrence; audit: stage timestamp; logs: line timestamp; metrics: sample time; markers: start of what they mark.',
  },
  {
    name: 'api_version',
    type: 'VARCHAR',
    group: 'common',
    doc: 'Subject API group/version, e.g. `apps/v1`, `v1`.',
  },
  { name: 'kind', type: 'VARCHAR', group: 'common', doc: 'Subject kind, e.g. `Pod`, `Deployment`.' },
  { name: 'namespace', type: 'VARCHAR', group: 'common', doc: 'Subject namespace; null for cluster-scoped.' },
  { name: 'name', type: 'VARCHAR', group: 'common', doc: 'Subject name.' },
  { name: 'uid', type: 'VARCHAR', group: 'common', doc: 'Subject UID when known.' },
  {
    name: 'container',
    type: 'VARCHAR',
    group: 'common',
    doc: 'Container the row is about: the log stream’s container, a metric’s `container` label, the container named by an event’s `fieldPath`.',
  },
  {
    name: 'node',
    type: 'VARCHAR',
    group: 'common',
    doc: 'Node involved: a pod’s `spec.nodeName`, an event’s reporting host, a metric’s `node` label.',
  },
  { name: 'owner_kind', type: 'VARCHAR', group: 'common', doc: 'Kind of the controlling owner reference.' },
  { name: 'owner_name', type: 'VARCHAR', group: 'common', doc: 'Name of the controlling owner.' },
  { name: 'owner_uid', type: 'VARCHAR', group: 'common', doc: 'UID of the controlling owner.' },
  {
    name: 'resource_version',
    type: 'VARCHAR',
    group: 'common',
    doc: '`metadata.resourceVersion` of the object or event version.',
  },
  {
    name: 'origin',
    type: 'VARCHAR',
    group: 'common',
    doc: 'Where the row came from: a watch (`watch:pods`), an imported file name, `simulate`.',
  },
  {
    name: 'body',
    type: 'VARCHAR',
    group: 'common',
    doc: 'Redacted JSON of the object or event, and of the audit entry what the columns do not hold at Metadata level (see Audit above); null for logs, metrics, markers.',
  },

  // --- source = object ---
  {
    name: 'watch_event',
    type: 'VARCHAR',
    group: 'object',
    doc: '`ADDED`, `MODIFIED`, `DELETED` (from a watch) or `LISTED` (from a list or a snapshot).',
  },
  { name: 'labels', type: 'MAP(VARCHAR, VARCHAR)', group: 'object', doc: '`metadata.labels`.' },
  {
    name: 'created_at',
    type: 'TIMESTAMPTZ',
    group: 'object',
    doc: '`metadata.creationTimestamp`.',
  },
  {
    name: 'deleted_at',
    type: 'TIMESTAMPTZ',
    group: 'object',
    doc: '`metadata.deletionTimestamp`: set while the object is terminating.',
  },
  { name: 'generation', type: 'BIGINT', group: 'object', doc: '`metadata.generation`.' },
  { name: 'observed_generation', type: 'BIGINT', group: 'object', doc: '`status.observedGeneration`.' },
  {
    name: 'phase',
    type: 'VARCHAR',
    group: 'object',
    doc: '`status.phase` of Pods, PVCs, PVs and Namespaces.',
  },
  {
    name: 'status_reason',
    type: 'VARCHAR',
    group: 'object',
    doc: '`status.reason`, e.g. `Evicted` for a Pod.',
  },
  { name: 'status_message', type: 'VARCHAR', group: 'object', doc: '`status.message`.' },
  {
    name: 'containers',
    type: `${structType(CONTAINER_FIELDS)}[]`,
    group: 'object',
    doc: 'Pods: one entry per container (init containers flagged) with spec and status merged; `state` is `waiting`, `running` or `terminated`, `last_*` comes from `lastState.terminated`. Workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob): the pod template’s containers, status fields null.',
  },
  {
    name: 'conditions',
    type: `${structType(CONDITION_FIELDS)}[]`,
    group: 'object',
    doc: '`status.conditions` of any kind, custom resources included.',
  },
  {
    name: 'replicas_desired',
    type: 'INTEGER',
    group: 'object',
    doc: 'Desired replicas: `spec.replicas`; DaemonSet `desiredNumberScheduled`; HPA `desiredReplicas`.',
  },
  {
    name: 'replicas_current',
    type: 'INTEGER',
    group: 'object',
    doc: '`status.replicas`; DaemonSet `currentNumberScheduled`; HPA `currentReplicas`; Job `active`.',
  },
  {
    name: 'replicas_ready',
    type: 'INTEGER',
    group: 'object',
    doc: '`readyReplicas`; DaemonSet `numberReady`; Job `ready`.',
  },
  {
    name: 'replicas_available',
    type: 'INTEGER',
    group: 'object',
    doc: '`availableReplicas`; DaemonSet `numberAvailable`.',
  },
  {
    name: 'replicas_updated',
    type: 'INTEGER',
    group: 'object',
    doc: '`updatedReplicas`; DaemonSet `updatedNumberScheduled`.',
  },
  {
    name: 'selector',
    type: 'MAP(VARCHAR, VARCHAR)',
    group: 'object',
    doc: 'Label selector as equality pairs: a Service’s `spec.selector`, a workload’s or PDB’s `matchLabels`.',
  },
  {
    name: 'refs',
    type: 'STRUCT(kind VARCHAR, name VARCHAR, via VARCHAR)[]',
    group: 'object',
    doc: 'Objects this one depends on, in its namespace unless cluster-scoped: a Pod’s ConfigMaps, Secrets, PVCs and ServiceAccount (`via` = `volume`, `env`, `envFrom`, `serviceAccount`); a PVC’s StorageClass and PV; an HPA’s scale target; an Ingress’s Services.',
  },
  {
    name: 'taints',
    type: 'STRUCT("key" VARCHAR, "value" VARCHAR, effect VARCHAR)[]',
    group: 'object',
    doc: 'Node `spec.taints`.',
  },
  {
    name: 'unschedulable',
    type: 'BOOLEAN',
    group: 'object',
    doc: 'Node `spec.unschedulable` (cordoned).',
  },
  {
    name: 'attrs',
    type: 'MAP(VARCHAR, VARCHAR)',
    group: 'object',
    doc: 'Kind-specific scalars that detection needs, as text: see “attrs keys” below.',
  },

  // --- source = event ---
  { name: 'event_type', type: 'VARCHAR', group: 'event', doc: '`Normal` or `Warning`.' },
  { name: 'event_reason', type: 'VARCHAR', group: 'event', doc: 'Event reason, e.g. `BackOff`.' },
  {
    name: 'event_message',
    type: 'VARCHAR',
    group: 'event',
    doc: 'Event message (`note` for events.k8s.io/v1).',
  },
  {
    name: 'event_count',
    type: 'INTEGER',
    group: 'event',
    doc: 'Occurrences so far: `count`, or `series.count` for events.k8s.io/v1; 1 when absent.',
  },
  {
    name: 'event_first',
    type: 'TIMESTAMPTZ',
    group: 'event',
    doc: 'First occurrence: `firstTimestamp`, else `eventTime`.',
  },
  {
    name: 'event_last',
    type: 'TIMESTAMPTZ',
    group: 'event',
    doc: 'Last occurrence: `lastTimestamp`, `series.lastObservedTime`, else `eventTime`.',
  },
  {
    name: 'event_source',
    type: 'VARCHAR',
    group: 'event',
    doc: 'Reporting component: `source.component` or `reportingController`.',
  },
  {
    name: 'event_uid',
    type: 'VARCHAR',
    group: 'event',
    doc: 'UID of the Event object itself (the subject columns describe the involved object).',
  },

  // --- source = audit ---
  { name: 'audit_id', type: 'VARCHAR', group: 'audit', doc: '`auditID`: one row per request.' },
  {
    name: 'audit_stage',
    type: 'VARCHAR',
    group: 'audit',
    doc: 'Last stage seen: `ResponseComplete`, `ResponseStarted`, `Panic` or `RequestReceived`.',
  },
  {
    name: 'audit_level',
    type: 'VARCHAR',
    group: 'audit',
    doc: '`Metadata`, `Request` or `RequestResponse`.',
  },
  { name: 'audit_verb', type: 'VARCHAR', group: 'audit', doc: 'Request verb: `get`, `list`, `patch`, ...' },
  { name: 'audit_user', type: 'VARCHAR', group: 'audit', doc: '`user.username` of the authenticated user.' },
  {
    name: 'audit_impersonated_user',
    type: 'VARCHAR',
    group: 'audit',
    doc: '`impersonatedUser.username` when the request impersonated someone.',
  },
  { name: 'audit_user_agent', type: 'VARCHAR', group: 'audit', doc: '`userAgent`.' },
  { name: 'audit_uri', type: 'VARCHAR', group: 'audit', doc: '`requestURI`.' },
  {
    name: 'audit_resource',
    type: 'VARCHAR',
    group: 'audit',
    doc: '`objectRef.resource`, e.g. `deployments`.',
  },
  {
    name: 'audit_subresource',
    type: 'VARCHAR',
    group: 'audit',
    doc: '`objectRef.subresource`, e.g. `status`.',
  },
  {
    name: 'audit_decision',
    type: 'VARCHAR',
    group: 'audit',
    doc: 'The authorizer’s decision, annotation `authorization.k8s.io/decision`: `allow` or `forbid` (null in logs without it). Tells an RBAC denial from an admission refusal, both 403.',
  },
  {
    name: 'audit_code',
    type: 'INTEGER',
    group: 'audit',
    doc: '`responseStatus.code` (null until the response is known).',
  },

  // --- source = log ---
  { name: 'log_stream', type: 'VARCHAR', group: 'log', doc: '`stdout` or `stderr` when known.' },
  {
    name: 'log_previous',
    type: 'BOOLEAN',
    group: 'log',
    doc: 'True when the line comes from the previous (crashed) instance of the container.',
  },
  { name: 'log_line', type: 'VARCHAR', group: 'log', doc: 'The log line, without its timestamp prefix.' },

  // --- source = metric ---
  { name: 'metric_name', type: 'VARCHAR', group: 'metric', doc: 'Prometheus metric name.' },
  {
    name: 'metric_labels',
    type: 'MAP(VARCHAR, VARCHAR)',
    group: 'metric',
    doc: 'All labels except `__name__`.',
  },
  { name: 'metric_value', type: 'DOUBLE', group: 'metric', doc: 'Sample value.' },

  // --- source = marker ---
  {
    name: 'marker',
    type: 'VARCHAR',
    group: 'marker',
    doc: '`recording-start`, `recording-stop`, `gap`, `relist`, `snapshot` or `import`.',
  },
  {
    name: 'marker_end',
    type: 'TIMESTAMPTZ',
    group: 'marker',
    doc: 'End of the period a `gap` marker covers.',
  },
  { name: 'marker_detail', type: 'VARCHAR', group: 'marker', doc: 'Human-readable detail.' },
];

export const COLUMN_NAMES: readonly string[] = COLUMNS.map((c) => c.name);

/**
 * The versions of one object in the order they were written, as SQL over rows with `ts` and
 * `resource_version`. Versions can share a timestamp (a list and a watch event of the same second, a
 * clock of millisecond precision); their resourceVersion, a number in practice though the API calls
 * it opaque, then orders them, so that the same bundle always reads the same way.
 */
export const VERSION_NUMBER_SQL = 'TRY_CAST(resource_version AS HUGEINT)';
export const VERSION_ORDER_SQL = `ts, ${VERSION_NUMBER_SQL} NULLS FIRST`;

/** The columns a source's rows can have a value in: the common ones and the source's own. */
export function sourceColumns(source: Source): readonly ColumnSpec[] {
  return COLUMNS.filter((c) => c.group === 'common' || c.group === source);
}

/** Columns a file must have to be read as a bundle at all. */
export const REQUIRED_COLUMNS = ['source', 'ts', 'kind', 'namespace', 'name', 'body'] as const;

/** Sort order of the final file: rows about one subject sit together, so their near-identical
 * versions compress against each other; time last so that each subject reads as a history. */
export const SORT_ORDER = [
  'source',
  'kind',
  'namespace',
  'name',
  'uid',
  'container',
  'metric_name',
  'ts',
] as const;

/** A DuckDB `columns={...}` struct literal for read_json, `body` kept as raw JSON text. */
export function readJsonColumnsLiteral(): string {
  const fields = COLUMNS.map(
    (c) => `'${c.name}': '${(c.name === 'body' ? 'JSON' : c.type).replaceAll("'", "''")}'`,
  );
  return `{${fields.join(', ')}}`;
}
