// Benchmark `simulate-scale`: `kstory simulate --scale nodes=1000,pods=30000,hours=24,records=N`
// timed in a child process (wall, CPU, peak RSS, records per second, bytes per record and source,
// and the most spool segments that waited for compaction at once).
// The bundle stays at <work-dir>/scale-<N>.parquet: the input of the analyzer and importer
// benchmarks, which get it from scaleBundle() (made only when it is missing or out of date).
// Target from the issue: 1M records in well under a minute, 10M in a few minutes.
//   npm run bench -- simulate-scale --records 1m
//   npm run bench -- simulate-scale --records 10m
// This file is also the measured child process (run with --child), so that its CPU time and
// memory are the simulator's and the writer's alone.

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runTsChild } from './lib/child.ts';
import {
  type BenchContext,
  type Benchmark,
  type BenchOutcome,
  type BenchResult,
  check,
  DEFAULT_WORK_DIR,
  formatBytes,
  formatCount,
  formatNumber,
  markdownTable,
} from './lib/harness.ts';
import { countLabel, parseCount } from './writer.ts';

const SELF = path.resolve(import.meta.dirname, 'simulate-scale.ts');

/** The cluster of the benchmark bundles; `records` is added per run. */
export const DEFAULT_SCALE = 'nodes=1000,pods=30000,hours=24';

/** Bump when the scale generator's output changes, so that kept bundles are made again. */
export const SCALE_GENERATOR = 'kstory-simulate-scale/3';

/** Records per second (wall) that make 1M in 30 s and 10M in 5 minutes. */
const TARGET_RECORDS_PER_SECOND = Math.ceil(1_000_000 / 30);

export interface ScaleManifest {
  generator: string;
  scale: string;
  seed: number;
  rows: number;
  bytes: number;
  rowsBySource: Record<string, number>;
}

interface ChildReport {
  wallSeconds: number;
  cpuSeconds: number;
  maxRssBytes: number;
  /** The most closed spool segments that waited for compaction at once (the writer bounds it). */
  backlogPeakSegments?: number;
  backlogPeakBytes?: number;
  rows: number;
  bytes: number;
  rowsBySource: Record<string, number>;
}

export interface ScaleBundleOptions {
  seed?: number;
  /** The cluster (`nodes=N,pods=N,hours=N`); default DEFAULT_SCALE. */
  scale?: string;
  log?: (message: string) => void;
}

/** Where the bundle of `records` records lives in the work dir. */
export function scaleBundlePath(workDir: string, records: number, seed = 1, scale = DEFAULT_SCALE): string {
  const suffix = `${seed === 1 ? '' : `-s${seed}`}${scale === DEFAULT_SCALE ? '' : `-${scale.replace(/[^a-z0-9]+/gi, '-')}`}`;
  return path.join(workDir, `scale-${countLabel(records)}${suffix}.parquet`);
}

function specOf(scale: string, records: number): string {
  return `${scale},records=${records}`;
}

function readManifest(file: string): ScaleManifest | null {
  try {
    return JSON.parse(readFileSync(`${file}.json`, 'utf8')) as ScaleManifest;
  } catch {
    return null;
  }
}

/**
 * A `kstory simulate --scale` bundle of about `records` records for other benchmarks: the one in
 * the work dir when it was made by this generator with the same spec and seed, else made now.
 */
export async function scaleBundle(
  records: number,
  options: ScaleBundleOptions & { workDir?: string } = {},
): Promise<{ file: string; manifest: ScaleManifest }> {
  const workDir = options.workDir ?? DEFAULT_WORK_DIR;
  const seed = options.seed ?? 1;
  const scale = options.scale ?? DEFAULT_SCALE;
  const file = scaleBundlePath(workDir, records, seed, scale);
  const manifest = readManifest(file);
  if (
    existsSync(file) &&
    manifest?.generator === SCALE_GENERATOR &&
    manifest.scale === specOf(scale, records) &&
    manifest.seed === seed
  ) {
    options.log?.(`scale bundle: reusing ${path.relative(process.cwd(), file)}`);
    return { file, manifest };
  }
  const made = await makeScaleBundle(workDir, records, seed, scale, options.log);
  return { file, manifest: made.manifest };
}

