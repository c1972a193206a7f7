// The persistent-volume controller, the PVC and PV protection controllers and an external CSI
// provisioner: PVCs of a missing StorageClass stay Pending with ProvisioningFailed; Immediate
// classes are provisioned at once, and WaitForFirstConsumer ones once a pod using the claim is
// scheduled; static volumes go Available and bind to the claims that name them. A deleted claim
// (once no pod uses it) leaves its volume Released, then reclaimed by its policy: Retain keeps it
// Released, Delete has the provisioner delete it or, for a volume no plugin can delete, fails it
// (VolumeFailedDelete), Recycle without a recycler fails it (VolumeFailedRecycle).

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import { isTerminalPod } from '../api/admission.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { involvedOf } from '../events/recorder.ts';

export class StorageController {
  readonly name = 'persistentvolume-controller';
  private readonly actor: Actor;
  private readonly provisionerActor: Actor;
  private readonly protectionActor: Actor;
  private readonly provisioning = new Map<string, number>();

  constructor(private readonly sim: SimContext) {
    this.actor = controllerActor('persistent-volume-binder', sim.version);
    this.protectionActor = controllerActor('pvc-protection-controller', sim.version);
    this.provisionerActor = {
      username: 'system:serviceaccount:kube-system:ebs-csi-controller-sa',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
      userAgent: 'csi-provisioner/v5.1.0 (linux/amd64) kubernetes/$Format',
      sourceIP: '10.244.0.33',
    };
  }

  reconcile(): void {
    this.protectClaims();
    this.syncVolumes();
    this.syncClaims();
  }

  /** Whether the scenario created volumes by hand (their lifecycle is the PV controller's). */
  private get staticVolumes(): boolean {
    return this.sim.scenario.resources.persistentVolumes.length > 0;
  }

