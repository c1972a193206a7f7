// The `memory_usage` view on a tiny bundle: working set against the limit from the pod or from
// kube-state-metrics.

import { describe, expect, it } from 'vitest';
import type { BundleRow } from '../../src/bundle/row.ts';
import { viewsOver } from '../support/views.ts';

const sample = (ts: string, pod: string, container: string, name: string, value: number): BundleRow => ({
  source: 'metric',
  ts,
  kind: 'Pod',
  namespace: 'shop',
  name: pod,
  container,
  node: 'node-a',
  metric_name: name,
  metric_value: value,
  metric_labels: name === 'kube_pod_container_resource_limits' ? { resource: 'memory' } : {},
});

describe('the memory_usage view', () => {
  it('divides each working-set sample by the container limit', async () => {
    const db = await viewsOver([
      {
        source: 'object',
        ts: '2026-03-01T10:00:00Z',
        kind: 'Pod',
        namespace: 'shop',
        name: 'web-1',
        containers: [{ name: 'app', memory_limit_bytes: 1000 }],
      },
      sample('2026-03-01T10:00:00Z', 'web-1', 'app', 'container_memory_working_set_bytes', 500),
      sample('2026-03-01T10:01:00Z', 'web-1', 'app', 'container_memory_working_set_bytes', 950),
      // The pause container and pod-level series are not containers of the pod.
      sample('2026-03-01T10:01:00Z', 'web-1', 'POD', 'container_memory_working_set_bytes', 10),
      // No pod in the bundle: the limit comes from kube-state-metrics.
      sample('2026-03-01T10:00:00Z', 'api-1', 'api', 'kube_pod_container_resource_limits', 400),
      sample('2026-03-01T10:00:00Z', 'api-1', 'api', 'container_memory_working_set_bytes', 100),
      // No limit anywhere: no ratio.
      sample('2026-03-01T10:00:00Z', 'batch-1', 'job', 'container_memory_working_set_bytes', 100),
    ]);
    try {
      expect(
        await db.all(
          `SELECT strftime(ts, '%H:%M') AS at, pod, container, node, working_set_bytes, limit_bytes, ratio
           FROM memory_usage ORDER BY pod, ts`,
        ),
      ).toEqual([
        {
          at: '10:00',
          pod: 'api-1',
          container: 'api',
          node: 'node-a',
          working_set_bytes: 100,
          limit_bytes: 400,
          ratio: 0.25,
        },
        {
          at: '10:00',
          pod: 'web-1',
          container: 'app',
          node: 'node-a',
          working_set_bytes: 500,
          limit_bytes: 1000,
          ratio: 0.5,
        },
        {
          at: '10:01',
          pod: 'web-1',
          container: 'app',
          node: 'node-a',
          working_set_bytes: 950,
          limit_bytes: 1000,
          ratio: 0.95,
        },
      ]);
    } finally {
      db.close();
    }
  });
});
