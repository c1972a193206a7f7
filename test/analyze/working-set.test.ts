// The relations analysis reads, created at once as a batch of bundles creates them (the loaded views
// made tables straight from their queries), are those of the views created then loaded: the same
// tables and views, columns and rows. A loading told to stop leaves the bundle readable, and loadable.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkingSet, loadWorkingSet } from '../../src/analyze/working-set.ts';
import { BatchReader } from '../../src/bundle/batch-reader.ts';
import type { Bundle } from '../../src/bundle/reader.ts';
import { openBundle } from '../../src/views/open.ts';
import { ROOT } from '../support/cli.ts';

const FIXTURE = path.join(ROOT, 'fixtures', 'bad-config-rollout.parquet');

interface Relations {
  relations: { name: string; type: string }[];
  columns: { relation: string; name: string; type: string }[];
  rows: Record<string, string>;
}

/** Every relation of the database, its columns, and a digest of each table's rows in a stable order
 * (the views are the same statements over them). */
async function relationsOf(bundle: Bundle): Promise<Relations> {
  const relations = await bundle.query<{ name: string; type: string }>(
    `SELECT view_name AS name, 'VIEW' AS type FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'
     UNION ALL SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY name`,
  );
  const columns = await bundle.query<{ relation: string; name: string; type: string }>(
    `SELECT table_name AS relation, column_name AS name, data_type AS type FROM duckdb_columns()
     WHERE schema_name = 'main' ORDER BY table_name, column_index`,
  );
  const rows: Record<string, string> = {};
  for (const { name } of relations.filter((r) => r.type === 'TABLE')) {
    const [digest] = await bundle.query<{ n: number; md5: string }>(
      `SELECT count(*)::DOUBLE AS n, md5(coalesce(string_agg(r, '\n' ORDER BY r), '')) AS md5
       FROM (SELECT CAST(t AS VARCHAR) AS r FROM "${name}" AS t)`,
    );
    rows[name] = `${digest!.n} ${digest!.md5}`;
  }
  return { relations, columns, rows };
}

let viewsThenLoaded: Relations;
let createdAtOnce: Relations;
let reader: BatchReader;

beforeAll(async () => {
  const bundle = await openBundle([FIXTURE]);
  try {
    await loadWorkingSet(bundle);
    viewsThenLoaded = await relationsOf(bundle);
  } finally {
    bundle.close();
  }
  reader = await BatchReader.open([FIXTURE], { prepare: createWorkingSet });
  createdAtOnce = await reader.read(FIXTURE, async (bundle) => {
    // Already loaded: loading again changes nothing.
    await loadWorkingSet(bundle);
    return relationsOf(bundle);
  });
});

afterAll(() => reader?.close());

describe('the working set created at once', () => {
  it('has the tables and views of the views created then loaded, with their columns', () => {
    expect(createdAtOnce.relations.filter((r) => r.type === 'TABLE').length).toBeGreaterThan(5);
    expect(createdAtOnce.relations).toEqual(viewsThenLoaded.relations);
    expect(createdAtOnce.columns).toEqual(viewsThenLoaded.columns);
  });

  it('holds the same rows in every relation', () => {
    expect(Object.values(createdAtOnce.rows).some((r) => !r.startsWith('0 '))).toBe(true);
    expect(createdAtOnce.rows).toEqual(viewsThenLoaded.rows);
  });
});

describe('a loading told to stop', () => {
  it('fails, leaves every relation readable, and a later loading gives the same working set', async () => {
    const bundle = await openBundle([FIXTURE]);
    try {
      const stop = new AbortController();
      await expect(
        loadWorkingSet(bundle, { started: () => stop.abort(), signal: stop.signal }),
      ).rejects.toThrow();
      const [objects] = await bundle.query<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM objects');
      expect(objects!.n).toBeGreaterThan(0);
      await loadWorkingSet(bundle);
      expect(await relationsOf(bundle)).toEqual(viewsThenLoaded);
    } finally {
      bundle.close();
    }
  });
});
