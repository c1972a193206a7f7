// What the kubelet says of its node in Events and in its own log, read without the node's
// conditions (a dump of Events, a kubelet journal): pressure on memory, disk and process IDs, the
// kernel's OOM killer, a container runtime down or hung, a certificate that expired. One bundle
// for the whole file.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectPattern } from '../../src/analyze/detect.ts';
import type { Finding } from '../../src/analyze/report.ts';
import type { Bundle } from '../../src/bundle/reader.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { BUILTIN_PATTERNS_DIR, loadPatternFile } from '../../src/patterns/load.ts';
import { openRows } from '../support/bundles.ts';
import { aLogRow, anEventRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const builtin = (id: string) => loadPatternFile(path.join(BUILTIN_PATTERNS_DIR, `${id}.yaml`));
const WINDOW = { start: '2026-03-01T00:00:00Z', end: '2026-03-01T12:00:00Z', snapshot: false };

function nodeEvent(
  node: string,
  reason: string,
  message: string,
  ts: string,
  type = 'Warning',
  count = 1,
): BundleRow {
  return anEventRow({
    ts,
    kind: 'Node',
    namespace: null,
    name: node,
    event_type: type,
    event_reason: reason,
    event_message: message,
    event_count: count,
    event_first: ts,
    event_uid: `${node}-${reason}-${ts}`,
  });
}

function kubeletLog(node: string, line: string, ts: string): BundleRow {
  return aLogRow({
    ts,
    kind: 'Node',
    namespace: null,
    name: node,
    container: 'kubelet',
    log_previous: false,
    log_line: line,
  });
}

const RUNTIME_REFUSED =
  'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing dial unix /run/containerd/containerd.sock: connect: connection refused"';

let bundle: Bundle;
let pressure: Finding[];
let notReady: Finding[];

beforeAll(async () => {
  bundle = await openRows(tempDir(), 'node-messages.parquet', [
    // Disk: the kubelet's Events alone.
    nodeEvent(
      'disk-1',
      'NodeHasDiskPressure',
      'Node disk-1 status is now: NodeHasDiskPressure',
      '2026-03-01T10:00:00Z',
      'Normal',
    ),
    nodeEvent(
      'disk-1',
      'EvictionThresholdMet',
      'Attempting to reclaim ephemeral-storage',
      '2026-03-01T10:00:10Z',
    ),
    // Disk: image garbage collection that frees too little, before any pressure.
    nodeEvent(
      'images-1',
      'ImageGCFailed',
      'Failed to garbage collect required amount of images. Attempted to free 4329564160 bytes, but only found 0 bytes eligible to free.',
      '2026-03-01T10:05:00Z',
      'Warning',
      12,
    ),
    // Memory that came back: reported short, then sufficient again.
    nodeEvent(
      'memory-1',
      'NodeHasInsufficientMemory',
      'Node memory-1 status is now: NodeHasInsufficientMemory',
      '2026-03-01T09:00:00Z',
      'Normal',
    ),
    nodeEvent(
      'memory-1',
      'NodeHasSufficientMemory',
      'Node memory-1 status is now: NodeHasSufficientMemory',
      '2026-03-01T09:20:00Z',
      'Normal',
    ),
    // The kernel's OOM killer.
    nodeEvent(
      'oom-1',
      'SystemOOM',
      'System OOM encountered, victim process: java, pid: 48213',
      '2026-03-01T11:00:00Z',
      'Warning',
      4,
    ),
    // A runtime that does not answer: garbage collection fails, the node goes NotReady.
    nodeEvent('runtime-1', 'ContainerGCFailed', RUNTIME_REFUSED, '2026-03-01T10:10:00Z', 'Warning', 8),
    nodeEvent('runtime-1', 'ImageGCFailed', RUNTIME_REFUSED, '2026-03-01T10:10:00Z'),
    nodeEvent(
      'runtime-1',
      'NodeNotReady',
      'Node runtime-1 status is now: NodeNotReady',
      '2026-03-01T10:11:00Z',
      'Normal',
    ),
    // A kubelet journal: PLEG not healthy, again and again.
    ...['10:20:01', '10:20:06', '10:20:11', '10:20:16'].map((t) =>
      kubeletLog(
        'pleg-1',
        `E0301 ${t}.000000    2211 kubelet.go:2412] "Skipping pod synchronization" err="PLEG is not healthy: pleg was last seen active 3m5.1s ago; threshold is 3m0s"`,
        `2026-03-01T${t}Z`,
      ),
    ),
    // A kubelet journal: its client certificate expired.
    ...['10:30:00', '10:30:10', '10:30:20'].map((t) =>
      kubeletLog(
        'cert-1',
        `E0301 ${t}.000000    2211 kubelet_node_status.go:540] "Error updating node status, will retry" err="error getting node \\"cert-1\\": Get \\"https://10.0.0.1:6443/api/v1/nodes/cert-1?timeout=10s\\": x509: certificate has expired or is not yet valid: current time 2026-03-01T10:30:00Z is after 2026-02-28T08:00:00Z"`,
        `2026-03-01T${t}Z`,
      ),
    ),
    // Kubelet journals: the eviction manager reclaiming memory, the kernel's OOM killer, a kubelet
    // that exits as it starts (restarted by systemd), and one container killed at its own limit.
    kubeletLog(
      'evicting-1',
      'W0301 10:40:00.000000    2211 eviction_manager.go:366] "Eviction manager: attempting to reclaim" resourceName="memory"',
      '2026-03-01T10:40:00Z',
    ),
    kubeletLog(
      'kernel-1',
      'Out of memory: Killed process 48213 (java) total-vm:8123456kB',
      '2026-03-01T10:41:00Z',
    ),
    kubeletLog(
      'cgroup-1',
      'Memory cgroup out of memory: Killed process 5121 (node) total-vm:912344kB',
      '2026-03-01T10:41:00Z',
    ),
    ...['10:50:00', '10:50:10'].map((t) =>
      kubeletLog(
        'swap-1',
        `E0301 ${t}.000000    3011 run.go:74] "command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false"`,
        `2026-03-01T${t}Z`,
      ),
    ),
    // A kubelet starting: every resource sufficient, nothing wrong.
    nodeEvent(
      'fresh-1',
      'NodeHasSufficientMemory',
      'Node fresh-1 status is now: NodeHasSufficientMemory',
      '2026-03-01T08:00:00Z',
      'Normal',
    ),
    nodeEvent(
      'fresh-1',
      'NodeHasNoDiskPressure',
      'Node fresh-1 status is now: NodeHasNoDiskPressure',
      '2026-03-01T08:00:00Z',
      'Normal',
    ),
  ]);
  [pressure, notReady] = await Promise.all([
    detectPattern(bundle, builtin('node-pressure'), WINDOW),
    detectPattern(bundle, builtin('node-not-ready'), WINDOW),
  ]);
});
afterAll(() => bundle?.close());

describe('node pressure in the kubelet’s Events', () => {
  it('names the resource each node was short of, and the kernel’s OOM killer', () => {
    expect(pressure.map((f) => [f.subject.name, f.variant]).sort()).toEqual([
      ['disk-1', 'disk-pressure'],
      ['evicting-1', 'memory-pressure'],
      ['images-1', 'disk-pressure'],
      ['kernel-1', 'system-oom'],
      ['memory-1', 'memory-pressure'],
      ['oom-1', 'system-oom'],
    ]);
  });

  it('says the pressure ended when the kubelet reported enough again', () => {
    const byNode = new Map(pressure.map((f) => [f.subject.name, f]));
    expect(byNode.get('memory-1')!.resolved).not.toBeNull();
    expect(byNode.get('disk-1')!.resolved).toBeNull();
    expect(
      byNode
        .get('oom-1')!
        .evidence.map((e) => e.excerpt)
        .join(' '),
    ).toContain('victim process: java');
  });
});

describe('a node NotReady for what the kubelet says of it', () => {
  it('names a runtime down or hung, an expired certificate and a kubelet that cannot start, not garbage collection short of disk', () => {
    expect(notReady.map((f) => [f.subject.name, f.variant]).sort()).toEqual([
      ['cert-1', 'certificate-expired'],
      ['pleg-1', 'runtime-down'],
      ['runtime-1', 'runtime-down'],
      ['swap-1', 'kubelet-cannot-start'],
    ]);
  });
});
