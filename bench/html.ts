// Benchmark of the HTML report on a `kstory simulate --scale` bundle: `kstory analyze --format html`
// from process start to the written page (wall, peak RSS), the page's size, and the time Debian's
// Chromium takes to open it and draw the first lanes. Targets from the HTML report's design: a
// 1M-record bundle gives a page under 15 MB that draws within 2 s.
//   npm run bench -- html --records 100k
//   npm run bench -- html --records 1m

import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
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
const CHROMIUM = '/usr/bin/chromium';

interface Generation {
  wallSeconds: number;
  cpuSeconds: number;
  otherCpuSeconds: number | null;
  peakRssBytes: number;
}

/** `kstory analyze <bundle> --format html -o <page>`, timed from spawn to exit, RSS polled every 20 ms. */
async function generate(bundle: string, page: string): Promise<Generation> {
  const run = await measureCli(CLI, ['analyze', bundle, '--format', 'html', '-o', page, '--no-progress']);
  return {
    wallSeconds: run.wallSeconds,
    cpuSeconds: run.cpuSeconds,
    otherCpuSeconds: run.otherCpuSeconds,
    peakRssBytes: run.peakRssBytes,
  };
}

/** Milliseconds from navigation start until the first lanes are drawn, in headless Chromium. */
async function drawMs(page: string): Promise<number | null> {
  if (!existsSync(CHROMIUM)) return null;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await tab.goto(`file://${page}`, { timeout: 120_000 });
    await tab.locator('.row.lane').first().waitFor({ timeout: 120_000 });
    return await tab.evaluate(() => performance.now());
  } finally {
    await browser.close();
  }
}

async function run(context: BenchContext): Promise<BenchOutcome> {
  const records = parseCount(String(context.options.records ?? '1m'));
  const { file, manifest } = await scaleBundle(records, { workDir: context.workDir, log: context.log });
  const runs = Number(context.options.runs ?? 1);
  const outDir = path.join(context.workDir, 'html');
  mkdirSync(outDir, { recursive: true });
  const page = path.join(outDir, `${path.basename(file, '.parquet')}.html`);
  context.log(
    `html: ${path.relative(process.cwd(), file)} (${formatCount(manifest.rows)} rows), ${runs} runs`,
  );
  const generations: Generation[] = [];
  for (let i = 0; i < runs; i++) {
    const g = await generate(file, page);
    context.log(
      `  run ${i + 1}: ${formatNumber(g.wallSeconds, 2)} s (CPU ${formatNumber(g.cpuSeconds, 2)} s; other processes ${g.otherCpuSeconds === null ? '?' : formatNumber(g.otherCpuSeconds, 2)} s), peak RSS ${formatBytes(g.peakRssBytes)}`,
    );
    generations.push(g);
  }
  const bytes = statSync(page).size;
  const data = JSON.parse(
    /<script type="application\/json" id="kstory-data">([^<]*)/.exec(readFileSync(page, 'utf8'))![1]!,
  ) as { timeline: { lanes: unknown[]; objects: number; summarised: string[] } };
  const draws: number[] = [];
  for (let i = 0; i < runs; i++) {
    const ms = await drawMs(page);
    if (ms !== null) draws.push(ms);
  }
  context.log(
    `  page ${formatBytes(bytes)}, ${data.timeline.lanes.length} lanes of ${data.timeline.objects} objects; drawn in ${draws.length > 0 ? draws.map((d) => `${Math.round(d)} ms`).join(', ') : '? (no Chromium)'}`,
  );
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const wall = median(generations.map((g) => g.wallSeconds));
  const targets = [check('page size', 'max', 15 * 1024 ** 2, bytes, 'bytes')];
  if (draws.length > 0) targets.push(check('open and draw in Chromium', 'max', 2000, median(draws), 'ms'));
  return {
    name: `html-${countLabel(records)}`,
    input: {
      bundle: path.relative(REPO_DIR, file),
      rows: manifest.rows,
      bytes: statSync(file).size,
      scale: manifest.scale,
      rowsBySource: manifest.rowsBySource,
    },
    targets,
    figures: {
      runs,
      wallSeconds: generations.map((g) => g.wallSeconds),
      medianWallSeconds: wall,
      medianCpuSeconds: median(generations.map((g) => g.cpuSeconds)),
      otherProcessesCpuSeconds: generations.map((g) => g.otherCpuSeconds),
      peakRssBytes: Math.max(...generations.map((g) => g.peakRssBytes)),
      pageBytes: bytes,
      lanes: data.timeline.lanes.length,
      objects: data.timeline.objects,
      summarised: data.timeline.summarised,
      drawMs: draws,
    },
  };
}

function render(result: BenchResult): string {
  const f = result.figures as {
    runs: number;
    medianWallSeconds: number;
    medianCpuSeconds: number;
    otherProcessesCpuSeconds: (number | null)[];
    peakRssBytes: number;
    pageBytes: number;
    lanes: number;
    objects: number;
    summarised: string[];
    drawMs: number[];
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
          `kstory analyze --format html, median of ${f.runs} (wall)`,
          `${formatNumber(f.medianWallSeconds, 2)} s`,
        ],
        ['its CPU (user + system, median)', `${formatNumber(f.medianCpuSeconds, 2)} s`],
        [
          'CPU other processes took during the runs',
          f.otherProcessesCpuSeconds.map((s) => (s === null ? '?' : `${formatNumber(s, 2)} s`)).join(', '),
        ],
        ['peak RSS', formatBytes(f.peakRssBytes)],
        ['page size', formatBytes(f.pageBytes)],
        ['lanes / objects', `${formatCount(f.lanes)} / ${formatCount(f.objects)}`],
        [
          'opened and drawn in Chromium',
          f.drawMs.length > 0
            ? f.drawMs.map((d) => `${Math.round(d)} ms`).join(', ')
            : 'not measured (no Chromium)',
        ],
      ],
      ['l', 'r'],
    ),
    '',
    f.summarised.length > 0
      ? `What the page says it summarised:\n\n${f.summarised.map((s) => `- ${s}`).join('\n')}`
      : '',
  ].join('\n');
}

export const benchmark: Benchmark = {
  name: 'html',
  description:
    'kstory analyze --format html on a simulate --scale bundle: time, page size, draw time in Chromium',
  options: { runs: { type: 'string' } },
  usage: ['--runs N               generations and draws to take the median of (default 1)'],
  run,
  render,
};
