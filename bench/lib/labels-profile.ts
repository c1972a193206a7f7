// Where the CPU of `kstory labels` goes, per bundle: run as a child process by the labels benchmark,
// it labels bundles in one lane with one query at a time (so that the CPU each statement takes is
// its own) and sums the CPU of every DuckDB statement by the stage of the work that asked it.
//   node --import tsx bench/lib/labels-profile.ts OUT.json BUNDLE...

import os from 'node:os';

// One query at a time: read by analysisWidth() when the analysis starts, so set before it does.
(os as { availableParallelism: () => number }).availableParallelism = () => 1;

import { writeFileSync } from 'node:fs';
import { Database } from '../../src/bundle/duckdb.ts';
import { generateLabels } from '../../src/labels/run.ts';

/** Each stage with the statements that belong to it, first match wins (tried on the statement's
 * text with its whitespace collapsed). */
const STAGES: readonly { stage: string; test: RegExp }[] = [
  {
    stage: 'reading the file (metadata, schema)',
    test: /^(DESCRIBE|SELECT decode\(key\)|SELECT .*parquet_)/,
  },
  {
    stage: 'working set (views loaded into tables)',
    test: /kstory_loading_|^ALTER TABLE|^DROP VIEW memory|^CREATE TABLE memory\.main\./,
  },
  { stage: 'views created over the bundle', test: /^CREATE (OR REPLACE )?VIEW/ },
  { stage: 'catalog emptied after the bundle', test: /^(DROP|SELECT 'VIEW' AS type)/ },
  { stage: 'probes (does a signal match any row)', test: /^SELECT \d+ AS signal WHERE EXISTS/ },
  { stage: 'pattern signals (hits per subject)', test: /^WITH hits AS/ },
  { stage: 'evidence rows', test: /^SELECT \* FROM \( SELECT .* AS s_namespace/ },
  { stage: 'resource usage (optimisation labels)', test: /^-- resource_usage/ },
];
const OTHER = 'other queries (window, coverage, relations, existence, alerts, labels)';

export interface ProfileResult {
  bundles: number;
  cpuMs: number;
  statements: number;
  stages: { stage: string; cpuMs: number; statements: number }[];
}

async function main(): Promise<void> {
  const [out, ...bundles] = process.argv.slice(2);
  if (!out || bundles.length === 0) throw new Error('usage: labels-profile.ts OUT.json BUNDLE...');
  const stages = new Map<string, { cpuMs: number; statements: number }>();
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  // Statements run one at a time (one lane, one connection at a time), so that the process's CPU
  // between a statement's start and its end is that statement's.
  for (const method of ['run', 'all'] as const) {
    const original = Database.prototype[method] as (...args: unknown[]) => Promise<unknown>;
    (Database.prototype as unknown as Record<string, unknown>)[method] = async function (
      this: Database,
      sql: string,
      ...rest: unknown[]
    ) {
      const started = cpuMs();
      try {
        return await original.call(this, sql, ...rest);
      } finally {
        const text = sql.replace(/\s+/g, ' ').trim();
        const stage = STAGES.find((s) => s.test.test(text))?.stage ?? OTHER;
        const sum = stages.get(stage) ?? { cpuMs: 0, statements: 0 };
        sum.cpuMs += cpuMs() - started;
        sum.statements++;
        stages.set(stage, sum);
      }
    };
  }
  const started = cpuMs();
  await generateLabels(bundles, { lanes: 1 }, () => {});
  const total = cpuMs() - started;
  const inDuckDB = [...stages.values()].reduce((sum, s) => sum + s.cpuMs, 0);
  const result: ProfileResult = {
    bundles: bundles.length,
    cpuMs: total,
    statements: [...stages.values()].reduce((sum, s) => sum + s.statements, 0),
    stages: [
      ...[...stages].map(([stage, s]) => ({ stage, ...s })),
      {
        stage: 'outside DuckDB (chains, ranking, labels, masking, schema checks)',
        cpuMs: total - inDuckDB,
        statements: 0,
      },
    ].sort((a, b) => b.cpuMs - a.cpuMs),
  };
  writeFileSync(out, JSON.stringify(result));
}

await main();
