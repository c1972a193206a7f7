// A lost node as real clusters record it: Ready=Unknown, the unreachable taint, then its pods evicted
// by the taint manager (DisruptionTarget, TaintManagerEviction) or, on old releases, the node
// controller (NodeControllerEviction). One incident: the node first, the evictions under it, its
// impact naming the evicted pods and their workloads.

import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { openRows } from '../support/bundles.ts';
import { aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const T0 = '2026-03-01T10:00:00Z';
const LOST = '2026-03-01T10:10:40Z';
const EVICTED = '2026-03-01T10:11:40Z';

function node(ts: string, ready: 'True' | 'Unknown'): BundleRow {
  return {
    source: 'object',
    ts,
    api_version: 'v1',
    kind: 'Node',
    name: 'node-a',
    uid: 'node-a-uid',
    watch_event: ts === T0 ? 'ADDED' : 'MODIFIED',
    created_at: '2026-02-01T00:00:00Z',
    conditions: [
      ready === 'True'
        ? { type: 'Ready', status: 'True', reason: 'KubeletReady', last_transition: '2026-02-01T00:01:00Z' }
        : {
            type: 'Ready',
            status: 'Unknown',
            reason: 'NodeStatusUnknown',
            message: 'Kubelet stopped posting node status.',
            last_transition: ts,
          },
    ],
    taints:
      ready === 'True'
        ? null
        : [
            { key: 'node.kubernetes.io/unreachable', value: null, effect: 'NoSchedule' },
            { key: 'node.kubernetes.io/unreachable', value: null, effect: 'NoExecute' },
          ],
    body: {},
  };
}

function event(ts: string, kind: string, name: string, reason: string, message: string): BundleRow {
  return {
    source: 'event',
    ts,
    api_version: 'v1',
    kind,
    namespace: kind === 'Node' ? null : 'shop',
    name,
    event_type: 'Normal',
    event_reason: reason,
    event_message: message,
    event_count: 1,
    event_first: ts,
    event_uid: `${reason}-${name}`,
  };
}

const replicaSet: BundleRow = {
  source: 'object',
  ts: T0,
  api_version: 'apps/v1',
  kind: 'ReplicaSet',
  namespace: 'shop',
  name: 'web-7d9f8',
  uid: 'rs-web',
  owner_kind: 'Deployment',
  owner_name: 'web',
  owner_uid: 'dep-web',
  watch_event: 'ADDED',
};

/** A running pod of shop/web on node-a, and its versions as the taint manager evicts it. */
function evictedPod(name: string, disruptionTarget: boolean): BundleRow[] {
  const running: Partial<BundleRow> = {
    name,
    uid: `uid-${name}`,
    owner_name: 'web-7d9f8',
    owner_uid: 'rs-web',
    created_at: '2026-03-01T09:00:00Z',
    containers: [{ name: 'app', init: false, ready: true, restart_count: 0, state: 'running' }],
    conditions: [{ type: 'Ready', status: 'True' }],
  };
  return [
    aPodRow({ ts: T0, ...running }),
    aPodRow({
      ts: EVICTED,
      ...running,
      deleted_at: EVICTED,
      conditions: [
        { type: 'Ready', status: 'False' },
        ...(disruptionTarget
          ? [
              {
                type: 'DisruptionTarget',
                status: 'True',
                reason: 'DeletionByTaintManager',
                message: 'Taint manager: deleting due to NoExecute taint',
                last_transition: EVICTED,
              },
            ]
          : []),
      ],
    }),
  ];
}

/** A pod no node took, with the scheduler's message on its PodScheduled condition. */
function pendingPod(name: string, owner: string | null, ts: string, message: string): BundleRow {
  return aPodRow({
    ts,
    name,
    uid: `uid-${name}`,
    node: null,
    phase: 'Pending',
    owner_kind: owner ? 'ReplicaSet' : null,
    owner_name: owner,
    owner_uid: owner ? 'rs-web' : null,
    created_at: ts,
    containers: [],
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }],
  });
}

