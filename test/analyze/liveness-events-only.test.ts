// A liveness probe seen through Events alone: one restart after which the probe stopped failing is
// the probe doing its job, not a failure; one that goes on failing, or restarts again, is.

import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { openRows } from '../support/bundles.ts';
import { anEventRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

const unhealthy = (name: string, first: string, last: string, count: number) =>
  anEventRow({
    name,
    container: 'app',
    event_reason: 'Unhealthy',
    event_message:
      'Liveness probe failed: Get "http://10.244.1.7:8080/healthz": dial tcp 10.244.1.7:8080: connect: connection refused',
    event_count: count,
    event_first: first,
    event_last: last,
    ts: last,
  });
const killing = (name: string, at: string, count = 1) =>
  anEventRow({
    name,
    container: 'app',
    event_type: 'Normal',
    event_reason: 'Killing',
    event_message: 'Container app failed liveness probe, will be restarted',
    event_count: count,
    event_first: at,
    event_last: at,
    ts: at,
  });
/** Something else the dump holds until 11:00: the end of its window. */
const later = anEventRow({
  name: 'other-1',
  event_reason: 'Pulled',
  event_type: 'Normal',
  ts: '2026-03-01T11:00:00Z',
});

async function livenessFindings(rows: BundleRow[]): Promise<string[]> {
  const bundle = await openRows(tempDir(), 'b.parquet', [...rows, later]);
  try {
    const report = await analyzeBundle(bundle, { only: ['liveness-probe-failed'], all: true });
    return report.findings.map((f) => f.subject.name);
  } finally {
    bundle.close();
  }
}

describe('liveness-probe-failed on Events alone', () => {
  it('is quiet after one restart that stopped the failures', async () => {
    expect(
      await livenessFindings([
        unhealthy('api-1', '2026-03-01T10:00:00Z', '2026-03-01T10:10:00Z', 3),
        killing('api-1', '2026-03-01T10:10:00Z'),
      ]),
    ).toEqual([]);
  });

  it('reports failures that go on after the restart, and restarts again and again', async () => {
    expect(
      await livenessFindings([
        unhealthy('api-1', '2026-03-01T10:00:00Z', '2026-03-01T10:58:00Z', 40),
        killing('api-1', '2026-03-01T10:10:00Z'),
        unhealthy('api-2', '2026-03-01T10:00:00Z', '2026-03-01T10:10:00Z', 6),
        killing('api-2', '2026-03-01T10:10:00Z', 2),
        // Never restarted: nothing says it recovered.
        unhealthy('api-3', '2026-03-01T10:00:00Z', '2026-03-01T10:10:00Z', 3),
      ]),
    ).toEqual(['api-1', 'api-2', 'api-3']);
  });
});
