// Where the bundle holds no status of an object (Events alone), a failure its controller still
// reports in the last minutes of the window stands for its state at the end: a pod the scheduler
// cannot place, a claim that cannot be provisioned; one that got through (Scheduled,
// ProvisioningSucceeded), or whose failures stopped long before the end, is no finding.

import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { openRows } from '../support/bundles.ts';
import { anEventRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

const failedScheduling = (name: string, last: string) =>
  anEventRow({
    name,
    event_reason: 'FailedScheduling',
    event_message:
      '0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient memory. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.',
    event_count: 8,
    event_first: '2026-03-01T10:00:00Z',
    event_last: last,
    event_source: 'default-scheduler',
    ts: last,
  });
const provisioningFailed = (name: string, last: string) =>
  anEventRow({
    kind: 'PersistentVolumeClaim',
    name,
    event_reason: 'ProvisioningFailed',
    event_message: 'storageclass.storage.k8s.io "fast-ssd" not found',
    event_count: 20,
    event_first: '2026-03-01T10:00:00Z',
    event_last: last,
    event_source: 'persistentvolume-controller',
    ts: last,
  });
const normal = (kind: string, name: string, reason: string, message: string, at: string) =>
  anEventRow({ kind, name, event_type: 'Normal', event_reason: reason, event_message: message, ts: at });
/** Something else the dump holds until 11:00: the end of its window. */
const later = normal(
  'Pod',
  'other-1',
  'Pulled',
  'Successfully pulled image "nginx:1.27"',
  '2026-03-01T11:00:00Z',
);

async function found(rows: BundleRow[]): Promise<string[]> {
  const bundle = await openRows(tempDir(), 'b.parquet', [...rows, later]);
  try {
    const report = await analyzeBundle(bundle, { only: ['failed-scheduling', 'pvc-pending'], all: true });
    return report.findings.map((f) => `${f.pattern} ${f.subject.name}`).sort();
  } finally {
    bundle.close();
  }
}

describe('failures Events alone tell are still going on at the end', () => {
  it('reports a pod the scheduler still cannot place and a claim still not provisioned', async () => {
    expect(
      await found([
        failedScheduling('analytics-58656d8dfd-t6ssc', '2026-03-01T10:57:00Z'),
        provisioningFailed('data-redis-0', '2026-03-01T10:59:00Z'),
      ]),
    ).toEqual(['failed-scheduling analytics-58656d8dfd-t6ssc', 'pvc-pending data-redis-0']);
  });

  it('is quiet once the pod was bound, the claim provisioned, or the failures stopped long before the end', async () => {
    expect(
      await found([
        failedScheduling('analytics-58656d8dfd-t6ssc', '2026-03-01T10:57:00Z'),
        normal(
          'Pod',
          'analytics-58656d8dfd-t6ssc',
          'Scheduled',
          'Successfully assigned shop/analytics-58656d8dfd-t6ssc to node-b',
          '2026-03-01T10:58:00Z',
        ),
        failedScheduling('analytics-58656d8dfd-mxmb2', '2026-03-01T10:20:00Z'),
        provisioningFailed('data-redis-0', '2026-03-01T10:59:00Z'),
        normal(
          'PersistentVolumeClaim',
          'data-redis-0',
          'ProvisioningSucceeded',
          'Successfully provisioned volume pvc-2b96d86c using kubernetes.io/aws-ebs',
          '2026-03-01T10:59:30Z',
        ),
        provisioningFailed('data-redis-1', '2026-03-01T10:30:00Z'),
      ]),
    ).toEqual([]);
  });
});