/** Make the bundle in a child process, timed, then move it to its stable path. */
async function makeScaleBundle(
  workDir: string,
  records: number,
  seed: number,
  scale: string,
  log?: (message: string) => void,
): Promise<{
  manifest: ScaleManifest;
  report: ChildReport;
  peakRssPolledBytes: number;
  machineBusySeconds: number | null;
}> {
  mkdirSync(workDir, { recursive: true });
  const file = scaleBundlePath(workDir, records, seed, scale);
  const partial = `${file}.partial-${process.pid}.parquet`;
  const reportFile = `${partial}.report.json`;
  rmSync(partial, { force: true });
  rmSync(`${partial}.spool`, { recursive: true, force: true });
  const spec = specOf(scale, records);
  log?.(`kstory simulate --scale ${spec} → ${path.relative(process.cwd(), file)}`);
  let run: Awaited<ReturnType<typeof runTsChild>>;
  try {
    run = await runTsChild(SELF, ['--child', spec, String(seed), partial, reportFile]);
  } catch (error) {
    rmSync(partial, { force: true });
    rmSync(`${partial}.spool`, { recursive: true, force: true });
    throw error;
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ChildReport;
  rmSync(reportFile, { force: true });
  rmSync(`${file}.json`, { force: true });
  renameSync(partial, file);
  const manifest: ScaleManifest = {
    generator: SCALE_GENERATOR,
    scale: spec,
    seed,
    rows: report.rows,
    bytes: statSync(file).size,
    rowsBySource: report.rowsBySource,
  };
  writeFileSync(`${file}.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  log?.(
    `${formatCount(report.rows)} records in ${report.wallSeconds.toFixed(1)} s (${formatCount(report.rows / report.wallSeconds)}/s), ` +
      `${report.cpuSeconds.toFixed(1)} CPU s, ${formatBytes(manifest.bytes)}, peak RSS ${formatBytes(Math.max(report.maxRssBytes, run.peakRssPolledBytes))}`,
  );
  return {
    manifest,
    report,
    peakRssPolledBytes: run.peakRssPolledBytes,
    machineBusySeconds: run.machineBusySeconds,
  };
}

// --- the measured child ------------------------------------------------------------------------

/** `kstory simulate --scale` as the CLI runs it (runSimulateScale), measured from inside. */
async function child(spec: string, seed: string, output: string, reportFile: string): Promise<void> {
  // Modules are loaded before the clock starts: their one-off cost is not a per-record cost.
  const { runSimulateScale } = await import('../src/simulate/run.ts');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await runSimulateScale({ scale: spec, output, seed: Number(seed), force: true });
  const cpu = process.cpuUsage(cpu0);
  const report: ChildReport = {
    wallSeconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    backlogPeakSegments: result.spoolBacklog.peakSegments,
    backlogPeakBytes: result.spoolBacklog.peakBytes,
    rows: result.bundle.rows,
    bytes: result.bundle.bytes,
    rowsBySource: result.bundle.rowsBySource,
  };
  writeFileSync(reportFile, JSON.stringify(report));
}

// --- the benchmark -----------------------------------------------------------------------------

interface Figures {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  recordsPerSecond: number;
  recordsPerCpuSecond: number;
  bytesPerRecord: number;
  /** Other processes' busy cores during the run (the machine may be shared). */
  otherBusyCores: number | null;
  /** The most closed spool segments waiting for compaction at once, and their bytes. */
  backlogPeakSegments: number | null;
  backlogPeakBytes: number | null;
  rowsBySource: Record<string, number>;
  bundle: string;
}

async function run(context: BenchContext): Promise<BenchOutcome> {
  const o = context.options;
  const records = parseCount(String(o.records ?? '1m'));
  const seed = Number(o.seed ?? 1);
  const scale = String(o.scale ?? DEFAULT_SCALE);
  const made = await makeScaleBundle(context.workDir, records, seed, scale, context.log);
  const { report, manifest } = made;
  const wall = report.wallSeconds;
  const figures: Figures = {
    wallSeconds: wall,
    cpuSeconds: report.cpuSeconds,
    peakRssBytes: Math.max(report.maxRssBytes, made.peakRssPolledBytes),
    recordsPerSecond: report.rows / wall,
    recordsPerCpuSecond: report.rows / report.cpuSeconds,
    bytesPerRecord: manifest.bytes / report.rows,
    otherBusyCores:
      made.machineBusySeconds === null
        ? null
        : Math.max(0, (made.machineBusySeconds - report.cpuSeconds) / wall),
    backlogPeakSegments: report.backlogPeakSegments ?? null,
    backlogPeakBytes: report.backlogPeakBytes ?? null,
    rowsBySource: report.rowsBySource,
    bundle: path.relative(process.cwd(), scaleBundlePath(context.workDir, records, seed, scale)),
  };
  return {
    name: `simulate-scale-${countLabel(records)}`,
    input: { scale: manifest.scale, seed, records: report.rows, bytes: manifest.bytes },
    targets: [
      check(
        'kstory simulate --scale throughput',
        'min',
        TARGET_RECORDS_PER_SECOND,
        figures.recordsPerSecond,
        'records/s (wall)',
        '1M records in 30 s, 10M in 5 minutes',
      ),
    ],
    figures: figures as unknown as Record<string, unknown>,
  };
}

function render(result: BenchResult): string {
  const f = result.figures as unknown as Figures;
  const input = result.input as { scale: string; records: number; bytes: number };
  const sources = Object.entries(f.rowsBySource).sort(([a], [b]) => a.localeCompare(b));
  return [
    `\`kstory simulate --scale ${input.scale}\` (the CLI's runSimulateScale in a child process), bundle kept at \`${f.bundle}\` for the analyzer and importer benchmarks (\`scaleBundle()\` in bench/simulate-scale.ts).`,
    '',
    markdownTable(
      [
        'records',
        'wall s',
        'CPU s',
        'records/s (wall)',
        'records/CPU-s',
        'peak RSS',
        'bundle',
        'B/record',
        'other busy cores',
        'spool backlog (peak)',
      ],
      [
        [
          formatCount(input.records),
          formatNumber(f.wallSeconds, 1),
          formatNumber(f.cpuSeconds, 1),
          formatCount(f.recordsPerSecond),
          formatCount(f.recordsPerCpuSecond),
          formatBytes(f.peakRssBytes),
          formatBytes(input.bytes),
          formatNumber(f.bytesPerRecord, 1),
          f.otherBusyCores === null ? 'n/a' : formatNumber(f.otherBusyCores, 1),
          f.backlogPeakSegments == null
            ? 'n/a'
            : `${f.backlogPeakSegments} segments, ${formatBytes(f.backlogPeakBytes ?? 0)}`,
        ],
      ],
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    markdownTable(
      ['source', 'records', 'share'],
      sources.map(([source, n]) => [
        source,
        formatCount(n),
        `${formatNumber((100 * n) / input.records, 1)} %`,
      ]),
      ['l', 'r', 'r'],
    ),
  ].join('\n');
}

export const benchmark: Benchmark = {
  name: 'simulate-scale',
  description:
    'kstory simulate --scale: a large bundle with the realistic mix of sources, kept as the analyzer and importer benchmarks’ input',
  options: { scale: { type: 'string' } },
  usage: [
    `--records N            records of the bundle (default 1m; 10m for the large one)`,
    `--scale SPEC           the cluster: nodes=N,pods=N,hours=N (default ${DEFAULT_SCALE})`,
  ],
  run,
  render,
};

if (
  process.argv[1] &&
  pathToFileURL(process.argv[1]).href === import.meta.url &&
  process.argv[2] === '--child'
) {
  const [, , , spec, seed, output, report] = process.argv;
  await child(spec!, seed!, output!, report!);
}
