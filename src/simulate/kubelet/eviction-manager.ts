// The kubelet's eviction manager: memory pressure as the scenario injects it, disk and PID pressure
// from what the node's pods and processes use; under pressure it reclaims node resources (unused
// images), then evicts one pod per interval, ranked the way the kubelet ranks them.

import { qosClass } from '../api/admission.ts';
import { controllerOf } from '../controllers/util.ts';
import type { Json } from '../engine/json.ts';
import { formatBytes, parseBytes } from '../engine/quantity.ts';
import type { Kubelet } from './kubelet.ts';
import type { PodRuntime } from './pod-runtime.ts';

/** The node filesystem (nodefs, holding images too): 104845292Ki, as the Node's capacity says. */
export const NODEFS_CAPACITY_BYTES = 104_845_292 * 1024;
const EVICTION_INTERVAL_MS = 10_000;
const PRESSURE_TRANSITION_MS = 300_000;
/** Hard eviction thresholds: nodefs.available<10% (the default), pid.available<10% (as managed clusters set it). */
const NODEFS_EVICTION_FRACTION = 0.1;
const PID_EVICTION_FRACTION = 0.1;
/** Processes outside pods: systemd, containerd and its shims, the kubelet, sshd, agents. */
const HOST_PROCESSES = 312;

export class EvictionManager {
  private lastEviction = 0;
  /** Last time each eviction signal was met (disk, pid), for the pressure transition period. */
  private readonly thresholdMetAt = new Map<'disk' | 'pid', number>();

  constructor(private readonly k: Kubelet) {}

  /**
   * The eviction manager's loop (and the image garbage collector's): memory pressure as injected by
   * the scenario; disk and PID pressure from what the node's pods and processes use. Under pressure,
   * one pod is evicted per interval until the signal is back above its threshold.
   */
  evictionTick(): void {
    if (this.k.lost) return;
    const { clock } = this.k.sim;
    const h = this.k.health;
    this.observeSignal('disk');
    this.observeSignal('pid');
    this.k.images.collectGarbageWhenDue();
    if (h.pressure.size === 0 || clock.now - this.lastEviction < EVICTION_INTERVAL_MS) return;
    for (const resource of [...h.pressure].sort()) {
      if (resource !== 'memory') {
        this.reclaim(resource);
        continue;
      }
      const since = h.pressureSince.get(resource) ?? clock.now;
      if (h.memoryDeficit <= 0) {
        // Reclaimed: the condition clears after the transition period.
        if (clock.now - since >= PRESSURE_TRANSITION_MS) {
          h.pressure.delete(resource);
          h.pressureSince.delete(resource);
          this.k.nodeStatus.nodeEvent('NodeHasSufficientMemory');
          this.k.nodeStatus.reportNodeStatus(true);
        }
        continue;
      }
      const victim = this.rankVictims()[0];
      if (!victim) continue;
      this.lastEviction = clock.now;
      this.k.sim.recorder.record(
        this.k.source(),
        this.k.nodeRef(),
        'Warning',
        'EvictionThresholdMet',
        'Attempting to reclaim memory',
      );
      this.evict(victim, 'memory');
      h.memoryDeficit -= victim.containers.reduce((s, c) => s + c.memory, 0) || 64 * 2 ** 20;
      h.pressureSince.set(resource, clock.now);
    }
  }

  /** Bytes free on the node filesystem: images, pods' writable layers and logs, and the rest. */
  diskAvailable(): number {
    let used = parseBytes(this.k.spec.diskUsed) + this.k.health.diskExtra;
    for (const size of this.k.images.sizes()) used += size;
    for (const rt of this.k.pods.values()) for (const c of rt.containers) used += c.disk;
    return NODEFS_CAPACITY_BYTES - used;
  }

  /** PIDs free under the node's pid_max. */
  pidsAvailable(): number {
    let used = HOST_PROCESSES + this.k.health.pidExtra;
    for (const rt of this.k.pods.values()) for (const c of rt.containers) used += c.processes;
    return this.k.spec.pidMax - used;
  }

  private threshold(signal: 'disk' | 'pid'): number {
    return signal === 'disk'
      ? Math.floor(NODEFS_CAPACITY_BYTES * NODEFS_EVICTION_FRACTION)
      : Math.floor(this.k.spec.pidMax * PID_EVICTION_FRACTION);
  }

  private available(signal: 'disk' | 'pid'): number {
    return signal === 'disk' ? this.diskAvailable() : this.pidsAvailable();
  }

  /** DiskPressure / PIDPressure on while the signal is under its threshold, off 5 minutes after. */
  private observeSignal(signal: 'disk' | 'pid'): void {
    const { clock } = this.k.sim;
    const h = this.k.health;
    if (this.available(signal) < this.threshold(signal)) {
      this.thresholdMetAt.set(signal, clock.now);
      if (h.pressure.has(signal)) return;
      h.pressure.add(signal);
      h.pressureSince.set(signal, clock.now);
      this.k.nodeStatus.nodeEvent(signal === 'disk' ? 'NodeHasDiskPressure' : 'NodeHasInsufficientPID');
      this.k.nodeStatus.reportNodeStatus(true);
    } else if (
      h.pressure.has(signal) &&
      clock.now - (this.thresholdMetAt.get(signal) ?? 0) >= PRESSURE_TRANSITION_MS
    ) {
      h.pressure.delete(signal);
      h.pressureSince.delete(signal);
      this.k.nodeStatus.nodeEvent(signal === 'disk' ? 'NodeHasNoDiskPressure' : 'NodeHasSufficientPID');
      this.k.nodeStatus.reportNodeStatus(true);
    }
  }

