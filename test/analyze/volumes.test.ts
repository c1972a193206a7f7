// Volumes that keep pods from starting and claims from binding, in the words of the kubelet, the
// attach/detach controller and the PersistentVolume controller: each cause named by its variant,
// one bundle for the whole file.

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
// The capture ends moments after the last Event: a claim Pending in it has not waited long.
const WINDOW = { start: '2026-03-01T00:00:00Z', end: '2026-03-01T10:42:30Z', snapshot: false };

/** The message of each pod's volume failure, and the variant of container-creating-stuck it gives. */
const STUCK: { pod: string; reason: string; message: string; variant: string }[] = [
  {
    pod: 'multi-attach',
    reason: 'FailedAttachVolume',
    message:
      'Multi-Attach error for volume "pvc-0a1b2c3d" Volume is already exclusively attached to one node and can\'t be attached to another',
    variant: 'multi-attach',
  },
  {
    pod: 'driver',
    reason: 'FailedMount',
    message:
      'MountVolume.MountDevice failed for volume "pvc-0a1b2c3d" : kubernetes.io/csi: attacher.MountDevice failed to create newCsiDriverClient: driver name ebs.csi.aws.com not found in the list of registered CSI drivers',
    variant: 'driver-missing',
  },
  {
    pod: 'attach-limit',
    reason: 'FailedAttachVolume',
    message:
      'AttachVolume.Attach failed for volume "pvc-0a1b2c3d" : rpc error: code = Internal desc = Could not attach volume "vol-0abc" to node "i-0123": AttachmentLimitExceeded',
    variant: 'failed-attach',
  },
  {
    pod: 'configmap',
    reason: 'FailedMount',
    message: 'MountVolume.SetUp failed for volume "config" : configmap "gateway-config" not found',
    variant: 'source-missing',
  },
  {
    pod: 'secret',
    reason: 'FailedMount',
    message: 'MountVolume.SetUp failed for volume "tls" : secret "shop-tls" not found',
    variant: 'source-missing',
  },
  {
    pod: 'not-registered',
    reason: 'FailedMount',
    message:
      'MountVolume.SetUp failed for volume "kube-api-access-x7k2p" : object "shop"/"kube-root-ca.crt" not registered',
    variant: 'source-missing',
  },
  {
    pod: 'nfs',
    reason: 'FailedMount',
    message:
      'MountVolume.SetUp failed for volume "exports" : mount failed: exit status 32\nMounting command: mount\nMounting arguments: -t nfs 10.0.0.5:/exports /var/lib/kubelet/pods/0a1b/volumes/kubernetes.io~nfs/exports\nOutput: mount.nfs: Connection timed out',
    variant: 'mount-refused',
  },
  {
    pod: 'block',
    reason: 'FailedMapVolume',
    message:
      'MapVolume.SetUpDevice failed for volume "pvc-0a1b2c3d" : kubernetes.io/csi: blockMapper.SetUpDevice failed to get CSI client: driver not ready',
    variant: 'failed-mount',
  },
  {
    pod: 'timeout',
    reason: 'FailedMount',
    message:
      'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data kube-api-access-x7k2p]: timed out waiting for the condition',
    variant: 'failed-mount',
  },
];

function creatingPod(name: string): BundleRow {
  return aPodRow({
    name,
    uid: `uid-${name}`,
    phase: 'Pending',
    containers: [
      {
        name: 'app',
        image: 'registry.example.com/shop/app:1',
        init: false,
        ready: false,
        restart_count: 0,
        state: 'waiting',
        reason: 'ContainerCreating',
      },
    ],
  });
}

function event(
  kind: string,
  name: string,
  reason: string,
  message: string,
  count: number,
  first: string,
  type = 'Warning',
): BundleRow {
  return anEventRow({
    ts: '2026-03-01T10:42:00Z',
    kind,
    name,
    event_type: type,
    event_reason: reason,
    event_message: message,
    event_count: count,
    event_first: first,
    event_uid: `${name}-${reason}`,
    event_source: kind === 'Pod' ? 'kubelet' : 'persistentvolume-controller',
  });
}

function claim(name: string, phase: string): BundleRow {
  return {
    source: 'object',
    ts: '2026-03-01T10:42:00Z',
    api_version: 'v1',
    kind: 'PersistentVolumeClaim',
    namespace: 'shop',
    name,
    uid: `uid-${name}`,
    resource_version: '1',
    watch_event: 'MODIFIED',
    phase,
    body: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'shop' } },
  };
}

const WAITING =
  "Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.";

let bundle: Bundle;
let stuck: Finding[];
let pending: Finding[];

beforeAll(async () => {
  bundle = await openRows(tempDir(), 'volumes.parquet', [
    ...STUCK.flatMap((c) => [
      creatingPod(c.pod),
      event('Pod', c.pod, c.reason, c.message, 5, '2026-03-01T10:30:00Z'),
    ]),
    // Multi-Attach comes with the kubelet's timeout on the same pod: the cause is the attachment.
    event('Pod', 'multi-attach', 'FailedMount', STUCK.at(-1)!.message, 3, '2026-03-01T10:32:00Z'),
    claim('unbound', 'Pending'),
    event(
      'PersistentVolumeClaim',
      'unbound',
      'FailedBinding',
      'no persistent volumes available for this claim and no storage class is set',
      40,
      '2026-03-01T10:00:00Z',
    ),
    claim('no-provisioner', 'Pending'),
    event(
      'PersistentVolumeClaim',
      'no-provisioner',
      'ExternalProvisioning',
      WAITING,
      60,
      '2026-03-01T10:27:00Z',
      'Normal',
    ),
    // A claim the provisioner is creating a volume for right now.
    claim('provisioning', 'Pending'),
    event(
      'PersistentVolumeClaim',
      'provisioning',
      'ExternalProvisioning',
      WAITING,
      2,
      '2026-03-01T10:41:50Z',
      'Normal',
    ),
  ]);
  [stuck, pending] = await Promise.all([
    detectPattern(bundle, builtin('container-creating-stuck'), WINDOW),
    detectPattern(bundle, builtin('pvc-pending'), WINDOW),
  ]);
});
afterAll(() => bundle?.close());

describe('volumes that keep a pod in ContainerCreating', () => {
  it('names the cause each message gives', () => {
    expect(stuck.map((f) => [f.subject.name, f.variant]).sort()).toEqual(
      STUCK.map((c) => [c.pod, c.variant]).sort(),
    );
  });

  it('says what the message said', () => {
    const driver = stuck.find((f) => f.subject.name === 'driver')!;
    expect(driver.summary).toContain('not registered on its node');
    expect(driver.summary).toContain('driver name ebs.csi.aws.com not found');
    expect(driver.remediation.join(' ')).toContain('kubectl get csinode');
  });
});

describe('claims that stay Pending', () => {
  it('names a claim no volume matches and one no provisioner answers, not one being provisioned', () => {
    expect(pending.map((f) => [f.subject.name, f.variant]).sort()).toEqual([
      ['no-provisioner', 'provisioner-not-running'],
      ['unbound', 'no-matching-volume'],
    ]);
  });
});
