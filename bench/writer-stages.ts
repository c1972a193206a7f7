// Benchmark `writer-stages`: where the writer's time and bytes go, stage by stage, for one class of
// rows at a time: JSON encoding of rows (the spool), compaction of a spool segment into Parquet
// (DuckDB read_json), and the final sort at several zstd levels and row group sizes; plus what
// dropping body fields that duplicate typed columns would save. The SQL mirrors
// src/bundle/writer.ts so that changes to it can be tried here first.

import { closeSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { COLUMNS, readJsonColumnsLiteral, SORT_ORDER } from '../src/bundle/columns.ts';
import { Database, sqlList, sqlString } from '../src/bundle/duckdb.ts';
import type { BundleRow } from '../src/bundle/row.ts';
import { encodeRow, RawJson } from '../src/bundle/spool.ts';
import { classOfParsed, parseLine, toRow } from './lib/convert.ts';
import {
  type BenchContext,
  type Benchmark,
  type BenchOutcome,
  type BenchResult,
  formatBytes,
  formatCount,
  formatNumber,
  markdownTable,
} from './lib/harness.ts';
import { classFilter, ensureInput, readInputLines } from './lib/input.ts';
import { rowsOutOfOrder } from './lib/parquet-stats.ts';
import { countLabel, parseCount } from './writer.ts';

interface Timed {
  wallSeconds: number;
  cpuSeconds: number;
}

interface Variant extends Timed {
  name: string;
  bytes: number;
  rowsOutOfOrder: number;
  bytesPerRecord: number;
  bodyBytesPerRecord: number;
}

interface ClassStages {
  cls: string;
  records: number;
  spoolBytes: number;
  /** JS: parse + to-row, and encodeRow alone (what append() adds per row). */
  convertPerRecordMicros: number;
  encodePerRecordMicros: number;
  compaction: {
    variant: string;
    wallSeconds: number;
    cpuSeconds: number;
    perRecordMicros: number;
    segmentBytes: number;
  }[];
  finals: Variant[];
}

async function timed<T>(fn: () => Promise<T>): Promise<Timed & { value: T }> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const value = await fn();
  const c = process.cpuUsage(cpu);
  return { wallSeconds: (performance.now() - wall) / 1000, cpuSeconds: (c.user + c.system) / 1e6, value };
}

function selectList(bodyAsText: boolean): string {
  return COLUMNS.map((c) =>
    c.name === 'body' ? (bodyAsText ? 'body' : 'CAST(body AS VARCHAR) AS body') : `"${c.name}"`,
  ).join(', ');
}

function columnsLiteral(bodyAsText: boolean): string {
  return bodyAsText
    ? readJsonColumnsLiteral().replace("'body': 'JSON'", "'body': 'VARCHAR'")
    : readJsonColumnsLiteral();
}

/** Body fields that repeat typed columns of the same row, per source: what a leaner body could drop. */
function stripDuplicates(row: BundleRow): BundleRow {
  if (row.source !== 'audit' || typeof row.body !== 'object' || row.body === null) return row;
  const body = (row.body instanceof RawJson ? JSON.parse(row.body.text) : row.body) as Record<
    string,
    unknown
  >;
  const { auditID: _id, stageTimestamp: _st, ...rest } = body;
  return { ...row, body: rest };
}

function bodyText(body: unknown): string | null {
  if (body === undefined || body === null) return null;
  return body instanceof RawJson ? body.text : JSON.stringify(body);
}

/** The writer's default segment size: compaction reads one segment at a time, as the writer does. */
const SEGMENT_BYTES = 128 << 20;

class SegmentedSpool {
  readonly files: string[] = [];
  bytes = 0;
  private fd: number | null = null;
  private segmentBytes = 0;

  constructor(private readonly stem: string) {}