  /**
   * Reclaim ephemeral storage or PIDs: node-level resources first (unused images), then the pod
   * ranked first is evicted, with the message the eviction manager writes.
   */
  private reclaim(signal: 'disk' | 'pid'): void {
    const { clock } = this.k.sim;
    const threshold = this.threshold(signal);
    if (this.available(signal) >= threshold) return;
    // The pressure condition (and the node's taint) come first; the eviction manager acts at its
    // next pass.
    if ((this.k.health.pressureSince.get(signal) ?? clock.now) >= clock.now) return;
    this.lastEviction = clock.now;
    const resource = signal === 'disk' ? 'ephemeral-storage' : 'pids';
    this.k.sim.recorder.record(
      this.k.source(),
      this.k.nodeRef(),
      'Warning',
      'EvictionThresholdMet',
      `Attempting to reclaim ${resource}`,
    );
    if (signal === 'disk') {
      this.k.images.deleteUnused();
      if (this.diskAvailable() >= threshold) return;
    }
    const victim = signal === 'disk' ? this.rankByDisk()[0] : this.rankByPids()[0];
    if (!victim) return;
    let message = `The node was low on resource: ${resource}. Threshold quantity: ${threshold}, available: ${
      signal === 'disk' ? formatBytes(blocks(this.diskAvailable())) : this.pidsAvailable()
    }. `;
    if (signal === 'disk') {
      for (const c of victim.containers) {
        const request = c.spec.resources?.requests?.['ephemeral-storage'] as string | undefined;
        const usage = blocks(c.disk);
        if (usage > (request ? parseBytes(request) : 0))
          message += `Container ${c.name} was using ${formatBytes(usage)}, request is ${request ?? '0'}, has larger consumption of ephemeral-storage. `;
      }
    }
    this.evictWith(victim, message, resource);
    // The evicted pod's containers are removed, their writable layers and logs with them.
    if (signal === 'disk') for (const c of victim.containers) c.disk = 0;
  }

  private evictionCandidates(): PodRuntime[] {
    return [...this.k.pods.values()].filter(
      (rt) =>
        !rt.terminating &&
        !rt.evicted &&
        !rt.removed &&
        (rt.pod.spec as Json).priority < 2_000_000_000 &&
        !controllerOf(rt.pod)?.kind.startsWith('DaemonSet'),
    );
  }

  /** rankDiskPressureFunc: pods over their ephemeral-storage requests first, by priority, then by use. */
  private rankByDisk(): PodRuntime[] {
    const usage = (rt: PodRuntime) => rt.containers.reduce((s, c) => s + c.disk, 0);
    const request = (rt: PodRuntime) =>
      rt.containers.reduce((s, c) => {
        const r = c.spec.resources?.requests?.['ephemeral-storage'] as string | undefined;
        return s + (r ? parseBytes(r) : 0);
      }, 0);
    const priority = (rt: PodRuntime) => ((rt.pod.spec as Json).priority as number | undefined) ?? 0;
    return this.evictionCandidates().sort((a, b) => {
      const ea = usage(a) > request(a) ? 0 : 1;
      const eb = usage(b) > request(b) ? 0 : 1;
      return ea - eb || priority(a) - priority(b) || usage(b) - usage(a) || (a.name < b.name ? -1 : 1);
    });
  }

  /** rankPIDPressure: lowest priority first, then the pod running the most processes. */
  private rankByPids(): PodRuntime[] {
    const pids = (rt: PodRuntime) => rt.containers.reduce((s, c) => s + c.processes, 0);
    const priority = (rt: PodRuntime) => ((rt.pod.spec as Json).priority as number | undefined) ?? 0;
    return this.evictionCandidates().sort(
      (a, b) => priority(a) - priority(b) || pids(b) - pids(a) || (a.name < b.name ? -1 : 1),
    );
  }

  /** BestEffort first, then pods using more than they request, lowest priority first. */
  private rankVictims(): PodRuntime[] {
    const candidates = this.evictionCandidates();
    const over = (rt: PodRuntime) =>
      rt.containers.reduce(
        (s, c) =>
          s +
          c.memory -
          (c.spec.resources?.requests?.memory ? parseBytes(c.spec.resources.requests.memory) : 0),
        0,
      );
    return candidates.sort((a, b) => {
      const qa = qosClass(a.pod.spec as Json) === 'BestEffort' ? 0 : 1;
      const qb = qosClass(b.pod.spec as Json) === 'BestEffort' ? 0 : 1;
      return qa - qb || over(b) - over(a) || (a.name < b.name ? -1 : 1);
    });
  }

  /** Evict for memory: the message names the container using the most beyond its request. */
  private evict(rt: PodRuntime, resource: 'memory'): void {
    const worst = [...rt.containers].sort((a, b) => b.memory - a.memory)[0];
    const usage = worst ? formatUsage(worst.memory) : '0';
    const request = worst?.spec.resources?.requests?.memory ?? '0';
    const available = `${this.k.sim.rng.int(60_000, 99_000)}Ki`;
    const message = `The node was low on resource: ${resource}. Threshold quantity: 100Mi, available: ${available}. ${worst ? `Container ${worst.name} was using ${usage}, request is ${request}, has larger consumption of ${resource}. ` : ''}`;
    this.evictWith(rt, message, resource);
  }

  private evictWith(rt: PodRuntime, message: string, resource: string): void {
    rt.evicted = { message, resource };
    this.k.event(rt, undefined, 'Warning', 'Evicted', message);
    this.k.termination.terminate(rt, 'evict');
    rt.statusDirty = true;
  }
}

/** Filesystem usage as statfs reports it: whole 4 KiB blocks. */
function blocks(bytes: number): number {
  return Math.max(0, Math.floor(bytes / 4096) * 4096);
}

function formatUsage(bytes: number): string {
  return `${Math.round(bytes / 1024)}Ki`;
}
