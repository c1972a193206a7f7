// The `cpu_throttling` view on a tiny bundle: throttled share of CFS periods between samples.

import { describe, expect, it } from 'vitest';
import type { BundleRow } from '../../src/bundle/row.ts';
import { viewsOver } from '../support/views.ts';

const counter = (ts: string, name: string, value: number): BundleRow => ({
  source: 'metric',
  ts,
  kind: 'Pod',
  namespace: 'shop',
  name: 'web-1',
  container: 'app',
  node: 'node-a',
  metric_name: name,
  metric_value: value,
});

const samples = (ts: string, throttled: number, periods: number) => [
  counter(ts, 'container_cpu_cfs_throttled_periods_total', throttled),
  counter(ts, 'container_cpu_cfs_periods_total', periods),
];

describe('the cpu_throttling view', () => {
  it('gives the throttled share of the periods since the previous sample, skipping counter resets', async () => {
    const db = await viewsOver([
      ...samples('2026-03-01T10:00:00Z', 10, 100),
      ...samples('2026-03-01T10:01:00Z', 30, 200),
      ...samples('2026-03-01T10:02:00Z', 110, 300),
      // The container restarted: its counters start again.
      ...samples('2026-03-01T10:03:00Z', 5, 50),
    ]);
    try {
      expect(
        await db.all(
          `SELECT strftime(ts, '%H:%M') AS at, pod, container, node, throttled_ratio, periods
           FROM cpu_throttling ORDER BY ts`,
        ),
      ).toEqual([
        { at: '10:01', pod: 'web-1', container: 'app', node: 'node-a', throttled_ratio: 0.2, periods: 100 },
        { at: '10:02', pod: 'web-1', container: 'app', node: 'node-a', throttled_ratio: 0.8, periods: 100 },
      ]);
    } finally {
      db.close();
    }
  });
});
