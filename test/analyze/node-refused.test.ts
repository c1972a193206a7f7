// A node known NotReady only from what the scheduler said: kubectl output pasted from a terminal,
// with a pod Pending on the node's not-ready taint and no status of the node from that time. The
// node is named when the nodes known beside the refusal are those the scheduler counted, and the
// pending pod is then under it; otherwise no node is invented and the pod is the incident.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { runImport } from '../../src/import/run.ts';
import { openBundle } from '../../src/views/open.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

const PROMPT = 'ops@cp-1:~$';

/** `kubectl get pods -A -o wide`: the control plane's static pods on cp-1, the DNS pods on no node. */
const GET_PODS = `${PROMPT} kubectl get pods -A -o wide
NAMESPACE     NAME                          READY   STATUS    RESTARTS      AGE   IP           NODE    NOMINATED NODE   READINESS GATES
kube-system   coredns-7c8d9f6b5-q2x7z       0/1     Pending   0             3h    <none>       <none>  <none>           <none>
kube-system   etcd-cp-1                     1/1     Running   1 (2h ago)    3h    10.0.0.11    cp-1    <none>           <none>
kube-system   kube-apiserver-cp-1           1/1     Running   1 (2h ago)    3h    10.0.0.11    cp-1    <none>           <none>
kube-system   kube-scheduler-cp-1           1/1     Running   1 (2h ago)    3h    10.0.0.11    cp-1    <none>           <none>
`;

const DESCRIBE_POD = `${PROMPT} kubectl -n kube-system describe pod coredns-7c8d9f6b5-q2x7z
Name:                 coredns-7c8d9f6b5-q2x7z
Namespace:            kube-system
Priority:             2000000000
Node:                 <none>
Labels:               k8s-app=kube-dns
                      pod-template-hash=7c8d9f6b5
Status:               Pending
IP:
Controlled By:        ReplicaSet/coredns-7c8d9f6b5
Containers:
  coredns:
    Image:       registry.k8s.io/coredns/coredns:v1.11.1
    Requests:
      cpu:        100m
      memory:     70Mi
Conditions:
  Type           Status
  PodScheduled   False
QoS Class:                   Burstable
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
Events:
  Type     Reason            Age                  From               Message
  ----     ------            ----                 ----               -------
  Warning  FailedScheduling  3m (x30 over 150m)   default-scheduler  0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..
`;

async function importAndAnalyze(name: string, files: Record<string, string>) {
  const dir = path.join(tempDir(), name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  const output = path.join(tempDir(), `${name}.parquet`);
  await runImport({ inputs: [dir], output, at: '2026-03-01T12:00:00Z' });
  const bundle = await openBundle([output]);
  try {
    return await analyzeBundle(bundle);
  } finally {
    bundle.close();
  }
}

describe('a node the scheduler refused as not ready, with no status of it captured', () => {
  it('names the one node the transcript knows, and puts the pending pod under it', async () => {
    const report = await importAndAnalyze('named', { 'session.txt': `${GET_PODS}\n${DESCRIBE_POD}` });
    const first = report.incidents[0]!;
    const root = report.findings[first.root]!;
    expect(root.pattern).toBe('node-not-ready');
    expect(root.subject).toEqual({ namespace: null, kind: 'Node', name: 'cp-1', container: null });
    expect(root.variant).toBe('refused-by-scheduler');
    expect(root.summary).toContain('holds no status of the node');
    const effects = first.chain.filter((step) => step.via).map((step) => report.findings[step.finding]!);
    expect(effects.map((f) => [f.pattern, f.subject.name])).toContainEqual([
      'failed-scheduling',
      'coredns-7c8d9f6b5-q2x7z',
    ]);
    // Less sure than a node whose own status says NotReady.
    expect(root.confidence).toBeLessThan(0.85);
  });

  it('invents no node when nothing tells which one the scheduler counted', async () => {
    const report = await importAndAnalyze('unnamed', { 'describe.txt': DESCRIBE_POD });
    expect(report.findings.filter((f) => f.pattern === 'node-not-ready')).toEqual([]);
    const root = report.findings[report.incidents[0]!.root]!;
    expect(root.pattern).toBe('failed-scheduling');
    expect(root.variant).toBe('nodes-down');
    expect(root.remediation.join(' ')).toContain('without naming them');
  });
});
