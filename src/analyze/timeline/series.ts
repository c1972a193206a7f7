// Metric series drawn as sparklines on their pod's lane: memory working set against the limit,
// CPU throttling and container restarts, each cut to a bounded number of points (a bucket's largest).

import type { Bundle } from '../../bundle/reader.ts';
import type { Series } from './timeline.ts';

export interface LaneSeries extends Series {
  namespace: string | null;
  pod: string;
}

const SOURCES: readonly { name: string; unit: Series['unit']; from: string; value: string }[] = [
  { name: 'memory / limit', unit: 'ratio', from: 'memory_usage', value: 'ratio' },
  { name: 'CPU throttled', unit: 'ratio', from: 'cpu_throttling', value: 'throttled_ratio' },
  {
    name: 'restarts',
    unit: 'count',
    from: `(SELECT ts, namespace, pod, sum(restart_count) AS restarts FROM containers GROUP BY ALL)`,
    value: 'restarts',
  },
];

export async function readSeries(
  bundle: Bundle,
  window: { t0: number; endMs: number },
  points: number,
): Promise<LaneSeries[]> {
  const width = Math.max(1, Math.ceil((window.endMs - window.t0) / points));
  const all: LaneSeries[] = [];
  for (const source of SOURCES) {
    const rows = await bundle.query<{ namespace: string | null; pod: string; points: [number, number][] }>(
      `SELECT namespace, pod, list([t, v] ORDER BY t) AS points FROM (
         SELECT namespace, pod, CAST(min(epoch_ms(ts)) - $1 AS DOUBLE) AS t, CAST(max(${source.value}) AS DOUBLE) AS v
         FROM ${source.from}
         WHERE pod IS NOT NULL AND ${source.value} IS NOT NULL AND isfinite(${source.value})
           AND epoch_ms(ts) BETWEEN $1 AND $2
         GROUP BY namespace, pod, floor((epoch_ms(ts) - $1) / $3)
       ) GROUP BY namespace, pod`,
      [window.t0, window.endMs, width],
    );
    for (const row of rows) {
      // A series that never moves says nothing a lane's states do not (zero restarts, no throttling).
      if (row.points.every(([, v]) => v === row.points[0]![1]) && row.points[0]![1] === 0) continue;
      all.push({
        name: source.name,
        unit: source.unit,
        namespace: row.namespace,
        pod: row.pod,
        points: row.points,
      });
    }
  }
  return all;
}
