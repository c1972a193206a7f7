// A pod the bundle holds no object of (Events alone) gets its controller from the controllers'
// Events, else from its generated name; a recorded pod keeps what its object says.

import { describe, expect, it } from 'vitest';
import { impactOf } from '../../src/analyze/impact.ts';
import { Relations } from '../../src/analyze/relations.ts';
import type { Finding } from '../../src/analyze/report.ts';
import { openRows } from '../support/bundles.ts';
import { anEventRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const pod = (name: string) => ({ namespace: 'shop', kind: 'Pod', name, container: null });
const controllerEvent = (kind: string, name: string, reason: string, message: string) =>
  anEventRow({
    kind,
    name,
    event_type: 'Normal',
    event_reason: reason,
    event_message: message,
    event_source: null,
  });

describe('controllers of pods seen only in Events', () => {
  it('follows what the controllers’ Events say they made, then the names', async () => {
    const bundle = await openRows(tempDir(), 'events.parquet', [
      controllerEvent('Deployment', 'api', 'ScalingReplicaSet', 'Scaled up replica set api-6b7f to 2'),
      controllerEvent('ReplicaSet', 'api-6b7f', 'SuccessfulCreate', 'Created pod: api-6b7f-q2w4r'),
      controllerEvent(
        'StatefulSet',
        'db',
        'SuccessfulCreate',
        'create Pod db-0 in StatefulSet db successful',
      ),
      controllerEvent(
        'DaemonSet',
        'agent',
        'FailedDaemonPod',
        'Found failed daemon pod shop/agent-k8s2z on node node-a, will try to kill it',
      ),
      anEventRow({ name: 'api-6b7f-q2w4r', node: 'node-a' }),
      controllerEvent('Pod', 'db-1', 'Scheduled', 'Successfully assigned shop/db-1 to node-b'),
      anEventRow({ name: 'db-0' }),
      anEventRow({ name: 'db-1' }),
      anEventRow({ name: 'agent-k8s2z' }),
      anEventRow({ name: 'notifier-5d8f7c9b6-x2x9z' }),
      anEventRow({ name: 'web-x2x9z' }),
      // Recorded without an owner: a bare pod, whatever its name says.
      aPodRow({ name: 'batch-5d8f7c9b6-x2x9z', owner_kind: null, owner_name: null, owner_uid: null }),
    ]);
    try {
      const relations = await Relations.load(bundle);
      const ancestry = (name: string) => relations.ancestry(pod(name));
      // Stated by Events: the ReplicaSet's short hash is read because the Deployment said so.
      expect(ancestry('api-6b7f-q2w4r')).toEqual([
        'shop/Pod/api-6b7f-q2w4r',
        'shop/ReplicaSet/api-6b7f',
        'shop/Deployment/api',
      ]);
      expect(relations.controllersFromNames(pod('api-6b7f-q2w4r'))).toEqual([]);
      expect(ancestry('db-0')).toEqual(['shop/Pod/db-0', 'shop/StatefulSet/db']);
      // Named after a controller the Events are about.
      expect(ancestry('db-1')).toEqual(['shop/Pod/db-1', 'shop/StatefulSet/db']);
      expect(ancestry('agent-k8s2z')).toEqual(['shop/Pod/agent-k8s2z', 'shop/DaemonSet/agent']);
      expect(relations.controllersFromNames(pod('agent-k8s2z'))).toEqual(['shop/DaemonSet/agent']);
      // By the shape of the name alone.
      expect(ancestry('notifier-5d8f7c9b6-x2x9z')).toEqual([
        'shop/Pod/notifier-5d8f7c9b6-x2x9z',
        'shop/ReplicaSet/notifier-5d8f7c9b6',
        'shop/Deployment/notifier',
      ]);
      expect(relations.controllersFromNames(pod('notifier-5d8f7c9b6-x2x9z'))).toEqual([
        'shop/ReplicaSet/notifier-5d8f7c9b6',
        'shop/Deployment/notifier',
      ]);
      expect(
        relations.related('workload', pod('notifier-5d8f7c9b6-x2x9z'), pod('notifier-5d8f7c9b6-b7k2q')),
      ).toBe(true);
      // The incident names the workload, said inferred where names alone tell it.
      const crashing = (name: string) =>
        ({ subject: pod(name), first: '2026-03-01T10:00:00Z', last: '2026-03-01T10:05:00Z' }) as Finding;
      const impact = impactOf([crashing('notifier-5d8f7c9b6-x2x9z'), crashing('api-6b7f-q2w4r')], relations);
      expect(impact.workloads).toEqual(['Deployment shop/api', 'Deployment shop/notifier']);
      expect(impact.workloads_from_names).toEqual(['Deployment shop/notifier']);
      // The node its Events put it on: the kubelet that reported, the scheduler's binding.
      const node = (name: string) => ({ namespace: null, kind: 'Node', name, container: null });
      expect(relations.related('node', node('node-a'), pod('api-6b7f-q2w4r'))).toBe(true);
      expect(relations.related('node', node('node-b'), pod('db-1'))).toBe(true);
      expect(relations.related('node', node('node-b'), pod('api-6b7f-q2w4r'))).toBe(false);
      // A StatefulSet pod's claim, by its name.
      const claim = { namespace: 'shop', kind: 'PersistentVolumeClaim', name: 'data-db-1', container: null };
      expect(relations.related('refs', claim, pod('db-1'))).toBe(true);
      expect(relations.related('refs', claim, pod('db-0'))).toBe(false);
      // A DaemonSet's, a Job's or a bare ReplicaSet's: no kind to name.
      expect(ancestry('web-x2x9z')).toEqual(['shop/Pod/web-x2x9z']);
      expect(ancestry('batch-5d8f7c9b6-x2x9z')).toEqual(['shop/Pod/batch-5d8f7c9b6-x2x9z']);
    } finally {
      bundle.close();
    }
  });
});
