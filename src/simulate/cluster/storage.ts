// The scenario's storage as an administrator set it up: StorageClasses, static PersistentVolumes
// (Pending until the controller makes them Available) and PersistentVolumeClaims.

import type { Actor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import { formatBytes, parseBytes } from '../engine/quantity.ts';
import type { KubeObject } from '../engine/records.ts';

type Resources = SimContext['scenario']['resources'];

export function createStorageClasses(sim: SimContext, admin: Actor): void {
  const { api } = sim;
  for (const sc of sim.scenario.resources.storageClasses) {
    api.create(
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: {
          name: sc.name,
          ...(sc.default ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}),
        },
        provisioner: sc.provisioner,
        parameters: { type: 'gp3' },
        reclaimPolicy: sc.reclaimPolicy,
        volumeBindingMode: sc.bindingMode,
        allowVolumeExpansion: true,
      } as KubeObject,
      admin,
    );
  }
}

/** Static volumes first, then the claims (some name their volume). */
export function createVolumes(sim: SimContext, admin: Actor): void {
  const { api } = sim;
  for (const pv of sim.scenario.resources.persistentVolumes) createStaticVolume(sim, admin, pv);
  for (const pvc of sim.scenario.resources.pvcs) {
    api.create(
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: pvc.name, namespace: pvc.namespace, finalizers: ['kubernetes.io/pvc-protection'] },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: formatBytes(parseBytes(pvc.size)) } },
          ...(pvc.storageClass !== undefined ? { storageClassName: pvc.storageClass } : {}),
          ...(pvc.volumeName ? { volumeName: pvc.volumeName } : {}),
          volumeMode: 'Filesystem',
        },
        status: { phase: 'Pending' },
      } as KubeObject,
      admin,
    );
  }
}

/** A PersistentVolume an administrator created: Pending until the controller makes it Available. */
function createStaticVolume(sim: SimContext, admin: Actor, pv: Resources['persistentVolumes'][number]): void {
  const source = pv.nfs
    ? { nfs: { server: pv.nfs.server, path: pv.nfs.path } }
    : pv.csi
      ? { csi: { driver: pv.csi.driver, volumeHandle: pv.csi.volumeHandle, fsType: 'ext4' } }
      : {
          local: { path: pv.local!.path },
          nodeAffinity: {
            required: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'kubernetes.io/hostname', operator: 'In', values: [pv.local!.node] },
                  ],
                },
              ],
            },
          },
        };
  const [claimNamespace, claimName] = pv.claim?.split('/') ?? [];
  sim.api.create(
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: pv.name, finalizers: ['kubernetes.io/pv-protection'] },
      spec: {
        accessModes: ['ReadWriteOnce'],
        capacity: { storage: formatBytes(parseBytes(pv.size)) },
        ...(pv.claim
          ? {
              claimRef: {
                apiVersion: 'v1',
                kind: 'PersistentVolumeClaim',
                namespace: claimNamespace,
                name: claimName,
              },
            }
          : {}),
        ...source,
        persistentVolumeReclaimPolicy: pv.reclaimPolicy,
        storageClassName: pv.storageClass,
        volumeMode: 'Filesystem',
      },
      // PrepareForCreate: a new volume is Pending, with the time of that phase.
      status: { phase: 'Pending', lastPhaseTransitionTime: sim.clock.iso() },
    },
    admin,
  );
}
