// Benchmark `writer`: generated observations (realistic mix and sizes) through to-row and the
// BundleWriter, measured in child processes: throughput (wall and per CPU-second), append vs
// finish, peak RSS, bytes per record per source, and size against `zstd -3` of the same NDJSON.

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTsChild, zstdSize } from './lib/child.ts';
import {
  type BenchContext,
  type Benchmark,
  type BenchOutcome,
  type BenchResult,
  check,
  formatBytes,
  formatCount,
  formatNumber,
  markdownTable,
  type TargetCheck,
} from './lib/harness.ts';
import { ensureInput, type InputManifest, removeInput } from './lib/input.ts';
import { type ParquetStats, parquetStats } from './lib/parquet-stats.ts';
import type { ConvertReport, WorkloadSpec, WriteReport, WriterTuning } from './lib/writer-workload.ts';

const WORKLOAD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib', 'writer-workload.ts');

/** Per-source runs: one single-source bundle each, so that bytes per record are exact. */
export const PER_SOURCE_CLASSES = [
  'object',
  'event',
  'audit:Metadata',
  'audit:RequestResponse',
  'log',
  'metric',
] as const;

const MB = 1024 * 1024;
export const TARGETS = {
  watchRecordsPerCoreSecond: 20_000,
  peakRssBytes: 768 * MB,
  bundleVsZstd: 0.7,
  bytesPerWatchRecord: 150,
  bytesPerMetadataAudit: 60,
  bytesPerLogLine: 40,
};

export interface RunFigures {
  label: string;
  classes: string[] | null;
  report: WriteReport;
  peakRssBytes: number;
  parquet: ParquetStats;
  /** Child process wall time and the machine's busy CPU seconds over it (all processes). */
  childWallSeconds?: number;
  machineBusySeconds?: number | null;
}

export interface WriterFigures {
  input: InputManifest & { file: string };
  rawZstd: { bytes: number; seconds: number } | null;
  convert: ConvertReport | null;
  runs: RunFigures[];
  /** Runs whose writer failed (e.g. DuckDB out of memory in finish()): kept, since that is a finding too. */
  failures?: { label: string; error: string }[];
}

export function parseCount(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!m) throw new Error(`--records: expected a count such as 1000000, 100k or 10m, got "${text}"`);
  const scale = m[2]?.toLowerCase() === 'm' ? 1e6 : m[2]?.toLowerCase() === 'k' ? 1e3 : 1;
  return Math.round(Number(m[1]) * scale);
}

export function countLabel(n: number): string {
  if (n % 1_000_000 === 0) return `${n / 1_000_000}m`;
  if (n % 1000 === 0) return `${n / 1000}k`;
  return String(n);
}

function optionalInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${flag}: expected a positive integer, got "${String(value)}"`);
  return n;
}

async function measureWrite(
  context: BenchContext,
  input: string,
  label: string,
  classes: string[] | null,
  tuning: WriterTuning,
  keep: boolean,
  deleteInputAfterAppend = false,
): Promise<RunFigures> {
  // Per process: two benchmarks sharing a work dir must not remove each other's bundles and spools.
  const dir = path.join(context.workDir, 'runs', String(process.pid));
  mkdirSync(dir, { recursive: true });
  const safe = label.replaceAll(':', '-');
  const output = path.join(dir, `${safe}.parquet`);
  const resultFile = path.join(dir, `${safe}.report.json`);
  rmSync(output, { force: true });
  rmSync(`${output}.spool`, { recursive: true, force: true });
  const spec: WorkloadSpec = {
    mode: 'write',
    input,
    output,
    classes,
    writer: tuning,
    resultFile,
    perClassZstd: false,
    deleteInputAfterAppend,
  };
  context.log(`writer: ${label}: writing...`);
  rmSync(resultFile, { force: true });
  let child: Awaited<ReturnType<typeof runTsChild>>;
  try {
    child = await runTsChild(WORKLOAD, [JSON.stringify(spec)]);
  } catch (error) {
    // The workload leaves the cause in its result file: report that rather than the exit code.
    let cause = '';
    try {
      cause = (JSON.parse(readFileSync(resultFile, 'utf8')) as { error?: string }).error ?? '';
    } catch {
      // No result file: the exit status is all there is.
    }
    rmSync(output, { force: true });
    rmSync(`${output}.spool`, { recursive: true, force: true });
    throw new Error(cause || (error instanceof Error ? error.message : String(error)));
  }
  const report = JSON.parse(readFileSync(resultFile, 'utf8')) as WriteReport;
  const parquet = await parquetStats(output);
  if (!keep) rmSync(output, { force: true });
  const peakRssBytes = Math.max(report.vmHwmBytes ?? 0, report.peakRssSampledBytes, child.peakRssPolledBytes);
  context.log(
    `writer: ${label}: ${formatCount(report.records)} records, append ${report.append.wallSeconds.toFixed(1)} s, ` +
      `finish ${report.finish.wallSeconds.toFixed(1)} s, ${formatCount(report.records / report.total.cpu.total)} rec/CPU-s, ` +
      `${formatBytes(report.bundleBytes)} (${(report.bundleBytes / report.records).toFixed(1)} B/rec), peak RSS ${formatBytes(peakRssBytes)}`,
  );
  return {
    label,
    classes,
    report,
    peakRssBytes,
    parquet,
    childWallSeconds: child.wallSeconds,
    machineBusySeconds: child.machineBusySeconds,
  };
}

async function run(context: BenchContext): Promise<BenchOutcome> {
  const o = context.options;
  const records = parseCount(String(o.records ?? '1000000'));
  const seed = Number(o.seed ?? 1);
  const tuning: WriterTuning = {
    rowGroupSize: optionalInt(o['row-group-size'], '--row-group-size'),
    compressionLevel: optionalInt(o['compression-level'], '--compression-level'),
    memoryLimit: o['memory-limit'] === undefined ? undefined : String(o['memory-limit']),
    segmentMaxBytes: optionalInt(o['segment-max-bytes'], '--segment-max-bytes'),
  };
  for (const key of Object.keys(tuning) as (keyof WriterTuning)[])
    if (tuning[key] === undefined) delete tuning[key];
  const perSource =
    o['per-source'] === undefined
      ? [...PER_SOURCE_CLASSES]
      : String(o['per-source']) === 'none'
        ? []
        : String(o['per-source'])
            .split(',')
            .map((s) => s.trim());
  for (const cls of perSource) {
    if (!(PER_SOURCE_CLASSES as readonly string[]).includes(cls))
      throw new Error(
        `--per-source: unknown class "${cls}" (one of ${PER_SOURCE_CLASSES.join(', ')}, or none)`,
      );
  }
  const keep = o.keep === true;
  mkdirSync(context.workDir, { recursive: true });

  const { file, manifest } = ensureInput(context.workDir, seed, records, context.log);
  const figures: WriterFigures = {
    input: { ...manifest, file: path.relative(process.cwd(), file) },
    rawZstd: null,
    convert: null,
    runs: [],
  };

  if (o['skip-convert'] !== true) {
    context.log('convert: parse + to-row + encode, rows piped into zstd -3...');
    const resultFile = path.join(context.workDir, 'convert.report.json');
    const spec: WorkloadSpec = {
      mode: 'convert',
      input: file,
      output: '',
      classes: null,
      writer: {},
      resultFile,
      perClassZstd: true,
    };
    await runTsChild(WORKLOAD, [JSON.stringify(spec)]);
    figures.convert = JSON.parse(readFileSync(resultFile, 'utf8')) as ConvertReport;
    context.log(
      `convert: rows NDJSON ${formatBytes(figures.convert.ndjsonBytes)}, zstd -3 ${formatBytes(figures.convert.zstdBytes)}`,
    );
    context.log('zstd -3 of the input JSON as generated...');
    figures.rawZstd = await zstdSize(file);
  }
  // --delete-input: the last run deletes the input once appended, so that the final sort of a
  // 10M-record bundle can spill where the input was.
  const runs: [string, string[] | null][] = [
    ...(o['skip-mixed'] === true ? [] : [['mixed', null] as [string, null]]),
    ...perSource.map((cls): [string, string[]] => [cls, [cls]]),
  ];
  for (const [i, [label, classes]] of runs.entries()) {
    const last = i === runs.length - 1 && o['delete-input'] === true;
    try {
      figures.runs.push(await measureWrite(context, file, label, classes, tuning, keep, last));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      context.log(`writer: ${label}: FAILED: ${message}`);
      figures.failures = [...(figures.failures ?? []), { label, error: message }];
    }
  }
  if (o['delete-input'] === true) removeInput(file);

  const label = countLabel(records);
  const tuned = Object.entries(tuning).map(([k, v]) => `${k}=${v}`);
  return {
    name: String(
      o.name ??
        `writer-${label}${tuned.length > 0 ? `-${tuned.join('-').replaceAll(/[^a-zA-Z0-9=-]/g, '')}` : ''}`,
    ),
    input: {
      records,
      seed,
      generator: manifest.generator,
      mix: manifest.mix,
      inputJsonBytes: manifest.bytes,
      writerOptions: tuning,
      perSource,
    },
    targets: targetsOf(figures),
    figures: figures as unknown as Record<string, unknown>,
  };
}

function runOf(f: WriterFigures, label: string): RunFigures | undefined {
  return f.runs.find((r) => r.label === label);
}

/** Writer-only CPU per record of a run: its CPU time minus parsing and converting (measured apart). */
function writerCpuPerRecord(f: WriterFigures, run: RunFigures): number | null {
  if (!f.convert) return null;
  let parseConvert = 0;
  for (const [cls, n] of Object.entries(run.report.recordsByClass)) {
    const c = f.convert.classes[cls];
    if (!c) return null;
    parseConvert += ((c.parseSeconds + c.convertSeconds) / c.records) * n;
  }
  return (run.report.total.cpu.total - parseConvert) / run.report.records;
}

export function targetsOf(f: WriterFigures): TargetCheck[] {
  const out: TargetCheck[] = [];
  const watch = runOf(f, 'object');
  if (watch) {
    const perCore = watch.report.records / watch.report.total.cpu.total;
    const writerOnly = writerCpuPerRecord(f, watch);
    out.push(
      check(
        'watch records/s per core (parse + to-row + writer, append and finish)',
        'min',
        TARGETS.watchRecordsPerCoreSecond,
        perCore,
        'rec/s',
        writerOnly ? `writer alone: ${formatCount(1 / writerOnly)} rec/s per core` : undefined,
      ),
    );
  }
  const peak = Math.max(0, ...f.runs.map((r) => r.peakRssBytes));
  if (f.runs.length > 0)
    out.push(
      check(
        'peak RSS of the writing process (highest of all runs)',
        'max',
        TARGETS.peakRssBytes / MB,
        peak / MB,
        'MB',
      ),
    );
  const mixed = runOf(f, 'mixed');
  if (mixed && f.convert) {
    out.push(
      check(
        'bundle size / zstd -3 of the same rows as NDJSON (time order)',
        'max',
        TARGETS.bundleVsZstd,
        mixed.report.bundleBytes / f.convert.zstdBytes,
        '×',
      ),
    );
  }
  const perRecord = (label: string, target: string, limit: number) => {
    const r = runOf(f, label);
    if (r) out.push(check(target, 'max', limit, r.report.bundleBytes / r.report.records, 'B/rec'));
  };
  perRecord('object', 'bytes per watch record, full object kept', TARGETS.bytesPerWatchRecord);
  perRecord('audit:Metadata', 'bytes per Metadata-level audit entry', TARGETS.bytesPerMetadataAudit);
  perRecord('log', 'bytes per log line', TARGETS.bytesPerLogLine);
  return out;
}

// --- rendering ------------------------------------------------------------------------------------

function render(result: BenchResult): string {
  const f = result.figures as unknown as WriterFigures;
  const out: string[] = [
    'The input is generated (bench/lib/gen/, seeded): a cluster of up to 50 nodes and 400 Deployments (fewer below 1M ' +
      'records) simulated for as long as it takes to emit the records. It starts with a list of every object (LISTED), then ' +
      'emits watch events as pods go through their lifecycles (scheduled, started, ready, readiness flips, crash loops, ' +
      'rollouts, deletion), each version a full Pod without managedFields; Deployments, ReplicaSets, Nodes (heartbeats, ' +
      'images), Services and ConfigMaps (config edits, leader-election renewals); core/v1 Events aggregated by count; ' +
      'audit.k8s.io/v1 entries at Metadata level for reads and lease renewals and at RequestResponse level for writes ' +
      '(with request and response objects); container log lines in JSON, logfmt, klog, access-log, Spring and Python ' +
      'styles with multi-line stack traces; kube-state-metrics and cAdvisor samples with Prometheus job/instance labels.',
    '',
  ];
  const inputRows = Object.entries(f.input.classes)
    .sort((a, b) => b[1].records - a[1].records)
    .map(([cls, c]) => [
      cls,
      formatCount(c.records),
      `${formatNumber((100 * c.records) / f.input.records)} %`,
      formatCount(c.bytes / c.records),
    ]);
  out.push(
    `Input: ${formatCount(f.input.records)} generated records (seed ${f.input.seed}, ${f.input.generator}), ` +
      `${formatBytes(f.input.bytes)} of JSON, generated in ${formatNumber(f.input.generateSeconds, 0)} s (not measured below).`,
    '',
    markdownTable(['class', 'records', 'share', 'JSON bytes/record'], inputRows, ['l', 'r', 'r', 'r']),
    '',
  );

  if (f.runs.length > 0) {
    out.push(
      '**Throughput and memory** (each run in its own child process; CPU = user + system of that process, DuckDB threads included; ' +
        '"backlog" = finish() waiting for queued segment compactions, "sort" = the final ORDER BY into the bundle):',
      '',
      markdownTable(
        [
          'run',
          'records',
          'append wall',
          'append CPU',
          'finish: backlog',
          'finish: sort',
          'total wall',
          'total CPU',
          'rec/s (wall)',
          'rec/s per core',
          'slowest 5 s append window',
          'peak RSS',
          'bundle',
          'rows out of sort order',
          'other processes (cores)',
        ],
        f.runs.map((r) => {
          const p = r.report;
          return [
            r.label,
            formatCount(p.records),
            `${formatNumber(p.append.wallSeconds)} s`,
            `${formatNumber(p.append.cpu.total)} s`,
            p.finishBacklog ? `${formatNumber(p.finishBacklog.wallSeconds)} s` : '–',
            p.finishSort ? `${formatNumber(p.finishSort.wallSeconds)} s` : '–',
            `${formatNumber(p.total.wallSeconds)} s`,
            `${formatNumber(p.total.cpu.total)} s`,
            formatCount(p.records / p.total.wallSeconds),
            formatCount(p.records / p.total.cpu.total),
            slowestWindow(p),
            formatBytes(r.peakRssBytes),
            formatBytes(p.bundleBytes),
            r.parquet.rowsOutOfOrder === undefined ? '–' : formatCount(r.parquet.rowsOutOfOrder),
            otherLoad(r),
          ];
        }),
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
      '',
    );
  }

  for (const failure of f.failures ?? []) {
    out.push(`**Run ${failure.label} failed**: ${failure.error.split('\n')[0]}`, '');
  }

  if (f.convert) {
    const c = f.convert;
    const mixed = runOf(f, 'mixed');
    out.push(
      `**Size against zstd -3**: the same rows as NDJSON in recorded (time) order are ${formatBytes(c.ndjsonBytes)}, ` +
        `${formatBytes(c.zstdBytes)} under \`zstd -3\`` +
        (mixed
          ? `; the bundle is ${formatBytes(mixed.report.bundleBytes)}, ${formatNumber(mixed.report.bundleBytes / c.zstdBytes, 2)} × that`
          : '') +
        (f.rawZstd
          ? `. The generated input JSON (bodies without the typed columns) is ${formatBytes(f.input.bytes)}, ${formatBytes(f.rawZstd.bytes)} under \`zstd -3\``
          : '') +
        '.',
      '',
    );
    const rows = Object.entries(c.classes)
      .filter(([cls]) => cls !== 'marker')
      .sort((a, b) => b[1].records - a[1].records)
      .map(([cls, k]) => {
        const run = runOf(f, cls);
        const bundle = run ? run.report.bundleBytes / run.report.records : null;
        const writer = run ? writerCpuPerRecord(f, run) : null;
        return [
          cls,
          formatCount(k.records),
          formatCount(k.ndjsonBytes / k.records),
          k.zstdBytes === null ? '–' : formatNumber(k.zstdBytes / k.records),
          bundle === null ? '–' : formatNumber(bundle),
          bundle === null || k.zstdBytes === null ? '–' : formatNumber(bundle / (k.zstdBytes / k.records), 2),
          formatNumber((1e6 * k.parseSeconds) / k.records),
          formatNumber((1e6 * k.convertSeconds) / k.records),
          formatNumber((1e6 * k.encodeSeconds) / k.records),
          writer === null ? '–' : formatNumber(1e6 * writer),
        ];
      });
    out.push(
      '**Per source** (bundle bytes from a single-source bundle of that class; µs = CPU per record; "writer" = run CPU minus parse and to-row):',
      '',
      markdownTable(
        [
          'class',
          'records',
          'row NDJSON B/rec',
          'zstd -3 B/rec',
          'bundle B/rec',
          'bundle / zstd',
          'parse µs',
          'to-row µs',
          'encode µs',
          'writer µs',
        ],
        rows,
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
      '',
    );
  }

  for (const r of f.runs.filter(
    (x) => x.label === 'mixed' || x.label === 'object' || x.label === 'audit:Metadata' || x.label === 'log',
  )) {
    const total = r.parquet.columns.reduce((s, c) => s + c.compressedBytes, 0);
    const top = r.parquet.columns.slice(0, 8);
    out.push(
      `**Where the bytes go: ${r.label}** (${formatCount(r.parquet.rows)} rows in ${r.parquet.rowGroups} row groups; compressed column chunks):`,
      '',
      markdownTable(
        ['column', 'compressed', 'share', 'B/row', 'compression ratio'],
        top.map((c) => [
          c.column,
          formatBytes(c.compressedBytes),
          `${formatNumber((100 * c.compressedBytes) / total)} %`,
          formatNumber(c.compressedBytes / r.parquet.rows),
          `${formatNumber(c.uncompressedBytes / Math.max(1, c.compressedBytes))} ×`,
        ]),
        ['l', 'r', 'r', 'r', 'r'],
      ),
      '',
    );
  }
  return out.join('\n');
}

