// Spool segments: the lines the writer writes (format 2) compact into the same Parquet rows as the
// JSON lines older writers wrote (format 1), whatever form a body took; a spool of the old format
// still repairs and resumes; a live segment's cut last line is skipped.

import { appendFileSync, closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compactSegment, openCompactionDatabase } from '../../src/bundle/compaction.ts';
import { type Database, sqlString } from '../../src/bundle/duckdb.ts';
import { finishSpool } from '../../src/bundle/repair.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import {
  SEGMENT_HEADER,
  segmentFormat,
  segmentHasRows,
  segmentRowsSql,
} from '../../src/bundle/segment-format.ts';
import { encodeRow, RawJson, readSpoolState, segmentName } from '../../src/bundle/spool.ts';
import { SpoolLines } from '../../src/bundle/spool-lines.ts';
import { BundleWriter } from '../../src/bundle/writer.ts';
import { writeOldSpool } from '../support/old-spool.ts';
import { aLogRow, aMetricRow, anEventRow, aPodRow, numberedRows } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

/** Rows of every source, with the bodies a spool meets: raw text as Go writes it, pretty text,
 * escapes, non-ASCII, and one object of 15 MB. */
function mixedRows(): BundleRow[] {
  const body = {
    kind: 'Pod',
    metadata: {
      name: 'ünïcode-日本',
      annotations: { note: 'tab\there, newline\nthere, quote " and \\ backslash' },
    },
    spec: { n: 1.5, big: 12345678901234, neg: -3, nothing: null, yes: true, list: [1, 'two', { three: 3 }] },
  };
  const text = JSON.stringify(body);
  const bytes = Buffer.from(text);
  const goText = '{"kind":"ConfigMap","data":{"html":"\\u003cb\\u003e \\u0026 \\u003e","path":"a\\/b"}}';
  // Whitespace between tokens (a tab too), on one line: format 1 could hold no line break.
  const pretty = '{\t"kind":\t"Service",  "spec" : {"ports":[ {"port":80} ]},"note":"x: \\"y\\""}';
  const huge = { kind: 'ConfigMap', data: { blob: 'ü'.repeat(7 << 20) } };
  return [
    aPodRow({ body }),
    aPodRow({ name: 'raw-text', body: new RawJson(text) }),
    aPodRow({ name: 'raw-pieces', body: new RawJson([bytes.subarray(0, 7), bytes.subarray(7)]) }),
    aPodRow({ name: 'go-escapes', body: new RawJson([Buffer.from(goText)]) }),
    aPodRow({ name: 'pretty', body: new RawJson(pretty) }),
    aPodRow({ name: 'pretty-pieces', body: new RawJson([Buffer.from(pretty)]) }),
    aPodRow({ name: 'python', body: new RawJson('{"kind": "Node", "spec": {"taints": []}}') }),
    aPodRow({ name: 'control', body: { s: 'bell\u0007 nul\u0000 line\u2028 emoji\u{1F600}' } }),
    aPodRow({ name: 'huge', body: huge }),
    aPodRow({ name: 'no-body', body: null }),
    anEventRow(),
    aLogRow({ log_line: 'line with \t tab, \u2028 and \u{1F600}' }),
    aMetricRow({ metric_value: Number.NaN }),
    aMetricRow({ metric_value: Number.POSITIVE_INFINITY, ts: '2026-03-01T10:42:15Z' }),
    aMetricRow({ metric_value: Number.NEGATIVE_INFINITY, ts: '2026-03-01T10:42:16.123456789Z' }),
    {
      source: 'audit',
      ts: '2026-03-01T10:42:17Z',
      audit_id: 'a-1',
      audit_verb: 'patch',
      audit_code: 200,
      body: new RawJson('{"auditID":"a-1","verb":"patch","requestURI":"/api/v1/x?a=1\\u0026b=2"}'),
    },
    { source: 'marker', ts: '2026-03-01T10:00:00Z', marker: 'gap', marker_end: '2026-03-01T10:01:00Z' },
  ];
}

function writeFormat1(file: string, rows: readonly BundleRow[]): void {
  writeFileSync(file, rows.map((row) => `${encodeRow(row)}\n`).join(''));
}

function writeFormat2(file: string, rows: readonly BundleRow[]): void {
  const lines = new SpoolLines(16);
  const fd = openSync(file, 'w');
  writeSync(fd, SEGMENT_HEADER);
  for (const row of rows) lines.add(row);
  lines.writeTo(fd);
  closeSync(fd);
}

