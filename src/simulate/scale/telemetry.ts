// The container logs and metric scrapes of a scaled bundle, nine rows in ten of it: routine lines of
// every pod spread over the range, then kube-state-metrics and cAdvisor series scraped evenly with
// what is left of the budget. Built in DuckDB SQL and handed to the bundle writer as queries
// (BundleWriter.addSqlRows), in chunks that each become a sorted segment: at 100M records, making
// them as JavaScript rows through the spool took two CPU-hours.

import type { Database } from '../../bundle/duckdb.ts';
import { sqlString } from '../../bundle/duckdb.ts';
import type { SourceStats } from '../../bundle/final-bundle.ts';
import { formatColumns, type SqlRows } from '../../bundle/sql-rows.ts';
import { PATHS } from '../logs/app-logs.ts';

/** A pod of the scaled cluster and the Deployment it belongs to. */
export interface ScalePod {
  d: { namespace: string };
  p: { name: string; uid: string; node: string };
}

/** What takes rows built in SQL: the bundle writer. */
export interface SqlRowsTarget {
  sqlConnection(): Promise<Database>;
  addSqlRows(rows: SqlRows): void;
}

export interface Telemetry {
  pods: ScalePod[];
  nodeNames: string[];
  start: number;
  end: number;
  logBudget: number;
  /** The whole bundle's target, and the rows written before the logs: the last scrape is cut where
   * the target is reached. */
  records: number;
  rowsBefore: number;
  /** Salt of the pseudo-random draws (from the seed), so that each seed gives other values. */
  salt: number;
}

/** Rows per query, and so per sorted segment: what one sort holds in memory at a time. */
const CHUNK_ROWS = 2_000_000;
/** About the size of a row as a spool line, which decides the final sort (see final-bundle.ts). */
const LOG_LINE_BYTES = 420;
const METRIC_LINE_BYTES = 380;

const PODS = 'scale_pods';
const NODES = 'scale_nodes';

