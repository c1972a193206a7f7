// What the persistent-volume controller and the PV protection controller do to a volume: Available
// without a bound claim, Released once the claim is gone, then reclaimed by its policy: Retain keeps
// it Released, Delete has the provisioner delete it or, for a volume no plugin can delete, fails it
// (VolumeFailedDelete), Recycle without a recycler fails it (VolumeFailedRecycle).

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { involvedOf } from '../events/recorder.ts';
import type { CsiProvisioner } from './csi-provisioner.ts';

export class VolumeLifecycle {
  constructor(
    private readonly sim: SimContext,
    /** The persistent-volume-binder, as the controller writes. */
    private readonly actor: Actor,
    private readonly provisioner: CsiProvisioner,
  ) {}

  /**
   * syncVolume: Available without a bound claim, Released once the bound claim is gone, then the
   * reclaim policy; the pv-protection controller frees deleted volumes no claim uses.
   */
  sync(): void {
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
          this.sim.after(this.sim.rng.int(1500, 6000), () => this.provisioner.deleteVolume(name));
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

  /** updateVolumePhase: the phase, when it changed, and the message that goes with it. */
  setPhase(pv: KubeObject, phase: string, message?: string): KubeObject | undefined {
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
}
