// The kubelet of one node: registers and reports its Node, admits the pods bound to it, mounts
// volumes, pulls images (with ErrImagePull → ImagePullBackOff back-off), resolves env references
// (CreateContainerConfigError), starts containers and runs their applications, probes them, restarts
// them with the CrashLoopBackOff back-off (10 s doubling to 5 min, reset after 10 min of running),
// kills them on deletion or failed liveness, OOM-kills at the memory limit (exit 137), accounts the
// node's disk (images, writable layers, logs) and PIDs, garbage-collects images, evicts pods under
// memory, disk or PID pressure, and patches pod status the way the status manager does.

import type { Actor } from '../api/actors.ts';
import { kubeletActor } from '../api/actors.ts';
import { qosClass } from '../api/admission.ts';
import { controllerOf, setCondition } from '../controllers/util.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import { formatBytes, parseBytes, parseCpuMillis } from '../engine/quantity.ts';
import type { KubeObject } from '../engine/records.ts';
import { normalizeImage, registryOf } from '../engine/world.ts';
import { type InvolvedObject, involvedOf } from '../events/recorder.ts';
import {
  batchEndLines,
  configPanicLines,
  configReloadLine,
  dependencyErrorLine,
  type LogLine,
  memoryPressureLine,
  panicExitCode,
  routineLine,
  shutdownLine,
  startupLines,
} from '../logs/app-logs.ts';
import { AppSchema, type NodeSpec } from '../scenario/schema.ts';
import { type ContainerRuntime, containerStatusJson, newContainerRuntime } from './container.ts';

const MAX_BACKOFF_MS = 300_000;
const INITIAL_BACKOFF_MS = 10_000;
const BACKOFF_RESET_MS = 600_000;
const EVICTION_INTERVAL_MS = 10_000;
const PRESSURE_TRANSITION_MS = 300_000;
const STATUS_REPORT_MS = 300_000;
const DEFAULT_APP = AppSchema.parse({});
/** The node filesystem (nodefs, holding images too): 104845292Ki, as the Node's capacity says. */
export const NODEFS_CAPACITY_BYTES = 104_845_292 * 1024;
/** Hard eviction thresholds: nodefs.available<10% (the default), pid.available<10% (as managed clusters set it). */
const NODEFS_EVICTION_FRACTION = 0.1;
const PID_EVICTION_FRACTION = 0.1;
/** The image garbage collector: every 5 minutes, from 85 % disk use down to 80 %. */
const IMAGE_GC_PERIOD_MS = 300_000;
const IMAGE_GC_HIGH_PERCENT = 85;
const IMAGE_GC_LOW_PERCENT = 80;
/** Processes outside pods: systemd, containerd and its shims, the kubelet, sshd, agents. */
const HOST_PROCESSES = 312;
const RUNTIME_PROCESSES = { go: 12, java: 48, node: 11, python: 5 } as const;

/** The size containerd reports for an image (deterministic per reference). */
export function imageSize(ref: string): number {
  return 20_000_000 + ((ref.length * 7919) % 200_000_000);
}

export interface PodRuntime {
  uid: string;
  namespace: string;
  name: string;
  pod: KubeObject;
  containers: ContainerRuntime[];
  admittedAt: number;
  volumesReady: boolean;
  mountAttempts: number;
  sandboxReady: boolean;
  podIP?: string;
  terminating: boolean;
  removed: boolean;
  evicted?: { message: string; resource: string };
  statusDirty: boolean;
  restartPolicy: string;
}

export class Kubelet {
  readonly actor: Actor;
  readonly pods = new Map<string, PodRuntime>();
  private readonly images = new Set<string>();
  private nextIp = 2;
  private lastReport = 0;
  private lastEviction = 0;
  private registered = false;
  private lastImageGc = Number.NEGATIVE_INFINITY;
  private imageGcFailed = false;
  /** Last time each eviction signal was met (disk, pid), for the pressure transition period. */
  private readonly thresholdMetAt = new Map<'disk' | 'pid', number>();

  constructor(
    private readonly sim: SimContext,
    readonly spec: NodeSpec,
    readonly nodeName: string,
    readonly ip: string,
    private readonly podCidr: string,
  ) {
    this.actor = kubeletActor(nodeName, ip, sim.version);
  }

  private get health() {
    return this.sim.world.node(this.nodeName);
  }

  get lost(): boolean {
    return this.health.lost;
  }

  private source() {
    return { component: 'kubelet', host: this.nodeName };
  }

  private nodeRef(): InvolvedObject {
    return { apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: this.nodeName };
  }

  // ---------------------------------------------------------------- node