/** Adds the logs and metrics as queries of the target; gives their rows. */
export async function addTelemetry(target: SqlRowsTarget, t: Telemetry): Promise<number> {
  const db = await target.sqlConnection();
  await db.run(
    `CREATE OR REPLACE TABLE ${PODS} (pi INTEGER, namespace VARCHAR, pod VARCHAR, uid VARCHAR, node VARCHAR)`,
  );
  const pods = await db.connection.createAppender(PODS);
  t.pods.forEach(({ d, p }, i) => {
    pods.appendInteger(i);
    pods.appendVarchar(d.namespace);
    pods.appendVarchar(p.name);
    pods.appendVarchar(p.uid);
    pods.appendVarchar(p.node);
    pods.endRow();
  });
  pods.closeSync();
  await db.run(`CREATE OR REPLACE TABLE ${NODES} (ni INTEGER, node VARCHAR)`);
  const nodes = await db.connection.createAppender(NODES);
  t.nodeNames.forEach((name, i) => {
    nodes.appendInteger(i);
    nodes.appendVarchar(name);
    nodes.endRow();
  });
  nodes.closeSync();

  const queries: { select: string; source: 'log' | 'metric'; rows: number; first: number; last: number }[] =
    [];
  const P = t.pods.length;
  const N = t.nodeNames.length;
  const span = t.end - t.start;

  // Logs: linesPerPod lines of each pod, line i at a random time within the i-th step of the range.
  const linesPerPod = Math.max(1, Math.floor(t.logBudget / P));
  const step = span / linesPerPod;
  const podsPerChunk = Math.max(1, Math.floor(CHUNK_ROWS / linesPerPod));
  for (let from = 0; from < P; from += podsPerChunk) {
    const to = Math.min(P, from + podsPerChunk);
    queries.push({
      select: logsSql(from, to, linesPerPod, t.start, step, t.salt),
      source: 'log',
      rows: (to - from) * linesPerPod,
      first: t.start,
      last: t.end - 1,
    });
  }
  const logRows = P * linesPerPod;

  // Metrics: what is left of the budget, in evenly spaced scrapes of every node and pod.
  const perScrape = P * 5 + N * 2;
  const left = Math.max(0, t.records - t.rowsBefore - logRows);
  const scrapes = Math.max(1, Math.ceil(left / perScrape));
  const interval = span / scrapes;
  // The last scrape is cut where the records run out (one still in progress when the window ends):
  // its nodes are all there, then the pods until the target is reached.
  const beforeLast = t.rowsBefore + logRows + (scrapes - 1) * perScrape + 2 * N;
  const lastPods = Math.min(P, Math.max(0, Math.ceil((t.records - beforeLast) / 5)));
  const scrapesPerChunk = Math.max(1, Math.floor(CHUNK_ROWS / perScrape));
  let metricRows = 0;
  for (let from = 0; from < scrapes; from += scrapesPerChunk) {
    const to = Math.min(scrapes, from + scrapesPerChunk);
    const rows = (to - from) * 2 * N + (to - from) * 5 * P - (to === scrapes ? 5 * (P - lastPods) : 0);
    metricRows += rows;
    queries.push({
      select: metricsSql(from, to, scrapes, lastPods, t.start, interval, t.salt),
      source: 'metric',
      rows,
      first: t.start + Math.floor(from * interval),
      last: t.start + Math.floor((to - 1) * interval),
    });
  }

  let disposed = false;
  const dispose = async () => {
    // One connection and two tables for every query: dropped once, with the last of them.
    if (disposed) return;
    disposed = true;
    await db.run(`DROP TABLE IF EXISTS ${PODS}`);
    await db.run(`DROP TABLE IF EXISTS ${NODES}`);
    db.close();
  };
  let pending = queries.length;
  for (const q of queries) {
    target.addSqlRows({
      select: q.select,
      stats: [statsOf(q.source, q.rows, q.first, q.last)],
      bytes: q.rows * (q.source === 'log' ? LOG_LINE_BYTES : METRIC_LINE_BYTES),
      dispose: async () => {
        if (--pending === 0) await dispose();
      },
    });
  }
  if (queries.length === 0) await dispose();
  return logRows + metricRows;
}

function statsOf(source: string, n: number, first: number, last: number): SourceStats {
  const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');
  return { source, n, first: iso(first), last: iso(last) };
}

/** A uniform draw in [0, 1) from the salt and a row's coordinates: the same on every run. */
function uniform(salt: number, ...keys: string[]): string {
  return `((hash(${salt}, ${keys.join(', ')}) >> 11)::DOUBLE / 9007199254740992.0)`;
}

/** An integer draw in [min, max], as Rng.int gives. */
function int(min: number, max: number, salt: number, ...keys: string[]): string {
  return `(${min} + floor(${uniform(salt, ...keys)} * ${max - min + 1})::BIGINT)`;
}

/** Epoch milliseconds as a TIMESTAMPTZ, exactly. */
function msToTs(ms: string): string {
  return `make_timestamp((${ms})::BIGINT * 1000)::TIMESTAMPTZ`;
}

/** A web application's routine access lines (routineLine of app-logs.ts: 1 % 500s, 3 % 404s). */
function logsSql(
  from: number,
  to: number,
  linesPerPod: number,
  start: number,
  step: number,
  salt: number,
): string {
  const u = (k: number) => uniform(salt, 'p.pi', 'i', String(k));
  const status = `CASE WHEN ${u(1)} < 0.01 THEN 500 WHEN ${u(2)} < 0.03 THEN 404 ELSE 200 END`;
  const path = `([${PATHS.map(sqlString).join(', ')}])[floor(${u(3)} * ${PATHS.length})::INTEGER + 1]`;
  const line =
    `'{"level":"info","msg":"request completed","method":"' || CASE WHEN ${u(4)} < 0.8 THEN 'GET' ELSE 'POST' END ` +
    `|| '","path":"' || ${path} || '","status":' || ${status} || ',"duration_ms":' || ${int(2, 180, salt, 'p.pi', 'i', '5')} || '}'`;
  return `SELECT ${formatColumns({
    source: `'log'`,
    ts: msToTs(`${start} + floor(i * ${step} + ${u(0)} * ${step})`),
    api_version: `'v1'`,
    kind: `'Pod'`,
    namespace: 'p.namespace',
    name: 'p.pod',
    uid: 'p.uid',
    container: `'app'`,
    node: 'p.node',
    origin: `'simulate'`,
    log_stream: `'stdout'`,
    log_previous: 'false',
    log_line: line,
  })} FROM ${PODS} p, range(${linesPerPod}) r(i) WHERE p.pi >= ${from} AND p.pi < ${to}`;
}

