// Benchmark of `kstory import` on a real must-gather (../shared/real-samples/must-gather-aws.tar.xz:
// about 6,000 files, 160,000 rows): CPU seconds, wall time and peak RSS of the whole import, bundle
// file included. With --baseline <kstory checkout>, the same import by that checkout's code is run
// in turn with this one, so that both share the machine's load; the target is this one's CPU time
// within 10 % of the baseline's.
//   npm run bench -- import-must-gather --baseline /path/to/kstory-at-an-older-commit
// This file is also the measured child process (run with --child).

import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runTsChild } from './lib/child.ts';
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
  renderMachine,
  renderTargets,
} from './lib/harness.ts';

const SELF = path.resolve(import.meta.dirname, 'import-must-gather.ts');
const ROOT = path.resolve(import.meta.dirname, '..');
const SAMPLE = path.resolve(ROOT, '../shared/real-samples/must-gather-aws.tar.xz');
/** Runs of each tree; the median is kept, the machine being shared. */
const RUNS = 3;

interface ChildReport {
  wallSeconds: number;
  cpuSeconds: number;
  maxRssBytes: number;
  rows: number;
}

/** `kstory import` as the user runs it, by the code of the checkout at `root`. */
async function child(root: string, input: string, output: string, report: string): Promise<void> {
  // Modules are loaded before the clock starts.
  const { runImport } = (await import(pathToFileURL(path.join(root, 'src/import/run.ts')).href)) as {
    runImport: (o: Record<string, unknown>) => Promise<{ bundle: { rows: number } | null }>;
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await runImport({ inputs: [input], output, force: true, progress: false });
  const cpu = process.cpuUsage(cpu0);
  const out: ChildReport = {
    wallSeconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    rows: result.bundle?.rows ?? 0,
  };
  writeFileSync(report, JSON.stringify(out));
}

async function measure(
  root: string,
  workDir: string,
  tag: string,
): Promise<ChildReport & { peakRssPolledBytes: number }> {
  const output = path.join(workDir, `import-must-gather-${tag}.parquet`);
  const report = path.join(workDir, `import-must-gather-${tag}.report.json`);
  rmSync(report, { force: true });
  const run = await runTsChild(SELF, ['--child', root, SAMPLE, output, report]);
  const r = JSON.parse(readFileSync(report, 'utf8')) as ChildReport;
  rmSync(output, { force: true });
  rmSync(report, { force: true });
  return { ...r, peakRssPolledBytes: run.peakRssPolledBytes };
}

function median<T>(runs: T[], by: (r: T) => number): T {
  return [...runs].sort((a, b) => by(a) - by(b))[Math.floor(runs.length / 2)]!;
}

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  if (!existsSync(SAMPLE)) throw new Error(`${SAMPLE} is absent: this benchmark needs the real samples`);
  const baselineRoot = typeof ctx.options.baseline === 'string' ? path.resolve(ctx.options.baseline) : null;
  if (baselineRoot && !existsSync(path.join(baselineRoot, 'src/import/run.ts')))
    throw new Error(`--baseline ${baselineRoot}: not a kstory checkout (no src/import/run.ts)`);
  mkdirSync(ctx.workDir, { recursive: true });
  const current: ChildReport[] = [];
  const baseline: ChildReport[] = [];
  for (let i = 1; i <= RUNS; i++) {
    if (baselineRoot) {
      ctx.log(`run ${i} of ${RUNS}: the baseline's import`);
      baseline.push(await measure(baselineRoot, ctx.workDir, 'baseline'));
    }
    ctx.log(`run ${i} of ${RUNS}: this tree's import`);
    current.push(await measure(ROOT, ctx.workDir, 'current'));
  }
  const now = median(current, (r) => r.cpuSeconds);
  const before = baselineRoot ? median(baseline, (r) => r.cpuSeconds) : null;
  const peak = Math.max(
    ...current.map((r) =>
      Math.max(r.maxRssBytes, (r as { peakRssPolledBytes?: number }).peakRssPolledBytes ?? 0),
    ),
  );
  return {
    name: 'import-must-gather',
    input: { file: 'must-gather-aws.tar.xz', bytes: statSync(SAMPLE).size, rows: now.rows, runs: RUNS },
    targets: before
      ? [
          check(
            'must-gather import CPU time, against the baseline',
            'max',
            1.1,
            now.cpuSeconds / before.cpuSeconds,
            '× the baseline',
            'medians of runs taken in turn with the baseline’s',
          ),
        ]
      : [],
    figures: {
      current: { ...now, rowsPerCpuSecond: now.rows / now.cpuSeconds, peakRssBytes: peak },
      currentRuns: current.map((r) => r.cpuSeconds),
      ...(before
        ? {
            baseline: { ...before, root: baselineRoot, rowsPerCpuSecond: before.rows / before.cpuSeconds },
            baselineRuns: baseline.map((r) => r.cpuSeconds),
          }
        : {}),
    },
  };
}

function render(result: BenchResult): string {
  type Figures = ChildReport & { rowsPerCpuSecond: number };
  const f = result.figures as {
    current: Figures & { peakRssBytes: number };
    currentRuns: number[];
    baseline?: Figures;
    baselineRuns?: number[];
  };
  const input = result.input as { bytes: number; rows: number; runs: number };
  const row = (name: string, r: Figures, runs: number[]) => [
    name,
    formatNumber(r.wallSeconds, 1),
    formatNumber(r.cpuSeconds, 1),
    runs.map((s) => formatNumber(s, 1)).join(', '),
    formatCount(r.rows),
    formatCount(r.rowsPerCpuSecond),
  ];
  return [
    `Input: the must-gather of ../shared/real-samples (${formatBytes(input.bytes)} .tar.xz, ${formatCount(input.rows)} rows), imported whole, bundle file included; the median of ${input.runs} runs${f.baseline ? ', each run of this tree in turn with one of the baseline’s' : ''}. Peak RSS ${formatBytes(f.current.peakRssBytes)}. Machine: ${renderMachine(result.machine)}.`,
    '',
    markdownTable(
      ['import', 'wall s', 'CPU s', 'CPU s of each run', 'rows', 'rows per CPU s'],
      [
        row('this tree', f.current, f.currentRuns),
        ...(f.baseline ? [row('baseline', f.baseline, f.baselineRuns ?? [])] : []),
      ],
      ['l', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    renderTargets(result.targets),
  ].join('\n');
}

export const benchmark: Benchmark = {
  name: 'import-must-gather',
  description: 'kstory import of the real must-gather, against an older checkout’s import with --baseline',
  options: { baseline: { type: 'string' } },
  usage: ['--baseline DIR         a kstory checkout whose import is measured in turn with this one'],
  run,
  render,
};

if (
  process.argv[1] &&
  pathToFileURL(process.argv[1]).href === import.meta.url &&
  process.argv[2] === '--child'
) {
  const [, , , root, input, output, report] = process.argv;
  await child(root!, input!, output!, report!);
}