describe('spool segments', () => {
  let db: Database;
  let dir: string;
  const rows = mixedRows();

  beforeAll(async () => {
    dir = tempDir();
    db = await openCompactionDatabase('512MB');
    writeFormat1(path.join(dir, segmentName(1, 'ndjson')), rows);
    writeFormat2(path.join(dir, segmentName(2, 'ndjson')), rows);
    await compactSegment(db, dir, 1, path.join(dir, segmentName(1, 'ndjson')));
    await compactSegment(db, dir, 2, path.join(dir, segmentName(2, 'ndjson')));
    return () => db.close();
  });

  it('compact into the same Parquet rows in either format', async () => {
    const [one, two] = [1, 2].map(
      (n) => `read_parquet(${sqlString(path.join(dir, segmentName(n, 'parquet')))})`,
    );
    const [counts] = await db.all<{ a: number; b: number; ab: number; ba: number }>(
      `SELECT (SELECT count(*) FROM ${one})::INTEGER AS a, (SELECT count(*) FROM ${two})::INTEGER AS b,
              (SELECT count(*) FROM (SELECT * FROM ${one} EXCEPT ALL SELECT * FROM ${two}))::INTEGER AS ab,
              (SELECT count(*) FROM (SELECT * FROM ${two} EXCEPT ALL SELECT * FROM ${one}))::INTEGER AS ba`,
    );
    expect(counts).toEqual({ a: rows.length, b: rows.length, ab: 0, ba: 0 });
    const bodies = await db.all<{ name: string; body: string }>(
      `SELECT name, body FROM ${two} WHERE name IN ('go-escapes', 'python', 'huge') ORDER BY name`,
    );
    expect(bodies[0]!.body).toBe('{"kind":"ConfigMap","data":{"html":"<b> & >","path":"a/b"}}');
    expect(bodies[1]!.body.length).toBeGreaterThan(6 << 20);
    expect(bodies[2]!.body).toBe('{"kind":"Node","spec":{"taints":[]}}');
  });

  it('write one line per row, a tab between the row and its body', () => {
    const file = path.join(tempDir(), 'lines');
    const pretty = JSON.stringify({ kind: 'Service', spec: { ports: [{ port: 80 }] } }, null, 2);
    const small = [
      ...rows.filter((r) => r.name !== 'huge'),
      aPodRow({ body: new RawJson(pretty) }),
      aPodRow({ body: new RawJson([Buffer.from(pretty)]) }),
    ];
    writeFormat2(file, small);
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines[0]).toBe(SEGMENT_HEADER.toString().trim());
    expect(lines.slice(1, -1)).toHaveLength(small.length);
    for (const line of lines.slice(1, -1)) expect(line.split('\t')).toHaveLength(2);
    // A row taken back (the writer does so with a row too long to spool) leaves nothing.
    const spool = new SpoolLines(16);
    spool.add(aLogRow());
    const before = spool.length;
    spool.add(aLogRow({ log_line: 'taken back' }));
    spool.truncate(before);
    expect(spool.length).toBe(before);
  });

  it('say their format, and whether they hold rows', () => {
    const file = path.join(tempDir(), 'seg');
    writeFileSync(file, '');
    expect([segmentFormat(file), segmentHasRows(file)]).toEqual([2, false]);
    writeFileSync(file, SEGMENT_HEADER.subarray(0, 5));
    expect([segmentFormat(file), segmentHasRows(file)]).toEqual([2, false]);
    writeFileSync(file, SEGMENT_HEADER);
    expect(segmentHasRows(file)).toBe(false);
    writeFormat1(file, [aLogRow()]);
    expect([segmentFormat(file), segmentHasRows(file)]).toEqual([1, true]);
  });

  it('skip a cut last line when read while written', async () => {
    const file = path.join(tempDir(), segmentName(1, 'ndjson'));
    const logs = [aPodRow({ body: { kind: 'Pod' } }), aLogRow(), aPodRow({ body: { kind: 'Pod' } })];
    writeFormat2(file, logs);
    const line = Buffer.from(readFileSync(file, 'utf8').split('\n')[1]!);
    const count = async () =>
      (
        await db.all<{ n: number }>(
          `SELECT count(*)::INTEGER AS n FROM (${segmentRowsSql(file, { tolerant: true })})`,
        )
      )[0]!.n;
    // In the head, at the tab, just after it, in the body.
    for (const cut of [5, line.indexOf(0x09), line.indexOf(0x09) + 1, line.length - 2]) {
      writeFormat2(file, logs);
      appendFileSync(file, line.subarray(0, cut));
      expect(await count()).toBe(3);
    }
  });
});

describe('a spool of the first format', () => {
  function oldSpool(): { spool: string; output: string } {
    const output = path.join(tempDir(), 'old.parquet');
    // Left by a kill: a closed segment, and an open one ending in half a line.
    const spool = writeOldSpool(output, 'record', [numberedRows(4), numberedRows(3, 4)]);
    appendFileSync(path.join(spool, segmentName(2, 'ndjson')), '{"source":"log","ts":"2026-03-01T10:');
    return { spool, output };
  }

  it('is repaired', async () => {
    const { spool, output } = oldSpool();
    const result = await finishSpool(spool, { output });
    expect(result.rows).toBe(7);
  });

  it('is resumed: the rows it holds are kept, the new ones written in the current format', async () => {
    const { spool, output } = oldSpool();
    const writer = await BundleWriter.create({ output, metadata: { producer: 'record' }, resume: true });
    expect(readSpoolState(spool).spool_version).toBe(2);
    for (const row of numberedRows(5, 7)) writer.append(row);
    writer.flush();
    expect(
      readFileSync(path.join(spool, segmentName(3, 'ndjson'))).subarray(0, SEGMENT_HEADER.length),
    ).toEqual(SEGMENT_HEADER);
    expect((await writer.finish()).rows).toBe(12);
  });

  it('of a newer kstory is refused with what to do', () => {
    const { spool } = oldSpool();
    writeFileSync(
      path.join(spool, 'spool.json'),
      JSON.stringify({ ...readSpoolState(spool), spool_version: 9 }),
    );
    expect(() => readSpoolState(spool)).toThrow(/spool version 9 is newer than this kstory reads \(2\)/);
  });
});