/**
 * Scrapes [from, to): per node its Ready condition and unschedulable flag; per pod its phase, the
 * readiness and restarts of its container, and cAdvisor's working set and CPU counter.
 */
function metricsSql(
  from: number,
  to: number,
  scrapes: number,
  lastPods: number,
  start: number,
  interval: number,
  salt: number,
): string {
  const ts = msToTs(`${start} + floor(s * ${interval})`);
  const common = { source: `'metric'`, ts, origin: `'simulate'` };
  const nodeRows = (metric: string, labels: string, value: string) =>
    `SELECT ${formatColumns({
      ...common,
      kind: `'Node'`,
      name: 'n.node',
      node: 'n.node',
      metric_name: sqlString(metric),
      metric_labels: labels,
      metric_value: value,
    })} FROM ${NODES} n, range(${from}, ${to}) r(s)`;
  const pods = `${PODS} p, range(${from}, ${to}) r(s) WHERE s < ${scrapes - 1} OR p.pi < ${lastPods}`;
  const podRow = (metric: string, labels: string, value: string, extra: Record<string, string>) =>
    `SELECT ${formatColumns({
      ...common,
      kind: `'Pod'`,
      namespace: 'p.namespace',
      name: 'p.pod',
      metric_name: sqlString(metric),
      metric_labels: labels,
      metric_value: value,
      ...extra,
    })} FROM ${pods}`;
  const base = `'namespace': p.namespace, 'pod': p.pod, 'uid': p.uid`;
  const id = `replace(p.uid, '-', '')`;
  const cad =
    `'container': 'app', 'id': '/kubepods/burstable/pod' || p.uid || '/' || ${id}, ` +
    `'image': 'registry.example.com/app:1.0.0', 'name': ${id}, 'namespace': p.namespace, 'pod': p.pod`;
  // A counter: each scrape adds the interval times 0.035-0.065 cores, so it only ever grows.
  const seconds = interval / 1000;
  const cpu = `round(${seconds} * (0.05 * (s + 1) + 0.015 * (2 * ${uniform(salt, 'p.pi', 's', '1')} - 1)), 6)`;
  const memory = `round(${120 * 2 ** 20} * (1 + (2 * ${uniform(salt, 'p.pi', 's', '2')} - 1) * 0.1))`;
  return [
    nodeRows(
      'kube_node_status_condition',
      `MAP {'node': n.node, 'condition': 'Ready', 'status': 'true'}`,
      '1',
    ),
    nodeRows('kube_node_spec_unschedulable', `MAP {'node': n.node}`, '0'),
    podRow('kube_pod_status_phase', `MAP {${base}, 'phase': 'Running'}`, '1', { uid: 'p.uid' }),
    podRow('kube_pod_container_status_ready', `MAP {${base}, 'container': 'app'}`, '1', {
      uid: 'p.uid',
      container: `'app'`,
    }),
    podRow('kube_pod_container_status_restarts_total', `MAP {${base}, 'container': 'app'}`, '0', {
      uid: 'p.uid',
      container: `'app'`,
    }),
    podRow('container_memory_working_set_bytes', `MAP {${cad}}`, memory, { container: `'app'` }),
    podRow('container_cpu_usage_seconds_total', `MAP {${cad}, 'cpu': 'total'}`, cpu, { container: `'app'` }),
  ].join(' UNION ALL ');
}
