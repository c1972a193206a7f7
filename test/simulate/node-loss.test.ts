// Node loss and scheduling as real clusters of each era show them: the scheduler's FailedScheduling
// wording by release, taint-manager evictions with DisruptionTarget (1.26+), the node controller's own
// evictions before taint-based evictions, and the kubelet refusing a pod that does not fit (OutOfcpu).

import { describe, expect, it } from 'vitest';
import type { BundleRow } from '../../src/bundle/row.ts';
import { fitErrorMessage, type NodeFitFailure } from '../../src/simulate/scheduler/messages.ts';
import { aDeployment, bodyOf, events, run } from './builders.ts';

const cpu: NodeFitFailure = { kind: 'insufficient', resource: 'cpu' };
const unreachable: NodeFitFailure = { kind: 'taint', key: 'node.kubernetes.io/unreachable' };

describe('FailedScheduling wording by release', () => {
  const failures: NodeFitFailure[][] = [[cpu], [unreachable], [{ kind: 'node-selector' }]];

  it('speaks 1.26 with the preemption summary', () => {
    expect(fitErrorMessage(failures, 26)).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
    );
  });

  it('speaks the releases before', () => {
    expect(fitErrorMessage(failures, 22)).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had taint {node.kubernetes.io/unreachable: }, that the pod didn't tolerate.",
    );
    expect(fitErrorMessage(failures, 14)).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match node selector, 1 node(s) had taints that the pod didn't tolerate.",
    );
    expect(fitErrorMessage([[{ kind: 'too-many-pods' }], [{ kind: 'not-ready' }]], 10)).toBe(
      '0/2 nodes are available: 1 Insufficient pods, 1 NodeNotReady.',
    );
    expect(fitErrorMessage([[{ kind: 'too-many-pods' }], [{ kind: 'not-ready' }]], 7)).toBe(
      'No nodes are available that match all of the following predicates:: Insufficient pods (1), NodeNotReady (1).',
    );
    expect(fitErrorMessage([[{ kind: 'too-many-pods' }, cpu]], 30)).toBe(
      '0/1 nodes are available: 1 Insufficient cpu, 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
  });
});

/** Two workers of 2 CPUs; `web` (3 × 600m) fills most of them, and tolerates a lost node for 60 s. */
function loseNode(version: string): BundleRow[] {
  const tolerations = [
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 },
  ];
  return run({
    duration: '20m',
    cluster: { name: 'lab', version },
    nodes: [
      { name: 'node-a', cpu: 2, memory: '4Gi' },
      { name: 'node-b', cpu: 2, memory: '4Gi' },
    ],
    workloads: [
      aDeployment({
        replicas: 4,
        tolerations,
        containers: [
          {
            name: 'app',
            image: 'registry.example.com/web:1.0.0',
            requests: { cpu: '800m', memory: '64Mi' },
            app: { type: 'web' },
          },
        ],
      }),
    ],
    timeline: [{ at: '2m', action: 'node-lost', node: 'node-a' }],
  });
}

const podsOn = (rows: BundleRow[], node: string) =>
  new Set(
    rows.filter((r) => r.source === 'object' && r.kind === 'Pod' && r.node === node).map((r) => r.name),
  );

