// A pod network that is not there: a node without a network plugin (its kubelet's log, its Ready
// condition, the Events of its pods), the scheduler's pods left Pending by the node's not-ready
// taint, and component logs read as what they are (a kubelet's about its node), never as an
// application's errors.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { runImport } from '../../src/import/run.ts';
import { openBundle } from '../../src/views/open.ts';
import { openRows } from '../support/bundles.ts';
import { aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

const NOT_READY =
  'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized';

/** A kubelet's log, in klog form without a year, on a node with no CNI configuration. */
function kubeletLog(): string {
  const lines = [
    'I0120 11:42:11.675842    4787 server.go:416] Version: v1.19.6',
    'I0120 11:42:11.700001    4787 flags.go:59] FLAG: --hostname-override="edge-7"',
    'W0120 11:42:15.300000    4787 cni.go:239] Unable to update cni config: no networks found in /etc/cni/net.d',
  ];
  for (let s = 15; s < 55; s += 5)
    lines.push(
      `E0120 11:42:${s}.364046    4787 kubelet.go:2103] Container runtime network not ready: ${NOT_READY.replace('container runtime network not ready: ', '')}`,
    );
  lines.push('E0120 11:42:15.445333    4787 kubelet.go:2183] node "edge-7" not found');
  lines.push('I0120 11:42:15.483184    4787 kubelet_node_status.go:74] Successfully registered node edge-7');
  for (let s = 20; s < 50; s += 3)
    lines.push(
      `E0120 11:43:${s}.400926    4787 pod_workers.go:191] Error syncing pod c2bcdbe3 ("coredns-6f85d5fb88-flfvm_kube-system(c2bcdbe3)"), skipping: network is not ready: runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized`,
    );
  return `${lines.join('\n')}\n`;
}

/** A control plane starting in docker compose: its components cannot reach the API server yet. */
function composeLog(): string {
  const lines: string[] = [];
  for (let s = 10; s < 40; s += 2) {
    lines.push(
      `kube-scheduler_1  | E1102 08:17:${s}.123456       1 reflector.go:138] Failed to watch *v1.Pod: failed to list *v1.Pod: Get "https://localhost:6443/api/v1/pods?limit=500": dial tcp 127.0.0.1:6443: connect: connection refused`,
    );
    lines.push(
      `kube-controller-manager_1  | E1102 08:17:${s}.223456       1 leaderelection.go:325] error retrieving resource lock kube-system/kube-controller-manager: Get "https://localhost:6443/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager": dial tcp 127.0.0.1:6443: connect: connection refused`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function importAndAnalyze(name: string, files: Record<string, string>) {
  const dir = path.join(tempDir(), name);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  const output = path.join(tempDir(), `${name}.parquet`);
  await runImport({ inputs: [dir], output, year: 2026 });
  const bundle = await openBundle([output]);
  try {
    return await analyzeBundle(bundle);
  } finally {
    bundle.close();
  }
}

describe('a node without a pod network', () => {
  it('reads the kubelet log as the node’s: its runtime network not ready is the incident', async () => {
    const report = await importAndAnalyze('kubelet', { 'kubelet.log': kubeletLog() });
    expect(report.incidents).toHaveLength(1);
    const root = report.findings[report.incidents[0]!.root]!;
    expect(root.pattern).toBe('network-plugin-not-ready');
    expect(root.subject).toEqual({ namespace: null, kind: 'Node', name: 'edge-7', container: null });
    expect(root.variant).toBe('no-cni-config');
    expect(root.evidence.some((e) => e.source === 'log' && e.excerpt.startsWith('kubelet:'))).toBe(true);
    // A kubelet's errors are not an application's.
    expect(report.findings.filter((f) => f.pattern === 'app-errors-in-logs')).toEqual([]);
  });

  it('stays quiet on a control plane’s start-up race (connection refused while the API server starts)', async () => {
    const report = await importAndAnalyze('compose', { 'compose.log': composeLog() });
    expect(report.findings).toEqual([]);
    expect(report.incidents).toEqual([]);
  });

  it('puts the pods Pending on the node’s not-ready taint under the node’s missing network', async () => {
    const node = (ts: string): BundleRow => ({
      source: 'object',
      ts,
      api_version: 'v1',
      kind: 'Node',
      name: 'edge-7',
      uid: 'node-1',
      watch_event: 'MODIFIED',
      taints: [{ key: 'node.kubernetes.io/not-ready', value: null, effect: 'NoSchedule' }],
      conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: NOT_READY }],
      body: {},
    });
    const pending = aPodRow({
      ts: '2026-03-01T10:01:00Z',
      name: 'coredns-74ff55c5b-9rptk',
      namespace: 'kube-system',
      node: null,
      phase: 'Pending',
      owner_kind: null,
      owner_name: null,
      containers: [
        {
          name: 'coredns',
          image: 'coredns:1.7.0',
          init: false,
          ready: false,
          restart_count: 0,
          state: 'waiting',
          reason: 'ContainerCreating',
        },
      ],
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message:
            "0/1 nodes are available: 1 node(s) had taint {node.kubernetes.io/not-ready: }, that the pod didn't tolerate.",
        },
      ],
    });
    const scheduling = (ts: string, count: number): BundleRow => ({
      source: 'event',
      ts,
      kind: 'Pod',
      namespace: 'kube-system',
      name: 'coredns-74ff55c5b-9rptk',
      event_type: 'Warning',
      event_reason: 'FailedScheduling',
      event_count: count,
      event_first: '2026-03-01T10:01:00Z',
      event_uid: 'ev-1',
      event_message:
        "0/1 nodes are available: 1 node(s) had taint {node.kubernetes.io/not-ready: }, that the pod didn't tolerate.",
    });
    const bundle = await openRows(tempDir(), 'tainted.parquet', [
      node('2026-03-01T10:00:00Z'),
      pending,
      scheduling('2026-03-01T10:20:00Z', 10),
      node('2026-03-01T10:40:00Z'),
      scheduling('2026-03-01T10:40:00Z', 30),
    ]);
    try {
      const report = await analyzeBundle(bundle);
      const roots = report.incidents.map((i) => report.findings[i.root]!.pattern);
      expect(roots[0]).toBe('network-plugin-not-ready');
      const chain = report.incidents[0]!.chain.map((s) => report.findings[s.finding]!);
      expect(chain.map((f) => f.pattern)).toContain('failed-scheduling');
      expect(
        report.incidents[0]!.chain.find((s) => s.via?.link === 'network-not-ready-unschedulable'),
      ).toBeDefined();
    } finally {
      bundle.close();
    }
  });
});
