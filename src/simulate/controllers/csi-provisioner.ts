// The external CSI provisioner (the EBS driver's csi-provisioner): it creates a volume for a claim
// of its StorageClass and binds them, and deletes what it provisioned once that volume is Released.

import type { Actor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { involvedOf } from '../events/recorder.ts';

export class CsiProvisioner {
  readonly actor: Actor = {
    username: 'system:serviceaccount:kube-system:ebs-csi-controller-sa',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
    userAgent: 'csi-provisioner/v5.1.0 (linux/amd64) kubernetes/$Format',
    sourceIP: '10.244.0.33',
  };

  constructor(
    private readonly sim: SimContext,
    /** The persistent-volume-binder, which binds the claim to what was provisioned. */
    private readonly binder: Actor,
  ) {}

  /** A volume for the claim, bound to it: the PV created, then the claim's volumeName and status. */
  provision(namespace: string, name: string, scName: string, provisioner: string): void {
    const { api, recorder } = this.sim;
    const pvc = api.get('PersistentVolumeClaim', namespace, name);
    if (!pvc) return;
    const pvName = `pvc-${pvc.metadata.uid}`;
    const size = (pvc.spec as Json).resources.requests.storage;
    const pv: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name: pvName,
        annotations: {
          'pv.kubernetes.io/provisioned-by': provisioner,
          'volume.kubernetes.io/provisioner-deletion-secret-name': '',
          'volume.kubernetes.io/provisioner-deletion-secret-namespace': '',
        },
        finalizers: ['external-provisioner.volume.kubernetes.io/finalizer', 'kubernetes.io/pv-protection'],
      },
      spec: {
        accessModes: (pvc.spec as Json).accessModes,
        capacity: { storage: size },
        claimRef: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          name,
          namespace,
          resourceVersion: pvc.metadata.resourceVersion,
          uid: pvc.metadata.uid,
        },
        csi: { driver: provisioner, fsType: 'ext4', volumeHandle: `vol-0${this.sim.rng.hex(16)}` },
        persistentVolumeReclaimPolicy:
          ((api.get('StorageClass', undefined, scName) as Json | undefined)?.reclaimPolicy as
            | string
            | undefined) ?? 'Delete',
        storageClassName: scName,
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound' },
    };
    const r = api.create(pv, this.actor);
    if (!r.ok) return;
    recorder.record(
      { component: `${provisioner}_ebs-csi-controller-7d8f9c6b5-x2k4p` },
      involvedOf(pvc),
      'Normal',
      'ProvisioningSucceeded',
      `Successfully provisioned volume ${pvName}`,
    );
    const fresh = api.get('PersistentVolumeClaim', namespace, name)!;
    const bound = api.update(
      {
        ...fresh,
        metadata: {
          ...fresh.metadata,
          annotations: {
            ...fresh.metadata.annotations,
            'pv.kubernetes.io/bind-completed': 'yes',
            'pv.kubernetes.io/bound-by-controller': 'yes',
          },
        },
        spec: { ...(fresh.spec as Json), volumeName: pvName },
      },
      this.binder,
    );
    if (bound.ok)
      api.update(
        {
          ...bound.object,
          status: {
            phase: 'Bound',
            accessModes: (fresh.spec as Json).accessModes,
            capacity: { storage: size },
          },
        },
        this.binder,
        { subresource: 'status' },
      );
  }

  /** The CSI provisioner deletes the backing volume, drops its finalizer and deletes the PV. */
  deleteVolume(name: string): void {
    const { api } = this.sim;
    const pv = api.get('PersistentVolume', undefined, name);
    if (!pv || (pv.status as Json | undefined)?.phase !== 'Released') return;
    const finalizers = (pv.metadata.finalizers ?? []).filter(
      (f) => f !== 'external-provisioner.volume.kubernetes.io/finalizer',
    );
    const r = api.update({ ...pv, metadata: { ...pv.metadata, finalizers } }, this.actor, {
      verb: 'patch',
      requestObject: {
        metadata: {
          $deleteFromPrimitiveList: { finalizers: ['external-provisioner.volume.kubernetes.io/finalizer'] },
        },
      },
    });
    if (r.ok) api.delete('PersistentVolume', undefined, name, this.actor);
    this.sim.markDirty();
  }
}
