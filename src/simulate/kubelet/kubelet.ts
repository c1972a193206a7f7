// The kubelet of one node, split the way the real kubelet is: this file is its pod workers (admitting
// the pods bound to the node, creating their sandboxes, starting their containers in order);
// admission, node status, images, volumes, the container runtime, the application inside each
// container, probes, eviction, termination and pod status each have a manager of their own.

import type { Actor } from '../api/actors.ts';
import { kubeletActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { type InvolvedObject, involvedOf } from '../events/recorder.ts';
import type { NodeSpec } from '../scenario/schema.ts';
import { AdmissionManager } from './admission.ts';
import { AppRunner } from './app-runner.ts';
import type { ContainerRuntime } from './container.ts';
import { EvictionManager } from './eviction-manager.ts';
import { ImageManager } from './image-manager.ts';
import { NetworkManager } from './network.ts';
import { NodeStatusManager } from './node-status.ts';
import { newPodRuntime, type PodRuntime } from './pod-runtime.ts';
import { Prober } from './prober.ts';
import { RuntimeManager } from './runtime-manager.ts';
import { StatusManager } from './status-manager.ts';
import { TerminationManager } from './termination.ts';
import { VolumeManager } from './volume-manager.ts';

export class Kubelet {
  readonly actor: Actor;
  readonly pods = new Map<string, PodRuntime>();
  readonly nodeStatus = new NodeStatusManager(this);
  readonly images = new ImageManager(this);
  readonly volumes = new VolumeManager(this);
  readonly network = new NetworkManager(this);
  readonly runtime = new RuntimeManager(this);
  readonly app = new AppRunner(this);
  readonly prober = new Prober(this);
  readonly eviction = new EvictionManager(this);
  readonly status = new StatusManager(this);
  readonly admission = new AdmissionManager(this);
  readonly termination = new TerminationManager(this);
  /** Pods refused at admission whose rejection is being written. */
  private readonly rejecting = new Set<string>();
  private nextIp = 2;

  constructor(
    readonly sim: SimContext,
    readonly spec: NodeSpec,
    readonly nodeName: string,
    readonly ip: string,
    readonly podCidr: string,
  ) {
    this.actor = kubeletActor(nodeName, ip, sim.version);
  }

  get health() {
    return this.sim.world.node(this.nodeName);
  }

  get lost(): boolean {
    return this.health.lost;
  }

  /** The source of the Events this kubelet reports. */
  source() {
    return { component: 'kubelet', host: this.nodeName };
  }

  nodeRef(): InvolvedObject {
    return { apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: this.nodeName };
  }

  // ---------------------------------------------------------------- node

  register(): void {
    this.nodeStatus.register();
  }

  /** Post Node status: on changes, and every 5 minutes otherwise (nodeStatusReportFrequency). */
  reportNodeStatus(force = false): void {
    this.nodeStatus.reportNodeStatus(force);
  }

  /** Fix the node's identifiers from the seeded stream. */
  identify(rngUuid: () => string): void {
    this.nodeStatus.identify(rngUuid);
  }

  /** A node-level transition the kubelet announces with an event (pressure on/off). */
  nodeEvent(reason: string): void {
    this.nodeStatus.nodeEvent(reason);
  }

  // ---------------------------------------------------------------- pods

  /** React to a pod bound to this node, or to its deletion. */
  observe(pod: KubeObject, event: 'ADDED' | 'MODIFIED' | 'DELETED'): void {
    const uid = pod.metadata.uid!;
    let rt = this.pods.get(uid);
    if (event === 'DELETED') {
      if (rt) rt.removed = true;
      this.pods.delete(uid);
      return;
    }
    if (!rt) {
      if ((pod.status as Json)?.phase === 'Succeeded' || (pod.status as Json)?.phase === 'Failed') return;
      if (this.rejecting.has(uid)) return;
      const rejection = this.admission.check(pod);
      if (rejection) {
        // The pod worker gets to it a moment later (HandlePodAdditions).
        this.rejecting.add(uid);
        this.sim.after(this.sim.rng.int(100, 600), () => {
          this.rejecting.delete(uid);
          this.admission.reject(pod, rejection);
        });
        return;
      }
      rt = this.admit(pod);
    }
    rt.pod = pod;
    if (pod.metadata.deletionTimestamp && !rt.terminating && !this.lost)
      this.termination.terminate(rt, 'delete');
  }

  private admit(pod: KubeObject): PodRuntime {
    const rt = newPodRuntime(this.sim, pod);
    this.pods.set(rt.uid, rt);
    this.sim.after(this.sim.rng.int(200, 900), () => this.volumes.mountVolumes(rt));
    return rt;
  }

  /** Whether the pod still runs here: not removed, its node not lost, still the runtime kept for its uid. */
  alive(rt: PodRuntime): boolean {
    return !rt.removed && !this.lost && this.pods.get(rt.uid) === rt;
  }

  private podRef(rt: PodRuntime, container?: string): InvolvedObject {
    if (!container) return involvedOf(rt.pod);
    const list = rt.initContainers.some((c) => c.name === container) ? 'initContainers' : 'containers';
    return involvedOf(rt.pod, `spec.${list}{${container}}`);
  }

  /** An Event about the pod (or one of its containers) from this kubelet. */
  event(
    rt: PodRuntime,
    container: string | undefined,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): void {
    this.sim.recorder.record(this.source(), this.podRef(rt, container), type, reason, message);
  }

  /** The pod's sandbox (its network namespace and IP), then its containers in order. */
  createSandbox(rt: PodRuntime): void {
    if (!this.alive(rt) || rt.terminating) return;
    const failure = this.network.sandboxError(rt);
    if (failure) {
      this.event(rt, undefined, 'Warning', failure.reason, failure.message);
      this.sim.after(this.network.retryAfter(rt), () => this.createSandbox(rt));
      return;
    }
    rt.sandboxReady = true;
    rt.podIP = `${this.podCidr.split('.').slice(0, 3).join('.')}.${this.nextIp++ % 254 || 2}`;
    rt.statusDirty = true;
    this.startInitContainer(rt, 0);
  }

  /** Run the init containers in order, each to completion; then start the containers. */
  private startInitContainer(rt: PodRuntime, index: number): void {
    const c = rt.initContainers[index];
    if (!c) {
      rt.initialized = true;
      rt.statusDirty = true;
      this.startContainer(rt, 0);
      return;
    }
    this.images.ensureImage(rt, c, () => this.runtime.runContainer(rt, c));
  }

  /** An init container completed (exit 0): the next one runs. */
  initContainerDone(rt: PodRuntime, c: ContainerRuntime): void {
    if (!this.alive(rt) || rt.terminating) return;
    this.startInitContainer(rt, rt.initContainers.indexOf(c) + 1);
  }

  /** Start containers in order; each waits for the previous one's create step, as kubelet's loop does. */
  private startContainer(rt: PodRuntime, index: number): void {
    const c = rt.containers[index];
    if (!c) return;
    this.images.ensureImage(rt, c, () => {
      this.runtime.runContainer(rt, c);
      this.startContainer(rt, index + 1);
    });
  }

  /**
   * The node comes back after being lost (a reboot): containers did not survive, so every pod still
   * bound here gets a new sandbox and its containers restart; pods deleted meanwhile are finished.
   */
  reboot(): void {
    this.termination.reboot();
  }

  /** A ConfigMap changed: apps that reload its file read the new value. */
  configMapChanged(namespace: string, name: string): void {
    this.app.configMapChanged(namespace, name);
  }

  // ---------------------------------------------------------------- eviction and status

  /** The eviction manager's loop (and the image garbage collector's). */
  evictionTick(): void {
    this.eviction.evictionTick();
  }

  /** Bytes free on the node filesystem. */
  diskAvailable(): number {
    return this.eviction.diskAvailable();
  }

  /** PIDs free under the node's pid_max. */
  pidsAvailable(): number {
    return this.eviction.pidsAvailable();
  }

  /** Write the status of every pod whose state changed. */
  flush(): void {
    this.status.flush();
  }
}