describe('a lost node', () => {
  it('has its pods marked DisruptionTarget and deleted by the taint manager on 1.26, their replacements unschedulable', () => {
    const rows = loseNode('v1.26.9');
    const lost = podsOn(rows, 'node-a');
    const evictions = events(rows, 'TaintManagerEviction');
    expect(evictions.map((e) => e.name).sort()).toEqual([...lost].sort());
    expect(evictions[0]?.event_message).toBe(`Marking for deletion Pod app/${evictions[0]?.name}`);
    const notReady = events(rows, 'NodeNotReady').find((e) => e.kind === 'Node')!;
    // After the 60 s the pods tolerate the unreachable taint.
    expect(Date.parse(evictions[0]!.ts) - Date.parse(notReady.ts)).toBe(60_000);
    for (const name of lost) {
      const versions = rows.filter((r) => r.source === 'object' && r.kind === 'Pod' && r.name === name);
      const marked = versions.findIndex((r) =>
        r.conditions?.some(
          (c) =>
            c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'DeletionByTaintManager',
        ),
      );
      const deleting = versions.findIndex((r) => r.deleted_at);
      expect(marked).toBeGreaterThan(-1);
      expect(deleting).toBeGreaterThan(marked);
    }
    const failed = events(rows, 'FailedScheduling').filter((e) => !lost.has(e.name!));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]?.event_message).toMatch(
      /^0\/2 nodes are available: 1 Insufficient cpu, 1 node\(s\) had untolerated taint \{node\.kubernetes\.io\/unreachable: \}\. preemption: /,
    );
    const node = rows
      .filter((r) => r.source === 'object' && r.kind === 'Node' && r.name === 'node-a')
      .at(-1)!;
    expect(node.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule',
      'node.kubernetes.io/unreachable:NoExecute',
    ]);
  });

  it('has its pods deleted by the node controller after the pod eviction timeout before taint-based evictions', () => {
    const rows = loseNode('v1.10.13');
    const lost = podsOn(rows, 'node-a');
    expect(events(rows, 'TaintManagerEviction')).toEqual([]);
    const evictions = events(rows, 'NodeControllerEviction');
    expect(evictions.map((e) => e.name).sort()).toEqual([...lost].sort());
    expect(evictions[0]?.event_message).toBe(
      `Marking for deletion Pod ${evictions[0]?.name} from Node node-a`,
    );
    expect(events(rows, 'DeletingAllPods')[0]?.event_message).toBe('Deleting all Pods from Node node-a.');
    const notReady = events(rows, 'NodeNotReady').find((e) => e.kind === 'Node')!;
    expect(Date.parse(evictions[0]!.ts) - Date.parse(notReady.ts)).toBe(300_000);
    const lastVersion = rows
      .filter((r) => r.source === 'object' && r.kind === 'Pod' && lost.has(r.name!))
      .at(-1);
    expect(lastVersion?.conditions?.some((c) => c.type === 'DisruptionTarget')).toBe(false);
    // No taint stands for the condition yet: the scheduler filters the node as not ready.
    expect(
      rows.filter((r) => r.source === 'object' && r.kind === 'Node' && r.name === 'node-a').at(-1)?.taints ??
        [],
    ).toEqual([]);
    const failed = events(rows, 'FailedScheduling').filter((e) => !lost.has(e.name!));
    expect(failed[0]?.event_message).toBe('0/2 nodes are available: 1 Insufficient cpu, 1 NodeNotReady.');
  });
});

describe('kubelet admission', () => {
  it('rejects a pod bound to a full node: Failed, reason OutOfcpu, and a Warning Event', () => {
    // The Deployment's pods are bound to worker-1 first; the CronJob's run, bound there too, no longer fits.
    const rows = run({
      duration: '12m',
      workloads: [
        aDeployment({
          name: 'filler',
          replicas: 2,
          nodeName: 'worker-1',
          service: undefined,
          containers: [
            {
              name: 'app',
              image: 'registry.example.com/filler:1.0.0',
              requests: { cpu: '900m', memory: '64Mi' },
              app: { type: 'worker' },
            },
          ],
        }),
        {
          kind: 'CronJob',
          namespace: 'app',
          name: 'reindex',
          schedule: '*/5 * * * *',
          nodeName: 'worker-1',
          backoffLimit: 1,
          containers: [
            {
              name: 'reindex',
              image: 'registry.example.com/reindex:1.0.0',
              requests: { cpu: '500m', memory: '64Mi' },
              app: { type: 'batch' },
            },
          ],
        },
      ],
    });
    const rejected = rows.filter(
      (r) =>
        r.source === 'object' && r.kind === 'Pod' && r.phase === 'Failed' && r.status_reason === 'OutOfcpu',
    );
    expect(rejected.length).toBeGreaterThan(0);
    const message = rejected[0]!.status_message!;
    const match =
      /^Pod was rejected: Node didn't have enough resource: cpu, requested: 500, used: (\d+), capacity: 1920$/.exec(
        message,
      );
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThanOrEqual(1800);
    const event = events(rows, 'OutOfcpu')[0]!;
    expect(event.event_type).toBe('Warning');
    expect(event.event_message).toBe(message.replace('Pod was rejected: ', ''));
    // Never started.
    expect(bodyOf(rejected[0]!).status.containerStatuses).toBeUndefined();
  });
});
