// Values written into a statement's text instead of bound: the same rows as binding them, whatever
// the text of a value, and binding kept where a value has no exact literal.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, listValue, withValues } from '../../src/bundle/duckdb.ts';

let db: Database;
beforeAll(async () => {
  db = await Database.open({ threads: 1 });
});
afterAll(() => db.close());

/** What DuckDB returns for `sql` with `params` bound, asked without going through withValues. */
async function bound(sql: string, params: Parameters<Database['all']>[1]): Promise<unknown[]> {
  const reader = await db.connection.runAndReadAll(sql, params);
  return reader.getRowObjectsJson();
}

describe('withValues', () => {
  const awkward = [
    "it's",
    "'); DROP TABLE t; --",
    'back\\slash \\n',
    'a ? in the text',
    '-- not a comment',
    '/* nor this */',
    '"quoted"',
    'línea\nnueva\t✓',
    '',
  ];

  it.each(awkward)('returns a string exactly as bound: %j', async (value) => {
    const sql = 'SELECT ? AS v, length(?) AS n';
    const text = withValues(sql, [value, value]);
    expect(text).not.toBeNull();
    expect(await db.all(sql, [value, value])).toEqual(await bound(sql, [value, value]));
    const rows = await db.all<{ v: string }>(sql, [value, value]);
    expect(rows[0]!.v).toBe(value);
  });

  it('gives the same rows as binding for numbers, booleans, nulls, timestamps and lists', async () => {
    const sql = `SELECT x::INTEGER AS x FROM range(10) AS r(x)
      WHERE x >= ? AND x < ? AND ?::BOOLEAN AND ? IS NULL
        AND '2026-01-01T00:00:00Z'::TIMESTAMPTZ <= ?::TIMESTAMPTZ
        AND x IN (SELECT unnest(?::BIGINT[])) ORDER BY x`;
    const params = [2, 7.5, true, null, '2026-03-01T10:00:00.000Z', listValue([1, 3, 5, 7, 9])];
    expect(withValues(sql, params)).not.toBeNull();
    expect(await db.all(sql, params)).toEqual(await bound(sql, params));
    expect((await db.all<{ x: number }>(sql, params)).map((r) => r.x)).toEqual([3, 5, 7]);
  });

  it('writes a negative number so that a minus sign before it does not begin a comment', async () => {
    const sql = 'SELECT 10 -? AS n';
    expect(await db.all(sql, [-5])).toEqual(await bound(sql, [-5]));
    expect((await db.all<{ n: number }>(sql, [-5]))[0]!.n).toBe(15);
    expect(Number((await db.all<{ n: number }>(sql, [-5n]))[0]!.n)).toBe(15);
  });

  it('leaves question marks in quoted text and comments alone', () => {
    expect(withValues(`SELECT '?' AS a, "?" AS b, ? AS c -- ?\n/* ? */`, ['x'])).toBe(
      `SELECT '?' AS a, "?" AS b, 'x' AS c -- ?\n/* ? */`,
    );
  });

  it('keeps binding when the values cannot be written exactly or do not match the placeholders', () => {
    expect(withValues('SELECT ?', ['nul\0byte'])).toBeNull();
    expect(withValues('SELECT ?', [Number.NaN])).toBeNull();
    expect(withValues('SELECT ?, ?', ['one'])).toBeNull();
    expect(withValues('SELECT ?', ['one', 'two'])).toBeNull();
    expect(withValues("SELECT 'unclosed ?", ['x'])).toBeNull();
    expect(withValues('SELECT ?', [listValue(Array.from({ length: 5000 }, (_, i) => i))])).toBeNull();
  });

  it('still answers a value kept bound', async () => {
    expect(await db.all<{ v: string }>('SELECT ? AS v', ['nul\0byte'])).toEqual([{ v: 'nul\0byte' }]);
  });
});
