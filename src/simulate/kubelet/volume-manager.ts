// The kubelet's volume manager: a pod's ConfigMap, Secret and claim volumes mounted before its
// sandbox is created; a missing one fails with FailedMount and is retried with back-off.

import type { Json } from '../engine/json.ts';
import type { Kubelet } from './kubelet.ts';
import type { PodRuntime } from './pod-runtime.ts';

export class VolumeManager {
  constructor(private readonly k: Kubelet) {}

  /** Mount the pod's volumes, retrying with back-off while one is missing, then create its sandbox. */
  mountVolumes(rt: PodRuntime): void {
    if (!this.k.alive(rt) || rt.terminating) return;
    const { api } = this.k.sim;
    const missing: { volume: string; message: string }[] = [];
    const pendingClaims: string[] = [];
    for (const v of ((rt.pod.spec as Json).volumes as Json[] | undefined) ?? []) {
      if (v.configMap && !api.get('ConfigMap', rt.namespace, v.configMap.name))
        missing.push({ volume: v.name, message: `configmap "${v.configMap.name}" not found` });
      if (v.secret && !api.get('Secret', rt.namespace, v.secret.secretName))
        missing.push({ volume: v.name, message: `secret "${v.secret.secretName}" not found` });
      if (v.persistentVolumeClaim) {
        const pvc = api.get('PersistentVolumeClaim', rt.namespace, v.persistentVolumeClaim.claimName);
        if ((pvc?.status as Json | undefined)?.phase !== 'Bound') pendingClaims.push(v.name);
      }
    }
    rt.statusDirty = true;
    if (pendingClaims.length > 0 && missing.length === 0) {
      // A claim provisioned for this node after scheduling: the attach/mount waits for the volume.
      this.k.sim.after(2000, () => this.mountVolumes(rt));
      return;
    }
    if (missing.length > 0) {
      rt.mountAttempts++;
      for (const m of missing)
        this.k.event(
          rt,
          undefined,
          'Warning',
          'FailedMount',
          `MountVolume.SetUp failed for volume "${m.volume}" : ${m.message}`,
        );
      if (rt.mountAttempts % 8 === 0) {
        const names = missing.map((m) => m.volume).sort();
        this.k.event(
          rt,
          undefined,
          'Warning',
          'FailedMount',
          `Unable to attach or mount volumes: unmounted volumes=[${names.join(' ')}], unattached volumes=[], failed to process volumes=[]: timed out waiting for the condition`,
        );
      }
      // The volume manager's exponential back-off: 500 ms doubling to 2m2s.
      this.k.sim.after(Math.min(500 * 2 ** rt.mountAttempts, 122_000), () => this.mountVolumes(rt));
      return;
    }
    rt.volumesReady = true;
    this.k.sim.after(this.k.sim.rng.int(800, 2500), () => this.k.createSandbox(rt));
  }
}
