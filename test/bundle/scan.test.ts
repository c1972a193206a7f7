// `kstory bundle scan`: credentials in a bundle found by file, row and column, never printed;
// exit 1 when there are any, 0 for a bundle the writer wrote, 2 for what is not a bundle.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BundleRow } from '../../src/bundle/row.ts';
import { BundleWriter } from '../../src/bundle/writer.ts';
import { kstory } from '../support/cli.ts';
import { writeOldSpool } from '../support/old-spool.ts';
import { aLogRow, aMetricRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir('kstory-scan-');

/** A spool written by hand, as a tool without redaction would have: its rows hold values in clear. */
function clearSpool(dir: string, rows: BundleRow[]): string {
  return writeOldSpool(path.join(dir, 'old.parquet'), 'import', [rows]);
}

const LEAKS = {
  logPassword: 'hunter2-scan',
  configMapPassword: 'cm-scan-pw-1',
  secretValue: Buffer.from('secret-scan-value').toString('base64'),
};

function leakyRows(): BundleRow[] {
  return [
    aLogRow({ log_line: 'all fine' }),
    // JSON has no NaN: the row is read all the same.
    aMetricRow({ metric_value: Number.NaN }),
    aLogRow({ log_line: `login password=${LEAKS.logPassword}`, ts: '2026-03-01T10:42:14Z' }),
    {
      ...aPodRow(),
      kind: 'ConfigMap',
      name: 'app',
      containers: null,
      body: { kind: 'ConfigMap', metadata: { name: 'app' }, data: { db_password: LEAKS.configMapPassword } },
    },
    {
      ...aPodRow(),
      kind: 'Secret',
      name: 'db',
      containers: null,
      body: { kind: 'Secret', metadata: { name: 'db' }, data: { password: LEAKS.secretValue } },
    },
  ];
}

describe('kstory bundle scan', () => {
  it('finds each credential by row and column, prints none of them, and exits 1', () => {
    const spool = clearSpool(tempDir(), leakyRows());
    const text = kstory(['bundle', 'scan', spool], { env: { NO_COLOR: '1' } });
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toMatch(/^3 credentials in 3 of 5 rows of /);
    expect(text.stdout).toMatch(/row 2 {2}log_line {2}key-value {2}log Pod/);
    expect(text.stdout).toMatch(/body\.data\.db_password {2}credential-name {2}object ConfigMap/);
    expect(text.stdout).toMatch(/body\.data\.password {2}secret-data {2}object Secret/);
    for (const value of Object.values(LEAKS)) expect(text.stdout + text.stderr).not.toContain(value);

    const json = kstory(['bundle', 'scan', spool, '--json']);
    expect(json.code).toBe(1);
    const result = JSON.parse(json.stdout) as {
      rows: number;
      total: number;
      findings: { row: number; column: string; rule: string }[];
    };
    expect(result).toMatchObject({ rows: 5, total: 3 });
    expect(result.findings.map((f) => [f.row, f.column, f.rule])).toEqual([
      [2, 'log_line', 'key-value'],
      [3, 'body.data.db_password', 'credential-name'],
      [4, 'body.data.password', 'secret-data'],
    ]);
    for (const value of Object.values(LEAKS)) expect(json.stdout).not.toContain(value);
  });

  it('finds nothing in what the writer wrote from the same rows, and exits 0', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'new.parquet');
    const writer = await BundleWriter.create({ output, metadata: { producer: 'test' } });
    for (const row of leakyRows()) writer.append(row);
    await writer.finish();
    const result = kstory(['bundle', 'scan', output], { env: { NO_COLOR: '1' } });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^clean: no credential in 5 rows of /);
  });

  it('exits 2 with one line for what is not a bundle', () => {
    const file = path.join(tempDir(), 'notes.txt');
    writeFileSync(file, 'not a bundle');
    const result = kstory(['bundle', 'scan', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not a Parquet file');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
