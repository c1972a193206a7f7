// Signals, probes and evidence asked once of a group of bundles loaded together (each row keyed by
// its bundle, each bundle's range its own) give each bundle exactly the rows it gives alone, also
// when bundles share namespaces, nodes and object names and their times overlap.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveWindow } from '../../src/analyze/window.ts';
import { Database, sqlString } from '../../src/bundle/duckdb.ts';
import { compileEvidence } from '../../src/patterns/evidence-sql.ts';
import { type LoadedPattern, loadPatterns } from '../../src/patterns/load.ts';
import { BUNDLE_KEY, BUNDLE_RANGES, type SubjectScope } from '../../src/patterns/signal-rows.ts';
import { compileGroupProbe, compileProbe, compileSignal } from '../../src/patterns/signal-sql.ts';
import { creationOrder } from '../../src/views/create.ts';
import { openBundle } from '../../src/views/open.ts';
import { ROOT } from '../support/cli.ts';

const fixture = (name: string) => path.join(ROOT, 'fixtures', `${name}.parquet`);

/** The group: the same recording twice (its second range its last 20 minutes, so that every name
 * and time of one is in the other), a node lost in another cluster of the same names, and a
 * rollout's crash loop. */
const GROUP: { file: string; since?: string }[] = [
  { file: fixture('node-lost') },
  { file: fixture('node-lost'), since: '20m' },
  { file: fixture('node-lost-evictions') },
  { file: fixture('bad-config-rollout') },
];

type Row = Record<string, unknown>;
type Range = { start: string; end: string };

let db: Database;
let ranges: Range[];
let patterns: LoadedPattern[];

/** Rows of `sql` asked of bundle `key` alone (null) or of the group. */
async function ask(key: number | null, sql: string, params: Parameters<Database['all']>[1]): Promise<Row[]> {
  await db.run(key === null ? 'USE memory' : `USE b${key}`);
  return db.all(sql, params);
}

/** The group's rows split by bundle, each without its key, in their order. */
function byBundle(rows: readonly Row[]): Row[][] {
  return GROUP.map((_, key) =>
    rows.filter((r) => Number(r[BUNDLE_KEY]) === key).map(({ [BUNDLE_KEY]: _, ...rest }) => rest),
  );
}

const signals = () =>
  patterns.flatMap((p) =>
    Object.entries(p.detect.signals).map(([name, signal]) => ({ id: `${p.id}/${name}`, signal })),
  );

beforeAll(async () => {
  patterns = loadPatterns();
  ranges = [];
  for (const { file, since } of GROUP) {
    const bundle = await openBundle([file]);
    try {
      ranges.push(await resolveWindow(bundle, { since }));
    } finally {
      bundle.close();
    }
  }
  db = await Database.open({ threads: 1 });
  // Each bundle's views in a database of its own, as analysis of it alone reads them: made tables,
  // as analysis loads its working set, so that each query does not derive them again.
  for (const [key, { file }] of GROUP.entries()) {
    await db.run(`ATTACH ':memory:' AS v${key}`);
    await db.run(`USE v${key}`);
    await db.run(`CREATE VIEW bundle AS SELECT * FROM read_parquet(${sqlString(file)})`);
    for (const view of creationOrder()) await db.run(view.create);
    await db.run(`ATTACH ':memory:' AS b${key}`);
    for (const view of ['bundle', ...creationOrder().map((v) => v.name)])
      await db.run(`CREATE TABLE b${key}.main.${view} AS SELECT * FROM v${key}.main.${view}`);
  }
  // The group: every view's rows of all the bundles, keyed; the ranges a table.
  await db.run('USE memory');
  for (const view of creationOrder())
    await db.run(
      `CREATE TABLE memory.main.${view.name} AS ${GROUP.map((_, key) => `SELECT ${key}::BIGINT AS ${BUNDLE_KEY}, * FROM b${key}.main.${view.name}`).join(' UNION ALL ')}`,
    );
  await db.run(
    `CREATE TABLE ${BUNDLE_RANGES} AS SELECT * FROM (VALUES ${ranges.map((r, key) => `(${key}::BIGINT, ${sqlString(r.start)}::TIMESTAMPTZ, ${sqlString(r.end)}::TIMESTAMPTZ)`).join(', ')}) AS t(${BUNDLE_KEY}, range_start, range_end)`,
  );
}, 300_000);

