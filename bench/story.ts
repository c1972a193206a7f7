// Benchmark of `kstory story --all` on a large `kstory simulate --scale` bundle: the real CLI from
// process start to the last story and index.json written (wall time, CPU, peak RSS), with findings
// (the pattern catalogue runs once) and without. Targets from the resource stories issue, on 2
// cores: under 30 s for a 1M-record bundle, peak RSS under 1.5 GB.
//   npm run bench -- story --records 1m

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { measureCli } from './lib/child.ts';
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

interface StoryRun {
  wallSeconds: number;
  cpuSeconds: number;
  otherCpuSeconds: number | null;
  peakRssBytes: number;
  stories: number;
  events: number;
  outputBytes: number;
  /** The machine's 1-minute load average when the run began and when it ended: on a shared machine
   * the wall time says as much about the others as about kstory. */
  load: [number, number];
}

/** `kstory story <bundle> --all -o <dir>`, timed from spawn to exit, its RSS polled every 20 ms. */
async function runStories(bundle: string, workDir: string, extra: string[]): Promise<StoryRun> {
  const dir = mkdtempSync(path.join(workDir, 'stories-'));
  try {
    const run = await measureCli(CLI, [
      'story',
      bundle,
      '--all',
      '-o',
      dir,
      '--force',
      '--no-progress',
      ...extra,
    ]);
    const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as {
      stories: { events: number }[];
    };
    const outputBytes = readdirSync(dir).reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
    return {
      wallSeconds: run.wallSeconds,
      cpuSeconds: run.cpuSeconds,
      otherCpuSeconds: run.otherCpuSeconds,
      peakRssBytes: run.peakRssBytes,
      stories: index.stories.length,
      events: index.stories.reduce((sum, s) => sum + s.events, 0),
      outputBytes,
      load: run.load,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(context: BenchContext): Promise<BenchOutcome> {
  const records = parseCount(String(context.options.records ?? '1m'));
  const { file, manifest } = await scaleBundle(records, { workDir: context.workDir, log: context.log });
  const runs = Number(context.options.runs ?? 1);
  context.log(
    `story --all: ${path.relative(process.cwd(), file)} (${formatCount(manifest.rows)} rows), ${runs} runs`,
  );
  const measure = async (label: string, extra: string[]) => {
    const results: StoryRun[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await runStories(file, context.workDir, extra);
      context.log(
        `  ${label} run ${i + 1}: ${formatNumber(r.wallSeconds, 1)} s (CPU ${formatNumber(r.cpuSeconds, 1)} s; other processes ${r.otherCpuSeconds === null ? '?' : formatNumber(r.otherCpuSeconds, 1)} s), peak RSS ${formatBytes(r.peakRssBytes)}, ${r.stories} stories, ${formatCount(r.events)} events, ${formatBytes(r.outputBytes)}, load average ${formatNumber(r.load[0], 1)} → ${formatNumber(r.load[1], 1)}`,
      );
      results.push(r);
    }
    return results;
  };
  const full = await measure('with findings', []);
  const bare = await measure('--no-findings', ['--no-findings']);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const wall = median(full.map((r) => r.wallSeconds));
  const peak = Math.max(...full.map((r) => r.peakRssBytes), ...bare.map((r) => r.peakRssBytes));
  return {
    name: `story-${countLabel(records)}`,
    input: {
      bundle: path.relative(REPO_DIR, file),
      rows: manifest.rows,
      bytes: statSync(file).size,
      scale: manifest.scale,
      rowsBySource: manifest.rowsBySource,
    },
    targets: [
      check(
        `story --all on ${formatCount(manifest.rows)} records, process start to index.json`,
        'max',
        30,
        wall,
        's',
      ),
      check('peak RSS', 'max', 1.5 * 1024 ** 3, peak, 'bytes'),
    ],
    figures: {
      runs,
      medianWallSeconds: wall,
      medianCpuSeconds: median(full.map((r) => r.cpuSeconds)),
      otherProcessesCpuSeconds: full.map((r) => r.otherCpuSeconds),
      noFindingsMedianWallSeconds: median(bare.map((r) => r.wallSeconds)),
      peakRssBytes: peak,
      stories: full[0]!.stories,
      events: full[0]!.events,
      outputBytes: full[0]!.outputBytes,
      load: [...full, ...bare].map((r) => r.load),
    },
  };
}

function render(result: BenchResult): string {
  const f = result.figures as {
    runs: number;
    medianWallSeconds: number;
    medianCpuSeconds: number;
    otherProcessesCpuSeconds: (number | null)[];
    noFindingsMedianWallSeconds: number;
    peakRssBytes: number;
    stories: number;
    events: number;
    outputBytes: number;
    load?: [number, number][];
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
        [
          `kstory story --all -o DIR, median of ${f.runs} (wall)`,
          `${formatNumber(f.medianWallSeconds, 1)} s`,
        ],
        ['its CPU (user + system, median)', `${formatNumber(f.medianCpuSeconds, 1)} s`],
        [
          'CPU other processes took during the runs',
          f.otherProcessesCpuSeconds.map((s) => (s === null ? '?' : `${formatNumber(s, 1)} s`)).join(', '),
        ],
        ['the same with --no-findings (wall)', `${formatNumber(f.noFindingsMedianWallSeconds, 1)} s`],
        ['peak RSS', formatBytes(f.peakRssBytes)],
        ['stories / events', `${formatCount(f.stories)} / ${formatCount(f.events)}`],
        ['written', formatBytes(f.outputBytes)],
        [
          'load average (1 min) at start → end of each run',
          (f.load ?? []).map(([a, b]) => `${formatNumber(a, 1)} → ${formatNumber(b, 1)}`).join(', ') || '?',
        ],
      ],
      ['l', 'r'],
    ),
  ].join('\n');
}

export const benchmark: Benchmark = {
  name: 'story',
  description: 'kstory story --all on a kstory simulate --scale bundle: wall time, peak RSS',
  options: {},
  usage: ['--runs N               runs to take the median of (default 1; shared with analyze)'],
  run,
  render,
};
