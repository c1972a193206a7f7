// Benchmark of `kstory labels` over a corpus of small simulated bundles: the committed fixtures
// (one per scenario, about 200 KB each), each given as many times as it takes to reach --bundles,
// through the real CLI from process start to the file written (wall time, CPU, peak RSS: memory
// must not grow with the corpus). Target from the training labels issue, on 2 cores: at least 20
// bundles/s for 200 KB bundles.
//   npm run bench -- labels --bundles 1000

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { machineBusySeconds, readCpuSeconds, readRss } from './lib/child.ts';
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
} from './lib/harness.ts';

const CLI = path.join(REPO_DIR, 'bin', 'kstory.js');
const FIXTURES = path.join(REPO_DIR, 'fixtures');

interface LabelsRun {
  wallSeconds: number;
  cpuSeconds: number;
  otherCpuSeconds: number | null;
  peakRssBytes: number;
  labels: number;
  outputBytes: number;
}

function runLabels(bundles: string[], workDir: string): Promise<LabelsRun> {
  mkdirSync(workDir, { recursive: true });
  const dir = mkdtempSync(path.join(workDir, 'labels-'));
  const output = path.join(dir, 'labels.jsonl');
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'labels', ...bundles, '-o', output, '--no-progress'], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  let peak = 0;
  let cpu = 0;
  const busyBefore = machineBusySeconds();
  const poll = setInterval(() => {
    if (!child.pid) return;
    peak = Math.max(peak, readRss(child.pid));
    cpu = readCpuSeconds(child.pid) ?? cpu;
  }, 20);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      const wallSeconds = (performance.now() - started) / 1000;
      const busyAfter = machineBusySeconds();
      try {
        if (code !== 0) throw new Error(`kstory labels exited ${code}`);
        resolve({
          wallSeconds,
          cpuSeconds: cpu,
          otherCpuSeconds:
            busyBefore === null || busyAfter === null ? null : Math.max(0, busyAfter - busyBefore - cpu),
          peakRssBytes: peak,
          labels: readFileSync(output, 'utf8').split('\n').filter(Boolean).length,
          outputBytes: statSync(output).size,
        });
      } catch (error) {
        reject(error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

async function run(context: BenchContext): Promise<BenchOutcome> {
  const count = Number(context.options.bundles ?? 100);
  const fixtures = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.parquet'))
    .sort()
    .map((f) => path.join(FIXTURES, f));
  const bundles = Array.from({ length: count }, (_, i) => fixtures[i % fixtures.length]!);
  const bytes = bundles.reduce((sum, f) => sum + statSync(f).size, 0);
  context.log(`labels: ${count} bundles (${fixtures.length} fixtures in turn), ${formatBytes(bytes)}`);
  const r = await runLabels(bundles, context.workDir);
  const rate = count / r.wallSeconds;
  context.log(
    `  ${formatNumber(r.wallSeconds, 1)} s (CPU ${formatNumber(r.cpuSeconds, 1)} s), ${formatNumber(rate, 2)} bundles/s, peak RSS ${formatBytes(r.peakRssBytes)}, ${formatCount(r.labels)} labels`,
  );
  return {
    name: `labels-${count}`,
    input: { bundles: count, fixtures: fixtures.length, bytes, meanBundleBytes: bytes / count },
    targets: [check(`kstory labels over ${count} bundles of ~200 KB`, 'min', 20, rate, 'bundles/s')],
    figures: {
      wallSeconds: r.wallSeconds,
      cpuSeconds: r.cpuSeconds,
      otherProcessesCpuSeconds: r.otherCpuSeconds,
      peakRssBytes: r.peakRssBytes,
      labels: r.labels,
      outputBytes: r.outputBytes,
      bundlesPerSecond: rate,
    },
  };
}

function render(result: BenchResult): string {
  const f = result.figures as {
    wallSeconds: number;
    cpuSeconds: number;
    otherProcessesCpuSeconds: number | null;
    peakRssBytes: number;
    labels: number;
    outputBytes: number;
    bundlesPerSecond: number;
  };
  const input = result.input as { bundles: number; fixtures: number; bytes: number; meanBundleBytes: number };
  return [
    `${formatCount(input.bundles)} bundles (the ${input.fixtures} fixtures in turn, ${formatBytes(input.meanBundleBytes)} on average), each analysed on its own, then labelled; one process, one bundle at a time.`,
    '',
    markdownTable(
      ['measure', 'value'],
      [
        ['kstory labels ... -o labels.jsonl (wall)', `${formatNumber(f.wallSeconds, 1)} s`],
        ['bundles/s (wall)', formatNumber(f.bundlesPerSecond, 2)],
        ['bundles per CPU-second of the process', formatNumber(input.bundles / f.cpuSeconds, 2)],
        ['its CPU (user + system)', `${formatNumber(f.cpuSeconds, 1)} s`],
        [
          'CPU other processes took meanwhile',
          f.otherProcessesCpuSeconds === null ? '?' : `${formatNumber(f.otherProcessesCpuSeconds, 1)} s`,
        ],
        ['peak RSS', formatBytes(f.peakRssBytes)],
        ['labels / written', `${formatCount(f.labels)} / ${formatBytes(f.outputBytes)}`],
      ],
      ['l', 'r'],
    ),
  ].join('\n');
}

export const benchmark: Benchmark = {
  name: 'labels',
  description: 'kstory labels over a corpus of ~200 KB fixture bundles: bundles/s, peak RSS',
  options: { bundles: { type: 'string' } },
  usage: ['--bundles N            bundles to label, the fixtures in turn (default 100)'],
  run,
  render,
};