  register(): void {
    const alloc = {
      cpu: String(parseCpuMillis(this.spec.cpu) / 1000),
      memory: `${Math.round((parseBytes(this.spec.memory) - 2 ** 30 * 0.75) / 1024)}Ki`,
      pods: String(this.spec.pods),
    };
    const capacity = {
      cpu: alloc.cpu,
      'ephemeral-storage': '104845292Ki',
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: `${Math.round(parseBytes(this.spec.memory) / 1024)}Ki`,
      pods: alloc.pods,
    };
    const node: KubeObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: this.nodeName,
        annotations: {
          'node.alpha.kubernetes.io/ttl': '0',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        },
        labels: {
          'beta.kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/instance-type': this.spec.instanceType,
          'beta.kubernetes.io/os': 'linux',
          'failure-domain.beta.kubernetes.io/zone': this.spec.zone,
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/hostname': this.nodeName,
          'kubernetes.io/os': 'linux',
          'node.kubernetes.io/instance-type': this.spec.instanceType,
          'topology.kubernetes.io/region': this.spec.zone.replace(/[a-z]$/, ''),
          'topology.kubernetes.io/zone': this.spec.zone,
          ...(this.spec.role === 'control-plane' ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
          ...this.spec.labels,
        },
      },
      spec: {
        podCIDR: this.podCidr,
        podCIDRs: [this.podCidr],
        ...(this.spec.taints.length > 0 ? { taints: this.spec.taints } : {}),
      },
      status: {},
    };
    this.sim.api.create(node, this.actor);
    this.registered = true;
    this.sim.recorder.record(this.source(), this.nodeRef(), 'Normal', 'Starting', 'Starting kubelet.');
    this.sim.recorder.record(
      this.source(),
      this.nodeRef(),
      'Normal',
      'NodeAllocatableEnforced',
      'Updated Node Allocatable limit across pods',
    );
    this.reportNodeStatus(true);
    void capacity;
    this.sim.recorder.record(
      this.source(),
      this.nodeRef(),
      'Normal',
      'NodeReady',
      `Node ${this.nodeName} status is now: NodeReady`,
    );
  }

  private nodeConditions(): Json[] {
    const h = this.health;
    const now = this.sim.clock.iso();
    const node = this.sim.api.get('Node', undefined, this.nodeName);
    let conditions = ((node?.status as Json | undefined)?.conditions as Json[] | undefined) ?? [];
    const set = (
      type: string,
      on: boolean,
      onReason: string,
      onMsg: string,
      offReason: string,
      offMsg: string,
    ) => {
      conditions = setCondition(
        conditions,
        {
          type,
          status: on ? 'True' : 'False',
          reason: on ? onReason : offReason,
          message: on ? onMsg : offMsg,
        },
        now,
      );
    };
    set(
      'MemoryPressure',
      h.pressure.has('memory'),
      'KubeletHasInsufficientMemory',
      'kubelet has insufficient memory available',
      'KubeletHasSufficientMemory',
      'kubelet has sufficient memory available',
    );
    set(
      'DiskPressure',
      h.pressure.has('disk'),
      'KubeletHasDiskPressure',
      'kubelet has disk pressure',
      'KubeletHasNoDiskPressure',
      'kubelet has no disk pressure',
    );
    set(
      'PIDPressure',
      h.pressure.has('pid'),
      'KubeletHasInsufficientPID',
      'kubelet has insufficient PID available',
      'KubeletHasSufficientPID',
      'kubelet has sufficient PID available',
    );
    set('Ready', true, 'KubeletReady', 'kubelet is posting ready status', 'KubeletNotReady', '');
    return conditions.map((c) => {
      const { type, status, lastTransitionTime, reason, message } = c;
      return { lastHeartbeatTime: now, lastTransitionTime, message, reason, status, type };
    });
  }

  /** Post Node status: on changes, and every 5 minutes otherwise (nodeStatusReportFrequency). */
  reportNodeStatus(force = false): void {
    if (this.lost || !this.registered) return;
    const { api, clock } = this.sim;
    const node = api.get('Node', undefined, this.nodeName);
    if (!node) return;
    const conditions = this.nodeConditions();
    const prev = ((node.status as Json).conditions as Json[] | undefined) ?? [];
    const changed =
      prev.length !== conditions.length || prev.some((c, i) => c.status !== conditions[i]?.status);
    if (!force && !changed && clock.now - this.lastReport < STATUS_REPORT_MS) return;
    this.lastReport = clock.now;
    const memKi = Math.round(parseBytes(this.spec.memory) / 1024);
    const allocMemKi = memKi - 786_432 - 102_400;
    const cpu = String(parseCpuMillis(this.spec.cpu) / 1000);
    const allocCpu = `${parseCpuMillis(this.spec.cpu) - 80}m`;
    const status: Json = {
      addresses: [
        { address: this.ip, type: 'InternalIP' },
        { address: `ip-${this.ip.replaceAll('.', '-')}.eu-west-1.compute.internal`, type: 'InternalDNS' },
        { address: this.nodeName, type: 'Hostname' },
      ],
      allocatable: {
        cpu: allocCpu,
        'ephemeral-storage': '95551679124',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${allocMemKi}Ki`,
        pods: String(this.spec.pods),
      },
      capacity: {
        cpu,
        'ephemeral-storage': '104845292Ki',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${memKi}Ki`,
        pods: String(this.spec.pods),
      },
      conditions,
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images: [...this.images].sort().map((ref) => ({ names: [ref], sizeBytes: imageSize(ref) })),
      nodeInfo: {
        architecture: 'amd64',
        bootID: this.bootId,
        containerRuntimeVersion: 'containerd://2.0.5',
        kernelVersion: '6.1.134-150.224.amzn2023.x86_64',
        kubeProxyVersion: '',
        kubeletVersion: this.sim.version,
        machineID: this.machineId,
        operatingSystem: 'linux',
        osImage: 'Amazon Linux 2023.7.20250512',
        swap: { capacity: 0 },
        systemUUID: this.machineId,
      },
    };
    api.update({ ...node, status }, this.actor, { subresource: 'status', verb: 'patch' });
  }

  private bootId = '';
  private machineId = '';

  /** Fix the node's identifiers from the seeded stream. */
  identify(rngUuid: () => string): void {
    this.bootId = rngUuid();
    this.machineId = rngUuid().replaceAll('-', '');
  }

  /** A node-level transition the kubelet announces with an event (pressure on/off). */
  nodeEvent(reason: string): void {
    this.sim.recorder.record(
      this.source(),
      this.nodeRef(),
      reason.startsWith('NodeHas') && !reason.includes('Sufficient') && !reason.includes('NoDisk')
        ? 'Normal'
        : 'Normal',
      reason,
      `Node ${this.nodeName} status is now: ${reason}`,
    );
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
      rt = this.admit(pod);
      if (!rt) return;
    }
    rt.pod = pod;
    if (pod.metadata.deletionTimestamp && !rt.terminating && !this.lost) this.terminate(rt, 'delete');
  }

  private admit(pod: KubeObject): PodRuntime | undefined {
    const spec = pod.spec as Json;
    const workload = this.workloadOf(pod);
    const apps = this.sim.world.apps.get(`${pod.metadata.namespace}/${workload}`);
    const rt: PodRuntime = {
      uid: pod.metadata.uid!,
      namespace: pod.metadata.namespace!,
      name: pod.metadata.name,
      pod,
      containers: (spec.containers as Json[]).map((c) =>
        newContainerRuntime(c, apps?.get(c.name) ?? DEFAULT_APP, workload),
      ),
      admittedAt: this.sim.clock.now,
      volumesReady: false,
      mountAttempts: 0,
      sandboxReady: false,
      terminating: false,
      removed: false,
      statusDirty: true,
      restartPolicy: spec.restartPolicy ?? 'Always',
    };
    this.pods.set(rt.uid, rt);
    this.sim.after(this.sim.rng.int(200, 900), () => this.mountVolumes(rt));
    return rt;
  }

  /** The workload a pod belongs to (Deployment through its ReplicaSet, CronJob through its Job). */
  private workloadOf(pod: KubeObject): string {
    let owner = controllerOf(pod);
    let name = pod.metadata.name;
    for (let depth = 0; owner && depth < 3; depth++) {
      name = owner.name;
      const parent = this.sim.api.get(owner.kind, pod.metadata.namespace, owner.name);
      owner = parent ? controllerOf(parent) : undefined;
    }
    return name;
  }

  private alive(rt: PodRuntime): boolean {
    return !rt.removed && !this.lost && this.pods.get(rt.uid) === rt;
  }

  private podRef(rt: PodRuntime, container?: string): InvolvedObject {
    return involvedOf(rt.pod, container ? `spec.containers{${container}}` : undefined);
  }

  private event(
    rt: PodRuntime,
    container: string | undefined,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): void {
    this.sim.recorder.record(this.source(), this.podRef(rt, container), type, reason, message);
  }

  private mountVolumes(rt: PodRuntime): void {
    if (!this.alive(rt) || rt.terminating) return;
    const { api } = this.sim;
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
      this.sim.after(2000, () => this.mountVolumes(rt));
      return;
    }
    if (missing.length > 0) {
      rt.mountAttempts++;
      for (const m of missing)
        this.event(
          rt,
          undefined,
          'Warning',
          'FailedMount',
          `MountVolume.SetUp failed for volume "${m.volume}" : ${m.message}`,
        );
      if (rt.mountAttempts % 8 === 0) {
        const names = missing.map((m) => m.volume).sort();
        this.event(
          rt,
          undefined,
          'Warning',
          'FailedMount',
          `Unable to attach or mount volumes: unmounted volumes=[${names.join(' ')}], unattached volumes=[], failed to process volumes=[]: timed out waiting for the condition`,
        );
      }
      // The volume manager's exponential back-off: 500 ms doubling to 2m2s.
      this.sim.after(Math.min(500 * 2 ** rt.mountAttempts, 122_000), () => this.mountVolumes(rt));
      return;
    }
    rt.volumesReady = true;
    this.sim.after(this.sim.rng.int(800, 2500), () => this.createSandbox(rt));
  }

  private createSandbox(rt: PodRuntime): void {
    if (!this.alive(rt) || rt.terminating) return;
    rt.sandboxReady = true;
    rt.podIP = `${this.podCidr.split('.').slice(0, 3).join('.')}.${this.nextIp++ % 254 || 2}`;
    rt.statusDirty = true;
    this.startContainer(rt, 0);
  }

  /** Start containers in order; each waits for the previous one's create step, as kubelet's loop does. */
  private startContainer(rt: PodRuntime, index: number): void {
    const c = rt.containers[index];
    if (!c) return;
    this.ensureImage(rt, c, () => {
      this.runContainer(rt, c);
      this.startContainer(rt, index + 1);
    });
  }

  private ensureImage(rt: PodRuntime, c: ContainerRuntime, then: () => void): void {
    if (!this.alive(rt) || rt.terminating) return;
    const { world, clock, rng } = this.sim;
    const image = c.spec.image as string;
    const ref = normalizeImage(image);
    const always = c.spec.imagePullPolicy === 'Always';
    if (!isValidImageReference(image)) {
      const message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
      c.state = 'waiting';
      c.reason = 'InvalidImageName';
      c.message = message;
      rt.statusDirty = true;
      this.event(rt, c.name, 'Warning', 'InspectFailed', message);
      this.event(rt, c.name, 'Warning', 'Failed', 'Error: InvalidImageName');
      // Retried at every pod sync, to no avail until the reference is fixed.
      this.sim.after(rng.int(10_000, 20_000), () => this.ensureImage(rt, c, then));
      return;
    }
    if (this.images.has(ref) && !always) {
      this.event(rt, c.name, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      then();
      return;
    }
    this.event(rt, c.name, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const registry = registryOf(image);
    const failure = world.isRegistryDown(registry, clock.now)
      ? `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": failed to do request: Head "https://${registry}/v2/${ref.slice(registry.length + 1).replace(/:[^:]+$/, '')}/manifests/${ref.split(':').pop()}": dial tcp: lookup ${registry} on 10.0.0.2:53: no such host`
      : world.missingImages.has(image) || world.missingImages.has(ref)
        ? `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`
        : world.privateRegistries.has(registry)
          ? `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`
          : null;
    const pullMs = failure ? rng.int(300, 1500) : rng.int(1200, 9000);
    this.sim.after(pullMs, () => {
      if (!this.alive(rt) || rt.terminating) return;
      if (failure) {
        const code = failure.includes('not found')
          ? 'NotFound'
          : failure.includes('authorization')
            ? 'Unknown'
            : 'Unknown';
        const message = `rpc error: code = ${code} desc = ${failure}`;
        this.event(rt, c.name, 'Warning', 'Failed', `Failed to pull image "${image}": ${message}`);
        this.event(rt, c.name, 'Warning', 'Failed', 'Error: ErrImagePull');
        c.state = 'waiting';
        c.reason = 'ErrImagePull';
        c.message = message;
        rt.statusDirty = true;
        c.pullBackoffMs =
          c.pullBackoffMs === 0 ? INITIAL_BACKOFF_MS : Math.min(c.pullBackoffMs * 2, MAX_BACKOFF_MS);
        const wait = c.pullBackoffMs;
        // The next sync finds the image in back-off.
        this.sim.after(rng.int(1000, 3000), () => {
          if (!this.alive(rt) || rt.terminating) return;
          c.reason = 'ImagePullBackOff';
          c.message = `Back-off pulling image "${image}": ErrImagePull: ${message}`;
          rt.statusDirty = true;
          this.event(rt, c.name, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
          this.event(rt, c.name, 'Warning', 'Failed', 'Error: ImagePullBackOff');
        });
        this.sim.after(wait, () => this.ensureImage(rt, c, then));
        return;
      }
      const secs = (pullMs / 1000).toFixed(3);
      this.images.add(ref);
      c.pullBackoffMs = 0;
      this.event(
        rt,
        c.name,
        'Normal',
        'Pulled',
        `Successfully pulled image "${image}" in ${secs}s (${secs}s including waiting). Image size: ${imageSize(ref)} bytes.`,
      );
      then();
    });
  }

  /** Resolve env and envFrom as the kubelet's makeEnvironmentVariables does. */
  private resolveEnv(
    rt: PodRuntime,
    c: ContainerRuntime,
  ): { env: Record<string, string> } | { error: string } {
    const { api } = this.sim;
    const env: Record<string, string> = {};
    const data = (kind: 'ConfigMap' | 'Secret', name: string) => {
      const obj = api.get(kind, rt.namespace, name) as
        | (KubeObject & { data?: Record<string, string> })
        | undefined;
      return obj ? (obj.data ?? {}) : undefined;
    };
    for (const from of (c.spec.envFrom as Json[] | undefined) ?? []) {
      const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
      const name = (from.configMapRef ?? from.secretRef).name as string;
      const d = data(kind, name);
      if (!d) return { error: `${kind.toLowerCase()} "${name}" not found` };
      Object.assign(env, d);
    }
    for (const e of (c.spec.env as Json[] | undefined) ?? []) {
      if (e.value !== undefined) env[e.name] = e.value;
      const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
      if (!ref) continue;
      const kind = e.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const d = data(kind, ref.name);
      if (!d) return { error: `${kind.toLowerCase()} "${ref.name}" not found` };
      if (!(ref.key in d))
        return { error: `couldn't find key ${ref.key} in ${kind} ${rt.namespace}/${ref.name}` };
      env[e.name] = kind === 'Secret' ? '<redacted>' : (d[ref.key] ?? '');
    }
    return { env };
  }

  private runContainer(rt: PodRuntime, c: ContainerRuntime): void {
    if (!this.alive(rt) || rt.terminating) return;
    const { clock, rng, world } = this.sim;
    const resolved = this.resolveEnv(rt, c);
    if ('error' in resolved) {
      c.state = 'waiting';
      c.reason = 'CreateContainerConfigError';
      c.message = resolved.error;
      rt.statusDirty = true;
      this.event(rt, c.name, 'Warning', 'Failed', `Error: ${resolved.error}`);
      // Retried at the next pod sync.
      this.sim.after(rng.int(10_000, 16_000), () => this.ensureImage(rt, c, () => this.runContainer(rt, c)));
      return;
    }
    c.env = resolved.env;
    const command = c.spec.command as string[] | undefined;
    const binaries = world.imageBinaries.get(c.spec.image as string);
    const exe = command?.[0];
    const containerID = `containerd://${rng.hex(64)}`;
    this.event(rt, c.name, 'Normal', 'Created', `Created container: ${c.name}`);
    if (exe && binaries && !binaries.has(exe) && !['sh', '/bin/sh'].includes(exe)) {
      const message = `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "${exe}": executable file not found in $PATH: unknown`;
      this.event(rt, c.name, 'Warning', 'Failed', `Error: ${message}`);
      c.containerID = containerID;
      this.exited(rt, c, {
        exitCode: 128,
        reason: 'StartError',
        message,
        startedAt: 0,
        finishedAt: clock.now,
        containerID,
      });
      return;
    }
    c.instance++;
    c.state = 'running';
    c.reason = undefined;
    c.message = undefined;
    c.terminated = undefined;
    c.containerID = containerID;
    c.startedAt = clock.now;
    c.started = !c.spec.startupProbe;
    c.ready = !c.spec.readinessProbe;
    c.readinessFailures = 0;
    c.livenessFailures = 0;
    c.lines = [];
    c.memory = parseBytes(c.app.memory) * 0.35;
    c.disk = Math.max(c.disk, parseBytes(c.app.disk));
    c.processes = c.app.processes ?? RUNTIME_PROCESSES[c.app.runtime];
    // A new container is a new cgroup: cAdvisor's counters start again.
    c.cpuSeconds = 0;
    c.cfsPeriods = 0;
    c.cfsThrottled = 0;
    c.oomEvents = 0;
    c.upAt = undefined;
    rt.statusDirty = true;
    this.event(rt, c.name, 'Normal', 'Started', `Started container ${c.name}`);
    const instance = c.instance;
    const live = () => this.alive(rt) && c.instance === instance && c.state === 'running';
    const port = (c.spec.ports as Json[] | undefined)?.[0]?.containerPort as number | undefined;

    // Application start.
    const startupMs = rng.around(parseDurationMs(c.app.startup), 0.3);
    const cfg = this.configValue(rt, c);
    if (cfg && !cfg.valid) {
      const crashAt = rng.int(300, 1500);
      this.sim.after(crashAt, () => {
        if (!live()) return;
        this.log(rt, c, configPanicLines(c.app, cfg.name, cfg.value));
        this.exited(rt, c, {
          exitCode: panicExitCode(c.app),
          reason: 'Error',
          startedAt: c.startedAt!,
          finishedAt: this.sim.clock.now,
          containerID,
        });
      });
      return;
    }
    this.sim.after(startupMs, () => {
      if (!live()) return;
      c.upAt = this.sim.clock.now;
      c.memory = parseBytes(c.app.memory);
      this.log(rt, c, startupLines(c.app, c.name, port));
      if (!c.spec.readinessProbe) c.ready = true;
      rt.statusDirty = true;
    });
    if (c.app.type === 'batch') {
      this.sim.after(startupMs + rng.around(parseDurationMs(c.app.runFor), 0.2), () => {
        if (!live()) return;
        this.log(rt, c, batchEndLines(c.app.exitCode));
        this.exited(rt, c, {
          exitCode: c.app.exitCode,
          reason: c.app.exitCode === 0 ? 'Completed' : 'Error',
          startedAt: c.startedAt!,
          finishedAt: this.sim.clock.now,
          containerID,
        });
      });
    }
    // Routine activity, memory growth and OOM.
    const every = parseDurationMs(c.app.logEvery);
    const tick = () => {
      if (!live()) return;
      this.appTick(rt, c, containerID);
      if (live()) this.sim.after(rng.around(every, 0.4) + 500, tick);
    };
    this.sim.after(startupMs + rng.int(1000, every), tick);
    this.sim.after(5000, () => this.memoryTick(rt, c, instance, containerID));
    // Probes start after their initial delay, with jitter.
    for (const kind of ['startup', 'readiness', 'liveness'] as const) {
      const probe = c.spec[`${kind}Probe`] as Json | undefined;
      if (!probe) continue;
      const period = (probe.periodSeconds ?? 10) * 1000;
      const first = (probe.initialDelaySeconds ?? 0) * 1000 + rng.int(0, period);
      const run = () => {
        if (!live()) return;
        this.probe(rt, c, kind, probe, containerID);
        if (live()) this.sim.after(period, run);
      };
      this.sim.after(first, run);
    }
  }

  /** The configuration value the app validates, from its env or from its mounted ConfigMap. */
  private configValue(
    rt: PodRuntime,
    c: ContainerRuntime,
  ): { name: string; value: string; valid: boolean } | null {
    const cfg = c.app.config;
    if (!cfg) return null;
    let name: string;
    let value: string;
    if (cfg.env !== undefined) {
      name = cfg.env;
      value = c.env[cfg.env] ?? '';
    } else {
      const ref = cfg.configMap!;
      name = ref.key;
      const cm = this.sim.api.get('ConfigMap', rt.namespace, ref.name) as
        | (KubeObject & { data?: Record<string, string> })
        | undefined;
      value = cm?.data?.[ref.key] ?? '';
    }
    return { name, value, valid: new RegExp(cfg.valid).test(value) };
  }

  /**
   * A ConfigMap changed: the kubelet refreshes the volumes that mount it at its next sync (up to
   * a minute and a half later, through its cache); apps that watch the file reload it then.
   */
  configMapChanged(namespace: string, name: string): void {
    if (this.lost) return;
    for (const rt of this.pods.values()) {
      if (rt.namespace !== namespace || rt.terminating) continue;
      const mounts = (((rt.pod.spec as Json).volumes as Json[] | undefined) ?? []).some(
        (v) => v.configMap?.name === name,
      );
      if (!mounts) continue;
      const delay = this.sim.rng.int(20_000, 90_000);
      for (const c of rt.containers) {
        const cfg = c.app.config;
        if (!cfg?.reload || cfg.configMap?.name !== name) continue;
        const instance = c.instance;
        this.sim.after(delay, () => {
          if (!this.alive(rt) || c.instance !== instance || c.state !== 'running' || c.upAt === undefined)
            return;
          const value = this.configValue(rt, c);
          this.log(rt, c, [configReloadLine(c.app, cfg.configMap!.key)]);
          if (value && !value.valid) {
            this.log(rt, c, configPanicLines(c.app, value.name, value.value));
            this.exited(rt, c, {
              exitCode: panicExitCode(c.app),
              reason: 'Error',
              startedAt: c.startedAt!,
              finishedAt: this.sim.clock.now,
              containerID: c.containerID!,
            });
          }
        });
      }
    }
  }

  private appTick(rt: PodRuntime, c: ContainerRuntime, _containerID: string): void {
    const { world, clock, rng, api } = this.sim;
    if (c.upAt === undefined || c.app.type === 'batch') {
      if (c.app.type === 'batch' && c.upAt !== undefined) this.log(rt, c, [routineLine(c.app, rng)]);
      return;
    }
    const failing = c.app.dependsOn
      .map((d) => ({ target: d, mode: world.dependency(d.split(':')[0] ?? d, clock.now) }))
      .filter((d) => d.mode !== null);
    if (failing.length > 0) {
      for (const f of failing) {
        const host = f.target.split(':')[0] ?? '';
        const svcName = host.split('.')[0] ?? '';
        const svcNs = host.split('.')[1] ?? rt.namespace;
        const ip =
          ((api.get('Service', svcNs, svcName)?.spec as Json | undefined)?.clusterIP as string | undefined) ??
          '10.96.0.1';
        this.log(rt, c, [dependencyErrorLine(c.app, f.target, f.mode!, ip)]);
      }
      return;
    }
    this.log(rt, c, [routineLine(c.app, rng)]);
  }

  private memoryTick(rt: PodRuntime, c: ContainerRuntime, instance: number, containerID: string): void {
    if (!this.alive(rt) || c.instance !== instance || c.state !== 'running') return;
    const { world, clock, rng } = this.sim;
    const rate = world.leakRate(rt.namespace, c.workload, c.name);
    const limit = c.spec.resources?.limits?.memory
      ? parseBytes(c.spec.resources.limits.memory)
      : Number.POSITIVE_INFINITY;
    if (c.upAt !== undefined) {
      if (rate > 0) c.memory += rate * 5;
      else c.memory = rng.around(parseBytes(c.app.memory), 0.03);
      const fill = world.diskFillRate(rt.namespace, c.workload, c.name);
      if (fill > 0) c.disk += Math.round(rng.around(fill * 5, 0.1));
      c.processes += world.pidLeakRate(rt.namespace, c.workload, c.name) * 5;
    }
    if (rate > 0 && c.memory > limit * 0.8 && rng.chance(0.15))
      this.log(rt, c, [memoryPressureLine(c.app, c.memory, limit)]);
    if (c.memory >= limit) {
      c.memory = limit;
      c.oomEvents++;
      this.exited(rt, c, {
        exitCode: 137,
        reason: 'OOMKilled',
        startedAt: c.startedAt!,
        finishedAt: clock.now,
        containerID,
      });
      return;
    }
    this.sim.after(5000, () => this.memoryTick(rt, c, instance, containerID));
  }

  private probe(
    rt: PodRuntime,
    c: ContainerRuntime,
    kind: 'startup' | 'readiness' | 'liveness',
    probe: Json,
    containerID: string,
  ): void {
    const { world, clock } = this.sim;
    // The startup probe runs until it first succeeds; the others wait for it.
    if ((kind === 'startup') === c.started) return;
    const http = probe.httpGet as Json;
    const url = `http://${rt.podIP}:${http.port}${http.path}`;
    let failure: string | null = null;
    if (c.upAt === undefined)
      failure = `Get "${url}": dial tcp ${rt.podIP}:${http.port}: connect: connection refused`;
    else if (world.probeFailing(rt.namespace, c.workload, c.name, kind, clock.now))
      failure = 'HTTP probe failed with statuscode: 503';
    const label = kind === 'readiness' ? 'Readiness' : kind === 'startup' ? 'Startup' : 'Liveness';
    if (failure) {
      this.event(rt, c.name, 'Warning', 'Unhealthy', `${label} probe failed: ${failure}`);
      if (kind === 'readiness') {
        c.readinessFailures++;
        if (c.ready && c.readinessFailures >= (probe.failureThreshold ?? 3)) {
          c.ready = false;
          rt.statusDirty = true;
        }
      } else {
        c.livenessFailures++;
        if (c.livenessFailures >= (probe.failureThreshold ?? 3)) {
          this.event(
            rt,
            c.name,
            'Normal',
            'Killing',
            `Container ${c.name} failed ${kind} probe, will be restarted`,
          );
          const grace = Math.min(((rt.pod.spec as Json).terminationGracePeriodSeconds ?? 30) * 1000, 2000);
          const instance = c.instance;
          c.ready = false;
          rt.statusDirty = true;
          this.sim.after(grace, () => {
            if (!this.alive(rt) || c.instance !== instance || c.state !== 'running') return;
            this.log(rt, c, [shutdownLine(c.app)]);
            this.exited(rt, c, {
              exitCode: 143,
              reason: 'Error',
              startedAt: c.startedAt!,
              finishedAt: this.sim.clock.now,
              containerID,
            });
          });
        }
      }
      return;
    }
    if (kind === 'readiness') {
      c.readinessFailures = 0;
      if (!c.ready) {
        c.ready = true;
        rt.statusDirty = true;
      }
    } else if (kind === 'startup') {
      c.livenessFailures = 0;
      c.started = true;
      rt.statusDirty = true;
    } else {
      c.livenessFailures = 0;
    }
  }

  private log(rt: PodRuntime, c: ContainerRuntime, lines: LogLine[]): void {
    if (this.lost) return;
    for (const l of lines) {
      const ts = this.sim.clock.stamp();
      c.lines.push({ ts, line: l.line, stream: l.stream });
      if (c.lines.length > 40) c.lines.shift();
      this.sim.sink.push({
        type: 'log',
        ts,
        namespace: rt.namespace,
        pod: rt.name,
        podUid: rt.uid,
        container: c.name,
        node: this.nodeName,
        line: l.line,
        stream: l.stream,
        previous: false,
      });
    }
  }

  /** A container exited: record it, then restart it (with back-off) or leave it terminated. */
  private exited(
    rt: PodRuntime,
    c: ContainerRuntime,
    t: {
      exitCode: number;
      reason: string;
      message?: string;
      startedAt: number;
      finishedAt: number;
      containerID: string;
    },
  ): void {
    const { rng } = this.sim;
    const ranFor = t.startedAt === 0 ? 0 : t.finishedAt - t.startedAt;
    c.processes = 0;
    c.state = 'terminated';
    c.terminated = t.startedAt === 0 ? { ...t, startedAt: 0 } : t;
    c.ready = false;
    c.started = false;
    c.upAt = undefined;
    c.instance++;
    rt.statusDirty = true;
    if (rt.terminating || rt.evicted) return;
    const restarts = rt.restartPolicy === 'Always' || (rt.restartPolicy === 'OnFailure' && t.exitCode !== 0);
    if (!restarts) return;
    if (ranFor >= BACKOFF_RESET_MS) c.backoffMs = 0;
    const previousLines = [...c.lines];
    const restart = () => {
      if (!this.alive(rt) || rt.terminating) return;
      if (c.terminated) c.last = c.terminated;
      c.terminated = undefined;
      c.restartCount++;
      // What `kubectl logs --previous` returns once the container has restarted.
      for (const l of previousLines.slice(-20)) {
        this.sim.sink.push({
          type: 'log',
          ts: l.ts,
          namespace: rt.namespace,
          pod: rt.name,
          podUid: rt.uid,
          container: c.name,
          node: this.nodeName,
          line: l.line,
          stream: l.stream,
          previous: true,
        });
      }
      this.ensureImage(rt, c, () => this.runContainer(rt, c));
    };
    if (c.backoffMs === 0) {
      // The first failure is not in back-off yet: restarted at the next sync.
      c.backoffMs = INITIAL_BACKOFF_MS;
      this.sim.after(rng.int(800, 2000), restart);
      return;
    }
    const delay = c.backoffMs;
    c.backoffMs = Math.min(c.backoffMs * 2, MAX_BACKOFF_MS);
    const backOffEvent = () =>
      this.event(
        rt,
        c.name,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${c.name} in pod ${rt.name}_${rt.namespace}(${rt.uid})`,
      );
    const instance = c.instance;
    this.sim.after(rng.int(500, 1500), () => {
      if (!this.alive(rt) || rt.terminating || c.instance !== instance) return;
      c.last = c.terminated;
      c.terminated = undefined;
      c.state = 'waiting';
      c.reason = 'CrashLoopBackOff';
      c.message = `back-off ${formatBackoff(delay)} restarting failed container=${c.name} pod=${rt.name}_${rt.namespace}(${rt.uid})`;
      rt.statusDirty = true;
      backOffEvent();
      // Pod syncs during the back-off report it again.
      for (let at = rng.int(10_000, 20_000); at < delay - 2000; at += rng.int(10_000, 20_000)) {
        this.sim.after(at, () => {
          if (this.alive(rt) && c.instance === instance && c.reason === 'CrashLoopBackOff') backOffEvent();
        });
      }
      this.sim.after(delay, () => {
        if (c.instance === instance) restart();
      });
    });
  }

  /** Kill a pod's containers: on deletion (graceful) or eviction. */
  terminate(rt: PodRuntime, why: 'delete' | 'evict'): void {
    rt.terminating = true;
    rt.statusDirty = true;
    const { rng } = this.sim;
    for (const c of rt.containers) {
      if (c.state !== 'running') {
        if (c.state === 'waiting') {
          c.state = 'terminated';
          c.terminated = {
            exitCode: why === 'evict' ? 137 : 0,
            reason: why === 'evict' ? 'Error' : 'Completed',
            startedAt: 0,
            finishedAt: this.sim.clock.now,
            containerID: c.containerID ?? '',
          };
        }
        continue;
      }
      this.event(rt, c.name, 'Normal', 'Killing', `Stopping container ${c.name}`);
      const instance = c.instance;
      this.sim.after(rng.int(300, 2500), () => {
        if (c.instance !== instance || c.state !== 'running' || this.lost) return;
        this.log(rt, c, [shutdownLine(c.app)]);
        c.state = 'terminated';
        c.processes = 0;
        c.terminated = {
          exitCode: why === 'evict' ? 137 : 0,
          reason: why === 'evict' ? 'Error' : 'Completed',
          startedAt: c.startedAt!,
          finishedAt: this.sim.clock.now,
          containerID: c.containerID!,
        };
        c.ready = false;
        c.started = false;
        c.instance++;
        rt.statusDirty = true;
      });
    }
    if (why === 'delete') {
      this.sim.after(3000, () => this.finishDeletion(rt));
    }
  }

  private finishDeletion(rt: PodRuntime): void {
    if (rt.removed || this.lost) return;
    if (rt.containers.some((c) => c.state === 'running')) {
      this.sim.after(1000, () => this.finishDeletion(rt));
      return;
    }
    this.flushPod(rt);
    const pod = this.sim.api.get('Pod', rt.namespace, rt.name);
    if (pod && pod.metadata.uid === rt.uid) {
      this.sim.api.remove(pod, this.actor, {
        requestObject: {
          kind: 'DeleteOptions',
          apiVersion: 'meta.k8s.io/__internal',
          gracePeriodSeconds: 0,
          preconditions: { uid: rt.uid },
        },
      });
    }
    rt.removed = true;
    this.pods.delete(rt.uid);
  }

  /**
   * The node comes back after being lost (a reboot): containers did not survive, so every pod still
   * bound here gets a new sandbox and its containers restart; pods deleted meanwhile are finished.
   */
  reboot(): void {
    this.identify(() => this.sim.rng.uuid());
    this.sim.recorder.record(
      this.source(),
      this.nodeRef(),
      'Warning',
      'Rebooted',
      `Node ${this.nodeName} has been rebooted, boot id: ${this.bootId}`,
    );
    this.sim.recorder.record(this.source(), this.nodeRef(), 'Normal', 'Starting', 'Starting kubelet.');
    this.reportNodeStatus(true);
    this.sim.recorder.record(
      this.source(),
      this.nodeRef(),
      'Normal',
      'NodeReady',
      `Node ${this.nodeName} status is now: NodeReady`,
    );
    const bound = this.sim.api.list('Pod').filter((p) => (p.spec as Json).nodeName === this.nodeName);
    const uids = new Set(bound.map((p) => p.metadata.uid));
    for (const [uid, rt] of this.pods) {
      if (!uids.has(uid)) {
        rt.removed = true;
        this.pods.delete(uid);
      }
    }
    for (const pod of bound) {
      const rt = this.pods.get(pod.metadata.uid!);
      if (!rt) continue;
      rt.pod = pod;
      if (pod.metadata.deletionTimestamp) {
        for (const c of rt.containers) {
          c.state = 'terminated';
          c.terminated = {
            exitCode: 255,
            reason: 'Unknown',
            startedAt: c.startedAt ?? 0,
            finishedAt: this.sim.clock.now,
            containerID: c.containerID ?? '',
          };
          c.instance++;
        }
        rt.terminating = true;
        this.finishDeletion(rt);
        continue;
      }
      this.event(
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
          c.terminated = {
            exitCode: 255,
            reason: 'Unknown',
            startedAt: c.startedAt ?? 0,
            finishedAt: this.sim.clock.now,
            containerID: c.containerID ?? '',
          };
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
      this.sim.after(this.sim.rng.int(1000, 4000), () => this.createSandbox(rt));
    }
  }

  // ---------------------------------------------------------------- eviction

  /**
   * The eviction manager's loop (and the image garbage collector's): memory pressure as injected by
   * the scenario; disk and PID pressure from what the node's pods and processes use. Under pressure,
   * one pod is evicted per interval until the signal is back above its threshold.
   */
  evictionTick(): void {
    if (this.lost) return;
    const { clock } = this.sim;
    const h = this.health;
    this.observeSignal('disk');
    this.observeSignal('pid');
    if (clock.now - this.lastImageGc >= IMAGE_GC_PERIOD_MS) {
      this.lastImageGc = clock.now;
      this.garbageCollectImages();
    }
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
          this.nodeEvent('NodeHasSufficientMemory');
          this.reportNodeStatus(true);
        }
        continue;
      }
      const victim = this.rankVictims()[0];
      if (!victim) continue;
      this.lastEviction = clock.now;
      this.sim.recorder.record(
        this.source(),
        this.nodeRef(),
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
    let used = parseBytes(this.spec.diskUsed) + this.health.diskExtra;
    for (const ref of this.images) used += imageSize(ref);
    for (const rt of this.pods.values()) for (const c of rt.containers) used += c.disk;
    return NODEFS_CAPACITY_BYTES - used;
  }

  /** PIDs free under the node's pid_max. */
  pidsAvailable(): number {
    let used = HOST_PROCESSES + this.health.pidExtra;
    for (const rt of this.pods.values()) for (const c of rt.containers) used += c.processes;
    return this.spec.pidMax - used;
  }

  private threshold(signal: 'disk' | 'pid'): number {
    return signal === 'disk'
      ? Math.floor(NODEFS_CAPACITY_BYTES * NODEFS_EVICTION_FRACTION)
      : Math.floor(this.spec.pidMax * PID_EVICTION_FRACTION);
  }

  private available(signal: 'disk' | 'pid'): number {
    return signal === 'disk' ? this.diskAvailable() : this.pidsAvailable();
  }

  /** DiskPressure / PIDPressure on while the signal is under its threshold, off 5 minutes after. */
  private observeSignal(signal: 'disk' | 'pid'): void {
    const { clock } = this.sim;
    const h = this.health;
    if (this.available(signal) < this.threshold(signal)) {
      this.thresholdMetAt.set(signal, clock.now);
      if (h.pressure.has(signal)) return;
      h.pressure.add(signal);
      h.pressureSince.set(signal, clock.now);
      this.nodeEvent(signal === 'disk' ? 'NodeHasDiskPressure' : 'NodeHasInsufficientPID');
      this.reportNodeStatus(true);
    } else if (
      h.pressure.has(signal) &&
      clock.now - (this.thresholdMetAt.get(signal) ?? 0) >= PRESSURE_TRANSITION_MS
    ) {
      h.pressure.delete(signal);
      h.pressureSince.delete(signal);
      this.nodeEvent(signal === 'disk' ? 'NodeHasNoDiskPressure' : 'NodeHasSufficientPID');
      this.reportNodeStatus(true);
    }
  }

  /**
   * Reclaim ephemeral storage or PIDs: node-level resources first (unused images), then the pod
   * ranked first is evicted, with the message the eviction manager writes.
   */
  private reclaim(signal: 'disk' | 'pid'): void {
    const { clock } = this.sim;
    const threshold = this.threshold(signal);
    if (this.available(signal) >= threshold) return;
    // The pressure condition (and the node's taint) come first; the eviction manager acts at its
    // next pass.
    if ((this.health.pressureSince.get(signal) ?? clock.now) >= clock.now) return;
    this.lastEviction = clock.now;
    const resource = signal === 'disk' ? 'ephemeral-storage' : 'pids';
    this.sim.recorder.record(
      this.source(),
      this.nodeRef(),
      'Warning',
      'EvictionThresholdMet',
      `Attempting to reclaim ${resource}`,
    );
    if (signal === 'disk') {
      this.deleteUnusedImages();
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

  /** The image garbage collector's periodic run: FreeDiskSpaceFailed, then ImageGCFailed on repeats. */
  private garbageCollectImages(): void {
    const available = this.diskAvailable();
    const usagePercent = 100 - Math.floor((available * 100) / NODEFS_CAPACITY_BYTES);
    if (usagePercent < IMAGE_GC_HIGH_PERCENT) {
      this.imageGcFailed = false;
      return;
    }
    const amountToFree = Math.floor((NODEFS_CAPACITY_BYTES * (100 - IMAGE_GC_LOW_PERCENT)) / 100) - available;
    const freed = this.deleteUnusedImages();
    if (freed >= amountToFree) {
      this.imageGcFailed = false;
      return;
    }
    const message = `Failed to garbage collect required amount of images. Attempted to free ${amountToFree} bytes, but only found ${freed} bytes eligible to free.`;
    this.sim.recorder.record(this.source(), this.nodeRef(), 'Warning', 'FreeDiskSpaceFailed', message);
    // kubelet.go reports the image GC's error as an event only when it failed the time before too.
    if (this.imageGcFailed)
      this.sim.recorder.record(this.source(), this.nodeRef(), 'Warning', 'ImageGCFailed', message);
    this.imageGcFailed = true;
  }

  /** Remove the images no container on the node uses; returns the bytes freed. */
  private deleteUnusedImages(): number {
    const inUse = new Set<string>();
    for (const rt of this.pods.values())
      for (const c of rt.containers) inUse.add(normalizeImage(c.spec.image as string));
    let freed = 0;
    for (const ref of [...this.images].sort()) {
      if (inUse.has(ref)) continue;
      this.images.delete(ref);
      freed += imageSize(ref);
    }
    return freed;
  }

  private evictionCandidates(): PodRuntime[] {
    return [...this.pods.values()].filter(
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
    const available = `${this.sim.rng.int(60_000, 99_000)}Ki`;
    const message = `The node was low on resource: ${resource}. Threshold quantity: 100Mi, available: ${available}. ${worst ? `Container ${worst.name} was using ${usage}, request is ${request}, has larger consumption of ${resource}. ` : ''}`;
    this.evictWith(rt, message, resource);
  }

  private evictWith(rt: PodRuntime, message: string, resource: string): void {
    rt.evicted = { message, resource };
    this.event(rt, undefined, 'Warning', 'Evicted', message);
    this.terminate(rt, 'evict');
    rt.statusDirty = true;
  }

  // ---------------------------------------------------------------- status

  /** Write the status of every pod whose state changed (the status manager's patch). */
  flush(): void {
    if (this.lost) return;
    for (const rt of this.pods.values()) if (rt.statusDirty) this.flushPod(rt);
  }

  private flushPod(rt: PodRuntime): void {
    rt.statusDirty = false;
    const { api, clock } = this.sim;
    const pod = api.get('Pod', rt.namespace, rt.name);
    if (!pod || pod.metadata.uid !== rt.uid) return;
    const now = clock.iso();
    const prev = (pod.status as Json) ?? {};
    const gen = pod.metadata.generation;
    const statuses = rt.containers.map(containerStatusJson);
    const unready = rt.containers.filter((c) => !c.ready).map((c) => c.name);
    const allTerminated = rt.containers.every((c) => c.state === 'terminated');
    const allSucceeded = allTerminated && rt.containers.every((c) => c.terminated?.exitCode === 0);
    let phase: string;
    if (rt.evicted) phase = 'Failed';
    else if (allTerminated && rt.restartPolicy !== 'Always' && !rt.terminating)
      phase = allSucceeded ? 'Succeeded' : rt.restartPolicy === 'Never' ? 'Failed' : 'Running';
    else if (rt.containers.some((c) => c.state === 'running' || c.restartCount > 0 || c.last))
      phase = 'Running';
    else if (allTerminated && rt.terminating)
      phase = prev.phase === 'Pending' ? 'Pending' : (prev.phase ?? 'Running');
    else phase = 'Pending';
    const completed = phase === 'Succeeded' || (phase === 'Failed' && !rt.evicted);
    let conditions = (prev.conditions as Json[] | undefined) ?? [];
    const set = (type: string, ok: boolean, reason?: string, message?: string) => {
      conditions = setCondition(
        conditions,
        {
          type,
          status: ok ? 'True' : 'False',
          reason: ok ? undefined : reason,
          message: ok ? undefined : message,
        },
        now,
        { probeTime: true },
      );
    };
    if (rt.evicted) {
      conditions = setCondition(
        conditions,
        {
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'TerminationByKubelet',
          message: rt.evicted.message,
        },
        now,
        { probeTime: true },
      );
    }
    set(
      'PodReadyToStartContainers',
      rt.sandboxReady && !(allTerminated && (rt.terminating || rt.restartPolicy !== 'Always')),
    );
    if (completed) {
      conditions = setCondition(
        conditions,
        { type: 'Initialized', status: 'True', reason: 'PodCompleted' },
        now,
        { probeTime: true },
      );
      conditions = setCondition(conditions, { type: 'Ready', status: 'False', reason: 'PodCompleted' }, now, {
        probeTime: true,
      });
      conditions = setCondition(
        conditions,
        { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' },
        now,
        { probeTime: true },
      );
    } else {
      set('Initialized', true);
      const msg = `containers with unready status: [${unready.join(' ')}]`;
      set('Ready', unready.length === 0, 'ContainersNotReady', msg);
      set('ContainersReady', unready.length === 0, 'ContainersNotReady', msg);
    }
    const order = [
      'DisruptionTarget',
      'PodReadyToStartContainers',
      'Initialized',
      'Ready',
      'ContainersReady',
      'PodScheduled',
    ];
    conditions = conditions
      .map((c): Json => ({ ...c, observedGeneration: gen }))
      .sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
    const status: Json = {
      conditions,
      containerStatuses: statuses,
      hostIP: this.ip,
      hostIPs: [{ ip: this.ip }],
      observedGeneration: gen,
      phase,
      ...(rt.podIP && !rt.evicted ? { podIP: rt.podIP, podIPs: [{ ip: rt.podIP }] } : {}),
      qosClass: prev.qosClass ?? qosClass(pod.spec as Json),
      startTime: prev.startTime ?? clock.iso(rt.admittedAt),
      ...(rt.evicted ? { message: rt.evicted.message, reason: 'Evicted' } : {}),
    };
    api.update({ ...pod, status }, this.actor, {
      subresource: 'status',
      verb: 'patch',
      requestObject: { status },
    });
  }
}

function parseDurationMs(text: string | number): number {
  if (typeof text === 'number') return text * 1000;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
    const n = Number(m[1]);
    total += n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms'] ?? 1000);
  }
  return total;
}

/** A reference containerd can parse: lower-case repository path, optional tag and digest. */
export function isValidImageReference(image: string): boolean {
  return /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/.test(
    image,
  );
}

/** Back-off as Go's time.Duration prints it: `10s`, `1m20s`, `5m0s`. */
export function formatBackoff(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${s % 60}s`;
}

/** Filesystem usage as statfs reports it: whole 4 KiB blocks. */
function blocks(bytes: number): number {
  return Math.max(0, Math.floor(bytes / 4096) * 4096);
}

function formatUsage(bytes: number): string {
  return `${Math.round(bytes / 1024)}Ki`;
}

export { formatBytes };
