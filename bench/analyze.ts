// Benchmark of `kstory analyze` on a large `kstory simulate --scale` bundle: the real CLI from
// process start to printed output (wall time, peak RSS), and, as a yardstick, a plain DuckDB scan
// of the typed columns detection reads, in a process of its own too. Targets, on 2 cores: see SIZES.
//   npm run bench -- analyze --records 1m
//   npm run bench -- analyze --records 10m
//   npm run bench -- analyze --records 100m --runs 1   (its bundle takes simulate ~40 min, 2.4 GB)

import { statSync } from 'node:fs';
import path from 'node:path';
import { sqlString } from '../src/bundle/duckdb.ts';
import { measureCli, measureDuckDbProcess, median } from './lib/child.ts';
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
  REPO_DIR,
  renderMachine,
  renderTargets,
} from './lib/harness.ts';
import { scaleBundle } from './simulate-scale.ts';
import { countLabel, parseCount } from './writer.ts';

const CLI = path.join(REPO_DIR, 'bin', 'kstory.js');

/** The typed columns the pattern catalogue's signals filter and aggregate on. */
const SCANNED_COLUMNS = [
  'source',
  'ts',
  'kind',
  'namespace',
  'name',
  'container',
  'node',
  'owner_kind',
  'owner_name',
  'phase',
  'containers',
  'conditions',
  'replicas_desired',
  'replicas_ready',
  'event_reason',
  'event_message',
  'event_count',
  'audit_verb',
  'audit_code',
  'audit_user',
  'log_line',
  'metric_name',
  'metric_value',
];

/** What a bundle of a size must meet; the largest size whose `fromRows` the bundle reaches applies. */
interface SizeTargets {
  fromRows: number;
  /** Process start to output, when the size has a time target (100M has its time said, not bounded). */
  maxSeconds: number | null;
  /** analyze / plain scan, when the size has a ratio target. */
  maxRatio: number | null;
  maxRssBytes: number;
}

const SIZES: readonly SizeTargets[] = [
  { fromRows: 0, maxSeconds: 2, maxRatio: 3, maxRssBytes: 1.5 * 1024 ** 3 },
  { fromRows: 5_000_000, maxSeconds: 10, maxRatio: 3, maxRssBytes: 1.5 * 1024 ** 3 },
  // A bundle of a long recording of a large cluster: that it is read at all within a laptop's memory.
  { fromRows: 50_000_000, maxSeconds: null, maxRatio: null, maxRssBytes: 2 * 1024 ** 3 },
];

/** The targets a bundle of `rows` rows must meet. */
function targetsOfSize(rows: number): SizeTargets {
  return SIZES.filter((size) => rows >= size.fromRows).at(-1)!;
}

interface CliRun {
  wallSeconds: number;
  /** User + system CPU of the analysis, sampled every 20 ms (the last few ms are not seen). */
  cpuSeconds: number;
  /** CPU seconds other processes took meanwhile: the machine may be shared, which slows the wall clock. */
  otherCpuSeconds: number | null;
  peakRssBytes: number;
  stdoutBytes: number;
  incidents: number;
  findings: number;
}

/** `kstory analyze <bundle> --json`, timed from spawn to exit, its RSS polled every 20 ms. */
async function runAnalyze(bundle: string): Promise<CliRun> {
  const run = await measureCli(CLI, ['analyze', bundle, '--json'], { stdout: 'keep' });
  const report = JSON.parse(run.stdout) as { incidents: unknown[]; findings: unknown[] };
  return {
    wallSeconds: run.wallSeconds,
    cpuSeconds: run.cpuSeconds,
    otherCpuSeconds: run.otherCpuSeconds,
    peakRssBytes: run.peakRssBytes,
    stdoutBytes: run.stdout.length,
    incidents: report.incidents.length,
    findings: report.findings.length,
  };
}

/**
 * A plain DuckDB scan of the same typed columns, in a process of its own from start to exit as the
 * analysis is: the floor any analysis of this bundle pays.
 */
async function plainScan(bundle: string): Promise<number> {
  const run = await measureDuckDbProcess(
    `SELECT count(*), count(DISTINCT name), max(ts), sum(len(containers)), sum(len(conditions)),
            count(event_reason), sum(length(event_message)), sum(length(log_line)), sum(metric_value),
            count(audit_code), count(DISTINCT owner_name), count(replicas_ready)
     FROM (SELECT ${SCANNED_COLUMNS.map((c) => `"${c}"`).join(', ')} FROM read_parquet(${sqlString(bundle)}))`,
  );
  return run.wallSeconds;
}

