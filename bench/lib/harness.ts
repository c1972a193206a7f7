// The benchmark harness: what a benchmark is, where its results go, and the machine they were
// measured on. A benchmark is a file `bench/<name>.ts` exporting `benchmark`; run.ts finds it.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParseArgsConfig } from 'node:util';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = path.resolve(BENCH_DIR, '..');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
/** Inputs, bundles and spools of runs: large, git-ignored, reused between runs when inputs match. */
export const DEFAULT_WORK_DIR = path.join(BENCH_DIR, 'work');

export type OptionValues = Record<string, string | boolean | undefined>;

export interface BenchContext {
  /** Parsed flags: the harness's common ones and the benchmark's own. */
  options: OptionValues;
  workDir: string;
  /** The command line that reproduces this run. */
  command: string;
  log: (message: string) => void;
}

/** A figure compared with its target, as the issue states targets: met or not, never hidden. */
export interface TargetCheck {
  target: string;
  /** `max`: the measured value must be at most `limit`; `min`: at least. */
  kind: 'max' | 'min';
  limit: number;
  measured: number;
  unit: string;
  met: boolean;
  note?: string;
}

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  node: string;
  platform: string;
  kernel: string;
  duckdb: string;
  zstd: string;
  /** Load averages (1, 5, 15 minutes) before and after the run; absent in older results. */
  loadAverage?: { before: number[]; after: number[] };
}

export interface BenchResult {
  /** Result file name: `bench/results/<name>.json`. */
  name: string;
  benchmark: string;
  description: string;
  command: string;
  startedAt: string;
  durationSeconds: number;
  input: Record<string, unknown>;
  machine: Machine;
  targets: TargetCheck[];
  figures: Record<string, unknown>;
}

export type BenchOutcome = Omit<
  BenchResult,
  'benchmark' | 'description' | 'command' | 'startedAt' | 'durationSeconds' | 'machine'
>;

export interface Benchmark {
  name: string;
  description: string;
  /** Flags of this benchmark, merged with the common ones (`--records`, `--seed`, `--work-dir`). */
  options: NonNullable<ParseArgsConfig['options']>;
  /** Extra help lines shown by `npm run bench -- --help`. */
  usage: string[];
  run(context: BenchContext): Promise<BenchOutcome>;
  /** The benchmark's section of docs/benchmarks.md (markdown), from one of its result files. */
  render(result: BenchResult): string;
}

export function check(
  target: string,
  kind: 'max' | 'min',
  limit: number,
  measured: number,
  unit: string,
  note?: string,
): TargetCheck {
  const met = kind === 'max' ? measured <= limit : measured >= limit;
  return { target, kind, limit, measured, unit, met, ...(note ? { note } : {}) };
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  let zstd = 'not found';
  try {
    zstd = execFileSync('zstd', ['--version'], { encoding: 'utf8' })
      .trim()
      .replace(/^\*+\s*/, '')
      .replace(/\s*\*+$/, '');
  } catch {
    // Reported as not found; benchmarks that need zstd say so themselves.
  }
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    duckdb: duckdbVersion(),
    zstd,
  };
}

function duckdbVersion(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(path.join(REPO_DIR, 'node_modules/@duckdb/node-api/package.json'), 'utf8'),
    ) as { version: string };
    return `@duckdb/node-api ${pkg.version}`;
  } catch {
    return 'unknown';
  }
}

/** Benchmarks are the `.ts` files at the top of bench/ other than run.ts, each exporting `benchmark`. */
export async function loadBenchmarks(): Promise<Benchmark[]> {
  const files = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.d.ts'))
    .sort();
  const out: Benchmark[] = [];
  for (const file of files) {
    const mod = (await import(path.join(BENCH_DIR, file))) as { benchmark?: Benchmark };
    if (!mod.benchmark) throw new Error(`bench/${file} does not export a benchmark`);
    out.push(mod.benchmark);
  }
  return out;
}

export function writeResult(result: BenchResult): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${result.name}.json`);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}

export function readResults(): BenchResult[] {
  if (!existsSync(RESULTS_DIR)) return [];
  return readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(RESULTS_DIR, f), 'utf8')) as BenchResult);
}

// --- formatting shared by renderers --------------------------------------------------------------

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatNumber(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function markdownTable(header: string[], rows: (string | number)[][], align?: ('l' | 'r')[]): string {
  const sep = header.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---'));
  const line = (cells: (string | number)[]) =>
    `| ${cells.map((c) => String(c).replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), `|${sep.join('|')}|`, ...rows.map(line)].join('\n');
}

export function renderMachine(m: Machine): string {
  const load = m.loadAverage
    ? `; load average ${m.loadAverage.before.map((x) => x.toFixed(1)).join(', ')} before the run, ${m.loadAverage.after.map((x) => x.toFixed(1)).join(', ')} after (1, 5, 15 min)`
    : '';
  return `${m.cpuModel}, ${m.cores} cores, ${formatBytes(m.memoryBytes)} RAM; Node ${m.node}; ${m.platform}, kernel ${m.kernel}; ${m.duckdb}; ${m.zstd}${load}`;
}

export function renderTargets(targets: TargetCheck[]): string {
  if (targets.length === 0) return '';
  return markdownTable(
    ['target', 'limit', 'measured', 'met'],
    targets.map((t) => [
      t.target + (t.note ? ` (${t.note})` : ''),
      `${t.kind === 'max' ? '≤' : '≥'} ${formatNumber(t.limit, t.limit < 10 ? 2 : 0)} ${t.unit}`,
      `${formatNumber(t.measured, t.measured < 10 ? 2 : t.measured < 1000 ? 1 : 0)} ${t.unit}`,
      t.met ? 'yes' : '**no**',
    ]),
    ['l', 'r', 'r', 'l'],
  );
}
