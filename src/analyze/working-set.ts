// The rows analysis reads, loaded once into DuckDB's memory. A bundle's views read its Parquet files
// on every query, and the derived views (unnested containers and conditions, changes, services,
// metric ratios) repeat their unnesting, joins and window functions each time; detection asks them
// well over a hundred questions. Loading each view once into a table of the same name, without the
// JSON bodies nothing here reads, makes every later question a scan of a small in-memory table.
// The tables live in the instance's catalog, not in one connection's temporary schema, so that
// several connections can ask questions in parallel (parallel.ts).

import { type Source, sourceColumns } from '../bundle/columns.ts';
import type { Database } from '../bundle/duckdb.ts';
import type { Bundle } from '../bundle/reader.ts';
import { CHANGES_BODY } from '../views/changes.ts';
import { creationOrder } from '../views/create.ts';
import { EVENTS_BODY } from '../views/events.ts';
import { viewQuery } from '../views/view.ts';
import { onConnections } from './parallel.ts';

/**
 * Object kinds whose bodies analysis still reads: ConfigMap and Secret data for the `changes` view
 * (which keys changed), the resources an Argo CD Application manages and the subjects of RBAC bindings
 * (relations.ts), and what RBAC objects grant (`changes`). They are few;
 * the Pods, whose bodies are most of a bundle, are read through their typed columns only. Of other
 * workloads and custom objects, only what `changes` reads is kept (CHANGES_BODY).
 */
const KINDS_WITH_BODY = [
  'ConfigMap',
  'Secret',
  'Application',
  // What RBAC objects grant: their changes, and whom a binding binds (relations.ts).
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
];

const everything = (from: string) => `SELECT * FROM ${from}`;

/**
 * Each view with the loaded views it reads: it is loaded after them, so that it reads their tables,
 * and as soon as they are there, alongside the others. `metrics` and `logs` stay views: they are most of a
 * bundle's rows, and only a few signals read them, through filters DuckDB pushes into the Parquet scan.
 */
const LOADS: readonly { view: string; after: readonly string[]; select: (from: string) => string }[] = [
  // Containers and conditions are unnested straight from the bundle (see their SQL): the objects
  // table then need not hold them (it keeps the containers of workloads, whose images and resources
  // `changes` compares).
  { view: 'containers', after: [], select: everything },
  { view: 'conditions', after: [], select: everything },
  {
    view: 'objects',
    after: [],
    select: ownColumns('object', {
      body: `CASE WHEN kind IN (${KINDS_WITH_BODY.map((k) => `'${k}'`).join(', ')}) THEN body ELSE ${CHANGES_BODY.object} END`,
      containers: `CASE WHEN kind <> 'Pod' THEN containers END`,
      conditions: 'NULL',
    }),
  },
  // Of an Event's body, only an init container's fieldPath (the events view's `init`).
  { view: 'events', after: [], select: ownColumns('event', { body: EVENTS_BODY }) },
  // Writes that admission refused keep their bodies: the answer's message and the refused object's
  // owner are in them (the audit view's virtual fields). Reads that found nothing (404) and writes
  // that lost a race (409), the bulk of any audit log's failures, do not. People's scales, restarts
  // and patches of custom objects keep what `changes` reads of them.
  {
    view: 'audit',
    after: [],
    select: ownColumns('audit', {
      body: `CASE WHEN audit_code >= 400 AND audit_code NOT IN (404, 409)
        AND audit_verb IN ('create', 'update', 'patch', 'delete', 'deletecollection') THEN body
        ELSE ${CHANGES_BODY.audit} END`,
    }),
  },
  { view: 'cpu_throttling', after: [], select: everything },
  { view: 'services', after: ['objects', 'conditions'], select: everything },
  { view: 'changes', after: ['objects', 'audit'], select: everything },
  { view: 'memory_usage', after: ['containers'], select: everything },
];

/** The views loadWorkingSet turns into in-memory tables. */
export const LOADED_VIEWS: ReadonlySet<string> = new Set(LOADS.map((load) => load.view));

/**
 * The rows of a source's view (`from`) with the columns of that source and the common ones: the
 * only columns patterns may name on it (see patternColumns in src/views/catalogue.ts), and the only
 * ones decoded from the bundle. `replace` gives other expressions for some of them.
 */
function ownColumns(source: Source, replace: Record<string, string> = {}): (from: string) => string {
  const columns = sourceColumns(source).map((c) =>
    c.name in replace ? `CAST(${replace[c.name]} AS ${c.type}) AS "${c.name}"` : `"${c.name}"`,
  );
  return (from) => `SELECT ${columns.join(', ')} FROM ${from}`;
}

export interface WorkingSetOptions {
  /** Called once the loading statements run in DuckDB's threads: JavaScript work done from then on
   * (reading the pattern catalogue) overlaps them. */
  started?: () => void;
  /** Stops the loading (each running statement is interrupted), which then fails. */
  signal?: AbortSignal;
}

/**
 * Replace the views analysis reads by in-memory tables of the same name and columns. Bodies are kept
 * only where analysis reads them (see KINDS_WITH_BODY); elsewhere `body` is NULL, so a bundle
 * prepared this way is for analysis, not for extracting objects. Safe to call twice.
 */
export async function loadWorkingSet(bundle: Bundle, options: WorkingSetOptions = {}): Promise<void> {
  const tables = await bundle.query<{ table_name: string }>(
    `SELECT table_name FROM duckdb_tables() WHERE database_name = 'memory' AND schema_name = 'main'`,
  );
  const loaded = new Set(tables.map((t) => t.table_name));
  const waiting = LOADS.filter(({ view }) => !loaded.has(view));
  if (waiting.length === 0) options.started?.();
  await onConnections(
    bundle,
    waiting,
    async (connection, { view, select }) => {
      options.signal?.throwIfAborted();
      const interrupt = () => connection.db.interrupt();
      options.signal?.addEventListener('abort', interrupt);
      try {
        const staging = `kstory_loading_${view}`;
        const creating = connection.db.run(`CREATE TABLE memory.main.${staging} AS ${select(view)}`);
        options.started?.();
        await creating;
        await connection.db.run(`DROP VIEW memory.main.${view}`);
        await connection.db.run(`ALTER TABLE memory.main.${staging} RENAME TO ${view}`);
      } finally {
        options.signal?.removeEventListener('abort', interrupt);
      }
      loaded.add(view);
    },
    { ready: ({ after }) => after.every((v) => loaded.has(v)) },
  );
}

/**
 * The relations analysis reads, created over a database that has a `bundle` relation and nothing
 * else: the views of the registry, those loadWorkingSet loads created as its tables at once, each
 * from its view's query. The same relations as createViews then loadWorkingSet, with each loaded
 * view bound once instead of twice (created, then loaded) and no view dropped and table renamed:
 * statements that are a fair share of the work on a small bundle (kstory labels over a corpus).
 */
export async function createWorkingSet(db: Database): Promise<void> {
  const loads = new Map(LOADS.map((load) => [load.view, load]));
  for (const view of creationOrder()) {
    const load = loads.get(view.name);
    if (!load) await db.run(view.create);
    // The query on lines of its own: a view's SQL may end in a comment.
    else
      await db.run(
        `CREATE TABLE memory.main.${view.name} AS ${load.select(`(\n${viewQuery(view)}\n) AS ${view.name}`)}`,
      );
  }
}
