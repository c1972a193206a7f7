// The columns of every view, read from DuckDB's catalog (what DESCRIBE shows) once, when this module
// loads: the views are created over an empty table with the bundle's columns, so that their columns
// are exactly what their SQL produces, never a list kept by hand. Pattern loading checks signals against them synchronously.

import path from 'node:path';
import { COLUMNS, type Source, sourceColumns } from '../bundle/columns.ts';
import { Database, DUCKDB_VERSION, listValue } from '../bundle/duckdb.ts';
import { keyOf, readCompiled, writeCompiled } from '../vocab/compiled-file.ts';
import { createViews } from './create.ts';
import { type SignalView, VIEWS, type ViewName, viewNamed } from './registry.ts';
import type { SignalSpec, ViewDefinition } from './view.ts';

export interface ViewColumn {
  name: string;
  /** DuckDB type, e.g. `VARCHAR`, `MAP(VARCHAR, VARCHAR)`. */
  type: string;
}

/** Each view's columns, in order, as DuckDB describes them over an empty bundle. */
async function describeViews(views: readonly ViewDefinition[] = VIEWS): Promise<Map<string, ViewColumn[]>> {
  const db = await Database.open({ memoryLimit: '64MB', threads: 1 });
  try {
    await db.run(`CREATE TABLE bundle (${COLUMNS.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
    await createViews(db, views);
    // What DESCRIBE says of each view, in one question to the catalog rather than one per view.
    const rows = await db.all<{ view: string; name: string; type: string }>(
      `SELECT table_name AS view, column_name AS name, data_type AS type FROM duckdb_columns()
       WHERE database_name = 'memory' AND schema_name = 'main' AND table_name IN (SELECT unnest(?::VARCHAR[]))
       ORDER BY table_name, column_index`,
      [listValue(views.map((v) => v.name))],
    );
    const described = new Map<string, ViewColumn[]>(views.map((v) => [v.name, []]));
    for (const { view, name, type } of rows) described.get(view)!.push({ name, type });
    return described;
  } finally {
    db.close();
  }
}

/**
 * The columns as the build described them beside this module (compileViewColumns), while the views'
 * SQL, the bundle's columns and DuckDB are those they were described with: otherwise described at
 * start, which takes a DuckDB instance of its own and a statement per view (0.08 CPU-seconds).
 */
const DESCRIBED_FILE = path.join(import.meta.dirname, 'view-columns.json');

function describedKey(): string {
  return keyOf([
    DUCKDB_VERSION,
    ...COLUMNS.flatMap((c) => [c.name, c.type]),
    ...VIEWS.flatMap((v) => [v.name, v.create]),
  ]);
}

/** Describes the views into DESCRIBED_FILE: part of `npm run build`. */
export async function compileViewColumns(): Promise<void> {
  writeCompiled(DESCRIBED_FILE, describedKey(), [...(await describeViews())]);
}

const DESCRIBED = new Map(
  readCompiled<[string, ViewColumn[]][]>(DESCRIBED_FILE, describedKey()) ?? (await describeViews()),
);

/** A view's columns, in order. */
export function viewColumns(view: ViewName): readonly ViewColumn[] {
  return DESCRIBED.get(view)!;
}

/** The columns of a view a pattern may name: all of them, but for a source's rows (and views with
 * the same columns) those of that source and the common ones; naming another source's column,
 * always null there, is a mistake reported when the pattern loads. */
export function patternColumns(view: ViewName): readonly string[] {
  const definition = viewNamed(view)!;
  const docs = definition.columns;
  if (docs.kind === 'as') return patternColumns(docs.view as ViewName);
  const described = viewColumns(view).map((c) => c.name);
  if (docs.kind === 'list') return described;
  const own = new Set(sourceColumns(docs.source).map((c) => c.name));
  return described.filter((c) => own.has(c));
}

/** What the pattern compiler needs of a view a signal reads. */
export interface SignalViewInfo extends SignalSpec {
  name: SignalView;
  source: Source;
  /** The columns a pattern may name (patternColumns). */
  columns: ReadonlySet<string>;
}

const SIGNAL_INFO = new Map<string, SignalViewInfo>();
for (const view of VIEWS) {
  if (!view.signal) continue;
  SIGNAL_INFO.set(view.name, {
    ...view.signal,
    name: view.name as SignalView,
    source: view.source,
    columns: new Set(patternColumns(view.name)),
  });
}

export function signalView(view: SignalView): SignalViewInfo {
  return SIGNAL_INFO.get(view)!;
}
