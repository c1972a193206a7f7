// The bundle writer: what goes in comes out typed, sorted and described; the spool is flushed on
// time and survives an unfinished writer.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SORT_ORDER } from '../../src/bundle/columns.ts';
import { Database, sqlString } from '../../src/bundle/duckdb.ts';
import { finishSpool } from '../../src/bundle/repair.ts';
import { BundleWriter } from '../../src/bundle/writer.ts';
import { KstoryError } from '../../src/errors.ts';
import { openBundle } from '../../src/views/open.ts';
import { aLogRow, aMetricRow, aPodRow, numberedRows } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

describe('BundleWriter', () => {
  it('round-trips typed columns, nested containers and conditions, and the body', async () => {
    const output = path.join(tempDir(), 'b.parquet');
    const writer = await BundleWriter.create({
      output,
      metadata: { producer: 'test', cluster: { name: 'prod-eu', server_version: 'v1.30.2' } },
    });
    writer.append(aPodRow());
    writer.append(aLogRow());
    writer.append(aMetricRow({ metric_value: Number.NaN }));
    const result = await writer.finish();
    expect(result.rows).toBe(3);
    expect(result.rowsBySource).toEqual({ object: 1, log: 1, metric: 1 });
    expect(existsSync(`${output}.spool`)).toBe(false);

    const bundle = await openBundle([output]);
    try {
      const [container] = await bundle.query(
        `SELECT pod, restart_count, reason, last_reason, last_exit_code, memory_limit_bytes,
                strftime(last_finished_at, '%Y-%m-%dT%H:%M:%SZ') AS last_finished_at, "init"
         FROM containers`,
      );
      expect(container).toEqual({
        pod: 'checkout-7d9f8-abcde',
        restart_count: 3,
        reason: 'CrashLoopBackOff',
        last_reason: 'OOMKilled',
        last_exit_code: 137,
        memory_limit_bytes: '268435456',
        last_finished_at: '2026-03-01T10:42:00Z',
        init: false,
      });
      const [pod] = await bundle.query(
        `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ') AS ts, labels['app'] AS app, body->>'$.metadata.name' AS body_name FROM pods`,
      );
      expect(pod).toEqual({
        ts: '2026-03-01T10:42:13.123456Z',
        app: 'checkout',
        body_name: 'checkout-7d9f8-abcde',
      });
      const [condition] = await bundle.query(`SELECT type, status, reason FROM conditions`);
      expect(condition).toEqual({ type: 'Ready', status: 'False', reason: 'ContainersNotReady' });
      const [log] = await bundle.query(`SELECT log_line, log_previous, container FROM logs`);
      expect(log).toMatchObject({ log_previous: true, container: 'app' });
      const [metric] = await bundle.query(`SELECT isnan(metric_value) AS nan FROM metrics`);
      expect(metric).toEqual({ nan: true });
      expect(bundle.metadata.cluster).toEqual({ name: 'prod-eu', server_version: 'v1.30.2' });
      expect(bundle.metadata.window.start).toBe('2026-03-01T10:41:59.500000Z');
      expect(bundle.metadata.sources).toEqual(['log', 'metric', 'object']);
    } finally {
      bundle.close();
    }
  });

  it('writes zstd Parquet sorted by subject and time, with the metadata in the footer', async () => {
    const output = path.join(tempDir(), 'sorted.parquet');
    const writer = await BundleWriter.create({ output, metadata: { producer: 'test' } });
    // Appended newest first and interleaved across pods.
    for (let i = 9; i >= 0; i--) {
      for (const pod of ['b', 'a'])
        writer.append(aPodRow({ name: pod, uid: pod, ts: `2026-03-01T10:00:0${i}Z` }));
    }
    await writer.finish();
    const db = await Database.open();
    try {
      const rows = await db.all<{ name: string; second: number }>(
        `SELECT name, second(ts) AS second FROM read_parquet(${sqlString(output)})`,
      );
      const expected = ['a', 'b'].flatMap((name) =>
        Array.from({ length: 10 }, (_, second) => ({ name, second })),
      );
      expect(rows.map((r) => ({ name: r.name, second: Number(r.second) }))).toEqual(expected);
      const codecs = await db.all<{ codec: string }>(
        `SELECT DISTINCT compression AS codec FROM parquet_metadata(${sqlString(output)})`,
      );
      expect(codecs.map((c) => c.codec)).toEqual(['ZSTD']);
      const kv = await db.all<{ key: string; value: string }>(
        `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${sqlString(output)})`,
      );
      const map = new Map(kv.map((r) => [r.key, r.value]));
      expect(map.get('kstory.format_version')).toBe('1.0');
      expect(JSON.parse(map.get('kstory.metadata') ?? '{}')).toMatchObject({
        producer: 'test',
        format_version: '1.0',
      });
    } finally {
      db.close();
    }
    expect(SORT_ORDER.at(-1)).toBe('ts');
  });

  it('writes a large bundle as its sorted segments in order, in bounded memory', async () => {
    const output = path.join(tempDir(), 'runs.parquet');
    // Tiny segments and no global sort: the path a bundle larger than memory takes.
    const writer = await BundleWriter.create({
      output,
      metadata: { producer: 'test' },
      segmentMaxBytes: 1,
      globalSortMaxBytes: 0,
    });
    const expected: string[] = [];
    for (let segment = 0; segment < 3; segment++) {
      const names = ['c', 'a', 'b'].map((n) => `${n}-${segment}`);
      for (const name of names)
        writer.append(aPodRow({ name, uid: name, ts: `2026-03-01T10:00:0${segment}Z` }));
      writer.flush();
      expected.push(...[...names].sort());
    }
    const result = await writer.finish();
    expect(result.metadata.row_order).toBe('sorted-per-segment');
    const bundle = await openBundle([output]);
    try {
      const rows = await bundle.query<{ name: string }>(`SELECT name FROM bundle`);
      expect(rows.map((r) => r.name)).toEqual(expected);
    } finally {
      bundle.close();
    }
  });

  it('keeps the sort order across many row groups written in parallel', async () => {
    const output = path.join(tempDir(), 'many-groups.parquet');
    const writer = await BundleWriter.create({ output, metadata: { producer: 'test' }, rowGroupSize: 1024 });
    // 40 pods' histories interleaved in time, as a watch delivers them.
    for (let i = 0; i < 20_000; i++) {
      const pod = `pod-${String(i % 40).padStart(2, '0')}`;
      writer.append(
        aPodRow({ name: pod, uid: pod, ts: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString() }),
      );
    }
    await writer.finish();
    const db = await Database.open();
    try {
      const [result] = await db.all<{ groups: number; breaks: number }>(
        `SELECT (SELECT count(DISTINCT row_group_id) FROM parquet_metadata(${sqlString(output)}))::INTEGER AS groups,
                count(*) FILTER (WHERE prev_name IS NOT NULL AND (name, ts) < (prev_name, prev_ts))::INTEGER AS breaks
         FROM (SELECT name, ts, lag(name) OVER w AS prev_name, lag(ts) OVER w AS prev_ts
               FROM read_parquet(${sqlString(output)}, file_row_number = true) WINDOW w AS (ORDER BY file_row_number))`,
      );
      expect(result!.groups).toBeGreaterThan(5);
      expect(result!.breaks).toBe(0);
    } finally {
      db.close();
    }
  });

  it('flushes appended rows to the spool within a second, without being asked', async () => {
    const output = path.join(tempDir(), 'timed.parquet');
    const writer = await BundleWriter.create({ output, metadata: { producer: 'test' } });
    for (const row of numberedRows(5)) writer.append(row);
    const segment = path.join(writer.spoolDir, 'seg-000001.ndjson');
    expect(statSync(segment).size).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    // The segment's first line says its format (segment-format.ts); a line per row follows.
    expect(readFileSync(segment, 'utf8').trim().split('\n').slice(1)).toHaveLength(5);
    await writer.finish();
  });

  it('compacts full segments into Parquet in the background and keeps every row', async () => {
    const output = path.join(tempDir(), 'rotated.parquet');
    const writer = await BundleWriter.create({
      output,
      metadata: { producer: 'test' },
      segmentMaxBytes: 20_000,
    });
    const rows = numberedRows(2000);
    for (const row of rows) writer.append(row);
    writer.flush();
    // Look at the spool before finishing, once the background compaction has had its turn (a
    // bounded wait: a loaded machine can take longer than any fixed pause).
    const compacted = () => readdirSync(writer.spoolDir).some((f) => f.endsWith('.parquet'));
    for (let i = 0; i < 1500 && !compacted(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(compacted()).toBe(true);
    const result = await writer.finish();
    expect(result.rows).toBe(2000);
    const bundle = await openBundle([output]);
    try {
      const [stats] = await bundle.query<{ n: number; distinct_names: number }>(
        `SELECT count(*)::INTEGER AS n, count(DISTINCT name)::INTEGER AS distinct_names FROM logs`,
      );
      expect(stats).toEqual({ n: 2000, distinct_names: 2000 });
    } finally {
      bundle.close();
    }
  });

  it('writes a valid, empty bundle when nothing was appended', async () => {
    const output = path.join(tempDir(), 'empty.parquet');
    const writer = await BundleWriter.create({ output, metadata: { producer: 'test' } });
    const result = await writer.finish();
    expect(result.rows).toBe(0);
    const bundle = await openBundle([output]);
    try {
      expect(await bundle.query(`SELECT count(*)::INTEGER AS n FROM bundle`)).toEqual([{ n: 0 }]);
    } finally {
      bundle.close();
    }
  });

  it('records gaps in the metadata and as marker rows', async () => {
    const output = path.join(tempDir(), 'gaps.parquet');
    const writer = await BundleWriter.create({ output, metadata: { producer: 'test' } });
    writer.addGap({
      start: '2026-03-01T10:00:00Z',
      end: '2026-03-01T10:05:00Z',
      reason: 'watch expired (410 Gone), relisted',
      scope: 'watch:pods',
    });
    await writer.finish();
    const bundle = await openBundle([output]);
    try {
      expect(bundle.metadata.gaps).toEqual([
        {
          start: '2026-03-01T10:00:00Z',
          end: '2026-03-01T10:05:00Z',
          reason: 'watch expired (410 Gone), relisted',
          scope: 'watch:pods',
        },
      ]);
      const markers = await bundle.query(`SELECT marker, marker_detail FROM markers`);
      expect(markers).toEqual([
        { marker: 'gap', marker_detail: 'watch:pods: watch expired (410 Gone), relisted' },
      ]);
    } finally {
      bundle.close();
    }
  });

  it('refuses an existing spool unless asked to resume, and resumes into it', async () => {
    const output = path.join(tempDir(), 'resume.parquet');
    const first = await BundleWriter.create({ output, metadata: { producer: 'record' } });
    for (const row of numberedRows(10)) first.append(row);
    await first.close();
    await expect(BundleWriter.create({ output, metadata: { producer: 'record' } })).rejects.toThrow(
      KstoryError,
    );
    const second = await BundleWriter.create({ output, metadata: { producer: 'record' }, resume: true });
    for (const row of numberedRows(5, 10)) second.append(row);
    expect((await second.finish()).rows).toBe(15);
  });

  it('finishes a spool left behind, dropping a partial last line', async () => {
    const output = path.join(tempDir(), 'left.parquet');
    const writer = await BundleWriter.create({ output, metadata: { producer: 'record' } });
    for (const row of numberedRows(7)) writer.append(row);
    await writer.close();
    const segment = path.join(`${output}.spool`, 'seg-000001.ndjson');
    const { appendFileSync } = await import('node:fs');
    appendFileSync(segment, '{"source":"log","ts":"2026-03-01T10:');
    const result = await finishSpool(`${output}.spool`, { output });
    expect(result.rows).toBe(7);
    expect(result.metadata.repaired).toBe(true);
  });

  it('keeps a row whose body is too large to spool, without its body', async () => {
    const output = path.join(tempDir(), 'huge.parquet');
    const writer = await BundleWriter.create({ output, metadata: { producer: 'test' } });
    writer.append(aLogRow());
    writer.append({ ...aPodRow(), body: { items: 'x'.repeat(17 << 20) } });
    expect((await writer.finish()).rows).toBe(2);
    const bundle = await openBundle([output]);
    try {
      const [pod] = await bundle.query<{ name: string; omitted: string }>(
        `SELECT name, body->>'$.kstory_body_omitted' AS omitted FROM pods`,
      );
      expect(pod!.name).toBe('checkout-7d9f8-abcde');
      expect(pod!.omitted).toMatch(/exceeds the 16777216 byte limit/);
    } finally {
      bundle.close();
    }
  });

  it('rejects rows with an unknown source or a malformed timestamp at append time', async () => {
    const writer = await BundleWriter.create({
      output: path.join(tempDir(), 'bad.parquet'),
      metadata: { producer: 'test' },
    });
    expect(() => writer.append(aLogRow({ ts: '01/03/2026 10:00' }))).toThrow(/invalid ts/);
    expect(() => writer.append(aLogRow({ source: 'gossip' as 'log' }))).toThrow(/unknown source/);
    await writer.finish();
  });

  it('says which directory is missing when the output cannot be written', async () => {
    await expect(
      BundleWriter.create({
        output: path.join(tempDir(), 'no', 'such', 'b.parquet'),
        metadata: { producer: 'test' },
      }),
    ).rejects.toThrow(/directory .* does not exist/);
  });
});
