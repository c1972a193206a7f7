// Opening bundles for reading: one or more bundle files, spool or segment directories, or globs,
// checked one by one (clear errors for what is not a bundle) and exposed as typed DuckDB views in a
// sandboxed connection that can read nothing else.

import {
  closeSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { KstoryError, messageOf } from '../errors.ts';
import {
  COLUMNS,
  FORMAT_VERSION,
  REQUIRED_COLUMNS,
  readJsonColumnsLiteral,
  VERSION_ORDER_SQL,
} from './columns.ts';
import { Database, type Row, sqlString } from './duckdb.ts';
import {
  type BundleMetadata,
  checkFormatVersion,
  type FormatVersion,
  isNewerMinor,
  KV_FORMAT_VERSION,
  KV_METADATA,
  mergeMetadata,
  parseMetadataJson,
} from './metadata.ts';
import { isSpoolDir, listSegments, readSpoolState, SPOOL_FILE } from './spool.ts';

export interface BundleFile {
  path: string;
  /** `parquet` for bundles and compacted segments, `ndjson` for a spool's open segments. */
  format: 'parquet' | 'ndjson';
  bytes: number;
  version: FormatVersion;
  metadata: BundleMetadata;
  /** Columns the file lacks (an older minor version): read as NULL. */
  missingColumns: string[];
}

export interface OpenOptions {
  memoryLimit?: string;
  threads?: number;
}

/** The views every bundle exposes; see docs/bundle-format.md. */
export const VIEWS = [
  'bundle',
  'objects',
  'events',
  'audit',
  'logs',
  'metrics',
  'markers',
  'pods',
  'containers',
  'conditions',
] as const;

export class Bundle {
  constructor(
    readonly db: Database,
    readonly files: readonly BundleFile[],
    readonly metadata: BundleMetadata,
    readonly warnings: readonly string[],
    private readonly scratchDir: string,
    /** Null for the bundle opened; the bundle it was forked from for a fork. */
    private readonly forkedFrom: Bundle | null = null,
  ) {}

  query<T = Row>(sql: string, params?: Parameters<Database['all']>[1]): Promise<T[]> {
    return this.db.all<T>(sql, params);
  }

  /** The same bundle on another connection, for queries that run in parallel with this one's.
   * Closing the fork closes its connection only. */
  async fork(): Promise<Bundle> {
    return new Bundle(await this.db.fork(), this.files, this.metadata, this.warnings, this.scratchDir, this);
  }

  close(): void {
    this.db.close();
    if (!this.forkedFrom) rmSync(this.scratchDir, { recursive: true, force: true });
  }
}

interface Source {
  path: string;
  format: 'parquet' | 'ndjson';
  /** Metadata for spool segments comes from the spool's state file, not from the segment. */
  spoolMetadata?: BundleMetadata;
}

export async function openBundle(inputs: readonly string[], options: OpenOptions = {}): Promise<Bundle> {
  if (inputs.length === 0)
    throw new KstoryError('no bundle given', {
      hint: 'Pass a bundle file, e.g. kstory bundle info incident.parquet',
    });
  const scratchDir = mkdtempSync(path.join(os.tmpdir(), 'kstory-read-'));
  let sources: Source[];
  try {
    sources = inputs.flatMap((input) => resolveInput(input, scratchDir));
    for (const source of sources) if (source.format === 'parquet') checkParquetMagic(source.path);
  } catch (error) {
    rmSync(scratchDir, { recursive: true, force: true });
    throw error;
  }
  const db = await Database.open({
    memoryLimit: options.memoryLimit ?? '1GB',
    threads: options.threads,
    tempDirectory: scratchDir,
  });
  try {
    await db.sandbox({ allowedPaths: sources.map((s) => s.path), allowedDirectories: [scratchDir] });
    const warnings: string[] = [];
    const files: BundleFile[] = [];
    for (const source of sources) files.push(await inspectFile(db, source, warnings));
    await createViews(db, files);
    return new Bundle(db, files, mergeMetadata(files.map((f) => f.metadata)), warnings, scratchDir);
  } catch (error) {
    db.close();
    rmSync(scratchDir, { recursive: true, force: true });
    throw error;
  }
}

function resolveInput(input: string, scratchDir: string): Source[] {
  if (isDynamicPattern(input)) {
    const matches = globSync(input, { absolute: true, onlyFiles: false }).sort();
    if (matches.length === 0) {
      throw new KstoryError(`${input}: no file matches this pattern`, {
        hint: 'Check the pattern; quote it so that the shell does not expand it first.',
      });
    }
    return matches.flatMap((match) => resolveInput(match, scratchDir));
  }
  const absolute = path.resolve(input);
  if (!existsSync(absolute)) {
    throw new KstoryError(`${input}: no such file or directory`, {
      hint: 'Give the path of a bundle (.parquet) written by kstory record, import or simulate, or of its .spool directory.',
    });
  }
  if (!statSync(absolute).isDirectory()) return [{ path: absolute, format: 'parquet' }];
  if (isSpoolDir(absolute)) return snapshotSpool(absolute, scratchDir);
  const parquetFiles = globSync('*.parquet', { cwd: absolute, absolute: true }).sort();
  if (parquetFiles.length === 0) {
    throw new KstoryError(`${input}: directory holds no bundle (.parquet) files and is not a spool`, {
      hint: 'Give a bundle file, a directory of bundle files, or a .spool directory left by a writer.',
    });
  }
  return parquetFiles.map((p) => ({ path: p, format: 'parquet' as const }));
}

/**
 * A spool may belong to a writer that is still running: it appends to its open segment and replaces
 * JSON-lines segments with Parquet ones. Reading from hard links (or copies) taken now gives a
 * consistent view that the writer cannot pull away; a segment compacted while we look is retried.
 */
function snapshotSpool(spoolDir: string, scratchDir: string): Source[] {
  const metadata = existsSync(path.join(spoolDir, SPOOL_FILE))
    ? readSpoolState(spoolDir).metadata
    : undefined;
  const target = mkdtempSync(path.join(scratchDir, 'spool-'));
  for (let attempt = 0; ; attempt++) {
    try {
      return listSegments(spoolDir).flatMap((segment): Source[] => {
        const file = segment.parquet ?? segment.ndjson;
        if (!file || statSync(file).size === 0) return [];
        const copy = path.join(target, path.basename(file));
        rmSync(copy, { force: true });
        try {
          linkSync(file, copy);
        } catch {
          copyFileSync(file, copy);
        }
        return [{ path: copy, format: segment.parquet ? 'parquet' : 'ndjson', spoolMetadata: metadata }];
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
      rmSync(target, { recursive: true, force: true });
      mkdirSync(target);
    }
  }
}

/** Parquet files start and end with the magic bytes PAR1; checking them first gives the user a
 * precise message for the two commonest accidents (wrong file, truncated copy). */
function checkParquetMagic(file: string): void {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    if (size >= 8) readSync(fd, tail, 0, 4, size - 4);
    if (head.toString('latin1') !== 'PAR1') {
      throw new KstoryError(
        `${file}: not a Parquet file (${size === 0 ? 'it is empty' : 'no PAR1 header'})`,
        {
          hint: 'kstory reads bundles written by kstory record, import or simulate. To convert other artifacts, use kstory import.',
        },
      );
    }
    if (size < 12 || tail.toString('latin1') !== 'PAR1') {
      const spool = existsSync(`${file}.spool`)
        ? ` A spool is beside it: kstory bundle repair ${file}.spool`
        : '';
      throw new KstoryError(`${file}: truncated Parquet file (the footer is missing; ${size} bytes)`, {
        hint: `The file was cut short, e.g. by an interrupted copy or download; copy it again.${spool}`,
      });
    }
  } finally {
    closeSync(fd);
  }
}

async function inspectFile(db: Database, source: Source, warnings: string[]): Promise<BundleFile> {
  const bytes = statSync(source.path).size;
  if (source.format === 'ndjson') {
    return {
      path: source.path,
      format: 'ndjson',
      bytes,
      version: checkFormatVersion(source.spoolMetadata?.format_version ?? FORMAT_VERSION, source.path),
      metadata: source.spoolMetadata ?? defaultMetadata(),
      missingColumns: [],
    };
  }
  let keyValues: Row[];
  let described: Row[];
  try {
    keyValues = await db.all(
      `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${sqlString(source.path)})`,
    );
    described = await db.all(`DESCRIBE SELECT * FROM read_parquet(${sqlString(source.path)})`);
  } catch (error) {
    throw new KstoryError(`${source.path}: not a readable Parquet file (${firstLine(messageOf(error))})`, {
      hint: 'The file is damaged; copy it again from where it was written.',
    });
  }
  const present = new Set(described.map((d) => String(d.column_name)));
  const kv = new Map(keyValues.map((r) => [String(r.key), String(r.value)]));
  const missingRequired = REQUIRED_COLUMNS.filter((c) => !present.has(c));
  const versionText = kv.get(KV_FORMAT_VERSION) ?? source.spoolMetadata?.format_version;
  if (missingRequired.length > 0 || versionText === undefined) {
    const has = [...present].slice(0, 6).join(', ') + (present.size > 6 ? ', ...' : '');
    const why =
      missingRequired.length > 0
        ? `missing column${missingRequired.length > 1 ? 's' : ''} ${missingRequired.join(', ')}`
        : `no ${KV_FORMAT_VERSION} in its metadata`;
    throw new KstoryError(`${source.path}: a Parquet file, but not a kstory bundle (${why}; it has ${has})`, {
      hint: 'kstory reads bundles written by kstory record, import or simulate; see docs/bundle-format.md.',
    });
  }
  const version = checkFormatVersion(versionText, source.path);
  if (isNewerMinor(version)) {
    warnings.push(
      `${source.path}: bundle format ${versionText} is newer than ${FORMAT_VERSION}; columns this kstory does not know are ignored`,
    );
  }
  const metadataText = kv.get(KV_METADATA);
  const metadata = metadataText
    ? parseMetadataJson(metadataText, source.path)
    : (source.spoolMetadata ?? defaultMetadata());
  const wrongTypes = COLUMNS.filter((c) => ['source', 'ts'].includes(c.name)).filter((c) => {
    const type = String(described.find((d) => d.column_name === c.name)?.column_type ?? '');
    return c.name === 'ts' ? !type.startsWith('TIMESTAMP') : type !== 'VARCHAR';
  });
  if (wrongTypes.length > 0) {
    throw new KstoryError(
      `${source.path}: column ${wrongTypes.map((c) => c.name).join(', ')} has the wrong type for a kstory bundle`,
      {
        hint: 'See docs/bundle-format.md for the column types.',
      },
    );
  }
  return {
    path: source.path,
    format: 'parquet',
    bytes,
    version,
    metadata,
    missingColumns: COLUMNS.map((c) => c.name).filter((c) => !present.has(c)),
  };
}

function defaultMetadata(): BundleMetadata {
  return parseMetadataJson(
    JSON.stringify({
      format_version: FORMAT_VERSION,
      tool_version: 'unknown',
      created_at: new Date(0).toISOString(),
      producer: 'unknown',
    }),
    '(defaults)',
  );
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

function fileSelect(file: BundleFile): string {
  const missing = new Set(file.missingColumns);
  const columns = COLUMNS.map((c) =>
    missing.has(c.name) ? `CAST(NULL AS ${c.type}) AS "${c.name}"` : `"${c.name}"`,
  ).join(', ');
  if (file.format === 'ndjson') {
    // An open segment may end in a partial line while its writer is running: skip what does not parse.
    const select = COLUMNS.map((c) =>
      c.name === 'body' ? 'CAST(body AS VARCHAR) AS body' : `"${c.name}"`,
    ).join(', ');
    return `SELECT ${select} FROM read_json(${sqlString(file.path)}, format = 'newline_delimited', columns = ${readJsonColumnsLiteral()}, ignore_errors = true) WHERE source IS NOT NULL`;
  }
  return `SELECT ${columns} FROM read_parquet(${sqlString(file.path)})`;
}

async function createViews(db: Database, files: readonly BundleFile[]): Promise<void> {
  const uniform = files.every((f) => f.format === 'parquet' && f.missingColumns.length === 0);
  const columnList = COLUMNS.map((c) => `"${c.name}"`).join(', ');
  const all = uniform
    ? `SELECT ${columnList} FROM read_parquet([${files.map((f) => sqlString(f.path)).join(', ')}])`
    : files.map(fileSelect).join('\nUNION ALL\n');
  await db.run(`CREATE VIEW bundle AS ${all}`);
  await db.run(`CREATE VIEW objects AS SELECT * FROM bundle WHERE source = 'object'`);
  await db.run(`CREATE VIEW events AS SELECT * FROM bundle WHERE source = 'event'`);
  await db.run(`CREATE VIEW audit AS SELECT * FROM bundle WHERE source = 'audit'`);
  await db.run(`CREATE VIEW logs AS SELECT * FROM bundle WHERE source = 'log'`);
  await db.run(`CREATE VIEW metrics AS SELECT * FROM bundle WHERE source = 'metric'`);
  await db.run(`CREATE VIEW markers AS SELECT * FROM bundle WHERE source = 'marker'`);
  await db.run(`CREATE VIEW pods AS SELECT * FROM objects WHERE kind = 'Pod'`);
  // One row per container per pod version: the table most detection starts from.
  await db.run(`CREATE VIEW containers AS ${containersSql('pods')}`);
  await db.run(`CREATE VIEW memory_usage AS ${MEMORY_USAGE_SQL}`);
  await db.run(`CREATE VIEW cpu_throttling AS ${CPU_THROTTLING_SQL}`);
  await db.run(`CREATE VIEW services AS ${SERVICES_SQL}`);
  // What changed between successive versions of an object, and who changed it when the audit log
  // shows a write just before: the usual root causes (a new image, new config, a scale, a quota).
  await db.run(`CREATE VIEW changes AS ${CHANGES_SQL}`);
  await db.run(`CREATE VIEW conditions AS ${conditionsSql('objects')}`);
}

/** The `containers` view's query over `pods`, a relation of pod rows. */
export function containersSql(pods: string): string {
  return `SELECT ts, namespace, name AS pod, uid AS pod_uid, node, owner_kind, owner_name, owner_uid, phase, watch_event, resource_version, c.*
     FROM (SELECT *, unnest(containers) AS c FROM ${pods})`;
}

/** The `conditions` view's query over `objects`, a relation of object rows. */
export function conditionsSql(objects: string): string {
  return `SELECT ts, api_version, kind, namespace, name, uid, watch_event, resource_version, c.*
     FROM (SELECT *, unnest(conditions) AS c FROM ${objects})`;
}

const CHANGES_SQL = `
WITH versions AS (
  SELECT ts, api_version, kind, namespace, name, uid, watch_event, resource_version,
         CASE WHEN kind IN ('Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'CronJob', 'Job')
              THEN array_to_string(list_transform(containers, c -> c.name || '=' || coalesce(c.image, '?')), ', ') END AS images,
         -- Requests / limits per container, e.g. "app cpu 50m/- memory 128Mi/256Mi".
         CASE WHEN kind IN ('Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job')
              THEN array_to_string(list_transform(containers, c -> c.name
                || ' cpu ' || coalesce(c.cpu_request_m || 'm', '-') || '/' || coalesce(c.cpu_limit_m || 'm', '-')
                || ' memory ' || coalesce((c.memory_request_bytes // 1048576) || 'Mi', '-') || '/' || coalesce((c.memory_limit_bytes // 1048576) || 'Mi', '-')), ', ') END AS resources,
         CASE WHEN kind IN ('ConfigMap', 'Secret')
              THEN md5(coalesce(CAST(json_extract(body, '$.data') AS VARCHAR), '') || coalesce(CAST(json_extract(body, '$.binaryData') AS VARCHAR), '')) END AS data_hash,
         CASE WHEN kind IN ('ConfigMap', 'Secret') THEN coalesce(json_extract(body, '$.data'), '{}') END AS data_json,
         CASE WHEN kind IN ('Deployment', 'StatefulSet', 'ReplicaSet') THEN replicas_desired END AS replicas,
         CASE WHEN kind = 'ResourceQuota'
              THEN array_to_string(list_sort(list_transform(list_filter(map_entries(attrs), e -> starts_with(e.key, 'hard.')), e -> substr(e.key, 6) || '=' || e.value)), ', ') END AS quota
  FROM objects
  -- Only these kinds have a value compared below; deletions of any kind are listed at the end.
  WHERE kind IN ('Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'CronJob', 'Job', 'ConfigMap', 'Secret', 'ResourceQuota')
),
compared AS (
  SELECT *,
         lag(images) OVER w AS prev_images, lag(data_hash) OVER w AS prev_data_hash, lag(data_json) OVER w AS prev_data_json,
         lag(resources) OVER w AS prev_resources, lag(replicas) OVER w AS prev_replicas, lag(quota) OVER w AS prev_quota, lag(ts) OVER w AS prev_ts,
         list(images) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 2 PRECEDING) AS older_images
  FROM versions
  WINDOW w AS (PARTITION BY kind, namespace, name, uid ORDER BY ${VERSION_ORDER_SQL})
),
changed AS (
  -- Going back to images the workload ran before is a rollback, not a release.
  SELECT ts, api_version, kind, namespace, name, uid,
         CASE WHEN list_contains(older_images, images) THEN 'rollback' ELSE 'image' END AS change, prev_images AS old, images AS new
  FROM compared WHERE prev_images IS NOT NULL AND images IS DISTINCT FROM prev_images
  UNION ALL
  -- The keys whose values changed, with the values for ConfigMaps (Secret values are redacted anyway).
  SELECT ts, api_version, kind, namespace, name, uid, 'data',
         array_to_string(list_transform(changed_keys, k -> k || CASE WHEN kind = 'ConfigMap'
           THEN '=' || left(coalesce(json_extract_string(prev_data_json, '$."' || k || '"'), '(none)'), 60) ELSE '' END), ', '),
         array_to_string(list_transform(changed_keys, k -> k || CASE WHEN kind = 'ConfigMap'
           THEN '=' || left(coalesce(json_extract_string(data_json, '$."' || k || '"'), '(none)'), 60) ELSE '' END), ', ')
  FROM (
    SELECT *, list_sort(list_filter(list_distinct(list_concat(json_keys(data_json), json_keys(prev_data_json))),
                k -> json_extract(data_json, '$."' || k || '"') IS DISTINCT FROM json_extract(prev_data_json, '$."' || k || '"'))) AS changed_keys
    FROM compared WHERE prev_data_hash IS NOT NULL AND data_hash IS DISTINCT FROM prev_data_hash
  )
  UNION ALL
  -- A new image and new resources in one write are reported once, as the release.
  SELECT ts, api_version, kind, namespace, name, uid, 'resources', prev_resources, resources
  FROM compared WHERE prev_resources IS NOT NULL AND resources IS DISTINCT FROM prev_resources
    AND images IS NOT DISTINCT FROM prev_images
  UNION ALL
  SELECT ts, api_version, kind, namespace, name, uid, 'replicas', CAST(prev_replicas AS VARCHAR), CAST(replicas AS VARCHAR)
  FROM compared WHERE prev_replicas IS NOT NULL AND replicas IS DISTINCT FROM prev_replicas
  UNION ALL
  SELECT ts, api_version, kind, namespace, name, uid, 'quota', prev_quota, quota
  FROM compared WHERE prev_quota IS NOT NULL AND quota IS DISTINCT FROM prev_quota
  UNION ALL
  SELECT ts, api_version, kind, namespace, name, uid, 'deleted', NULL, NULL
  FROM objects WHERE watch_event = 'DELETED'
),
writes AS (
  SELECT ts, kind, coalesce(namespace, '') AS namespace, name, coalesce(audit_impersonated_user, audit_user) AS actor, audit_verb AS verb
  FROM audit
  WHERE audit_verb IN ('create', 'update', 'patch', 'delete') AND coalesce(audit_code, 200) < 400
    AND coalesce(audit_subresource, '') IN ('', 'scale') AND name IS NOT NULL
    -- Controllers and nodes write objects all the time as a consequence of changes; the author of a
    -- change is a person or a deployment tool.
    AND NOT (coalesce(audit_impersonated_user, audit_user) LIKE 'system:node:%'
      OR coalesce(audit_impersonated_user, audit_user) LIKE 'system:serviceaccount:kube-system:%'
      OR coalesce(audit_impersonated_user, audit_user) IN ('system:kube-controller-manager', 'system:kube-scheduler', 'system:apiserver'))
)
-- The write must be recent: an old create is not the author of today's change.
SELECT c.ts, c.api_version, c.kind, c.namespace, c.name, c.uid, c.change, c.old, c.new,
       CASE WHEN w.ts >= c.ts - INTERVAL 2 MINUTE THEN w.actor END AS actor,
       CASE WHEN w.ts >= c.ts - INTERVAL 2 MINUTE THEN w.verb END AS actor_verb,
       CASE WHEN w.ts >= c.ts - INTERVAL 2 MINUTE THEN w.ts END AS actor_ts
FROM changed c
ASOF LEFT JOIN writes w
  ON w.kind = c.kind AND w.namespace = coalesce(c.namespace, '') AND w.name = c.name AND w.ts <= c.ts + INTERVAL 5 SECOND
`;

/** Memory working set against the container's limit (from the pod spec or kube-state-metrics). */
const MEMORY_USAGE_SQL = `
WITH working_set AS (
  SELECT ts, namespace, name AS pod, container, node, metric_value AS working_set_bytes
  FROM metrics
  WHERE metric_name = 'container_memory_working_set_bytes' AND coalesce(container, '') NOT IN ('', 'POD')
),
limits AS (
  SELECT namespace, pod, name AS container, max(memory_limit_bytes)::DOUBLE AS limit_bytes
  FROM containers WHERE memory_limit_bytes > 0 GROUP BY ALL
  UNION ALL
  SELECT namespace, name, container, max(metric_value)
  FROM metrics
  WHERE metric_name = 'kube_pod_container_resource_limits' AND metric_labels['resource'] = 'memory' AND metric_value > 0
  GROUP BY ALL
)
SELECT w.ts, w.namespace, w.pod, w.container, w.node, w.working_set_bytes, l.limit_bytes,
       w.working_set_bytes / l.limit_bytes AS ratio
FROM working_set w
JOIN (SELECT namespace, pod, container, max(limit_bytes) AS limit_bytes FROM limits GROUP BY ALL) l
  ON l.namespace = w.namespace AND l.pod = w.pod AND l.container = w.container
`;

/** Share of CFS periods in which the container was throttled, between successive samples. */
const CPU_THROTTLING_SQL = `
WITH paired AS (
  SELECT ts, namespace, name AS pod, container, any_value(node) AS node,
         max(metric_value) FILTER (WHERE metric_name = 'container_cpu_cfs_throttled_periods_total') AS throttled,
         max(metric_value) FILTER (WHERE metric_name = 'container_cpu_cfs_periods_total') AS periods
  FROM metrics
  WHERE metric_name IN ('container_cpu_cfs_throttled_periods_total', 'container_cpu_cfs_periods_total')
    AND coalesce(container, '') NOT IN ('', 'POD')
  GROUP BY ts, namespace, name, container
),
deltas AS (
  SELECT *, throttled - lag(throttled) OVER w AS d_throttled, periods - lag(periods) OVER w AS d_periods
  FROM paired WINDOW w AS (PARTITION BY namespace, pod, container ORDER BY ts)
)
SELECT ts, namespace, pod, container, node, d_throttled / d_periods AS throttled_ratio, d_periods AS periods
FROM deltas WHERE d_periods > 0 AND d_throttled >= 0
`;

/** Each version of a Service or of its Endpoints, with how many pods its selector matches (at any
 * time in the bundle) and its ready and not-ready endpoints at that moment. */
const SERVICES_SQL = `
WITH service_versions AS (
  SELECT ts, namespace, name, uid, selector, attrs['type'] AS type FROM objects WHERE kind = 'Service'
),
pod_labels AS (SELECT DISTINCT namespace, name, labels FROM pods WHERE labels IS NOT NULL),
selectors AS (SELECT DISTINCT namespace, name, selector FROM service_versions WHERE cardinality(selector) > 0),
matches AS (
  SELECT s.namespace, s.name, count(DISTINCT p.name) AS matching_pods
  FROM selectors s
  LEFT JOIN pod_labels p
    ON p.namespace = s.namespace AND list_bool_and(list_transform(map_keys(s.selector), k -> p.labels[k] = s.selector[k]))
  GROUP BY ALL
),
endpoints AS (
  SELECT ts, namespace, name, TRY_CAST(attrs['ready_addresses'] AS INTEGER) AS ready,
         TRY_CAST(attrs['not_ready_addresses'] AS INTEGER) AS not_ready
  FROM objects WHERE kind = 'Endpoints'
),
timeline AS (
  SELECT ts, namespace, name FROM service_versions
  UNION SELECT ts, namespace, name FROM endpoints
)
SELECT t.ts, t.namespace, t.name, sv.uid, sv.selector, sv.type, coalesce(m.matching_pods, 0) AS matching_pods,
       e.ready AS ready_endpoints, e.not_ready AS not_ready_endpoints
FROM timeline t
ASOF JOIN service_versions sv ON sv.namespace = t.namespace AND sv.name = t.name AND sv.ts <= t.ts
ASOF LEFT JOIN endpoints e ON e.namespace = t.namespace AND e.name = t.name AND e.ts <= t.ts
LEFT JOIN matches m ON m.namespace = t.namespace AND m.name = t.name
`;
