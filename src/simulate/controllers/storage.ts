// The persistent-volume controller and an external CSI provisioner: PVCs of a missing StorageClass
// stay Pending with ProvisioningFailed; Immediate classes are provisioned at once, and
// WaitForFirstConsumer ones once a pod using the claim is scheduled; PVs are created and bound.

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { involvedOf } from '../events/recorder.ts';

export class StorageController {
  readonly name = 'persistentvolume-controller';
  private readonly actor: Actor;
  private readonly provisionerActor: Actor;
  private readonly provisioning = new Map<string, number>();

  constructor(private readonly sim: SimContext) {
    this.actor = controllerActor('persistent-volume-binder', sim.version);
    this.provisionerActor = {
      username: 'system:serviceaccount:kube-system:ebs-csi-controller-sa',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
      userAgent: 'csi-provisioner/v5.1.0 (linux/amd64) kubernetes/$Format',
      sourceIP: '10.244.0.33',
    };
  }

  reconcile(): void {
    const { api, clock, recorder } = this.sim;
    for (const pvc of api.list('PersistentVolumeClaim')) {
      if ((pvc.status as Json)?.phase === 'Bound') continue;
      const spec = pvc.spec as Json;
      const scName =
        spec.storageClassName ??
        api
          .list('StorageClass')
          .find((s) => s.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true')
          ?.metadata.name;
      const key = `${pvc.metadata.namespace}/${pvc.metadata.name}`;
      const sc = scName ? api.get('StorageClass', undefined, scName) : undefined;
      if (!sc) {
        const last = this.provisioning.get(key) ?? 0;
        if (clock.now - last >= 15_000) {
          this.provisioning.set(key, clock.now);
          if (scName)
            recorder.record(
              { component: 'persistentvolume-controller' },
              involvedOf(pvc),
              'Warning',
              'ProvisioningFailed',
              `storageclass.storage.k8s.io "${scName}" not found`,
            );
          else
            recorder.record(
              { component: 'persistentvolume-controller' },
              involvedOf(pvc),
              'Normal',
              'FailedBinding',
              'no persistent volumes available for this claim and no storage class is set',
            );
        }
        continue;
      }
      const provisioner = (sc as Json).provisioner as string;
      const waiting = (sc as Json).volumeBindingMode === 'WaitForFirstConsumer';
      const selectedNode = pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'];
      const consumer = api
        .list('Pod', pvc.metadata.namespace)
        .find((p) =>
          ((p.spec as Json).volumes as Json[] | undefined)?.some(
            (v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name,
          ),
        );
      if (waiting && !selectedNode) {
        const node = consumer ? ((consumer.spec as Json).nodeName as string | undefined) : undefined;
        if (!node) {
          if (!this.provisioning.has(`${key}/wait`)) {
            this.provisioning.set(`${key}/wait`, clock.now);
            recorder.record(
              { component: 'persistentvolume-controller' },
              involvedOf(pvc),
              'Normal',
              'WaitForFirstConsumer',
              'waiting for first consumer to be created before binding',
            );
          }
          continue;
        }
        api.update(
          {
            ...pvc,
            metadata: {
              ...pvc.metadata,
              annotations: { ...pvc.metadata.annotations, 'volume.kubernetes.io/selected-node': node },
            },
          },
          controllerActor('persistent-volume-binder', this.sim.version),
        );
        continue;
      }
      if (!this.provisioning.has(`${key}/start`)) {
        this.provisioning.set(`${key}/start`, clock.now);
        const annotated = api.get('PersistentVolumeClaim', pvc.metadata.namespace, pvc.metadata.name)!;
        api.update(
          {
            ...annotated,
            metadata: {
              ...annotated.metadata,
              annotations: {
                ...annotated.metadata.annotations,
                'volume.beta.kubernetes.io/storage-provisioner': provisioner,
                'volume.kubernetes.io/storage-provisioner': provisioner,
              },
            },
          },
          this.actor,
        );
        recorder.record(
          { component: 'persistentvolume-controller' },
          involvedOf(pvc),
          'Normal',
          'ExternalProvisioning',
          `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
        );
        recorder.record(
          { component: `${provisioner}_ebs-csi-controller-7d8f9c6b5-x2k4p_${this.sim.rng.uuid()}` },
          involvedOf(pvc),
          'Normal',
          'Provisioning',
          `External provisioner is provisioning volume for claim "${key}"`,
        );
        this.sim.after(this.sim.rng.int(3000, 9000), () =>
          this.bind(pvc.metadata.namespace!, pvc.metadata.name, scName!, provisioner),
        );
      }
    }
  }

  private bind(namespace: string, name: string, scName: string, provisioner: string): void {
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
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: scName,
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound' },
    };
    const r = api.create(pv, this.provisionerActor);
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
      this.actor,
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
        this.actor,
        { subresource: 'status' },
      );
  }
}
