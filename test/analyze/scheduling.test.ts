// Pods the scheduler cannot place, as real clusters of every release say it: the most specific cause
// of the scheduler's message names the variant; the problem ends when the pod is bound, and a short
// wait that ended so is routine (transient), while one that lasted, or lasts, is an incident.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectPattern } from '../../src/analyze/detect.ts';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { BUILTIN_PATTERNS_DIR, loadPatternFile } from '../../src/patterns/load.ts';
import { openRows } from '../support/bundles.ts';
import { aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const pattern = loadPatternFile(path.join(BUILTIN_PATTERNS_DIR, 'failed-scheduling.yaml'));
const WINDOW = { start: '2026-03-01T10:00:00Z', end: '2026-03-01T11:00:00Z', snapshot: false };
const CREATED = '2026-03-01T10:20:00Z';

/** A pod the scheduler has not placed, with the scheduler's message on its PodScheduled condition. */
function pendingPod(ts: string, message: string, name = 'web-7d9f8-abcde'): BundleRow {
  return aPodRow({
    ts,
    name,
    uid: `uid-${name}`,
    node: null,
    phase: 'Pending',
    created_at: CREATED,
    containers: [],
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }],
  });
}

/** The same pod bound to node-b and running. */
function boundPod(ts: string, name = 'web-7d9f8-abcde'): BundleRow {
  return aPodRow({
    ts,
    name,
    uid: `uid-${name}`,
    node: 'node-b',
    phase: 'Running',
    created_at: CREATED,
    containers: [{ name: 'app', init: false, ready: true, restart_count: 0, state: 'running' }],
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'True' },
    ],
  });
}

function failedScheduling(ts: string, message: string, count = 1, name = 'web-7d9f8-abcde'): BundleRow {
  return {
    source: 'event',
    ts,
    api_version: 'v1',
    kind: 'Pod',
    namespace: 'shop',
    name,
    event_type: 'Warning',
    event_reason: 'FailedScheduling',
    event_message: message,
    event_count: count,
    event_first: ts,
    event_source: 'default-scheduler',
    event_uid: `ev-${name}-${message.length}`,
  };
}

describe('failed-scheduling: the cause, from every release’s wording', () => {
  const cases: [string, string][] = [
    [
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
      'insufficient-cpu',
    ],
    [
      '0/3 nodes are available: 3 Too many pods. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
      'too-many-pods',
    ],
    [
      'No nodes are available that match all of the following predicates:: Insufficient pods (1), NodeNotReady (1).',
      'too-many-pods',
    ],
    [
      'No nodes are available that match all of the following predicates:: Insufficient memory (3).',
      'insufficient-memory',
    ],
    [
      "0/3 nodes are available: 3 node(s) had taint {node.kubernetes.io/not-ready: }, that the pod didn't tolerate.",
      'nodes-down',
    ],
    ['0/2 nodes are available: 2 NodeNotReady.', 'nodes-down'],
    ["0/3 nodes are available: 3 node(s) didn't match node selector.", 'node-selector'],
    [
      '0/4 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 NodeUnschedulable, 3 MatchNodeSelector.',
      'node-selector',
    ],
    // A selector no worker matches, beside the control plane's taint: the selector is the cause.
    [
      "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
      'node-selector',
    ],
    [
      '0/1 nodes are available: 1 Insufficient nvidia.com/gpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
      'insufficient-extended-resource',
    ],
    ['0/3 nodes are available: 3 Insufficient ephemeral-storage.', 'insufficient-ephemeral-storage'],
    ['0/3 nodes are available: 2 Insufficient cpu, 3 Insufficient memory.', 'insufficient-cpu-memory'],
    [
      "0/3 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 2 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate.",
      'host-ports',
    ],
    ['0/3 nodes are available: 3 node(s) had volume node affinity conflict.', 'volume-node-affinity'],
    [
      '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
      'unbound-pvc',
    ],
    ["0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.", 'pod-affinity'],
    [
      '0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.',
      'untolerated-taint',
    ],
    ["0/3 nodes are available: 3 node(s) had taints that the pod didn't tolerate.", 'untolerated-taint'],
    ['0/2 nodes are available: 2 node(s) were unschedulable.', 'nodes-cordoned'],
  ];
  it('picks the variant of each message', async () => {
    // One pod per message, in one bundle.
    const name = (i: number) => `case-${i}`;
    const bundle = await openRows(
      tempDir(),
      'causes.parquet',
      cases.flatMap(([message], i) => [
        pendingPod('2026-03-01T10:20:01Z', message, name(i)),
        failedScheduling('2026-03-01T10:20:01Z', message, 4, name(i)),
      ]),
    );
    try {
      const findings = await detectPattern(bundle, pattern, WINDOW);
      const variants = cases.map((_, i) => findings.find((f) => f.subject.name === name(i))?.variant);
      expect(variants.map((v, i) => [cases[i]![0], v])).toEqual(cases);
    } finally {
      bundle.close();
    }
  });

  it('names the cause from the PodScheduled condition alone (a snapshot without Events)', async () => {
    const bundle = await openRows(tempDir(), 'status-only.parquet', [
      pendingPod('2026-03-01T10:20:01Z', '0/3 nodes are available: 3 Too many pods.'),
    ]);
    try {
      const [finding] = await detectPattern(bundle, pattern, WINDOW);
      expect(finding?.variant).toBe('too-many-pods');
      expect(finding?.summary).toContain('maximum number of pods');
      expect(finding?.summary).not.toContain('CPU or memory');
    } finally {
      bundle.close();
    }
  });

  it('finds nothing for a pod that never failed to schedule, or one bound to a node', async () => {
    const bundle = await openRows(tempDir(), 'fine.parquet', [
      boundPod('2026-03-01T10:20:00Z'),
      // A FailedScheduling of a pod that is running elsewhere by now (a race with the binding).
      failedScheduling('2026-03-01T10:20:00Z', '0/3 nodes are available: 3 Insufficient cpu.', 1, 'api-1'),
      boundPod('2026-03-01T10:20:00Z', 'api-1'),
    ]);
    try {
      expect(await detectPattern(bundle, pattern, WINDOW)).toEqual([]);
    } finally {
      bundle.close();
    }
  });
});

