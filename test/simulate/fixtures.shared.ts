// Shared by fixtures-*.test.ts (split in two so that both run at once): the committed fixture
// bundles hold what their scenarios produce today (content, not bytes), and what each scenario's
// ground truth claims: every expected finding has its signal in the bundle, and the healthy
// background shows no failure.

import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMNS, readJsonColumnsLiteral } from '../../src/bundle/columns.ts';
import { Database, sqlString } from '../../src/bundle/duckdb.ts';
import { encodeRow } from '../../src/bundle/spool.ts';
import { Redactor } from '../../src/kube/redact.ts';
import { simulateRows, simulationRedactionKey } from '../../src/simulate/run.ts';
import { listBuiltinScenarios, loadScenarioFile } from '../../src/simulate/scenario/load.ts';
import { openBundle } from '../../src/views/open.ts';
import { useTempDir } from '../support/temp.ts';
import { failureSigns, knownPatterns, signalCount } from './ground-truth.ts';

const root = path.resolve(import.meta.dirname, '../..');
const scenarios = listBuiltinScenarios();

/**
 * Compare the rows of `bundle` with those of the JSON-lines file `fresh`, read as the writer reads
 * its spool: every column, `body` as its JSON text. Equal multisets of rows have equal counts and
 * equal sums of row hashes; when they differ, the rows either side lacks are counted.
 */
async function compareContent(bundle: string, fresh: string): Promise<{ same: boolean; differing: number }> {
  const db = await Database.open({ memoryLimit: '512MB', threads: 2 });
  const select = COLUMNS.map((c) =>
    c.name === 'body' ? 'CAST(body AS VARCHAR) AS body' : `"${c.name}"`,
  ).join(', ');
  const a = `SELECT * FROM read_parquet(${sqlString(bundle)})`;
  const b = `SELECT ${select} FROM read_json(${sqlString(fresh)}, format = 'newline_delimited', columns = ${readJsonColumnsLiteral()})`;
  const digest = async (sql: string) =>
    (
      await db.all<{ d: string }>(
        `SELECT count(*)::VARCHAR || ':' || sum(hash(t))::VARCHAR AS d FROM (${sql}) t`,
      )
    )[0]?.d;
  try {
    if ((await digest(a)) === (await digest(b))) return { same: true, differing: 0 };
    const rows = await db.all<{ n: bigint }>(
      `SELECT (SELECT count(*) FROM (${a} EXCEPT ALL ${b})) + (SELECT count(*) FROM (${b} EXCEPT ALL ${a})) AS n`,
    );
    return { same: false, differing: Number(rows[0]?.n ?? -1) };
  } finally {
    db.close();
  }
}

export function defineFixtureTests(part: number, parts: number): void {
  // Made per test file, not per module: files that share a worker process share this module, and
  // one file's clean-up must not remove the directory of the next.
  const newTempDir = useTempDir('kstory-fixtures-');
  let temp: string | null = null;
  const tempDir = () => (temp ??= newTempDir());
  if (part === 0) defineCatalogueTests();
  const mine = scenarios.filter((_, i) => i % parts === part);
  describe.each(mine.map((s) => [s.name, s.file] as const))('fixture %s', (name, file) =>
    defineOne(name, file, tempDir),
  );
}

function defineCatalogueTests(): void {
  describe('built-in scenarios', () => {
    it('include a healthy cluster, a multi-failure incident and single failures', () => {
      const names = scenarios.map((s) => s.name);
      expect(names).toContain('healthy-cluster');
      expect(names).toContain('bad-config-rollout');
      expect(names.length).toBeGreaterThanOrEqual(15);
    });

    it('declare only pattern ids of the catalogue in patterns/', () => {
      for (const s of scenarios) {
        for (const f of loadScenarioFile(s.file).expect.findings) {
          expect(
            existsSync(path.join(root, 'patterns', `${f.pattern}.yaml`)),
            `${s.name}: no pattern ${f.pattern}`,
          ).toBe(true);
        }
      }
    });

    it('declare only pattern ids whose signal this test knows', () => {
      for (const s of scenarios) {
        for (const f of loadScenarioFile(s.file).expect.findings)
          expect(knownPatterns(), `${s.name}: ${f.pattern}`).toContain(f.pattern);
      }
    });
  });
}

function defineOne(name: string, file: string, tempDir: () => string): void {
  const committed = path.join(root, 'fixtures', `${name}.parquet`);

  it('is committed, under 1 MB, and equal in content to a fresh simulation', async () => {
    expect(existsSync(committed), `fixtures/${name}.parquet is missing: run npm run fixtures`).toBe(true);
    expect(statSync(committed).size).toBeLessThan(1 << 20);
    const lines: string[] = [];
    const scenario = loadScenarioFile(file);
    // Redacted as the writer does it, with the simulator's key.
    const redactor = new Redactor({ key: simulationRedactionKey(scenario) });
    simulateRows(scenario, {}, (row) => lines.push(encodeRow(redactor.row(row))));
    const fresh = path.join(tempDir(), `${name}.ndjson`);
    writeFileSync(fresh, `${lines.join('\n')}\n`);
    const result = await compareContent(committed, fresh);
    expect(
      result,
      `fixtures/${name}.parquet is stale (${result.differing} rows differ): run npm run fixtures`,
    ).toEqual({ same: true, differing: 0 });
  });

  it('holds the signals of its ground truth and none on its healthy subjects', async () => {
    const scenario = loadScenarioFile(file);
    const bundle = await openBundle([committed]);
    try {
      for (const f of scenario.expect.findings) {
        expect(
          await signalCount(bundle, f.pattern, f.subject),
          `${f.pattern} on ${f.subject}`,
        ).toBeGreaterThan(0);
      }
      for (const subject of scenario.expect.healthy) {
        expect(await failureSigns(bundle, subject), `failure signs on healthy ${subject}`).toBe(0);
      }
      const meta = bundle.metadata;
      expect(meta.producer).toBe('simulate');
      expect(meta.extra.scenario).toBe(name);
    } finally {
      bundle.close();
    }
  });
}
