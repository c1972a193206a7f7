// Pods a bundle holds no object of (their logs alone): the Deployment their generated names show
// owns them, so that the same failure on several of its pods is one incident about it; a pod whose
// object says otherwise is not given one.

import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { openRows } from '../support/bundles.ts';
import { aLogRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

const crash = (name: string, at: string): BundleRow =>
  aLogRow({
    ts: `2026-03-01T10:${at}Z`,
    name,
    log_previous: true,
    log_line: 'panic: runtime error: invalid memory address or nil pointer dereference',
  });

async function analyze(rows: BundleRow[]) {
  const bundle = await openRows(tempDir(), 'logs.parquet', rows);
  try {
    return await analyzeBundle(bundle);
  } finally {
    bundle.close();
  }
}

describe('pods known by their logs alone', () => {
  it('are one incident about the Deployment their names show', async () => {
    const rows = ['checkout-7d9f8c6b4-x2xkq', 'checkout-7d9f8c6b4-h5vzn'].flatMap((name) =>
      ['01:00', '02:00', '03:00'].map((at) => crash(name, at)),
    );
    const report = await analyze(rows);
    expect(report.incidents).toHaveLength(1);
    expect(report.incidents[0]!.impact.workloads).toContain('Deployment shop/checkout');
    expect(new Set(report.findings.map((f) => f.owner))).toEqual(new Set(['Deployment shop/checkout']));
  });

  it('keep what a pod object says of its owner, even without one', async () => {
    const name = 'checkout-7d9f8c6b4-x2xkq';
    const report = await analyze([
      aPodRow({ name, uid: 'uid-1', owner_kind: null, owner_name: null, owner_uid: null }),
      ...['01:00', '02:00', '03:00'].map((at) => crash(name, at)),
    ]);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(new Set(report.findings.map((f) => f.owner))).toEqual(new Set([null]));
  });
});
