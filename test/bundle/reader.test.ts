// The bundle reader: one clear error per kind of bad input, versions handled as documented, several
// files read as one, and a connection that can read nothing but the bundle.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS } from '../../src/bundle/columns.ts';
import { Database, sqlString } from '../../src/bundle/duckdb.ts';
import { BundleWriter } from '../../src/bundle/writer.ts';
import { KstoryError } from '../../src/errors.ts';
import { openBundle } from '../../src/views/open.ts';
import { aLogRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
let dir: string;
let good: string;

/** Write a Parquet file with DuckDB directly: the shapes kstory itself would never write. */
async function writeParquet(
  file: string,
  select: string,
  keyValues: Record<string, string> = {},
): Promise<void> {
  const db = await Database.open();
  try {
    const kv = Object.entries(keyValues)
      .map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`)
      .join(', ');
    await db.run(
      `COPY (${select}) TO ${sqlString(file)} (FORMAT parquet${kv ? `, KV_METADATA {${kv}}` : ''})`,
    );
  } finally {
    db.close();
  }
}

function metadataJson(formatVersion: string): string {
  return JSON.stringify({
    format_version: formatVersion,
    tool_version: '9.9.9',
    created_at: '2026-03-01T00:00:00Z',
    producer: 'test',
  });
}

/** A bundle-shaped SELECT: every column as kstory writes it, except those left out, plus extras. */
function bundleSelect(options: { omit?: string[]; extra?: string } = {}): string {
  const omit = new Set(options.omit ?? []);
  const columns = COLUMNS.filter((c) => !omit.has(c.name)).map((c) => {
    if (c.name === 'source') return `'log' AS source`;
    if (c.name === 'ts') return `TIMESTAMPTZ '2026-03-01 10:00:00+00' AS ts`;
    if (c.name === 'log_line') return `'hello' AS log_line`;
    return `CAST(NULL AS ${c.type}) AS "${c.name}"`;
  });
  return `SELECT ${[...columns, ...(options.extra ? [options.extra] : [])].join(', ')}`;
}

beforeAll(async () => {
  dir = tempDir();
  good = path.join(dir, 'good.parquet');
  const writer = await BundleWriter.create({ output: good, metadata: { producer: 'test' } });
  writer.append(aPodRow());
  writer.append(aLogRow());
  await writer.finish();
});

async function openError(paths: string[]): Promise<KstoryError> {
  try {
    (await openBundle(paths)).close();
  } catch (error) {
    expect(error).toBeInstanceOf(KstoryError);
    return error as KstoryError;
  }
  throw new Error(`expected openBundle(${paths.join(', ')}) to fail`);
}

describe('openBundle on bad input', () => {
  it('names a path that does not exist', async () => {
    const error = await openError([path.join(dir, 'missing.parquet')]);
    expect(error.message).toBe(`${path.join(dir, 'missing.parquet')}: no such file or directory`);
  });

  it('says when a file is not Parquet at all', async () => {
    const file = path.join(dir, 'notes.parquet');
    writeFileSync(file, 'apiVersion: v1\nkind: Pod\n');
    expect((await openError([file])).message).toBe(`${file}: not a Parquet file (no PAR1 header)`);
  });

  it('says when a file is empty', async () => {
    const file = path.join(dir, 'empty.parquet');
    writeFileSync(file, '');
    expect((await openError([file])).message).toBe(`${file}: not a Parquet file (it is empty)`);
  });

  it('says when a Parquet file was cut short', async () => {
    const file = path.join(dir, 'truncated.parquet');
    const bytes = readFileSync(good);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect((await openError([file])).message).toMatch(
      /truncated Parquet file \(the footer is missing; \d+ bytes\)/,
    );
  });

  it('says when a Parquet file is not a kstory bundle, naming the missing columns', async () => {
    const file = path.join(dir, 'other.parquet');
    await writeParquet(file, `SELECT 1 AS id, 'x' AS payload`);
    const error = await openError([file]);
    expect(error.message).toBe(
      `${file}: a Parquet file, but not a kstory bundle (missing columns source, ts, kind, namespace, name, body; it has id, payload)`,
    );
    expect(error.hint).toMatch(/docs\/bundle-format.md/);
  });

  it('refuses a bundle of a newer major format version, telling the user to upgrade', async () => {
    const file = path.join(dir, 'future.parquet');
    await writeParquet(file, bundleSelect(), {
      'kstory.format_version': '2.0',
      'kstory.metadata': metadataJson('2.0'),
    });
    const error = await openError([file]);
    expect(error.message).toBe(`${file}: bundle format 2.0 is newer than this kstory reads (format 1.x)`);
    expect(error.hint).toMatch(/Upgrade kstory/);
  });

  it('fails on the first bad file of several, naming it', async () => {
    const file = path.join(dir, 'text.parquet');
    writeFileSync(file, 'not parquet');
    expect((await openError([good, file])).message).toContain(file);
  });
});

describe('openBundle versions and inputs', () => {
  it('reads a bundle of an older minor version, the columns it lacks read as NULL', async () => {
    const file = path.join(dir, 'older.parquet');
    await writeParquet(file, bundleSelect({ omit: ['attrs', 'refs', 'event_uid'] }), {
      'kstory.format_version': '1.0',
      'kstory.metadata': metadataJson('1.0'),
    });
    const bundle = await openBundle([file]);
    try {
      expect(bundle.files[0]!.missingColumns).toEqual(
        ['event_uid', 'refs', 'attrs'].sort(
          (a, b) => COLUMNS.findIndex((c) => c.name === a) - COLUMNS.findIndex((c) => c.name === b),
        ),
      );
      expect(await bundle.query(`SELECT log_line, attrs, refs FROM logs`)).toEqual([
        { log_line: 'hello', attrs: null, refs: null },
      ]);
    } finally {
      bundle.close();
    }
  });

  it('reads a newer minor version, ignoring columns it does not know, with a warning', async () => {
    const file = path.join(dir, 'newer-minor.parquet');
    await writeParquet(file, bundleSelect({ extra: `42 AS shiny_new_column` }), {
      'kstory.format_version': '1.7',
      'kstory.metadata': metadataJson('1.7'),
    });
    const bundle = await openBundle([file]);
    try {
      expect(bundle.warnings[0]).toMatch(/format 1\.7 is newer than 1\.0/);
      expect(await bundle.query(`SELECT count(*)::INTEGER AS n FROM bundle`)).toEqual([{ n: 1 }]);
    } finally {
      bundle.close();
    }
  });

  it('reads several files and globs as one bundle, merging their metadata', async () => {
    const sub = path.join(dir, 'many');
    mkdirSync(sub);
    copyFileSync(good, path.join(sub, 'a.parquet'));
    copyFileSync(good, path.join(sub, 'b.parquet'));
    const bundle = await openBundle([path.join(sub, '*.parquet'), good]);
    try {
      expect(bundle.files).toHaveLength(3);
      expect(
        await bundle.query(
          `SELECT source, count(*)::INTEGER AS n FROM bundle GROUP BY source ORDER BY source`,
        ),
      ).toEqual([
        // Three copies: the log line (pod, container, time, text) and the object version (uid and
        // resourceVersion) are each one observation, read once.
        { source: 'log', n: 1 },
        { source: 'object', n: 1 },
      ]);
    } finally {
      bundle.close();
    }
    const directory = await openBundle([sub]);
    expect(directory.files).toHaveLength(2);
    directory.close();
  });

  it('reads the spool of a writer that is still running', async () => {
    const output = path.join(tempDir(), 'live.parquet');
    const writer = await BundleWriter.create({
      output,
      metadata: { producer: 'record' },
      segmentMaxBytes: 2_000,
    });
    for (let i = 0; i < 20; i++) writer.append(aLogRow({ name: `pod-${i}` }));
    writer.flush();
    const bundle = await openBundle([writer.spoolDir]);
    try {
      expect(await bundle.query(`SELECT count(*)::INTEGER AS n FROM logs`)).toEqual([{ n: 20 }]);
      expect(bundle.metadata.producer).toBe('record');
    } finally {
      bundle.close();
    }
    // Read twice (two snapshots of its JSON lines, which have no row numbers): each line once.
    const twice = await openBundle([writer.spoolDir, writer.spoolDir]);
    try {
      expect(await twice.query(`SELECT count(*)::INTEGER AS n FROM logs`)).toEqual([{ n: 20 }]);
    } finally {
      twice.close();
    }
    await writer.finish();
  });

  it('cannot read or write any other file from the bundle connection', async () => {
    const secret = path.join(tempDir(), 'secret.csv');
    writeFileSync(secret, 'token\nhunter2\n');
    const bundle = await openBundle([good]);
    try {
      await expect(bundle.query(`SELECT * FROM read_csv(${sqlString(secret)})`)).rejects.toThrow(
        /Permission Error|disabled/i,
      );
      await expect(bundle.query(`COPY (SELECT 1) TO ${sqlString(path.join(dir, 'x.csv'))}`)).rejects.toThrow(
        /Permission Error|disabled/i,
      );
      await expect(bundle.query(`SET enable_external_access = true`)).rejects.toThrow(/locked/i);
    } finally {
      bundle.close();
    }
  });
});