describe('failed-scheduling: when it ends', () => {
  const message =
    '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.';

  it('ends when the pod is bound: a rollout pod placed 4 s later is resolved and transient', async () => {
    const bundle = await openRows(tempDir(), 'brief.parquet', [
      pendingPod('2026-03-01T10:20:01Z', message),
      failedScheduling('2026-03-01T10:20:01Z', message),
      boundPod('2026-03-01T10:20:05Z'),
    ]);
    try {
      const report = await analyzeBundle(bundle);
      const finding = report.findings.find((f) => f.pattern === 'failed-scheduling')!;
      expect(finding.resolved).toBe('2026-03-01T10:20:05.000000Z');
      expect(finding.last).toBe('2026-03-01T10:20:05.000000Z');
      expect(finding.summary).toBe(
        'Pod shop/web-7d9f8-abcde could not be scheduled from 2026-03-01 10:20:01Z to 2026-03-01 10:20:05Z: no node has enough free CPU for its requests.',
      );
      expect(report.incidents).toEqual([]);
      expect(report.transient).toBe(1);
    } finally {
      bundle.close();
    }
  });

  it('reports a wait that lasted past the threshold, even though the pod was bound in the end', async () => {
    const bundle = await openRows(tempDir(), 'long.parquet', [
      pendingPod('2026-03-01T10:20:01Z', message),
      failedScheduling('2026-03-01T10:26:01Z', message, 3),
      boundPod('2026-03-01T10:27:01Z'),
    ]);
    try {
      const report = await analyzeBundle(bundle);
      const finding = report.findings.find((f) => f.pattern === 'failed-scheduling')!;
      expect(finding.resolved).toBeNull();
      expect(report.incidents.map((i) => report.findings[i.root]!.pattern)).toEqual(['failed-scheduling']);
    } finally {
      bundle.close();
    }
  });

  it('reports a pod still unscheduled at the end', async () => {
    const bundle = await openRows(tempDir(), 'stuck.parquet', [
      pendingPod('2026-03-01T10:20:01Z', message),
      failedScheduling('2026-03-01T10:58:01Z', message, 9),
      pendingPod('2026-03-01T10:58:01Z', message),
    ]);
    try {
      const report = await analyzeBundle(bundle);
      const finding = report.findings.find((f) => f.pattern === 'failed-scheduling')!;
      expect(finding.resolved).toBeNull();
      expect(report.incidents).toHaveLength(1);
    } finally {
      bundle.close();
    }
  });
});

describe('failed-scheduling: one incident per workload and cause', () => {
  const cpu = '0/3 nodes are available: 3 Insufficient cpu.';
  const selector = "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.";

  it('groups a workload’s pods refused for the same reason, and keeps another reason apart', async () => {
    const pods: [string, string][] = [
      ['web-7d9f8-aaaaa', cpu],
      ['web-7d9f8-bbbbb', cpu],
      ['web-7d9f8-ccccc', selector],
      ['web-7d9f8-ddddd', selector],
    ];
    const bundle = await openRows(
      tempDir(),
      'per-cause.parquet',
      pods.flatMap(([name, message]) => [
        pendingPod('2026-03-01T10:20:01Z', message, name),
        failedScheduling('2026-03-01T10:58:01Z', message, 9, name),
        pendingPod('2026-03-01T10:58:01Z', message, name),
      ]),
    );
    try {
      const report = await analyzeBundle(bundle);
      const groups = report.incidents.map((incident) =>
        incident.chain.map((step) => {
          const finding = report.findings[step.finding]!;
          return `${finding.variant} ${finding.subject.name}`;
        }),
      );
      expect(groups.sort()).toEqual([
        ['insufficient-cpu web-7d9f8-aaaaa', 'insufficient-cpu web-7d9f8-bbbbb'],
        ['node-selector web-7d9f8-ccccc', 'node-selector web-7d9f8-ddddd'],
      ]);
    } finally {
      bundle.close();
    }
  });
});
