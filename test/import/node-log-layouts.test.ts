// The layouts that carry a node's own logs: `kind export logs` (a folder per node with the journal of
// its kubelet and containerd, its /var/log/pods and files about the node container) and a must-gather's
// host_service_logs/<role>/<unit>_service.log. The journal lands as each service's log on its node,
// pod logs with their pod, and a node without a pod network is the incident analyze names.
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/analyze/report.ts';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { Bundle } from '../../src/bundle/reader.ts';
import type { ImportResult } from '../../src/import/run.ts';
import { aNode } from '../kube/builders.ts';
import { rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const UID = '0b5e1c2d-3f4a-4b6c-8d9e-0f1a2b3c4d5e';
const NOT_READY =
  '"Container runtime network not ready" networkReady="NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"';

/** journalctl text of one unit: `Mar 01 10:00:05[.frac] host program[pid]: klog line`. */
function journal(host: string, program: string, precise: boolean, count: number): string {
  const lines = ['-- Logs begin at Sun 2026-03-01 09:59:00 UTC, end at Sun 2026-03-01 10:05:00 UTC. --'];
  for (let i = 0; i < count; i++) {
    const s = String(5 + i * 5).padStart(2, '0');
    const stamp = `Mar 01 10:01:${s}${precise ? '.123456' : ''}`;
    lines.push(
      `${stamp} ${host} ${program}[245]: E0301 10:01:${s}.123456     245 kubelet.go:3002] ${NOT_READY}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('kind export logs', () => {
  let dir: string;
  let result: ImportResult;
  let bundle: Bundle;
  let report: Report;
  beforeAll(async () => {
    dir = scratch.path('kind-logs');
    scratch.write('kind-logs/kind-version.txt', 'kind v0.30.0 go1.24 linux/amd64\n');
    scratch.write('kind-logs/kind-worker/kubernetes-version.txt', 'v1.34.0\n');
    scratch.write('kind-logs/kind-worker/kubelet.log', journal('kind-worker', 'kubelet', false, 10));
    scratch.write(
      'kind-logs/kind-worker/containerd.log',
      'Mar 01 10:00:58 kind-worker containerd[110]: time="2026-03-01T10:00:58.000000000Z" level=error msg="failed to load cni during init" error="cni config load failed: no network config found in /etc/cni/net.d"\n'.repeat(
        3,
      ),
    );
    scratch.write(
      'kind-logs/kind-worker/inspect.json',
      JSON.stringify([{ Id: 'abc', State: { Running: true } }]),
    );
    scratch.write(
      'kind-logs/kind-worker/serial.log',
      'systemd 255 running in system mode\nWelcome to Debian GNU/Linux 12!\n',
    );
    scratch.write(
      `kind-logs/kind-worker/pods/shop_web-0_${UID}/web/0.log`,
      '2026-03-01T10:00:40.000000000Z stdout F listening on :8080\n',
    );
    // kind copies the node's /var/log with its links followed: containers/ repeats the current log of
    // each container under pods/. A link kept as a link names the file beside it.
    scratch.write(
      `kind-logs/kind-worker/containers/web-0_shop_web-${'a'.repeat(64)}.log`,
      '2026-03-01T10:00:40.000000000Z stdout F listening on :8080\n',
    );
    mkdirSync(scratch.path('kind-logs/kind-worker/links'), { recursive: true });
    symlinkSync(
      `../pods/shop_web-0_${UID}/web/0.log`,
      scratch.path(`kind-logs/kind-worker/links/web-0_shop_web-${'b'.repeat(64)}.log`),
    );
    // A container whose pods/ folder was not kept is read from containers/.
    scratch.write(
      `kind-logs/kind-worker/containers/api-1_shop_api-${'c'.repeat(64)}.log`,
      '2026-03-01T10:00:41.000000000Z stderr F connection refused\n',
    );
    const imported = await scratch.import([dir], { year: 2026 });
    result = imported.result;
    bundle = imported.bundle!;
    report = await analyzeBundle(bundle);
  });
  afterAll(() => bundle?.close());

  it("reads each node's journal as its services' logs, and its pods' logs as theirs", async () => {
    expect(result.inputs[0]?.layout).toBe('kind-logs');
    expect(
      await rows(
        bundle,
        'SELECT kind, namespace, name, container, node, count(*)::INTEGER AS n FROM logs GROUP BY ALL ORDER BY ALL',
      ),
    ).toEqual([
      {
        kind: 'Node',
        namespace: null,
        name: 'kind-worker',
        container: 'containerd',
        node: 'kind-worker',
        n: 3,
      },
      {
        kind: 'Node',
        namespace: null,
        name: 'kind-worker',
        container: 'kubelet',
        node: 'kind-worker',
        n: 10,
      },
      { kind: 'Pod', namespace: 'shop', name: 'api-1', container: 'api', node: null, n: 1 },
      // No Pod is listed: the node is the folder the pod's log was gathered in. Its line once.
      { kind: 'Pod', namespace: 'shop', name: 'web-0', container: 'web', node: 'kind-worker', n: 1 },
    ]);
    expect(
      result.inputs[0]!.skippedFiles[
        "the container's log already imported from /var/log/pods, which this file repeats"
      ],
    ).toEqual([path.join(dir, `kind-worker/containers/web-0_shop_web-${'a'.repeat(64)}.log`)]);
  });

  it('names the files about the node container it does not read', () => {
    const skipped = result.inputs[0]!.skippedFiles;
    expect(
      skipped['kind export logs: versions and node container details, no cluster state']?.sort(),
    ).toEqual(
      [
        'kind-version.txt',
        'kind-worker/inspect.json',
        'kind-worker/kubernetes-version.txt',
        'kind-worker/serial.log',
      ].map((f) => path.join(dir, f)),
    );
  });

  it('analyze names the node without a pod network', () => {
    const root = report.findings[report.incidents[0]!.root]!;
    expect(root.pattern).toBe('network-plugin-not-ready');
    expect(root.subject).toMatchObject({ kind: 'Node', name: 'kind-worker' });
  });
});

describe("a must-gather's host service logs", () => {
  let result: ImportResult;
  let bundle: Bundle;
  let report: Report;
  beforeAll(async () => {
    const node = aNode({
      metadata: { name: 'ip-10-0-1-5.ec2.internal' },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'KubeletNotReady',
            message:
              'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
            lastTransitionTime: '2026-03-01T10:01:00Z',
          },
        ],
      },
    });
    scratch.write(
      'mg/cluster-scoped-resources/core/nodes/ip-10-0-1-5.ec2.internal.yaml',
      JSON.stringify(node),
    );
    scratch.write(
      'mg/host_service_logs/masters/kubelet_service.log',
      journal('ip-10-0-1-5', 'hyperkube', true, 8),
    );
    scratch.write(
      'mg/timestamp',
      '2026-03-01 10:05:00.000000000 +0000 UTC m=+0.1\n2026-03-01 10:06:00.000000000 +0000 UTC m=+60.1\n',
    );
    const imported = await scratch.import([scratch.path('mg')]);
    result = imported.result;
    bundle = imported.bundle!;
    report = await analyzeBundle(bundle);
  });
  afterAll(() => bundle?.close());

  it("reads the kubelet unit's journal as the kubelet's log on its node (by its full name), not skipped", async () => {
    expect(result.inputs[0]?.layout).toBe('must-gather');
    expect(result.inputs[0]?.skippedFiles).toEqual({});
    expect(
      await rows(bundle, 'SELECT kind, name, container, count(*)::INTEGER AS n FROM logs GROUP BY ALL'),
    ).toEqual([{ kind: 'Node', name: 'ip-10-0-1-5.ec2.internal', container: 'kubelet', n: 8 }]);
  });

  it('analyze names the node, with the kubelet log as evidence', () => {
    const root = report.findings[report.incidents[0]!.root]!;
    expect(root.pattern).toBe('network-plugin-not-ready');
    expect(root.subject).toMatchObject({ kind: 'Node', name: 'ip-10-0-1-5.ec2.internal' });
    expect(root.evidence.some((e) => e.source === 'log')).toBe(true);
  });
});

describe('a sosreport of a node', () => {
  it("reads the units' journals under sos_commands/ as the units' logs, and kubectl's JSON as objects", async () => {
    const node = aNode({ metadata: { name: 'worker-2.example.internal', uid: 'node-uid-w2' } });
    scratch.write(
      'sos/sos_commands/kubernetes/kubectl_get_-o_json_nodes',
      JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', items: [node] }),
    );
    scratch.write(
      'sos/sos_commands/openshift/journalctl_--no-pager_--unit_kubelet',
      journal('worker-2', 'hyperkube', true, 3),
    );
    scratch.write('sos/sos_commands/host/hostname', 'worker-2\n');
    const { result, bundle } = await scratch.import([scratch.path('sos')]);
    expect(result.inputs[0]?.layout).toBe('sosreport');
    expect(
      await rows(bundle!, 'SELECT kind, name, container, count(*)::INTEGER AS n FROM logs GROUP BY ALL'),
    ).toEqual([{ kind: 'Node', name: 'worker-2.example.internal', container: 'kubelet', n: 3 }]);
    expect(Object.values(result.inputs[0]!.skippedFiles).flat()).toEqual([
      scratch.path('sos/sos_commands/host/hostname'),
    ]);
    bundle!.close();
  });
});
