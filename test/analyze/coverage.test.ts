// What an analysis says it looked at: the rows of each source its window sees, what the import
// skipped, and the metric samples no pattern reads (a Prometheus expression's result among them).

import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { metricNamesRead } from '../../src/analyze/unread-metrics.ts';
import { loadPatterns } from '../../src/patterns/load.ts';
import { openRows } from '../support/bundles.ts';
import { aLogRow, aMetricRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

describe('coverage', () => {
  it('counts each source in the window, objects up to its end, and the import’s skips over every input', async () => {
    const bundle = await openRows(
      tempDir(),
      'c.parquet',
      [
        aPodRow({ ts: '2026-03-01T08:00:00Z' }),
        aPodRow({ ts: '2026-03-01T10:30:00Z' }),
        aLogRow({ ts: '2026-03-01T08:00:00Z' }),
        aLogRow({ ts: '2026-03-01T10:40:00Z' }),
      ],
      {
        inputs: [
          { path: 'a/', format: 'kube-json', records: 2, skipped: 1, skipped_by_reason: { 'empty file': 1 } },
          {
            path: 'b/',
            format: 'container-log',
            records: 2,
            skipped: 3,
            skipped_by_reason: { 'empty file': 2 },
            damaged: 1,
          },
        ],
      },
    );
    const report = await analyzeBundle(bundle, { since: '2026-03-01T10:00:00Z' });
    bundle.close();
    const bySource = Object.fromEntries(
      report.coverage.sources.map((s) => [s.source, [s.rows, s.in_window]]),
    );
    expect(bySource).toEqual({ object: [2, 2], event: [0, 0], audit: [0, 0], log: [2, 1], metric: [0, 0] });
    expect(report.coverage.nothing_to_analyze).toBe(false);
    expect(report.coverage.skipped).toEqual({ 'empty file': 3 });
    expect(report.coverage.damaged).toBe(1);
  });

  it('names the metric samples no pattern or view reads, a Prometheus expression’s result among them', async () => {
    const bundle = await openRows(tempDir(), 'm.parquet', [
      aPodRow(),
      aMetricRow({ metric_name: 'container_memory_working_set_bytes' }),
      aMetricRow({ metric_name: 'container_cpu_cfs_periods_total', ts: '2026-03-01T10:42:10Z' }),
      aMetricRow({ metric_name: 'throttling_ratio', ts: '2026-03-01T10:42:20Z', metric_value: 0.4 }),
      aMetricRow({ metric_name: 'throttling_ratio', ts: '2026-03-01T10:42:30Z', metric_value: 0.6 }),
    ]);
    const report = await analyzeBundle(bundle);
    bundle.close();
    expect(report.coverage.unread_metrics).toEqual({ rows: 2, names: 1, examples: ['throttling_ratio'] });
  });

  it('reads the metric names the catalogue’s signals name, and those the views on metrics select', () => {
    const read = metricNamesRead(loadPatterns());
    expect(read.all).toBe(false);
    const names = read.all ? new Set<string>() : read.names;
    for (const name of [
      'container_memory_working_set_bytes',
      'kube_pod_container_resource_limits',
      'container_cpu_cfs_throttled_periods_total',
      'container_cpu_cfs_periods_total',
    ])
      expect(names.has(name), name).toBe(true);
    expect(names.has('throttling_ratio')).toBe(false);
  });
});
