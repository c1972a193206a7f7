// The analysed window: `since` and `until` take an RFC 3339 time or a duration back from the end of
// the bundle, in the same duration grammar as every other command.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { Bundle } from '../../src/bundle/reader.ts';
import { openRows } from '../support/bundles.ts';
import { aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
let bundle: Bundle;

beforeAll(async () => {
  bundle = await openRows(tempDir(), 'window.parquet', [
    aPodRow({ ts: '2026-03-01T08:00:00Z' }),
    aPodRow({ ts: '2026-03-01T12:00:00Z' }),
  ]);
});
afterAll(() => bundle?.close());

describe('the analysed window', () => {
  it('reaches back a duration of several parts, a fraction or days from the end', async () => {
    const window = async (since: string) =>
      (await analyzeBundle(bundle, { since, only: ['oom-killed'] })).window;
    expect((await window('1h30m')).start).toBe('2026-03-01T10:30:00.000Z');
    expect((await window('1.5h')).start).toBe('2026-03-01T10:30:00.000Z');
    expect((await window('90m')).start).toBe('2026-03-01T10:30:00.000Z');
    expect((await window('1d')).start).toBe('2026-02-28T12:00:00.000Z');
    const until = await analyzeBundle(bundle, { since: '2h', until: '30m', only: ['oom-killed'] });
    expect(until.window).toEqual({ start: '2026-03-01T09:30:00.000Z', end: '2026-03-01T11:30:00.000Z' });
  });
});