describe('a lost node', () => {
  it('explains the taint manager’s evictions: one incident, node first, the evicted pods in its impact', async () => {
    const bundle = await openRows(tempDir(), 'taint-evictions.parquet', [
      node(T0, 'True'),
      node(LOST, 'Unknown'),
      event(LOST, 'Node', 'node-a', 'NodeNotReady', 'Node node-a status is now: NodeNotReady'),
      replicaSet,
      ...evictedPod('web-7d9f8-aaaaa', true),
      ...evictedPod('web-7d9f8-bbbbb', true),
      event(
        EVICTED,
        'Pod',
        'web-7d9f8-aaaaa',
        'TaintManagerEviction',
        'Marking for deletion Pod shop/web-7d9f8-aaaaa',
      ),
      event(
        EVICTED,
        'Pod',
        'web-7d9f8-bbbbb',
        'TaintManagerEviction',
        'Marking for deletion Pod shop/web-7d9f8-bbbbb',
      ),
    ]);
    try {
      const report = await analyzeBundle(bundle);
      expect(report.incidents).toHaveLength(1);
      const [incident] = report.incidents;
      const chain = incident!.chain.map((s) => report.findings[s.finding]!);
      expect(chain[0]).toMatchObject({ pattern: 'node-not-ready', variant: 'unreachable' });
      expect(
        chain
          .slice(1)
          .map((f) => `${f.pattern} ${f.subject.name}`)
          .sort(),
      ).toEqual(['pod-taint-evicted web-7d9f8-aaaaa', 'pod-taint-evicted web-7d9f8-bbbbb']);
      expect(incident!.chain[1]!.via?.link).toBe('node-lost-taint-evictions');
      expect(incident!.severity).toBe('critical');
      expect(incident!.impact.pods).toEqual(['shop/web-7d9f8-aaaaa', 'shop/web-7d9f8-bbbbb']);
      expect(incident!.impact.workloads).toEqual(['Deployment shop/web']);
      expect(incident!.impact.nodes).toEqual(['node-a']);
      expect(chain.find((f) => f.subject.name === 'web-7d9f8-aaaaa')!.summary).toBe(
        "Pod shop/web-7d9f8-aaaaa was evicted at 2026-03-01 10:11:40Z: the taint manager deleted it once its toleration of its node's NoExecute taint (unreachable or not ready) ran out.",
      );
    } finally {
      bundle.close();
    }
  });

  it('explains the node controller’s evictions of releases before taint-based evictions', async () => {
    const bundle = await openRows(tempDir(), 'node-controller.parquet', [
      node(T0, 'True'),
      node(LOST, 'Unknown'),
      replicaSet,
      ...evictedPod('web-7d9f8-aaaaa', false),
      event(
        EVICTED,
        'Pod',
        'web-7d9f8-aaaaa',
        'NodeControllerEviction',
        'Marking for deletion Pod web-7d9f8-aaaaa from Node node-a',
      ),
    ]);
    try {
      const report = await analyzeBundle(bundle);
      const chain = report.incidents[0]!.chain.map((s) => report.findings[s.finding]!);
      expect(chain.map((f) => `${f.pattern}/${f.variant}`)).toEqual([
        'node-not-ready/unreachable',
        'pod-taint-evicted/node-controller',
      ]);
    } finally {
      bundle.close();
    }
  });

  it('puts the unschedulable replacements under the evictions, and a pod refused the lost node under the node', async () => {
    const unreachable =
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.';
    const bundle = await openRows(tempDir(), 'replacements.parquet', [
      node(T0, 'True'),
      node(LOST, 'Unknown'),
      replicaSet,
      ...evictedPod('web-7d9f8-aaaaa', true),
      event(
        EVICTED,
        'Pod',
        'web-7d9f8-aaaaa',
        'TaintManagerEviction',
        'Marking for deletion Pod shop/web-7d9f8-aaaaa',
      ),
      // Its replacement finds no room on the node left.
      pendingPod('web-7d9f8-ccccc', 'web-7d9f8', EVICTED, unreachable),
      { ...event(EVICTED, 'Pod', 'web-7d9f8-ccccc', 'FailedScheduling', unreachable), event_type: 'Warning' },
      // A pod of another workload, created later, refused the lost node too.
      pendingPod('batch-5', null, '2026-03-01T10:20:00Z', unreachable),
      {
        ...event('2026-03-01T10:20:00Z', 'Pod', 'batch-5', 'FailedScheduling', unreachable),
        event_type: 'Warning',
      },
    ]);
    try {
      const report = await analyzeBundle(bundle);
      expect(report.incidents).toHaveLength(1);
      const steps = report.incidents[0]!.chain.map((s) => ({
        finding: report.findings[s.finding]!,
        link: s.via?.link ?? null,
      }));
      expect(steps.map((s) => `${s.finding.pattern} ${s.finding.subject.name} ${s.link}`)).toEqual([
        'node-not-ready node-a null',
        'pod-taint-evicted web-7d9f8-aaaaa node-lost-taint-evictions',
        'failed-scheduling batch-5 node-down-unschedulable',
        'failed-scheduling web-7d9f8-ccccc evictions-pending',
      ]);
      expect(steps.find((s) => s.finding.subject.name === 'web-7d9f8-ccccc')!.finding.variant).toBe(
        'insufficient-cpu',
      );
    } finally {
      bundle.close();
    }
  });

  it('does not take a cancelled eviction for one', async () => {
    const bundle = await openRows(tempDir(), 'cancelled.parquet', [
      replicaSet,
      aPodRow({ ts: T0, name: 'web-7d9f8-aaaaa', owner_name: 'web-7d9f8' }),
      event(
        EVICTED,
        'Pod',
        'web-7d9f8-aaaaa',
        'TaintManagerEviction',
        'Cancelling deletion of Pod shop/web-7d9f8-aaaaa',
      ),
    ]);
    try {
      const report = await analyzeBundle(bundle, { only: ['pod-taint-evicted'] });
      expect(report.findings).toEqual([]);
    } finally {
      bundle.close();
    }
  });
});
