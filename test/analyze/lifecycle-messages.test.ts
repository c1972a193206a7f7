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

/** Each claim's expansion Events, oldest first, and the variant they give (null: no finding). */
const RESIZES: { claim: string; events: [string, string, string][]; variant: string | null }[] = [
  {
    claim: 'in-use',
    events: [
      [
        'VolumeResizeFailed',
        'PersistentVolumeClaim',
        'Unable to expand shop/in-use because CSI driver disk.csi.azure.com only supports offline expansion and volume is currently in-use',
      ],
    ],
    variant: 'offline-only',
  },
  {
    claim: 'rate',
    events: [
      [
        'VolumeResizeFailed',
        'PersistentVolumeClaim',
        'resize volume "pvc-0a1b" by resizer "ebs.csi.aws.com" failed: rpc error: code = Internal desc = Could not resize volume "vol-0abc": api error VolumeModificationRateExceeded: You\'ve reached the maximum modification rate per volume limit. Wait at least 6 hours between modifications per EBS volume.',
      ],
    ],
    variant: 'cloud-refused',
  },
  {
    claim: 'fs',
    events: [
      [
        'FileSystemResizeFailed',
        'PersistentVolumeClaim',
        'MountVolume.NodeExpandVolume failed for volume "pvc-0a1b" requested read-only file system',
      ],
    ],
    variant: 'filesystem',
  },
  {
    claim: 'driver-down',
    events: [
      [
        'VolumeResizeFailed',
        'PersistentVolumeClaim',
        'resize volume "pvc-0a1b" by resizer "pd.csi.storage.gke.io" failed: rpc error: code = Unavailable desc = connection error',
      ],
    ],
    variant: null,
  },
  {
    // Failed, then went through: nothing left to do.
    claim: 'retried',
    events: [
      [
        'VolumeResizeFailed',
        'PersistentVolumeClaim',
        'resize volume "pvc-0a1b" by resizer "ebs.csi.aws.com" failed: rpc error: code = DeadlineExceeded desc = context deadline exceeded',
      ],
      ['VolumeResizeSuccessful', 'PersistentVolumeClaim', 'Resize volume succeeded'],
    ],
    variant: 'resolved',
  },
];

/** Each Service's service-controller Events, oldest first, and the variant they give. */
const BALANCERS: { service: string; events: [string, string][]; variant: string | null }[] = [
  {
    service: 'quota',
    events: [
      [
        'SyncLoadBalancerFailed',
        'Error syncing load balancer: failed to ensure load balancer: TooManyLoadBalancers: Exceeded quota of account 123456789012',
      ],
    ],
    variant: 'quota',
  },
  {
    service: 'denied',
    events: [
      [
        'SyncLoadBalancerFailed',
        "Error syncing load balancer: failed to ensure load balancer: googleapi: Error 403: Required 'compute.forwardingRules.create' permission for 'projects/shop/regions/europe-west1/forwardingRules/a0b1c2', forbidden",
      ],
    ],
    variant: 'denied',
  },
  {
    service: 'deleting',
    events: [
      [
        'DeleteLoadBalancerFailed',
        'Error deleting load balancer: AccessDenied: User is not authorized to perform: elasticloadbalancing:DeleteLoadBalancer',
      ],
    ],
    variant: 'delete-failed',
  },
  {
    service: 'flaky',
    events: [
      [
        'SyncLoadBalancerFailed',
        'Error syncing load balancer: failed to ensure load balancer: RequestLimitExceeded: Request limit exceeded.',
      ],
      ['EnsuredLoadBalancer', 'Ensured load balancer'],
    ],
    variant: 'resolved',
  },
];

/** One Event per entry, a minute apart from 10:30, in the given order. */
function sequence(kind: string, name: string, events: [string, string][], source: string): BundleRow[] {
  return events.map(([reason, message], i) => {
    const ts = `2026-03-01T10:${String(30 + i).padStart(2, '0')}:00Z`;
    return event(kind, name, reason, message, 1, {
      type: /Failed$/.test(reason) ? 'Warning' : 'Normal',
      source,
      ts,
      first: ts,
    });
  });
}

let bundle: Bundle;
let terminating: Finding[];
let resizes: Finding[];
let balancers: Finding[];
let lost: Finding[];

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
    ...RESIZES.flatMap((c) =>
      sequence(
        'PersistentVolumeClaim',
        c.claim,
        c.events.map(([reason, , message]) => [reason, message]),
        'external-resizer ebs.csi.aws.com',
      ),
    ),
    ...BALANCERS.flatMap((c) => sequence('Service', c.service, c.events, 'service-controller')),
    // A claim whose volumeName was emptied, and one of two bound to the same volume, in Events alone.
    event(
      'PersistentVolumeClaim',
      'unreferenced',
      'ClaimLost',
      'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!',
      1,
      { source: 'persistentvolume-controller' },
    ),
    event(
      'PersistentVolumeClaim',
      'twice',
      'ClaimMisbound',
      'Two claims are bound to the same volume, this one is bound incorrectly',
      1,
      { source: 'persistentvolume-controller' },
    ),
  ]);
  [terminating, resizes, balancers, lost] = await Promise.all([
    detectPattern(bundle, builtin('pod-stuck-terminating'), WINDOW),
    detectPattern(bundle, builtin('pvc-resize-failed'), WINDOW),
    detectPattern(bundle, builtin('service-loadbalancer-failed'), WINDOW),
    detectPattern(bundle, builtin('pvc-lost'), WINDOW),
  ]);
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

/** Each finding's subject and variant; a resolved one as 'resolved'. */
const named = (findings: Finding[]) =>
  findings.map((f) => [f.subject.name, f.resolved ? 'resolved' : (f.variant ?? null)]).sort();

describe('claims whose expansion fails', () => {
  it('names why the resizer or the kubelet cannot grow the volume, and a failure that went through in the end as resolved', () => {
    expect(named(resizes)).toEqual(RESIZES.map((c) => [c.claim, c.variant]).sort());
  });

  it('says what the resizer said', () => {
    const rate = resizes.find((f) => f.subject.name === 'rate')!;
    expect(rate.summary).toContain('the cloud refuses to modify its disk');
    expect(rate.summary).toContain('VolumeModificationRateExceeded');
  });
});

describe('Services whose load balancer cannot be provisioned', () => {
  it("names the cloud's refusal, and a failure followed by EnsuredLoadBalancer as resolved", () => {
    expect(named(balancers)).toEqual(BALANCERS.map((c) => [c.service, c.variant]).sort());
  });
});

describe('claims that lost their volume', () => {
  it('names a claim Lost by its Events alone, and one bound to a volume another claim holds', () => {
    expect(named(lost)).toEqual([
      ['twice', 'misbound'],
      ['unreferenced', null],
    ]);
  });
});