/** Average number of cores other processes kept busy during the run: the machine may be shared. */
function otherLoad(r: RunFigures): string {
  if (r.machineBusySeconds === undefined || r.machineBusySeconds === null || !r.childWallSeconds) return '–';
  return formatNumber(Math.max(0, r.machineBusySeconds - r.report.total.cpu.total) / r.childWallSeconds, 2);
}

function slowestWindow(p: WriteReport): string {
  const points = [{ records: 0, wallSeconds: 0 }, ...p.checkpoints];
  let slowest = Number.POSITIVE_INFINITY;
  for (let i = 1; i < points.length; i++) {
    const rate =
      (points[i]!.records - points[i - 1]!.records) / (points[i]!.wallSeconds - points[i - 1]!.wallSeconds);
    slowest = Math.min(slowest, rate);
  }
  return Number.isFinite(slowest) ? `${formatCount(slowest)} rec/s` : '–';
}

export const benchmark: Benchmark = {
  name: 'writer',
  description: 'BundleWriter: generated Kubernetes observations → to-row → spool → Parquet bundle',
  options: {
    'per-source': { type: 'string' },
    'skip-mixed': { type: 'boolean' },
    'skip-convert': { type: 'boolean' },
    keep: { type: 'boolean' },
    'delete-input': { type: 'boolean' },
    'row-group-size': { type: 'string' },
    'compression-level': { type: 'string' },
    'memory-limit': { type: 'string' },
    'segment-max-bytes': { type: 'string' },
  },
  usage: [
    '--per-source LIST      single-source runs: comma list of object,event,audit:Metadata,audit:RequestResponse,log,metric, or none (default: all)',
    '--skip-mixed           skip the run over the whole mix',
    '--skip-convert         skip the convert pass (per-class CPU split and the zstd -3 comparison)',
    '--keep                 keep the bundles in <work-dir>/runs/<pid>',
    '--delete-input         delete the generated input once the last run has appended it (frees disk for 10M runs)',
    '--row-group-size N, --compression-level N, --memory-limit SIZE, --segment-max-bytes N',
    '                       WriterOptions to try (the result name records them)',
  ],
  run,
  render,
};
