// The `node_refusals` view on tiny bundles: which FailedScheduling messages refuse nodes as not ready
// or unreachable, in every release's wording, and when the known nodes tell which node it was.

import { describe, expect, it } from 'vitest';
import type { BundleRow } from '../../src/bundle/row.ts';
import { viewsOver } from '../support/views.ts';

const refusal = (message: string, origin = 'describe-pod.txt', name = 'dns-1'): BundleRow => ({
  source: 'event',
  ts: '2026-03-01T10:05:00Z',
  kind: 'Pod',
  namespace: 'kube-system',
  name,
  origin,
  event_type: 'Warning',
  event_reason: 'FailedScheduling',
  event_message: message,
  event_count: 7,
  event_first: '2026-03-01T09:30:00Z',
  event_uid: `ev-${name}-${message.length}`,
});

const node = (name: string, origin = 'describe-nodes.txt'): BundleRow => ({
  source: 'object',
  ts: '2026-03-01T10:00:00Z',
  kind: 'Node',
  name,
  origin,
});

const boundPod = (name: string, nodeName: string, origin: string): BundleRow => ({
  source: 'object',
  ts: '2026-03-01T10:00:00Z',
  kind: 'Pod',
  namespace: 'kube-system',
  name,
  node: nodeName,
  origin,
  phase: 'Running',
});

async function refusals(rows: BundleRow[]) {
  const db = await viewsOver(rows);
  try {
    return await db.all<Record<string, unknown>>(
      `SELECT name, refused_taint, refused_nodes::INTEGER AS refused_nodes, nodes_total::INTEGER AS nodes_total, refused_node
       FROM node_refusals ORDER BY name, refused_node`,
    );
  } finally {
    db.close();
  }
}

describe('the node_refusals view', () => {
  it('reads every release’s wording of nodes refused as not ready or unreachable, and leaves other refusals out', async () => {
    const rows = [
      refusal(
        '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
        'a',
        'p1',
      ),
      refusal(
        "0/3 nodes are available: 1 node(s) had taint {node.kubernetes.io/unreachable: }, that the pod didn't tolerate, 2 Insufficient cpu.",
        'a',
        'p2',
      ),
      refusal('0/2 nodes are available: 2 node(s) were not ready.', 'a', 'p3'),
      refusal('0/2 nodes are available: 2 NodeNotReady.', 'a', 'p4'),
      refusal(
        'No nodes are available that match all of the following predicates:: Insufficient pods (1), NodeNotReady (1).',
        'a',
        'p5',
      ),
      refusal('0/3 nodes are available: 3 Insufficient memory.', 'a', 'p6'),
      refusal(
        '0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.',
        'a',
        'p7',
      ),
    ];
    expect(await refusals(rows)).toEqual([
      { name: 'p1', refused_taint: 'not-ready', refused_nodes: 1, nodes_total: 1, refused_node: null },
      { name: 'p2', refused_taint: 'unreachable', refused_nodes: 1, nodes_total: 3, refused_node: null },
      { name: 'p3', refused_taint: 'not-ready', refused_nodes: 2, nodes_total: 2, refused_node: null },
      { name: 'p4', refused_taint: 'not-ready', refused_nodes: 2, nodes_total: 2, refused_node: null },
      { name: 'p5', refused_taint: 'not-ready', refused_nodes: 1, nodes_total: null, refused_node: null },
    ]);
  });

  it('names the node when the nodes known where the Event was found are those the scheduler counted', async () => {
    const message =
      '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
    // The transcript that holds the Event lists pods bound to one node; another file, of another
    // time, knows a second node: the one beside the Event is the one counted.
    expect(
      await refusals([
        refusal(message),
        boundPod('etcd-cp-1', 'cp-1', 'describe-pod.txt'),
        node('cp-1'),
        node('worker-1'),
      ]),
    ).toEqual([
      { name: 'dns-1', refused_taint: 'not-ready', refused_nodes: 1, nodes_total: 1, refused_node: 'cp-1' },
    ]);
  });

  it('falls back on the nodes of the whole bundle, and names every node when all were refused', async () => {
    expect(
      await refusals([
        refusal('0/2 nodes are available: 2 node(s) were not ready.'),
        node('a-1'),
        node('a-2'),
      ]),
    ).toEqual([
      { name: 'dns-1', refused_taint: 'not-ready', refused_nodes: 2, nodes_total: 2, refused_node: 'a-1' },
      { name: 'dns-1', refused_taint: 'not-ready', refused_nodes: 2, nodes_total: 2, refused_node: 'a-2' },
    ]);
  });

  it('names no node when the message or the known nodes do not tell which', async () => {
    const rows = [
      // One of three refused: which one, the message does not say.
      refusal(
        '0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 2 Insufficient cpu.',
        'x',
        'p1',
      ),
      // One node counted, but the bundle knows two and none beside the Event.
      refusal(
        '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.',
        'y',
        'p2',
      ),
      // No node known at all.
      node('n-1'),
      node('n-2'),
    ];
    expect((await refusals(rows)).map((r) => r.refused_node)).toEqual([null, null]);
    expect(
      (await refusals([refusal('0/1 nodes are available: 1 node(s) were not ready.')])).map(
        (r) => r.refused_node,
      ),
    ).toEqual([null]);
  });
});
