// The persistent-volume controller's claims and the PVC protection controller: PVCs of a missing
// StorageClass stay Pending with ProvisioningFailed; Immediate classes are provisioned at once, and
// WaitForFirstConsumer ones once a pod using the claim is scheduled; static volumes bind to the
// claims that name them; a deleted claim loses its finalizer once no pod uses it. What becomes of a
// volume is in volume-lifecycle.ts, the external provisioner in csi-provisioner.ts, the expansion of
// a bound claim in csi-resizer.ts.

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import { isTerminalPod } from '../api/admission.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { involvedOf } from '../events/recorder.ts';
import { CsiProvisioner } from './csi-provisioner.ts';
import { CsiResizer } from './csi-resizer.ts';
import { VolumeLifecycle } from './volume-lifecycle.ts';

export class StorageController {
  readonly name = 'persistentvolume-controller';
  private readonly actor: Actor;
  private readonly protectionActor: Actor;
  private readonly provisioning = new Map<string, number>();
  private readonly provisioner: CsiProvisioner;
  private readonly volumes: VolumeLifecycle;
  private readonly resizer: CsiResizer;

  constructor(private readonly sim: SimContext) {
    this.actor = controllerActor('persistent-volume-binder', sim.version);
    this.protectionActor = controllerActor('pvc-protection-controller', sim.version);
    this.provisioner = new CsiProvisioner(sim, this.actor);
    this.volumes = new VolumeLifecycle(sim, this.actor, this.provisioner);
    this.resizer = new CsiResizer(sim);
  }

  reconcile(): void {
    this.protectClaims();
    this.volumes.sync();
    this.syncClaims();
    this.resizer.sync();
  }

  /** Whether the scenario created volumes by hand (their lifecycle is the PV controller's). */
  private get staticVolumes(): boolean {
    return this.sim.scenario.resources.persistentVolumes.length > 0;
  }

  private syncClaims(): void {
    const { api, clock, recorder } = this.sim;
    for (const pvc of api.list('PersistentVolumeClaim')) {
      if ((pvc.status as Json)?.phase === 'Bound' && !pvc.metadata.deletionTimestamp) {
        this.checkBound(pvc);
        continue;
      }
      if ((pvc.status as Json)?.phase === 'Lost' || pvc.metadata.deletionTimestamp) continue;
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
          this.provisioner.provision(pvc.metadata.namespace!, pvc.metadata.name, scName!, provisioner),
        );
      }
    }
  }

  /** syncBoundClaim: a bound claim whose volume no longer exists is Lost, said once. */
  private checkBound(pvc: KubeObject): void {
    const { api } = this.sim;
    const volumeName = (pvc.spec as Json).volumeName as string | undefined;
    if (!volumeName || api.get('PersistentVolume', undefined, volumeName)) return;
    const r = api.update({ ...pvc, status: { phase: 'Lost' } }, this.actor, { subresource: 'status' });
    if (!r.ok) return;
    this.sim.recorder.record(
      { component: 'persistentvolume-controller' },
      involvedOf(pvc),
      'Warning',
      'ClaimLost',
      'Bound claim has lost its PersistentVolume. Data on the volume is lost!',
    );
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
    this.volumes.setPhase(bound.object, 'Bound');
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
}
