// Failures the kubelet and the controllers report about a pod's end, a claim's expansion and a
// Service's load balancer, in the words they write: each cause named by its variant, one bundle for
// the whole file.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectPattern } from '../../src/analyze/detect.ts';
import type { Finding } from '../../src/analyze/report.ts';
import type { Bundle } from '../../src/bundle/reader.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { BUILTIN_PATTERNS_DIR, loadPatternFile } from '../../src/patterns/load.ts';
import { openRows } from '../support/bundles.ts';
import { anEventRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const builtin = (id: string) => loadPatternFile(path.join(BUILTIN_PATTERNS_DIR, `${id}.yaml`));
const WINDOW = { start: '2026-03-01T10:00:00Z', end: '2026-03-01T10:42:30Z', snapshot: false };

function event(
  kind: string,
  name: string,
  reason: string,
  message: string,
  count = 5,
  options: { type?: string; source?: string; ts?: string; first?: string } = {},
): BundleRow {
  return anEventRow({
    ts: options.ts ?? '2026-03-01T10:42:00Z',
    kind,
    name,
    event_type: options.type ?? 'Warning',
    event_reason: reason,
    event_message: message,
    event_count: count,
    event_first: options.first ?? '2026-03-01T10:20:00Z',
    event_uid: `${name}-${reason}-${options.ts ?? ''}`,
    event_source: options.source ?? 'kubelet',
  });
}

/** A pod deleted at 10:10 and still there at 10:42, its container running or stopped. */
function deletedPod(name: string, container: 'running' | 'terminated'): BundleRow[] {
  const at = (ts: string, deleted: boolean) =>
    aPodRow({
      ts,
      name,
      uid: `uid-${name}`,
      deleted_at: deleted ? '2026-03-01T10:10:30Z' : null,
      containers: [
        {
          name: 'app',
          image: 'registry.example.com/shop/app:1',
          init: false,
          ready: container === 'running',
          restart_count: 0,
          state: deleted ? container : 'running',
          reason: deleted && container === 'terminated' ? 'Completed' : null,
          exit_code: deleted && container === 'terminated' ? 0 : null,
        },
      ],
    });
  return [at('2026-03-01T10:05:00Z', false), at('2026-03-01T10:10:00Z', true)];
}

/** Each stuck pod's Event (none for the one a finalizer keeps), and the variant it gives. */
const TERMINATING: {
  pod: string;
  container: 'running' | 'terminated';
  events: [string, string][];
  variant: string;
}[] = [
  { pod: 'finalizer', container: 'terminated', events: [], variant: 'finalizer' },
  {
    pod: 'node-down',
    container: 'running',
    events: [['NodeNotReady', 'Node is not ready']],
    variant: 'node-unreachable',
  },
  {
    pod: 'cni-teardown',
    container: 'terminated',
    events: [
      [
        'FailedKillPod',
        'error killing pod: failed to "KillPodSandbox" for "0a1b2c3d-4e5f" with KillPodSandboxError: "rpc error: code = Unknown desc = networkPlugin cni failed to teardown pod \\"cni-teardown_shop\\" network: error getting ClusterInformation: connection is unauthorized: Unauthorized"',
      ],
    ],
    variant: 'kill-failed',
  },
  {
    pod: 'busy-mount',
    container: 'terminated',
    events: [
      [
        'FailedUnMount',
        'UnmountVolume.TearDown failed for volume "exports" (UniqueName: "kubernetes.io/nfs/0a1b-exports") pod "0a1b" (UID: "0a1b") : Unmount failed: exit status 16\nUnmounting arguments: /var/lib/kubelet/pods/0a1b/volumes/kubernetes.io~nfs/exports\nOutput: umount.nfs: /var/lib/kubelet/pods/0a1b/volumes/kubernetes.io~nfs/exports: device is busy',
      ],
    ],
    variant: 'unmount-failed',
  },
  {
    pod: 'hung',
    container: 'running',
    events: [
      ['FailedPreStopHook', 'PreStopHook failed'],
      ['ExceededGracePeriod', 'Container runtime did not kill the pod within specified grace period.'],
    ],
    variant: 'grace-exceeded',
  },
];

let bundle: Bundle;
let terminating: Finding[];

beforeAll(async () => {
  bundle = await openRows(tempDir(), 'lifecycle.parquet', [
    ...TERMINATING.flatMap((c) => [
      ...deletedPod(c.pod, c.container),
      ...c.events.map(([reason, message]) => event('Pod', c.pod, reason, message)),
    ]),
    // Deleted a moment ago: within its grace period, not stuck.
    ...deletedPod('leaving', 'running').map((r) =>
      r.deleted_at ? { ...r, ts: '2026-03-01T10:42:10Z', deleted_at: '2026-03-01T10:42:40Z' } : r,
    ),
    // A lost node's pod the taint manager deleted: pod-taint-evicted and the node's finding tell it.
    ...deletedPod('evicted', 'running'),
    event('Pod', 'evicted', 'NodeNotReady', 'Node is not ready'),
    event('Pod', 'evicted', 'TaintManagerEviction', 'Marking for deletion Pod shop/evicted', 1, {
      type: 'Normal',
      source: 'taint-eviction-controller',
    }),
  ]);
  [terminating] = await Promise.all([detectPattern(bundle, builtin('pod-stuck-terminating'), WINDOW)]);
});
afterAll(() => bundle?.close());

describe('pods stuck Terminating', () => {
  it('names why each pod outlives its deletion, not a pod within its grace period or one evicted from a lost node', () => {
    expect(terminating.map((f) => [f.subject.name, f.variant]).sort()).toEqual(
      TERMINATING.map((c) => [c.pod, c.variant]).sort(),
    );
  });

  it('says what the kubelet said', () => {
    const kill = terminating.find((f) => f.subject.name === 'cni-teardown')!;
    expect(kill.summary).toContain('the kubelet cannot kill it');
    expect(kill.summary).toContain('KillPodSandbox');
    const finalizer = terminating.find((f) => f.subject.name === 'finalizer')!;
    expect(finalizer.remediation.join(' ')).toContain('metadata.finalizers');
  });
});