afterAll(() => db?.close());

describe('a group of bundles asked at once', () => {
  it('probes: the bundles with a matching row are those whose probe alone matches', async () => {
    const all = signals();
    const group = all.map(({ signal }) => compileGroupProbe(signal));
    const keys = await ask(
      null,
      group.map((g, i) => `SELECT ${i} AS signal, ${BUNDLE_KEY} FROM (${g.sql})`).join('\nUNION ALL\n'),
      group.flatMap((g) => g.params),
    );
    const grouped = all.map((_, i) =>
      keys
        .filter((r) => r.signal === i)
        .map((r) => Number(r[BUNDLE_KEY]))
        .sort(),
    );
    const alone: number[][] = all.map(() => []);
    for (const [key, range] of ranges.entries()) {
      const probes = all.map(({ signal }) => compileProbe(signal, range));
      const rows = await ask(
        key,
        probes.map((p, i) => `SELECT ${i} AS signal WHERE ${p.sql}`).join('\nUNION ALL\n'),
        probes.flatMap((p) => p.params),
      );
      for (const row of rows) alone[row.signal as number]!.push(key);
    }
    expect(Object.fromEntries(all.map((s, i) => [s.id, grouped[i]]))).toEqual(
      Object.fromEntries(all.map((s, i) => [s.id, alone[i]])),
    );
    // Not a comparison of nothing with nothing.
    expect(alone.flat().length).toBeGreaterThan(50);
  }, 600_000);

  it('signals and their evidence: each bundle gets the rows it gets alone, scoped or not', async () => {
    let compared = 0;
    // A signal no bundle has a row of gives none alone nor in the group (the probes above): the
    // others are compared.
    const all = signals();
    const probes = all.map(({ signal }) => compileGroupProbe(signal));
    const matched = await ask(
      null,
      probes.map((p, i) => `SELECT ${i} AS signal WHERE EXISTS (${p.sql})`).join('\nUNION ALL\n'),
      probes.flatMap((p) => p.params),
    );
    for (const { id, signal } of matched.map((r) => all[r.signal as number]!)) {
      const whole = compileSignal(signal, ranges[0]!, { group: true });
      const grouped = byBundle(await ask(null, whole.sql, whole.params));
      const alone: Row[][] = [];
      for (const [key, range] of ranges.entries()) {
        const single = compileSignal(signal, range);
        alone.push(await ask(key, single.sql, single.params));
      }
      expect(grouped, id).toEqual(alone);
      compared += alone.flat().length;
      // Scoped and evidence queries of a signal that matched nothing compare nothing.
      if (alone.every((rows) => rows.length === 0)) continue;
      // Scoped to the first subject name each bundle found (the names asked of later signals), and
      // the evidence of those subjects.
      const names = alone.map((rows) => (rows[0]?.s_name as string | undefined) ?? 'no-such-name');
      const scope: SubjectScope = { group: true, names: names.map((n, key) => `${key}/${n}`) };
      const scoped = compileSignal(signal, ranges[0]!, scope);
      const evidence = compileEvidence(signal, ranges[0]!, 3, scope);
      const groupScoped = byBundle(await ask(null, scoped.sql, scoped.params));
      const groupEvidence = byBundle(await ask(null, evidence.sql, evidence.params));
      for (const [key, range] of ranges.entries()) {
        const one = compileSignal(signal, range, { names: [names[key]!] });
        expect(groupScoped[key], `${id} scoped, bundle ${key}`).toEqual(await ask(key, one.sql, one.params));
        const rows = compileEvidence(signal, range, 3, { names: [names[key]!] });
        expect(groupEvidence[key], `${id} evidence, bundle ${key}`).toEqual(
          await ask(key, rows.sql, rows.params),
        );
      }
    }
    expect(compared).toBeGreaterThan(50);
  }, 1_200_000);
});
