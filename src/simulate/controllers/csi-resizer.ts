// The CSI external-resizer sidecar: a bound claim asking for more storage than it has is expanded by
// the volume's driver (Resizing, then VolumeResizeSuccessful), or, when the StorageClass's
// `resizeError` says what the driver answers, fails with VolumeResizeFailed and is retried with
// exponential back-off, the claim left with its Resizing condition and its old capacity.

import type { Actor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import { parseBytes } from '../engine/quantity.ts';
import type { KubeObject } from '../engine/records.ts';
import { involvedOf } from '../events/recorder.ts';

/** The resizer's workqueue: 1 s after the first failure, doubled each time up to 5 minutes. */
const RETRY_START_MS = 1_000;
const RETRY_MAX_MS = 300_000;

export class CsiResizer {
  readonly actor: Actor = {
    username: 'system:serviceaccount:kube-system:ebs-csi-controller-sa',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
    userAgent: 'csi-resizer/v1.12.0 (linux/amd64) kubernetes/$Format',
    sourceIP: '10.244.0.33',
  };
  /** Per claim: when it may be tried again (Infinity while an expansion is under way). */
  private readonly next = new Map<string, number>();
  private readonly failures = new Map<string, number>();

  constructor(private readonly sim: SimContext) {}

  sync(): void {
    const { api, clock } = this.sim;
    for (const pvc of api.list('PersistentVolumeClaim')) {
      const key = `${pvc.metadata.namespace}/${pvc.metadata.name}`;
      const status = (pvc.status as Json | undefined) ?? {};
      const spec = pvc.spec as Json;
      if (status.phase !== 'Bound' || pvc.metadata.deletionTimestamp || !spec.volumeName) continue;
      const requested = spec.resources?.requests?.storage as string | undefined;
      const actual = status.capacity?.storage as string | undefined;
      if (!requested || !actual || parseBytes(requested) <= parseBytes(actual)) continue;
      if (clock.now < (this.next.get(key) ?? 0)) continue;
      const pv = api.get('PersistentVolume', undefined, spec.volumeName as string);
      const driver = (pv?.spec as Json | undefined)?.csi?.driver as string | undefined;
      if (!pv || !driver) continue;
      this.next.set(key, Number.POSITIVE_INFINITY);
      const resizing = this.markResizing(pvc);
      this.sim.recorder.record(
        this.source(driver),
        involvedOf(resizing),
        'Normal',
        'Resizing',
        `External resizer is resizing volume ${pv.metadata.name}`,
      );
      this.sim.after(this.sim.rng.int(1000, 4000), () => this.expand(key, pv.metadata.name, driver));
    }
  }

  /** ControllerExpandVolume answered: the new capacity on the volume and the claim, or the error. */
  private expand(key: string, pvName: string, driver: string): void {
    const { api, clock, recorder } = this.sim;
    const [namespace, name] = key.split('/') as [string, string];
    const pvc = api.get('PersistentVolumeClaim', namespace, name);
    const pv = api.get('PersistentVolume', undefined, pvName);
    if (!pvc || !pv) {
      this.next.delete(key);
      return;
    }
    const className = (pvc.spec as Json).storageClassName as string | undefined;
    const error = this.sim.scenario.resources.storageClasses.find((c) => c.name === className)?.resizeError;
    if (error) {
      const failures = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, failures);
      this.next.set(key, clock.now + Math.min(RETRY_START_MS * 2 ** (failures - 1), RETRY_MAX_MS));
      recorder.record(
        this.source(driver),
        involvedOf(pvc),
        'Warning',
        'VolumeResizeFailed',
        `resize volume "${pvName}" by resizer "${driver}" failed: ${error}`,
      );
      return;
    }
    const size = (pvc.spec as Json).resources.requests.storage as string;
    api.update({ ...pv, spec: { ...(pv.spec as Json), capacity: { storage: size } } }, this.actor);
    const status = (pvc.status as Json) ?? {};
    api.update({ ...pvc, status: { ...status, capacity: { storage: size }, conditions: [] } }, this.actor, {
      subresource: 'status',
    });
    recorder.record(
      this.source(driver),
      involvedOf(pvc),
      'Normal',
      'VolumeResizeSuccessful',
      'Resize volume succeeded',
    );
    this.next.delete(key);
    this.failures.delete(key);
  }

  /** The claim's Resizing condition, set when an expansion starts. */
  private markResizing(pvc: KubeObject): KubeObject {
    const status = (pvc.status as Json) ?? {};
    if ((status.conditions as Json[] | undefined)?.some((c) => c.type === 'Resizing')) return pvc;
    const r = this.sim.api.update(
      {
        ...pvc,
        status: {
          ...status,
          conditions: [{ type: 'Resizing', status: 'True', lastTransitionTime: this.sim.clock.iso() }],
        },
      },
      this.actor,
      { subresource: 'status' },
    );
    return r.ok ? r.object : pvc;
  }

  private source(driver: string) {
    return { component: `external-resizer ${driver}` };
  }
}