  write(text: string): void {
    if (this.fd === null || this.segmentBytes >= SEGMENT_BYTES) {
      if (this.fd !== null) closeSync(this.fd);
      const file = `${this.stem}.${String(this.files.length + 1).padStart(4, '0')}.ndjson`;
      this.files.push(file);
      this.fd = openSync(file, 'w');
      this.segmentBytes = 0;
    }
    const n = writeSync(this.fd, text);
    this.segmentBytes += n;
    this.bytes += n;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

async function stagesFor(
  context: BenchContext,
  input: string,
  cls: string,
  dir: string,
  memoryLimit: string,
  skipParallel: boolean,
): Promise<ClassStages> {
  const variants: { name: string; bodyAsText: boolean; strip: boolean }[] = [
    { name: 'as writer.ts (body embedded as JSON)', bodyAsText: false, strip: false },
    { name: 'body as a JSON string (VARCHAR)', bodyAsText: true, strip: false },
  ];
  if (cls.startsWith('audit'))
    variants.push({ name: 'body without auditID, stageTimestamp', bodyAsText: false, strip: true });

  // Spool segments per variant, rotated at the writer's default segment size; variant 0 times the JS side.
  const stem = path.join(dir, cls.replace(':', '-'));
  const spools = variants.map((_v, i) => new SegmentedSpool(`${stem}-${i}`));
  let records = 0;
  let convertMs = 0;
  let encodeMs = 0;
  const buffers: string[][] = variants.map(() => []);
  const flush = () => {
    buffers.forEach((b, i) => {
      if (b.length > 0) spools[i]!.write(`${b.join('\n')}\n`);
      buffers[i] = [];
    });
  };
  const all = cls === 'all';
  for await (const line of readInputLines(input, all ? undefined : classFilter([cls]))) {
    const t0 = performance.now();
    const parsed = parseLine(line);
    if (!all && classOfParsed(parsed) !== cls) continue;
    const row = toRow(parsed);
    const t1 = performance.now();
    const encoded = encodeRow(row);
    const t2 = performance.now();
    convertMs += t1 - t0;
    encodeMs += t2 - t1;
    records++;
    variants.forEach((v, i) => {
      if (i === 0) buffers[i]!.push(encoded);
      else {
        const r = v.strip ? stripDuplicates(row) : row;
        if (v.bodyAsText) {
          const { body, ...rest } = r;
          buffers[i]!.push(
            JSON.stringify({
              ...rest,
              body: bodyText(body),
            }),
          );
        } else buffers[i]!.push(encodeRow(r));
      }
    });
    if (records % 2000 === 0) flush();
  }
  flush();
  for (const spool of spools) spool.close();
  context.log(
    `${cls}: ${formatCount(records)} rows, spool ${formatBytes(spools[0]!.bytes)} in ${spools[0]!.files.length} segments`,
  );

  const out: ClassStages = {
    cls,
    records,
    spoolBytes: spools[0]!.bytes,
    convertPerRecordMicros: (1000 * convertMs) / records,
    encodePerRecordMicros: (1000 * encodeMs) / records,
    compaction: [],
    finals: [],
  };
  const db = await Database.open({ memoryLimit, tempDirectory: path.join(dir, 'tmp') });
  try {
    const segments: string[][] = [];
    for (const [i, v] of variants.entries()) {
      const parts: string[] = [];
      let wallSeconds = 0;
      let cpuSeconds = 0;
      let segmentBytes = 0;
      for (const file of spools[i]!.files) {
        const part = `${file}.parquet`;
        const t = await timed(() =>
          db.run(
            `COPY (SELECT ${selectList(v.bodyAsText)} FROM read_json(${sqlString(file)}, format = 'newline_delimited', ` +
              `columns = ${columnsLiteral(v.bodyAsText)}, maximum_object_size = ${64 << 20})) ` +
              `TO ${sqlString(part)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 16384)`,
          ),
        );
        rmSync(file, { force: true });
        parts.push(part);
        wallSeconds += t.wallSeconds;
        cpuSeconds += t.cpuSeconds;
        segmentBytes += statSync(part).size;
      }
      segments.push(parts);
      out.compaction.push({
        variant: v.name,
        wallSeconds,
        cpuSeconds,
        perRecordMicros: (1e6 * cpuSeconds) / records,
        segmentBytes,
      });
      context.log(
        `${cls}: compaction (${v.name}): ${wallSeconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU`,
      );
    }
    const order = SORT_ORDER.map((c) => `"${c}" NULLS FIRST`).join(', ');
    // writer.ts writes the final COPY with preserve_insertion_order=false, which lets DuckDB's
    // parallel Parquet writer interleave row groups: PRESERVE_ORDER keeps the ORDER BY in the file.
    const finals: { variant: number; level: number; rowGroup: number; preserve: boolean }[] = [
      ...(skipParallel ? [] : [{ variant: 0, level: 9, rowGroup: 16_384, preserve: false }]),
      { variant: 0, level: 9, rowGroup: 16_384, preserve: true },
      { variant: 0, level: 3, rowGroup: 16_384, preserve: true },
      // zstd 19 takes minutes on large spools: tried on small ones only.
      ...(out.spoolBytes < 256 << 20 ? [{ variant: 0, level: 19, rowGroup: 16_384, preserve: true }] : []),
      { variant: 0, level: 9, rowGroup: 122_880, preserve: true },
      ...(variants.length > 2 ? [{ variant: 2, level: 9, rowGroup: 16_384, preserve: true }] : []),
    ];
    for (const f of finals) {
      const bundle = path.join(dir, 'final.parquet');
      rmSync(bundle, { force: true });
      const t = await timed(() =>
        db.run(
          `COPY (SELECT * FROM read_parquet(${sqlList(segments[f.variant]!)}) ORDER BY ${order}) TO ${sqlString(bundle)} ` +
            `(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${f.level}, ROW_GROUP_SIZE ${f.rowGroup}${f.preserve ? ', PRESERVE_ORDER true' : ''})`,
        ),
      );
      const [body] = await db.all<{ bytes: number }>(
        `SELECT sum(total_compressed_size)::BIGINT AS bytes FROM parquet_metadata(${sqlString(bundle)}) WHERE path_in_schema = 'body'`,
      );
      const bytes = statSync(bundle).size;
      const name = `${f.variant === 2 ? `${variants[2]!.name}, ` : ''}zstd ${f.level}, row groups ${formatCount(f.rowGroup)}, ${f.preserve ? 'PRESERVE_ORDER' : 'parallel (as writer.ts)'}`;
      out.finals.push({
        name,
        wallSeconds: t.wallSeconds,
        cpuSeconds: t.cpuSeconds,
        bytes,
        bytesPerRecord: bytes / records,
        bodyBytesPerRecord: Number(body?.bytes ?? 0) / records,
        rowsOutOfOrder: await rowsOutOfOrder(db, bundle),
      });
      context.log(
        `${cls}: final (${name}): ${t.wallSeconds.toFixed(2)} s, ${(bytes / records).toFixed(1)} B/rec`,
      );
      rmSync(bundle, { force: true });
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  return out;
}

async function run(context: BenchContext): Promise<BenchOutcome> {
  const records = parseCount(String(context.options.records ?? '100k'));
  const seed = Number(context.options.seed ?? 1);
  const classes = String(context.options.classes ?? 'object,audit:Metadata,log').split(',');
  const dir = path.join(context.workDir, 'stages');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { file, manifest } = ensureInput(context.workDir, seed, records, context.log);
  const stages: ClassStages[] = [];
  const memoryLimit = String(context.options['memory-limit'] ?? '512MB');
  for (const cls of classes)
    stages.push(
      await stagesFor(context, file, cls, dir, memoryLimit, context.options['skip-parallel'] === true),
    );
  rmSync(dir, { recursive: true, force: true });
  return {
    name: String(context.options.name ?? `writer-stages-${countLabel(records)}`),
    input: {
      records,
      seed,
      generator: manifest.generator,
      classes,
      memoryLimit: String(context.options['memory-limit'] ?? '512MB'),
    },
    targets: [],
    figures: { stages } as unknown as Record<string, unknown>,
  };
}

function render(result: BenchResult): string {
  const { stages } = result.figures as unknown as { stages: ClassStages[] };
  const out: string[] = [
    'CPU = user + system of the process, DuckDB threads included (2 threads); compaction and final sort run the SQL of src/bundle/writer.ts.',
    '',
    markdownTable(
      [
        'class',
        'rows',
        'spool B/row',
        'parse + to-row µs/row',
        'encodeRow µs/row',
        'compaction variant',
        'compaction CPU µs/row',
        'segment B/row',
      ],
      stages.flatMap((s) =>
        s.compaction.map((c, i) => [
          i === 0 ? s.cls : '',
          i === 0 ? formatCount(s.records) : '',
          i === 0 ? formatCount(s.spoolBytes / s.records) : '',
          i === 0 ? formatNumber(s.convertPerRecordMicros) : '',
          i === 0 ? formatNumber(s.encodePerRecordMicros) : '',
          c.variant,
          formatNumber(c.perRecordMicros),
          formatNumber(c.segmentBytes / s.records),
        ]),
      ),
      ['l', 'r', 'r', 'r', 'r', 'l', 'r', 'r'],
    ),
    '',
    'Final file, from the compacted segment:',
    '',
    markdownTable(
      ['class', 'final write', 'wall', 'CPU µs/row', 'B/row', 'body B/row', 'rows out of order'],
      stages.flatMap((s) =>
        s.finals.map((f, i) => [
          i === 0 ? s.cls : '',
          f.name,
          `${formatNumber(f.wallSeconds, 2)} s`,
          formatNumber((1e6 * f.cpuSeconds) / s.records),
          formatNumber(f.bytesPerRecord),
          formatNumber(f.bodyBytesPerRecord),
          formatCount(f.rowsOutOfOrder),
        ]),
      ),
      ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
    ),
  ];
  return out.join('\n');
}

export const benchmark: Benchmark = {
  name: 'writer-stages',
  description:
    'The writer stage by stage (encode, compaction, final sort) and size variants, per class of rows',
  options: {
    classes: { type: 'string' },
    'memory-limit': { type: 'string' },
    'skip-parallel': { type: 'boolean' },
  },
  usage: [
    '--classes LIST         classes to measure, or all (default object,audit:Metadata,log); --records defaults to 100k',
    '--memory-limit SIZE    DuckDB memory limit of the stages (default 512MB, as the writer)',
    '--skip-parallel        skip the final write done as writer.ts does it (parallel, row order not kept)',
  ],
  run,
  render,
};