  private syncClaims(): void {
    const { api, clock, recorder } = this.sim;
    for (const pvc of api.list('PersistentVolumeClaim')) {
      if ((pvc.status as Json)?.phase === 'Bound' || pvc.metadata.deletionTimestamp) continue;
      const spec = pvc.spec as Json;
      const prebound = this.staticVolumes ? this.volumeFor(pvc) : undefined;
      if (prebound) {
        this.bindStatic(prebound, pvc);
        continue;
      }
      if (spec.volumeName) continue;
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

  /** The static volume a claim names (spec.volumeName) or that is pre-bound to it, if Available. */
  private volumeFor(pvc: KubeObject): KubeObject | undefined {
    const { api } = this.sim;
    const named = (pvc.spec as Json).volumeName as string | undefined;
    const pv = named
      ? api.get('PersistentVolume', undefined, named)
      : api.list('PersistentVolume').find((v) => {
          const ref = (v.spec as Json).claimRef as Json | undefined;
          return ref?.namespace === pvc.metadata.namespace && ref?.name === pvc.metadata.name && !ref?.uid;
        });
    if (!pv || (pv.status as Json | undefined)?.phase !== 'Available') return undefined;
    const ref = (pv.spec as Json).claimRef as Json | undefined;
    if (ref && (ref.namespace !== pvc.metadata.namespace || ref.name !== pvc.metadata.name)) return undefined;
    return pv;
  }

  /** PersistentVolumeController.bind: claimRef on the volume, Bound, volumeName on the claim, Bound. */
  private bindStatic(pv: KubeObject, pvc: KubeObject): void {
    const { api } = this.sim;
    const spec = pv.spec as Json;
    const preBound = Boolean(spec.claimRef);
    const claimRef = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      name: pvc.metadata.name,
      namespace: pvc.metadata.namespace,
      resourceVersion: pvc.metadata.resourceVersion,
      uid: pvc.metadata.uid,
    };
    const bound = api.update(
      {
        ...pv,
        metadata: preBound
          ? pv.metadata
          : {
              ...pv.metadata,
              annotations: { ...pv.metadata.annotations, 'pv.kubernetes.io/bound-by-controller': 'yes' },
            },
        spec: { ...spec, claimRef },
      },
      this.actor,
    );
    if (!bound.ok) return;
    this.setPhase(bound.object, 'Bound');
    const named = Boolean((pvc.spec as Json).volumeName);
    const claim = api.update(
      {
        ...pvc,
        metadata: {
          ...pvc.metadata,
          annotations: {
            ...pvc.metadata.annotations,
            'pv.kubernetes.io/bind-completed': 'yes',
            ...(named ? {} : { 'pv.kubernetes.io/bound-by-controller': 'yes' }),
          },
        },
        spec: { ...(pvc.spec as Json), volumeName: pv.metadata.name },
      },
      this.actor,
    );
    if (!claim.ok) return;
    api.update(
      {
        ...claim.object,
        status: {
          phase: 'Bound',
          accessModes: spec.accessModes,
          capacity: spec.capacity,
        },
      },
      this.actor,
      { subresource: 'status' },
    );
  }

  /** updateVolumePhase: the phase, when it changed, and the message that goes with it. */
  private setPhase(pv: KubeObject, phase: string, message?: string): KubeObject | undefined {
    const status = (pv.status as Json | undefined) ?? {};
    if (status.phase === phase) return pv;
    const r = this.sim.api.update(
      {
        ...pv,
        status: {
          phase,
          lastPhaseTransitionTime: this.sim.clock.iso(),
          ...(message ? { message } : {}),
        },
      },
      this.actor,
      { subresource: 'status' },
    );
    return r.ok ? r.object : undefined;
  }

  /** The pvc-protection controller: a deleted claim no running pod uses loses its finalizer. */
  private protectClaims(): void {
    const { api } = this.sim;
    for (const pvc of api.list('PersistentVolumeClaim')) {
      if (!pvc.metadata.deletionTimestamp) continue;
      const finalizers = pvc.metadata.finalizers ?? [];
      if (!finalizers.includes('kubernetes.io/pvc-protection')) continue;
      const inUse = api
        .list('Pod', pvc.metadata.namespace)
        .some(
          (p) =>
            !isTerminalPod(p) &&
            ((p.spec as Json).volumes as Json[] | undefined)?.some(
              (v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name,
            ),
        );
      if (inUse) continue;
      api.update(
        {
          ...pvc,
          metadata: {
            ...pvc.metadata,
            finalizers: finalizers.filter((f) => f !== 'kubernetes.io/pvc-protection'),
          },
        },
        this.protectionActor,
        {
          verb: 'patch',
          requestObject: {
            metadata: { $deleteFromPrimitiveList: { finalizers: ['kubernetes.io/pvc-protection'] } },
          },
        },
      );
    }
  }

  /**
   * syncVolume: Available without a bound claim, Released once the bound claim is gone, then the
   * reclaim policy; the pv-protection controller frees deleted volumes no claim uses.
   */
  private syncVolumes(): void {
    const { api } = this.sim;
    for (const pv of api.list('PersistentVolume')) {
      const spec = pv.spec as Json;
      const phase = (pv.status as Json | undefined)?.phase;
      if (pv.metadata.deletionTimestamp) {
        const finalizers = pv.metadata.finalizers ?? [];
        if (phase !== 'Bound' && finalizers.length === 1 && finalizers[0] === 'kubernetes.io/pv-protection')
          api.update(
            { ...pv, metadata: { ...pv.metadata, finalizers: [] } },
            controllerActor('pv-protection-controller', this.sim.version),
            {
              verb: 'patch',
              requestObject: {
                metadata: { $deleteFromPrimitiveList: { finalizers: ['kubernetes.io/pv-protection'] } },
              },
            },
          );
        continue;
      }
      const ref = spec.claimRef as Json | undefined;
      if (!ref?.uid) {
        if (phase !== 'Available') this.setPhase(pv, 'Available');
        continue;
      }
      const claim = api.get('PersistentVolumeClaim', ref.namespace, ref.name);
      if (claim && claim.metadata.uid === ref.uid) continue;
      if (phase === 'Released' || phase === 'Failed') continue;
      const released = this.setPhase(pv, 'Released');
      if (released) this.reclaim(released);
    }
  }

  /** reclaimVolume, by the volume's persistentVolumeReclaimPolicy. */
  private reclaim(pv: KubeObject): void {
    const { recorder } = this.sim;
    const spec = pv.spec as Json;
    const name = pv.metadata.name;
    switch (spec.persistentVolumeReclaimPolicy) {
      case 'Retain':
        return;
      case 'Recycle': {
        // Only the NFS and hostPath plugins recycle (with a scrubber pod); nothing else can.
        if (spec.nfs || spec.hostPath) {
          recorder.record(
            { component: 'persistentvolume-controller' },
            involvedOf(pv),
            'Normal',
            'VolumeRecycled',
            'Volume recycled',
          );
          const { claimRef: _ref, ...rest } = spec;
          const r = this.sim.api.update({ ...pv, spec: rest }, this.actor);
          if (r.ok) this.setPhase(r.object, 'Available');
          return;
        }
        const failed = this.setPhase(pv, 'Failed', 'No recycler plugin found for the volume!');
        if (failed)
          recorder.record(
            { component: 'persistentvolume-controller' },
            involvedOf(failed),
            'Warning',
            'VolumeFailedRecycle',
            'No recycler plugin found for the volume!',
          );
        return;
      }
      default: {
        const provisioner = pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by'];
        if (provisioner && !provisioner.startsWith('kubernetes.io/')) {
          // An external provisioner deletes what it provisioned; the controller leaves it alone.
          this.sim.after(this.sim.rng.int(1500, 6000), () => this.deleteProvisioned(name));
          return;
        }
        // findDeletablePlugin: no provisioner recorded, and no in-tree plugin deletes this source.
        const message = `error getting deleter volume plugin for volume "${name}": no deletable volume plugin matched`;
        const failed = this.setPhase(pv, 'Failed', message);
        if (failed)
          recorder.record(
            { component: 'persistentvolume-controller' },
            involvedOf(failed),
            'Warning',
            'VolumeFailedDelete',
            message,
          );
      }
    }
  }

  /** The CSI provisioner deletes the backing volume, drops its finalizer and deletes the PV. */
  private deleteProvisioned(name: string): void {
    const { api } = this.sim;
    const pv = api.get('PersistentVolume', undefined, name);
    if (!pv || (pv.status as Json | undefined)?.phase !== 'Released') return;
    const finalizers = (pv.metadata.finalizers ?? []).filter(
      (f) => f !== 'external-provisioner.volume.kubernetes.io/finalizer',
    );
    const r = api.update({ ...pv, metadata: { ...pv.metadata, finalizers } }, this.provisionerActor, {
      verb: 'patch',
      requestObject: {
        metadata: {
          $deleteFromPrimitiveList: { finalizers: ['external-provisioner.volume.kubernetes.io/finalizer'] },
        },
      },
    });
    if (r.ok) api.delete('PersistentVolume', undefined, name, this.provisionerActor);
    this.sim.markDirty();
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
        persistentVolumeReclaimPolicy:
          ((api.get('StorageClass', undefined, scName) as Json | undefined)?.reclaimPolicy as
            | string
            | undefined) ?? 'Delete',
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
