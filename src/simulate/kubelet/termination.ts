// How the pods of a node end: their containers killed on deletion (after the grace period, then the
// pod removed) or eviction, and a reboot that none of them survives.

import type { Json } from '../engine/json.ts';
import { shutdownLine } from '../logs/app-logs.ts';
import type { Kubelet } from './kubelet.ts';
import type { PodRuntime } from './pod-runtime.ts';

export class TerminationManager {
  constructor(private readonly k: Kubelet) {}

  /** Kill a pod's containers: on deletion (graceful) or eviction. */
  terminate(rt: PodRuntime, why: 'delete' | 'evict'): void {
    rt.terminating = true;
    rt.statusDirty = true;
    const { rng } = this.k.sim;
    for (const c of rt.containers) {
      if (c.state !== 'running') {
        if (c.state === 'waiting') {
          c.state = 'terminated';
          c.terminated = {
            exitCode: why === 'evict' ? 137 : 0,
            reason: why === 'evict' ? 'Error' : 'Completed',
            startedAt: 0,
            finishedAt: this.k.sim.clock.now,
            containerID: c.containerID ?? '',
          };
        }
        continue;
      }
      this.k.event(rt, c.name, 'Normal', 'Killing', `Stopping container ${c.name}`);
      const instance = c.instance;
      this.k.sim.after(rng.int(300, 2500), () => {
        if (c.instance !== instance || c.state !== 'running' || this.k.lost) return;
        this.k.runtime.log(rt, c, [shutdownLine(c.app)]);
        c.state = 'terminated';
        c.processes = 0;
        c.terminated = {
          exitCode: why === 'evict' ? 137 : 0,
          reason: why === 'evict' ? 'Error' : 'Completed',
          startedAt: c.startedAt!,
          finishedAt: this.k.sim.clock.now,
          containerID: c.containerID!,
        };
        c.ready = false;
        c.started = false;
        c.instance++;
        rt.statusDirty = true;
      });
    }
    if (why === 'delete') {
      this.k.sim.after(3000, () => this.finishDeletion(rt));
    }
  }

  private finishDeletion(rt: PodRuntime): void {
    if (rt.removed || this.k.lost) return;
    if (rt.containers.some((c) => c.state === 'running')) {
      this.k.sim.after(1000, () => this.finishDeletion(rt));
      return;
    }
    this.k.status.flushPod(rt);
    const pod = this.k.sim.api.get('Pod', rt.namespace, rt.name);
    if (pod && pod.metadata.uid === rt.uid && (pod.metadata.finalizers?.length ?? 0) > 0) {
      // The kubelet's final delete (grace period 0) cannot remove a pod whose finalizers remain: it
      // stays Terminating, its containers stopped, until whoever owns the finalizer clears it.
      this.k.sim.api.delete('Pod', rt.namespace, rt.name, this.k.actor, { gracePeriod: 0 });
      return;
    }
    if (pod && pod.metadata.uid === rt.uid) {
      this.k.sim.api.remove(pod, this.k.actor, {
        requestObject: {
          kind: 'DeleteOptions',
          apiVersion: 'meta.k8s.io/__internal',
          gracePeriodSeconds: 0,
          preconditions: { uid: rt.uid },
        },
      });
    }
    rt.removed = true;
    this.k.pods.delete(rt.uid);
  }

  /**
   * The node comes back after being lost (a reboot): containers did not survive, so every pod still
   * bound here gets a new sandbox and its containers restart; pods deleted meanwhile are finished.
   */
  reboot(): void {
    this.k.nodeStatus.identify(() => this.k.sim.rng.uuid());
    this.k.network.rebooted();
    this.k.sim.recorder.record(
      this.k.source(),
      this.k.nodeRef(),
      'Warning',
      'Rebooted',
      `Node ${this.k.nodeName} has been rebooted, boot id: ${this.k.nodeStatus.bootId}`,
    );
    this.k.sim.recorder.record(this.k.source(), this.k.nodeRef(), 'Normal', 'Starting', 'Starting kubelet.');
    this.k.nodeStatus.reportNodeStatus(true);
    this.k.sim.recorder.record(
      this.k.source(),
      this.k.nodeRef(),
      'Normal',
      'NodeReady',
      `Node ${this.k.nodeName} status is now: NodeReady`,
    );
    const bound = this.k.sim.api.list('Pod').filter((p) => (p.spec as Json).nodeName === this.k.nodeName);
    const uids = new Set(bound.map((p) => p.metadata.uid));
    for (const [uid, rt] of this.k.pods) {
      if (!uids.has(uid)) {
        rt.removed = true;
        this.k.pods.delete(uid);
      }
    }
    for (const pod of bound) {
      const rt = this.k.pods.get(pod.metadata.uid!);
      if (!rt) continue;
      rt.pod = pod;
      if (pod.metadata.deletionTimestamp) {
        for (const c of rt.containers) {
          c.state = 'terminated';
          c.terminated = this.lostNow(c);
          c.instance++;
        }
        rt.terminating = true;
        this.finishDeletion(rt);
        continue;
      }
      this.k.event(
        rt,
        undefined,
        'Normal',
        'SandboxChanged',
        'Pod sandbox changed, it will be killed and re-created.',
      );
      rt.sandboxReady = false;
      for (const c of rt.containers) {
        if (c.state === 'running') {
          c.state = 'terminated';
          c.terminated = this.lostNow(c);
        }
        c.ready = false;
        c.instance++;
        if (c.terminated) c.last = c.terminated;
        c.terminated = undefined;
        c.state = 'waiting';
        c.reason = 'ContainerCreating';
        c.restartCount++;
      }
      rt.statusDirty = true;
      this.k.sim.after(this.k.sim.rng.int(1000, 4000), () => this.k.createSandbox(rt));
    }
  }

  /** What the runtime reports of a container the node lost (a reboot, a kill with the node): exit 255,
   * reason Unknown, ended now. */
  private lostNow(c: { startedAt?: number; containerID?: string }) {
    return {
      exitCode: 255,
      reason: 'Unknown',
      startedAt: c.startedAt ?? 0,
      finishedAt: this.k.sim.clock.now,
      containerID: c.containerID ?? '',
    };
  }
}