async function run(context: BenchContext): Promise<BenchOutcome> {
  const records = parseCount(String(context.options.records ?? '1m'));
  const { file, manifest } = await scaleBundle(records, { workDir: context.workDir, log: context.log });
  const runs = Number(context.options.runs ?? 3);
  context.log(
    `analyze: ${path.relative(process.cwd(), file)} (${formatCount(manifest.rows)} rows), ${runs} runs`,
  );
  const cli: CliRun[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runAnalyze(file);
    context.log(
      `  run ${i + 1}: ${formatNumber(r.wallSeconds, 2)} s (CPU ${formatNumber(r.cpuSeconds, 2)} s; other processes ${r.otherCpuSeconds === null ? '?' : formatNumber(r.otherCpuSeconds, 2)} s), peak RSS ${formatBytes(r.peakRssBytes)}, ${r.incidents} incidents, ${r.findings} findings`,
    );
    cli.push(r);
  }
  const scans: number[] = [];
  for (let i = 0; i < runs; i++) scans.push(await plainScan(file));
  const wall = median(cli.map((r) => r.wallSeconds));
  const scan = median(scans);
  const peak = Math.max(...cli.map((r) => r.peakRssBytes));
  context.log(`  plain DuckDB scan of ${SCANNED_COLUMNS.length} columns: ${formatNumber(scan, 2)} s`);
  const size = targetsOfSize(manifest.rows);
  const ratioDetail = `both processes of their own, start to exit, median of ${runs}: ${formatNumber(wall, 2)} s against ${formatNumber(scan, 2)} s`;
  return {
    name: `analyze-${countLabel(records)}`,
    input: {
      bundle: path.relative(REPO_DIR, file),
      rows: manifest.rows,
      bytes: statSync(file).size,
      scale: manifest.scale,
      rowsBySource: manifest.rowsBySource,
    },
    targets: [
      ...(size.maxSeconds === null
        ? []
        : [
            check(
              `analyze ${formatCount(manifest.rows)} records, process start to output`,
              'max',
              size.maxSeconds,
              wall,
              's',
            ),
          ]),
      ...(size.maxRatio === null
        ? []
        : [
            check(
              'analyze / plain DuckDB scan of the typed columns',
              'max',
              size.maxRatio,
              wall / scan,
              '×',
              ratioDetail,
            ),
          ]),
      check('peak RSS', 'max', size.maxRssBytes, peak, 'bytes'),
    ],
    figures: {
      runs,
      wallSeconds: cli.map((r) => r.wallSeconds),
      medianWallSeconds: wall,
      cpuSeconds: cli.map((r) => r.cpuSeconds),
      medianCpuSeconds: median(cli.map((r) => r.cpuSeconds)),
      otherProcessesCpuSeconds: cli.map((r) => r.otherCpuSeconds),
      peakRssBytes: peak,
      plainScanSeconds: scans,
      medianPlainScanSeconds: scan,
      ratioToPlainScan: wall / scan,
      incidents: cli[0]!.incidents,
      findings: cli[0]!.findings,
      reportBytes: cli[0]!.stdoutBytes,
    },
  };
}

function render(result: BenchResult): string {
  const f = result.figures as {
    medianWallSeconds: number;
    medianCpuSeconds: number;
    otherProcessesCpuSeconds: (number | null)[];
    medianPlainScanSeconds: number;
    ratioToPlainScan: number;
    peakRssBytes: number;
    incidents: number;
    findings: number;
    runs: number;
  };
  const input = result.input as { rows: number; bytes: number; bundle: string };
  return [
    `### ${result.name}`,
    '',
    `\`${result.command}\` on ${input.bundle} (${formatCount(input.rows)} rows, ${formatBytes(input.bytes)}).`,
    '',
    renderMachine(result.machine),
    '',
    renderTargets(result.targets),
    '',
    markdownTable(
      ['measure', 'value'],
      [
        [`kstory analyze --json, median of ${f.runs} (wall)`, `${formatNumber(f.medianWallSeconds, 2)} s`],
        ['its CPU (user + system, median)', `${formatNumber(f.medianCpuSeconds, 2)} s`],
        [
          'CPU other processes took during the runs',
          f.otherProcessesCpuSeconds.map((s) => (s === null ? '?' : `${formatNumber(s, 2)} s`)).join(', '),
        ],
        ['peak RSS', formatBytes(f.peakRssBytes)],
        [
          'plain DuckDB scan of the typed columns (a process of its own, median)',
          `${formatNumber(f.medianPlainScanSeconds, 2)} s`,
        ],
        ['ratio to the plain scan', `${formatNumber(f.ratioToPlainScan, 1)}×`],
        ['incidents / findings', `${f.incidents} / ${f.findings}`],
      ],
      ['l', 'r'],
    ),
  ].join('\n');
}

export const benchmark: Benchmark = {
  name: 'analyze',
  description:
    'kstory analyze on a kstory simulate --scale bundle: wall time, peak RSS, ratio to a plain scan',
  options: { runs: { type: 'string' } },
  usage: ['--runs N               analyze runs to take the median of (default 3)'],
  run,
  render,
};
