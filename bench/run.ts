// Entry point of `npm run bench`: runs the named benchmarks (default: writer at 1M records), writes
// bench/results/<name>.json and regenerates docs/benchmarks.md from all results files.
//   npm run bench -- writer --records 10m
//   npm run bench -- --list

import os from 'node:os';
import path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { writeDocs } from './lib/docs.ts';
import {
  type BenchResult,
  DEFAULT_WORK_DIR,
  describeMachine,
  loadBenchmarks,
  writeResult,
} from './lib/harness.ts';

const COMMON: NonNullable<ParseArgsConfig['options']> = {
  records: { type: 'string' },
  seed: { type: 'string' },
  'work-dir': { type: 'string' },
  name: { type: 'string' },
  'docs-only': { type: 'boolean' },
  'no-docs': { type: 'boolean' },
  list: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const DEFAULT_BENCHMARKS = ['writer'];

async function main(): Promise<number> {
  const benchmarks = await loadBenchmarks();
  const options = Object.assign({}, ...benchmarks.map((b) => b.options), COMMON) as typeof COMMON;
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options,
    allowPositionals: true,
    strict: true,
  });

  if (values.help || values.list) {
    console.log(
      [
        'usage: npm run bench -- [benchmark...] [options]',
        '',
        'benchmarks:',
        ...benchmarks.map((b) => `  ${b.name.padEnd(10)} ${b.description}`),
        '',
        'common options:',
        '  --records N            records to generate (e.g. 1000000, 100k, 10m; default 1m)',
        '  --seed N               generator seed (default 1)',
        '  --work-dir DIR         inputs, bundles and spools (default bench/work, git-ignored)',
        '  --name NAME            results file name (default: <benchmark>-<records>)',
        '  --no-docs              do not regenerate docs/benchmarks.md',
        '  --docs-only            only regenerate docs/benchmarks.md from bench/results',
        '',
        ...benchmarks.flatMap((b) => [`${b.name} options:`, ...b.usage.map((u) => `  ${u}`), '']),
      ].join('\n'),
    );
    return 0;
  }
  if (values['docs-only']) {
    console.log(`wrote ${path.relative(process.cwd(), writeDocs(benchmarks))}`);
    return 0;
  }

  const names = positionals.length > 0 ? positionals : DEFAULT_BENCHMARKS;
  const selected = names.map((name) => {
    const b = benchmarks.find((x) => x.name === name);
    if (!b)
      throw new Error(`unknown benchmark "${name}" (have: ${benchmarks.map((x) => x.name).join(', ')})`);
    return b;
  });
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, '');
  const workDir = path.resolve(String(values['work-dir'] ?? DEFAULT_WORK_DIR));
  for (const b of selected) {
    const startedAt = new Date();
    const started = performance.now();
    // How busy the machine was before the benchmark began (1, 5 and 15 minutes): wall-clock figures depend on it.
    const loadBefore = os.loadavg();
    const log = (m: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${b.name}: ${m}`);
    const outcome = await b.run({
      options: values as Record<string, string | boolean | undefined>,
      workDir,
      command,
      log,
    });
    const result: BenchResult = {
      ...outcome,
      benchmark: b.name,
      description: b.description,
      command,
      startedAt: startedAt.toISOString(),
      durationSeconds: (performance.now() - started) / 1000,
      machine: { ...describeMachine(), loadAverage: { before: loadBefore, after: os.loadavg() } },
    };
    const file = writeResult(result);
    log(`wrote ${path.relative(process.cwd(), file)}`);
    for (const t of result.targets)
      log(
        `${t.met ? 'met    ' : 'MISSED '} ${t.target}: ${t.measured.toFixed(2)} ${t.unit} (${t.kind === 'max' ? '≤' : '≥'} ${t.limit})`,
      );
  }
  if (!values['no-docs']) console.error(`wrote ${path.relative(process.cwd(), writeDocs(benchmarks))}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(2);
  },
);
