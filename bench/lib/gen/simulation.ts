// The generator: a deterministic cluster whose pods go through their lifecycles (scheduling,
// start, readiness flips, crash loops, rollouts, deletion) while the cluster emits events, audit
// entries, log lines and scrapes. It yields exactly `records` observations in recorded order.

import { CONTROLLERS, FAILURE_REASONS, SYSTEM_NAMESPACES, USERS } from './catalog.ts';
import {
  type AppState,
  type ConfigMapState,
  type ContainerStatus,
  configMapJson,
  deploymentJson,
  type Json,
  makeApp,
  makeConfigMap,
  makeLeaderConfigMap,
  makeNode,
  makeReplicaSet,
  type NodeState,
  nodeJson,
  type PodState,
  podJson,
  type ReplicaCounts,
  type ReplicaSetState,
  replicaSetJson,
  replicaSetName,
  serviceJson,
} from './kube.ts';
import type { Observation } from './observation.ts';
import { Rng } from './prng.ts';
import { cgroupId, crashLines, logLine } from './telemetry.ts';
import { isoMicros, isoSeconds } from './time.ts';

export const MIX_SOURCES = ['object', 'event', 'audit', 'log', 'metric'] as const;
export type MixSource = (typeof MIX_SOURCES)[number];
export type Mix = Record<MixSource, number>;

/**
 * Share of records per source. Objects are a third (watch traffic of a churning cluster), logs and
 * audit a quarter each, metrics a selection of kube-state-metrics and cAdvisor series, events few.
 */
export const DEFAULT_MIX: Mix = { object: 0.3, event: 0.05, audit: 0.25, log: 0.25, metric: 0.15 };

export interface GeneratorOptions {
  seed: number;
  records: number;
  mix?: Mix;
  /** Records per second of simulated time; the window grows with `records`. */
  rate?: number;
  /** Share of audit entries written at RequestResponse level (writes); the rest are Metadata. */
  requestResponseShare?: number;
}

export const START_MS = Date.UTC(2026, 2, 1, 10, 0, 0);

interface EventState {
  name: string;
  uid: string;
  namespace: string;
  first: number;
  count: number;
  rv: number;
  created: number;
}

export function clusterSize(records: number): { apps: number; nodes: number } {
  const apps = Math.min(400, Math.max(6, Math.round(records / 2500)));
  return { apps, nodes: Math.min(50, Math.max(3, Math.ceil(apps / 8))) };
}

export function* generateObservations(options: GeneratorOptions): Generator<Observation> {
  const sim = new Simulation(options);
  yield* sim.run();
}

class Simulation {
  private readonly rng: Rng;
  private now = START_MS;
  private rv = 48_213_077;
  private readonly mix: number[];
  private readonly gap: number;
  private readonly rrShare: number;
  private readonly nodes: NodeState[] = [];
  private readonly apps: AppState[] = [];
  private readonly pods: PodState[] = [];
  private readonly podIndex = new Map<PodState, number>();
  private readonly configMaps: ConfigMapState[] = [];
  private readonly leaders: ConfigMapState[] = [];
  private readonly events = new Map<string, EventState>();
  private readonly queue: Observation[] = [];
  private readonly scrape: Observation[] = [];
  private readonly previousLines: Observation[] = [];
  private readonly credentialIds = new Map<string, string>();

  constructor(private readonly options: GeneratorOptions) {
    this.rng = new Rng(options.seed);
    const mix = options.mix ?? DEFAULT_MIX;
    this.mix = MIX_SOURCES.map((s) => mix[s]);
    this.gap = 1000 / (options.rate ?? 250);
    this.rrShare = options.requestResponseShare ?? 0.12;
  }

  *run(): Generator<Observation> {
    const total = this.options.records;
    if (total <= 0) return;
    const size = clusterSize(total);
    this.build(size.apps, size.nodes);
    let emitted = 0;
    yield {
      t: 'marker',
      ts: isoMicros(this.now),
      marker: 'recording-start',
      detail: 'kstory bench generator',
    };
    emitted++;
    // A recorder starts with a list of everything, then watches.
    for (const o of this.snapshot()) {
      if (emitted >= total - 1) break;
      yield o;
      emitted++;
    }
    while (emitted < total - 1) {
      this.now += this.rng.exp(this.gap);
      yield this.next();
      emitted++;
    }
    if (emitted < total)
      yield { t: 'marker', ts: isoMicros(this.now), marker: 'recording-stop', detail: `${total} records` };
  }

  private nextRv(): number {
    this.rv += this.rng.int(1, 40);
    return this.rv;
  }

  private build(appCount: number, nodeCount: number): void {
    const rng = this.rng;
    for (let i = 0; i < nodeCount; i++)
      this.nodes.push(makeNode(rng, i, this.now - rng.int(2, 40) * 86_400_000, this.nextRv()));
    for (let i = 0; i < appCount; i++) {
      const app = makeApp(rng, i, this.now - rng.int(5, 300) * 86_400_000, this.nextRv());
      app.current.created = this.now - rng.int(1, 20) * 86_400_000;
      this.apps.push(app);
      for (const name of app.configMaps)
        this.configMaps.push(makeConfigMap(rng, app, name, app.created, this.nextRv()));
      for (let r = 0; r < app.replicas; r++) {
        const pod = this.newPod(app, app.current);
        this.settle(pod, app.current.created + rng.int(0, 3_600_000));
      }
    }
    for (const ns of SYSTEM_NAMESPACES) {
      for (const name of ['controller-leader', 'operator-lock']) {
        this.leaders.push(
          makeLeaderConfigMap(
            rng,
            ns,
            `${ns}-${name}`,
            this.now - rng.int(1, 30) * 86_400_000,
            this.nextRv(),
          ),
        );
      }
    }
  }

  private *snapshot(): Generator<Observation> {
    const listed = (object: Json): Observation => {
      this.now += 0.05 + this.rng.next() * 0.2;
      return { t: 'watch', ts: isoMicros(this.now), type: 'LISTED', object };
    };
    for (const n of this.nodes) yield listed(nodeJson(n));
    for (const app of this.apps) {
      yield listed(deploymentJson(app, this.counts(app, null), this.now, false));
      yield listed(replicaSetJson(app, app.current, this.counts(app, app.current), app.replicas));
      yield listed(serviceJson(app));
    }
    for (const c of [...this.configMaps, ...this.leaders]) yield listed(configMapJson(c));
    for (const p of this.pods) yield listed(podJson(p));
  }

  // --- pods -------------------------------------------------------------------------------------

  private newPod(app: AppState, rs: ReplicaSetState): PodState {
    const rng = this.rng;
    const status = (tpl: ContainerStatus['tpl'], init: boolean): ContainerStatus => ({
      tpl,
      init,
      state: 'waiting',
      reason: init ? 'PodInitializing' : 'ContainerCreating',
      message: null,
      exitCode: null,
      startedAt: null,
      finishedAt: null,
      containerId: null,
      ready: false,
      restartCount: 0,
      last: null,
      cpuSeconds: 0,
      memoryBytes: rng.int(20, 200) * 1_048_576,
      rxBytes: 0,
      txBytes: 0,
      pendingLines: [],
    });
    const crashLoop = rng.chance(0.08);
    const pod: PodState = {
      app,
      rs,
      name: `${replicaSetName(app, rs)}-${rng.suffix(5)}`,
      uid: rng.uuid(),
      created: this.now,
      rv: this.nextRv(),
      stage: 'new',
      node: null,
      podIp: null,
      wobbles: crashLoop ? rng.int(8, 40) : rng.weighted([4, 3, 2, 2, 1, 1, 1]),
      crashLoop,
      scheduledAt: null,
      initializedAt: null,
      readyChangedAt: null,
      sandboxAt: null,
      deletedAt: null,
      ready: false,
      init: rs.initContainers[0] ? status(rs.initContainers[0], true) : null,
      containers: rs.containers.map((c) => status(c, false)),
      apiAccessVolume: `kube-api-access-${rng.suffix(5)}`,
    };
    this.podIndex.set(pod, this.pods.length);
    this.pods.push(pod);
    app.pods.add(pod);
    return pod;
  }

  /** Put a pod of the initial cluster straight into its running, ready state. */
  private settle(pod: PodState, created: number): void {
    pod.created = created;
    pod.node = this.rng.pick(this.nodes);
    pod.node.pods.add(pod);
    pod.scheduledAt = created + 1000;
    pod.sandboxAt = created + 3000;
    pod.initializedAt = created + 9000;
    pod.readyChangedAt = created + 25_000;
    pod.podIp = this.podIp(pod.node);
    if (pod.init) this.terminate(pod.init, created + 3500, created + 9000, 'Completed', 0);
    for (const c of pod.containers) this.start(c, created + 10_000, true);
    pod.ready = true;
    pod.stage = 'ready';
  }

  private podIp(node: NodeState): string {
    return `10.244.${node.index}.${this.rng.int(2, 254)}`;
  }

  private start(c: ContainerStatus, at: number, ready: boolean): void {
    c.state = 'running';
    c.reason = null;
    c.message = null;
    c.exitCode = null;
    c.startedAt = at;
    c.finishedAt = null;
    c.containerId = `containerd://${this.rng.hex(64)}`;
    c.ready = ready;
  }

  private terminate(
    c: ContainerStatus,
    started: number,
    finished: number,
    reason: string,
    exitCode: number,
  ): void {
    c.state = 'terminated';
    c.reason = reason;
    c.exitCode = exitCode;
    c.startedAt = started;
    c.finishedAt = finished;
    c.containerId ??= `containerd://${this.rng.hex(64)}`;
    c.ready = false;
  }

  private removePod(pod: PodState): void {
    const index = this.podIndex.get(pod)!;
    const last = this.pods.pop()!;
    if (last !== pod) {
      this.pods[index] = last;
      this.podIndex.set(last, index);
    }
    this.podIndex.delete(pod);
    pod.app.pods.delete(pod);
    pod.node?.pods.delete(pod);
  }

  /** Move a pod one step through its lifecycle and return the watch event that step produces. */
  private advancePod(pod: PodState): Observation {
    const rng = this.rng;
    const now = this.now;
    let type: 'ADDED' | 'MODIFIED' | 'DELETED' = 'MODIFIED';
    const main = pod.containers[0]!;
    switch (pod.stage) {
      case 'new':
        type = 'ADDED';
        pod.stage = 'pending';
        break;
      case 'pending':
        pod.node = rng.pick(this.nodes);
        pod.node.pods.add(pod);
        pod.scheduledAt = now;
        pod.stage = 'scheduled';
        break;
      case 'scheduled':
        pod.sandboxAt = now;
        pod.podIp = this.podIp(pod.node!);
        if (pod.init) this.start(pod.init, now, false);
        else pod.initializedAt = now;
        pod.stage = 'creating';
        break;
      case 'creating':
        if (pod.init) {
          this.terminate(pod.init, pod.init.startedAt ?? now, now, 'Completed', 0);
          pod.initializedAt = now;
        }
        for (const c of pod.containers) this.start(c, now, false);
        pod.readyChangedAt = now;
        pod.stage = 'running';
        break;
      case 'running':
        for (const c of pod.containers) if (c.state === 'running') c.ready = true;
        pod.ready = pod.containers.every((c) => c.ready);
        pod.readyChangedAt = now;
        pod.stage = 'ready';
        break;
      case 'ready':
        if (pod.wobbles <= 0) {
          pod.deletedAt = now;
          pod.stage = 'terminating';
        } else if (pod.crashLoop || rng.chance(0.45)) {
          pod.wobbles--;
          const reason = rng.pick(FAILURE_REASONS);
          const exitCode =
            reason === 'OOMKilled' ? 137 : reason === 'ContainerCannotRun' ? 128 : rng.pick([1, 1, 2, 255]);
          main.last = {
            reason,
            exitCode,
            startedAt: main.startedAt ?? now,
            finishedAt: now,
            containerId: main.containerId ?? '',
          };
          main.restartCount++;
          main.state = 'waiting';
          main.reason = 'CrashLoopBackOff';
          const backoff = Math.min(300, 10 * 2 ** Math.min(main.restartCount - 1, 5));
          main.message = `back-off ${backoff >= 60 ? `${backoff / 60}m0s` : `${backoff}s`} restarting failed container=${main.tpl.name} pod=${pod.name}_${pod.app.namespace}(${pod.uid})`;
          main.ready = false;
          pod.ready = false;
          pod.readyChangedAt = now;
          pod.stage = 'backoff';
          for (const line of crashLines(rng, now, main, reason)) {
            this.previousLines.push(
              this.logObservation(pod, main, now - 1000 + rng.next() * 900, line, 'stderr', true),
            );
          }
        } else {
          pod.wobbles--;
          main.ready = false;
          pod.ready = false;
          pod.readyChangedAt = now;
          pod.stage = 'unready';
        }
        break;
      case 'backoff':
        this.start(main, now, false);
        pod.stage = 'running';
        break;
      case 'unready':
        main.ready = true;
        pod.ready = pod.containers.every((c) => c.ready);
        pod.readyChangedAt = now;
        pod.stage = 'ready';
        break;
      case 'terminating':
        for (const c of pod.containers) {
          const graceful = rng.chance(0.85);
          this.terminate(c, c.startedAt ?? now, now, graceful ? 'Completed' : 'Error', graceful ? 0 : 143);
        }
        pod.ready = false;
        pod.readyChangedAt = now;
        pod.stage = 'killed';
        break;
      case 'killed':
        type = 'DELETED';
        this.removePod(pod);
        this.replenish(pod.app);
        break;
    }
    pod.rv = this.nextRv();
    return { t: 'watch', ts: isoMicros(now), type, object: podJson(pod) };
  }

  /** The ReplicaSet controller's job: keep `replicas` pods that are not terminating. */
  private replenish(app: AppState): void {
    let live = 0;
    for (const p of app.pods) if (p.deletedAt === null) live++;
    for (let i = live; i < app.replicas; i++) this.newPod(app, app.current);
  }

  private counts(app: AppState, rs: ReplicaSetState | null): ReplicaCounts {
    let replicas = 0;
    let ready = 0;
    let updated = 0;
    for (const p of app.pods) {
      if (rs && p.rs !== rs) continue;
      replicas++;
      if (p.ready) ready++;
      if (p.rs === app.current) updated++;
    }
    return { replicas, ready, available: ready, updated };
  }

  // --- the record stream --------------------------------------------------------------------------

  private next(): Observation {
    const queued = this.queue.shift();
    if (queued) return queued;
    switch (this.rng.weighted(this.mix)) {
      case 0:
        return this.objectRecord();
      case 1:
        return this.eventRecord();
      case 2:
        return this.auditRecord();
      case 3:
        return this.logRecord();
      default:
        return this.metricRecord();
    }
  }

  private objectRecord(): Observation {
    const rng = this.rng;
    const which = rng.weighted([80, 5, 5, 5, 1, 4]);
    const app = rng.pick(this.apps);
    const now = this.now;
    const watch = (object: Json, type: 'ADDED' | 'MODIFIED' = 'MODIFIED'): Observation => ({
      t: 'watch',
      ts: isoMicros(now),
      type,
      object,
    });
    if (which === 0 || (which === 1 && app.pods.size === 0)) {
      return this.advancePod(rng.pick(this.pods));
    }
    if (which === 1) {
      const rs = app.old && rng.chance(0.3) ? app.old : app.current;
      rs.rv = this.nextRv();
      const desired = rs === app.current ? app.replicas : 0;
      if (rs === app.old && this.counts(app, app.old).replicas === 0) app.old = null;
      return watch(replicaSetJson(app, rs, this.counts(app, rs), desired));
    }
    if (which === 2) {
      app.rv = this.nextRv();
      if (!app.old && rng.chance(0.2)) {
        // A rollout: new ReplicaSet, old pods retire as new ones come up.
        const version = `v${rng.int(1, 4)}.${rng.int(0, 40)}.${rng.int(0, 12)}`;
        app.old = app.current;
        app.current = makeReplicaSet(rng, app, version, app.old.revision + 1, now, this.nextRv());
        app.generation++;
        for (const p of app.pods) p.wobbles = Math.min(p.wobbles, rng.int(0, 1));
        this.newPod(app, app.current);
        this.queue.push(
          watch(replicaSetJson(app, app.current, this.counts(app, app.current), app.replicas), 'ADDED'),
        );
        return watch(deploymentJson(app, this.counts(app, null), now, true));
      }
      return watch(deploymentJson(app, this.counts(app, null), now, app.old !== null));
    }
    if (which === 3) {
      const node = rng.pick(this.nodes);
      node.heartbeat = now;
      node.rv = this.nextRv();
      if (rng.chance(0.05)) {
        const image = rng.pick(this.apps).current.containers[0]!;
        node.images.unshift({
          names: [image.imageId, image.image],
          sizeBytes: rng.int(20_000_000, 900_000_000),
        });
        if (node.images.length > 50) node.images.pop();
      }
      return watch(nodeJson(node));
    }
    if (which === 4) {
      app.service.annotation++;
      app.service.rv = this.nextRv();
      return watch(serviceJson(app));
    }
    if (rng.chance(0.6)) {
      const c = rng.pick(this.leaders);
      c.leader!.renewed = now;
      c.rv = this.nextRv();
      return watch(configMapJson(c));
    }
    const c = rng.pick(this.configMaps);
    c.rv = this.nextRv();
    c.edits++;
    const key = Object.keys(c.data)[0]!;
    c.data[key] = c.data[key]!.replace(
      /(\d+)(\s*\n?)$/m,
      (_m, n: string, tail: string) => `${Number(n) + 1}${tail}`,
    );
    return watch(configMapJson(c));
  }

  // --- events -------------------------------------------------------------------------------------

  private eventRecord(): Observation {
    const rng = this.rng;
    const which = rng.weighted([75, 15, 7, 3]);
    if (which === 0) {
      const pod = rng.pick(this.pods);
      const main = pod.containers[0]!;
      const field = `spec.containers{${main.tpl.name}}`;
      const subject = {
        apiVersion: 'v1',
        kind: 'Pod',
        name: pod.name,
        namespace: pod.app.namespace,
        uid: pod.uid,
        resourceVersion: String(pod.rv),
      };
      const kubelet = pod.node ? { component: 'kubelet', host: pod.node.name } : null;
      switch (pod.stage) {
        case 'new':
        case 'pending':
          return rng.chance(0.3)
            ? this.event(
                subject,
                null,
                'Warning',
                'FailedScheduling',
                `0/${this.nodes.length} nodes are available: ${rng.int(1, 5)} Insufficient cpu, ${rng.int(1, 3)} node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }. preemption: 0/${this.nodes.length} nodes are available: ${this.nodes.length} No preemption victims found for incoming pod.`,
                { component: 'default-scheduler' },
              )
            : this.event(
                subject,
                null,
                'Normal',
                'Scheduled',
                `Successfully assigned ${pod.app.namespace}/${pod.name} to ${pod.node?.name ?? rng.pick(this.nodes).name}`,
                { component: 'default-scheduler' },
              );
        case 'scheduled':
        case 'creating': {
          const reason = rng.pick(['Pulling', 'Pulled', 'Created', 'Started']);
          const message =
            reason === 'Pulling'
              ? `Pulling image "${main.tpl.image}"`
              : reason === 'Pulled'
                ? `Successfully pulled image "${main.tpl.image}" in ${rng.int(300, 9000)}ms (${rng.int(300, 9000)}ms including waiting). Image size: ${rng.int(10_000_000, 400_000_000)} bytes.`
                : `${reason} container ${main.tpl.name}`;
          return this.event(subject, field, 'Normal', reason, message, kubelet);
        }
        case 'backoff':
          return this.event(
            subject,
            field,
            'Warning',
            'BackOff',
            `Back-off restarting failed container ${main.tpl.name} in pod ${pod.name}_${pod.app.namespace}(${pod.uid})`,
            kubelet,
          );
        case 'terminating':
        case 'killed':
          return this.event(
            subject,
            field,
            'Normal',
            'Killing',
            `Stopping container ${main.tpl.name}`,
            kubelet,
          );
        default:
          if (pod.crashLoop) {
            return this.event(
              subject,
              field,
              'Warning',
              'Unhealthy',
              `Liveness probe failed: Get "http://${pod.podIp}:${pod.app.image.port}/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
              kubelet,
            );
          }
          return this.event(
            subject,
            field,
            'Warning',
            'Unhealthy',
            `Readiness probe failed: HTTP probe failed with statuscode: ${rng.pick([500, 503, 503])}`,
            kubelet,
          );
      }
    }
    const app = rng.pick(this.apps);
    if (which === 1) {
      const rs = app.current;
      const pod = [...app.pods].at(-1);
      const subject = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: replicaSetName(app, rs),
        namespace: app.namespace,
        uid: rs.uid,
        resourceVersion: String(rs.rv),
      };
      return rng.chance(0.6)
        ? this.event(
            subject,
            null,
            'Normal',
            'SuccessfulCreate',
            `Created pod: ${pod?.name ?? `${replicaSetName(app, rs)}-${rng.suffix(5)}`}`,
            { component: 'replicaset-controller' },
          )
        : this.event(
            subject,
            null,
            'Normal',
            'SuccessfulDelete',
            `Deleted pod: ${replicaSetName(app, rs)}-${rng.suffix(5)}`,
            { component: 'replicaset-controller' },
          );
    }
    if (which === 2) {
      const subject = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: app.name,
        namespace: app.namespace,
        uid: app.uid,
        resourceVersion: String(app.rv),
      };
      const from = rng.int(0, app.replicas + 1);
      const up = rng.chance(0.5);
      return this.event(
        subject,
        null,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${up ? 'up' : 'down'} replica set ${replicaSetName(app, up ? app.current : (app.old ?? app.current))} from ${from} to ${up ? from + 1 : Math.max(0, from - 1)}`,
        { component: 'deployment-controller' },
      );
    }
    const node = rng.pick(this.nodes);
    const subject = { kind: 'Node', name: node.name, uid: node.name };
    return rng.chance(0.5)
      ? this.event(
          subject,
          null,
          'Warning',
          'FreeDiskSpaceFailed',
          `Failed to garbage collect required amount of images. Attempted to free ${rng.int(1_000_000_000, 9_000_000_000)} bytes, but only found 0 bytes eligible to free.`,
          { component: 'kubelet', host: node.name },
          'default',
        )
      : this.event(
          subject,
          null,
          'Normal',
          'NodeHasSufficientMemory',
          `Node ${node.name} status is now: NodeHasSufficientMemory`,
          { component: 'kubelet', host: node.name },
          'default',
        );
  }

  /** A core/v1 Event, aggregated as the API server does: the same reason on the same object bumps `count`. */
  private event(
    subject: Json & { name: string; uid: string },
    fieldPath: string | null,
    type: string,
    reason: string,
    message: string,
    source: { component: string; host?: string } | null,
    namespace?: string,
  ): Observation {
    const rng = this.rng;
    const now = this.now;
    const key = `${subject.uid}/${reason}/${fieldPath ?? ''}`;
    let state = this.events.get(key);
    const ns = namespace ?? String(subject.namespace);
    if (!state) {
      state = {
        name: `${subject.name}.${rng.hex(16)}`,
        uid: rng.uuid(),
        namespace: ns,
        first: now,
        count: 0,
        rv: 0,
        created: now,
      };
      this.events.set(key, state);
      if (this.events.size > 50_000) {
        let drop = 10_000;
        for (const k of this.events.keys()) {
          this.events.delete(k);
          if (--drop === 0) break;
        }
      }
    }
    state.count++;
    state.rv = this.nextRv();
    const object: Json = {
      apiVersion: 'v1',
      count: state.count,
      eventTime: null,
      firstTimestamp: isoSeconds(state.first),
      involvedObject: { ...subject, ...(fieldPath ? { fieldPath } : {}) },
      kind: 'Event',
      lastTimestamp: isoSeconds(now),
      message,
      metadata: {
        creationTimestamp: isoSeconds(state.created),
        name: state.name,
        namespace: state.namespace,
        resourceVersion: String(state.rv),
        uid: state.uid,
      },
      reason,
      reportingComponent: source?.component ?? '',
      reportingInstance: source?.host ?? '',
      source: source ?? {},
      type,
    };
    return { t: 'event', ts: isoMicros(now), object };
  }

  // --- audit --------------------------------------------------------------------------------------

  private auditRecord(): Observation {
    const rng = this.rng;
    const now = this.now;
    const write = rng.chance(this.rrShare);
    const pod = rng.pick(this.pods);
    const app = pod.app;
    const node = pod.node ?? rng.pick(this.nodes);
    let user: Json;
    let userAgent: string;
    let sourceIp: string;
    let verb: string;
    let ref: Json;
    let uri: string;
    let code = 200;
    let requestObject: unknown;
    let responseObject: unknown;
    let decision = '';
    const nodeUser = () => ({
      username: `system:node:${node.name}`,
      groups: ['system:nodes', 'system:authenticated'],
    });
    const controller = (name: string) => ({
      username: `system:serviceaccount:kube-system:${name}`,
      uid: this.credentialId(`uid/${name}`),
      groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
    });
    if (write) {
      const kind = rng.weighted([50, 20, 15, 10, 5]);
      if (kind === 0) {
        user = nodeUser();
        userAgent = 'kubelet/v1.34.1 (linux/amd64) kubernetes/5be3b8c';
        sourceIp = node.ip;
        verb = 'patch';
        ref = {
          resource: 'pods',
          namespace: app.namespace,
          name: pod.name,
          apiVersion: 'v1',
          subresource: 'status',
        };
        uri = `/api/v1/namespaces/${app.namespace}/pods/${pod.name}/status`;
        const body = podJson(pod);
        requestObject = { metadata: { uid: pod.uid }, status: body.status };
        responseObject = body;
        decision = '';
      } else if (kind === 1) {
        user = controller('replicaset-controller');
        userAgent =
          'kube-controller-manager/v1.34.1 (linux/amd64) kubernetes/5be3b8c/system:serviceaccount:kube-system:replicaset-controller';
        sourceIp = '10.0.12.41';
        verb = 'create';
        ref = { resource: 'pods', namespace: app.namespace, apiVersion: 'v1' };
        uri = `/api/v1/namespaces/${app.namespace}/pods`;
        const body = podJson(pod);
        requestObject = { ...body, status: {} };
        responseObject = body;
        code = 201;
        decision =
          'RBAC: allowed by ClusterRoleBinding "system:controller:replicaset-controller" of ClusterRole "system:controller:replicaset-controller" to ServiceAccount "replicaset-controller/kube-system"';
      } else if (kind === 2) {
        user = controller('deployment-controller');
        userAgent =
          'kube-controller-manager/v1.34.1 (linux/amd64) kubernetes/5be3b8c/system:serviceaccount:kube-system:deployment-controller';
        sourceIp = '10.0.12.41';
        verb = 'update';
        ref = {
          resource: 'deployments',
          namespace: app.namespace,
          name: app.name,
          uid: app.uid,
          apiGroup: 'apps',
          apiVersion: 'v1',
          resourceVersion: String(app.rv),
          subresource: 'status',
        };
        uri = `/apis/apps/v1/namespaces/${app.namespace}/deployments/${app.name}/status`;
        const body = deploymentJson(app, this.counts(app, null), now, app.old !== null);
        requestObject = body;
        responseObject = body;
        decision =
          'RBAC: allowed by ClusterRoleBinding "system:controller:deployment-controller" of ClusterRole "system:controller:deployment-controller" to ServiceAccount "deployment-controller/kube-system"';
      } else if (kind === 3) {
        const who = rng.pick(USERS);
        user = {
          username: who,
          groups: ['system:authenticated', 'oidc:sre', 'oidc:developers'],
          extra: { 'oidc.acme/idp': ['okta'] },
        };
        userAgent = who.startsWith('system:')
          ? 'argocd-application-controller/v2.13.0 (linux/amd64)'
          : 'kubectl/v1.31.2 (darwin/arm64) kubernetes/5864a46';
        sourceIp = `192.0.2.${rng.int(1, 254)}`;
        verb = 'patch';
        ref = {
          resource: 'deployments',
          namespace: app.namespace,
          name: app.name,
          apiGroup: 'apps',
          apiVersion: 'v1',
        };
        uri = `/apis/apps/v1/namespaces/${app.namespace}/deployments/${app.name}?fieldManager=kubectl-rollout`;
        requestObject = {
          spec: {
            template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': isoSeconds(now) } } },
          },
        };
        responseObject = deploymentJson(app, this.counts(app, null), now, true);
        decision = `RBAC: allowed by RoleBinding "sre-edit/${app.namespace}" of ClusterRole "edit" to Group "oidc:sre"`;
      } else {
        user = { username: 'system:kube-scheduler', groups: ['system:authenticated'] };
        userAgent = 'kube-scheduler/v1.34.1 (linux/amd64) kubernetes/5be3b8c/scheduler';
        sourceIp = '10.0.12.41';
        verb = 'create';
        ref = {
          resource: 'pods',
          namespace: app.namespace,
          name: pod.name,
          apiVersion: 'v1',
          subresource: 'binding',
        };
        uri = `/api/v1/namespaces/${app.namespace}/pods/${pod.name}/binding`;
        requestObject = {
          kind: 'Binding',
          apiVersion: 'v1',
          metadata: { name: pod.name, namespace: app.namespace, uid: pod.uid },
          target: { kind: 'Node', name: node.name },
        };
        responseObject = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
        code = 201;
        decision =
          'RBAC: allowed by ClusterRoleBinding "system:kube-scheduler" of ClusterRole "system:kube-scheduler" to User "system:kube-scheduler"';
      }
    } else {
      const kind = rng.weighted([30, 25, 15, 12, 10, 8]);
      if (kind === 0) {
        // Node lease renewals: the most frequent request in any cluster.
        user = nodeUser();
        userAgent = 'kubelet/v1.34.1 (linux/amd64) kubernetes/5be3b8c';
        sourceIp = node.ip;
        verb = rng.chance(0.8) ? 'update' : 'get';
        ref = {
          resource: 'leases',
          namespace: 'kube-node-lease',
          name: node.name,
          apiGroup: 'coordination.k8s.io',
          apiVersion: 'v1',
        };
        uri = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node.name}${verb === 'get' ? '?timeout=10s' : '?timeout=10s'}`;
      } else if (kind === 1) {
        const name = rng.pick(CONTROLLERS);
        user = controller(name);
        userAgent = `kube-controller-manager/v1.34.1 (linux/amd64) kubernetes/5be3b8c/system:serviceaccount:kube-system:${name}`;
        sourceIp = '10.0.12.41';
        const resource = rng.pick(['pods', 'replicasets', 'deployments', 'endpointslices', 'nodes']);
        verb = rng.pick(['get', 'list', 'watch']);
        const group =
          resource === 'replicasets' || resource === 'deployments'
            ? 'apps'
            : resource === 'endpointslices'
              ? 'discovery.k8s.io'
              : '';
        ref = {
          resource,
          ...(resource === 'nodes' ? {} : { namespace: app.namespace }),
          ...(verb === 'get' ? { name: resource === 'pods' ? pod.name : app.name } : {}),
          ...(group ? { apiGroup: group } : {}),
          apiVersion: 'v1',
        };
        const base = `${group ? `/apis/${group}/v1` : '/api/v1'}${resource === 'nodes' ? '' : `/namespaces/${app.namespace}`}/${resource}`;
        uri =
          verb === 'get'
            ? `${base}/${String(ref.name)}`
            : verb === 'watch'
              ? `${base}?allowWatchBookmarks=true&resourceVersion=${this.rv - rng.int(1000, 90_000)}&timeout=${rng.int(5, 9)}m${rng.int(0, 59)}s&timeoutSeconds=${rng.int(300, 599)}&watch=true`
              : `${base}?limit=500&resourceVersion=0`;
        decision = `RBAC: allowed by ClusterRoleBinding "system:controller:${name}" of ClusterRole "system:controller:${name}" to ServiceAccount "${name}/kube-system"`;
      } else if (kind === 2) {
        user = nodeUser();
        userAgent = 'kubelet/v1.34.1 (linux/amd64) kubernetes/5be3b8c';
        sourceIp = node.ip;
        verb = rng.pick(['get', 'watch', 'list']);
        const resource = rng.pick(['configmaps', 'secrets', 'pods']);
        const name =
          resource === 'configmaps' ? app.configMaps[0]! : resource === 'secrets' ? app.secretName : pod.name;
        ref = { resource, namespace: app.namespace, name, apiVersion: 'v1' };
        uri =
          verb === 'watch'
            ? `/api/v1/namespaces/${app.namespace}/${resource}?allowWatchBookmarks=true&fieldSelector=metadata.name%3D${name}&resourceVersion=${this.rv - rng.int(1000, 90_000)}&timeout=${rng.int(5, 9)}m${rng.int(0, 59)}s&timeoutSeconds=${rng.int(300, 599)}&watch=true`
            : `/api/v1/namespaces/${app.namespace}/${resource}/${name}`;
      } else if (kind === 3) {
        const sa = `system:serviceaccount:${app.namespace}:${app.serviceAccount}`;
        user = {
          username: sa,
          uid: this.credentialId(`uid/${sa}`),
          groups: [
            'system:serviceaccounts',
            `system:serviceaccounts:${app.namespace}`,
            'system:authenticated',
          ],
          extra: {
            'authentication.kubernetes.io/credential-id': [`JTI=${this.credentialId(`jti/${pod.uid}`)}`],
            'authentication.kubernetes.io/node-name': [node.name],
            'authentication.kubernetes.io/node-uid': [node.uid],
            'authentication.kubernetes.io/pod-name': [pod.name],
            'authentication.kubernetes.io/pod-uid': [pod.uid],
          },
        };
        userAgent = `${app.name}/${app.current.version} (linux/amd64) client-go/v0.31.2`;
        sourceIp = pod.podIp ?? node.ip;
        verb = rng.pick(['get', 'get', 'list', 'watch']);
        ref = {
          resource: 'configmaps',
          namespace: app.namespace,
          ...(verb === 'get' ? { name: app.configMaps[0] } : {}),
          apiVersion: 'v1',
        };
        uri = `/api/v1/namespaces/${app.namespace}/configmaps${verb === 'get' ? `/${app.configMaps[0]}` : verb === 'watch' ? `?watch=true&resourceVersion=${this.rv - rng.int(1000, 90_000)}` : '?limit=500'}`;
        if (rng.chance(0.05)) code = 403;
        decision =
          code === 403
            ? ''
            : `RBAC: allowed by RoleBinding "${app.name}/${app.namespace}" of Role "${app.name}" to ServiceAccount "${app.serviceAccount}/${app.namespace}"`;
      } else if (kind === 4) {
        user = {
          username: 'system:serviceaccount:monitoring:kube-state-metrics',
          uid: this.credentialId('uid/ksm'),
          groups: ['system:serviceaccounts', 'system:serviceaccounts:monitoring', 'system:authenticated'],
        };
        userAgent = 'kube-state-metrics/v2.16.0 (linux/amd64) kubernetes/$Format';
        sourceIp = '10.244.2.19';
        const resource = rng.pick(['pods', 'deployments', 'nodes', 'configmaps', 'services', 'replicasets']);
        verb = rng.pick(['list', 'watch']);
        ref = {
          resource,
          ...(resource === 'deployments' || resource === 'replicasets' ? { apiGroup: 'apps' } : {}),
          apiVersion: 'v1',
        };
        uri = `${resource === 'deployments' || resource === 'replicasets' ? '/apis/apps/v1' : '/api/v1'}/${resource}?${verb === 'watch' ? `allowWatchBookmarks=true&resourceVersion=${this.rv - rng.int(1000, 90_000)}&timeoutSeconds=${rng.int(300, 599)}&watch=true` : 'limit=500&resourceVersion=0'}`;
        decision =
          'RBAC: allowed by ClusterRoleBinding "kube-state-metrics" of ClusterRole "kube-state-metrics" to ServiceAccount "kube-state-metrics/monitoring"';
      } else {
        const who = rng.pick(USERS);
        user = { username: who, groups: ['system:authenticated', 'oidc:developers'] };
        userAgent = 'kubectl/v1.31.2 (darwin/arm64) kubernetes/5864a46';
        sourceIp = `192.0.2.${rng.int(1, 254)}`;
        verb = rng.pick(['get', 'list', 'get']);
        const resource = rng.pick(['pods', 'pods', 'events', 'deployments', 'pods/log']);
        const [res, sub] = resource.split('/');
        ref = {
          resource: res,
          namespace: app.namespace,
          ...(verb === 'get' ? { name: res === 'deployments' ? app.name : pod.name } : {}),
          ...(res === 'deployments' ? { apiGroup: 'apps' } : {}),
          apiVersion: 'v1',
          ...(sub ? { subresource: sub } : {}),
        };
        uri = `${res === 'deployments' ? '/apis/apps/v1' : '/api/v1'}/namespaces/${app.namespace}/${res}${verb === 'get' ? `/${String(ref.name)}${sub ? `/${sub}?container=${pod.containers[0]!.tpl.name}&tailLines=200` : ''}` : '?limit=500'}`;
        if (rng.chance(0.08)) code = rng.pick([403, 404]);
        decision =
          code === 403
            ? ''
            : `RBAC: allowed by RoleBinding "developers-view/${app.namespace}" of ClusterRole "view" to Group "oidc:developers"`;
      }
    }
    const latency = verb === 'watch' ? rng.int(300_000, 540_000) : rng.exp(8) + 0.3;
    const entry: Json = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: write ? 'RequestResponse' : 'Metadata',
      auditID: rng.uuid(),
      stage: 'ResponseComplete',
      requestURI: uri,
      verb,
      user,
      sourceIPs: [sourceIp],
      userAgent,
      objectRef: ref,
      responseStatus:
        code === 403
          ? {
              metadata: {},
              status: 'Failure',
              message: `${String(ref.resource)} is forbidden: User "${String(user.username)}" cannot ${verb} resource "${String(ref.resource)}" in API group "" in the namespace "${app.namespace}"`,
              reason: 'Forbidden',
              details: { kind: ref.resource },
              code,
            }
          : code === 404
            ? {
                metadata: {},
                status: 'Failure',
                message: `${String(ref.resource)} "${String(ref.name ?? '')}" not found`,
                reason: 'NotFound',
                details: { name: ref.name, kind: ref.resource },
                code,
              }
            : { metadata: {}, code },
      ...(requestObject !== undefined ? { requestObject } : {}),
      ...(responseObject !== undefined ? { responseObject } : {}),
      requestReceivedTimestamp: isoMicros(now - latency),
      stageTimestamp: isoMicros(now),
      annotations: {
        'authorization.k8s.io/decision': code === 403 ? 'forbid' : 'allow',
        'authorization.k8s.io/reason': decision,
        ...(write && ref.resource === 'pods'
          ? { 'pod-security.kubernetes.io/enforce-policy': 'restricted:latest' }
          : {}),
      },
    };
    return { t: 'audit', entry };
  }

  private credentialId(key: string): string {
    let id = this.credentialIds.get(key);
    if (!id) {
      id = this.rng.uuid();
      if (this.credentialIds.size > 20_000) this.credentialIds.clear();
      this.credentialIds.set(key, id);
    }
    return id;
  }

  // --- logs ---------------------------------------------------------------------------------------

  private logObservation(
    pod: PodState,
    c: ContainerStatus,
    at: number,
    line: string,
    stream: 'stdout' | 'stderr',
    previous = false,
  ): Observation {
    return {
      t: 'log',
      ts: isoMicros(at),
      namespace: pod.app.namespace,
      pod: pod.name,
      container: c.tpl.name,
      node: pod.node?.name ?? '',
      stream,
      ...(previous ? { previous: true } : {}),
      line,
    };
  }

  private logRecord(): Observation {
    const rng = this.rng;
    if (this.previousLines.length > 0 && rng.chance(0.3)) return this.previousLines.shift()!;
    let pod = rng.pick(this.pods);
    for (let i = 0; i < 8 && !pod.containers.some((c) => c.state === 'running'); i++)
      pod = rng.pick(this.pods);
    const running = pod.containers.filter((c) => c.state === 'running');
    const c = running.length === 0 ? pod.containers[0]! : rng.chance(0.75) ? running[0]! : rng.pick(running);
    const pending = c.pendingLines.shift();
    if (pending !== undefined) return this.logObservation(pod, c, this.now, pending, 'stderr');
    const { line, stream } = logLine(rng, this.now, pod, c);
    return this.logObservation(pod, c, this.now, line, stream);
  }

  // --- metrics ------------------------------------------------------------------------------------

  private metricRecord(): Observation {
    if (this.scrape.length === 0) this.fillScrape();
    return this.scrape.shift()!;
  }

  /** One scrape: a node's cAdvisor containers, or kube-state-metrics series of one Deployment's pods. */
  private fillScrape(): void {
    const rng = this.rng;
    const interval = 30_000;
    const sample = (ts: number, name: string, labels: Record<string, string>, value: number): void => {
      this.scrape.push({ t: 'metric', ts: isoMicros(ts), name, labels, value });
    };
    if (rng.chance(0.5)) {
      const node = rng.pick(this.nodes);
      const ts = Math.floor(this.now / interval) * interval + ((node.index * 733) % interval);
      const base = {
        endpoint: 'https-metrics',
        instance: `${node.ip}:10250`,
        job: 'kubelet',
        metrics_path: '/metrics/cadvisor',
        node: node.name,
        service: 'kube-prometheus-stack-kubelet',
      };
      for (const pod of node.pods) {
        for (const c of pod.containers) {
          if (c.state !== 'running' || !c.containerId) continue;
          c.cpuSeconds += rng.next() * 6 * (Number.parseInt(c.tpl.cpuRequest, 10) / 1000);
          c.memoryBytes = Math.max(8_388_608, Math.round(c.memoryBytes * (0.97 + rng.next() * 0.06)));
          const id = c.containerId.replace('containerd://', '');
          const labels = {
            ...base,
            container: c.tpl.name,
            id: cgroupId(pod, c.containerId),
            image: c.tpl.image,
            name: id,
            namespace: pod.app.namespace,
            pod: pod.name,
          };
          sample(
            ts,
            'container_cpu_usage_seconds_total',
            { ...labels, cpu: 'total' },
            Math.round(c.cpuSeconds * 1e6) / 1e6,
          );
          sample(ts, 'container_memory_working_set_bytes', labels, c.memoryBytes);
          sample(ts, 'container_cpu_cfs_throttled_periods_total', labels, Math.floor(c.cpuSeconds * 3));
          sample(
            ts,
            'container_fs_writes_bytes_total',
            { ...labels, device: '/dev/nvme0n1' },
            Math.floor(c.cpuSeconds * 40_960),
          );
        }
        const main = pod.containers[0]!;
        if (main.state === 'running') {
          main.rxBytes += rng.int(10_000, 5_000_000);
          main.txBytes += rng.int(10_000, 5_000_000);
          const labels = {
            ...base,
            container: '',
            id: cgroupId(pod, null),
            image: '',
            interface: 'eth0',
            name: '',
            namespace: pod.app.namespace,
            pod: pod.name,
          };
          sample(ts, 'container_network_receive_bytes_total', labels, main.rxBytes);
          sample(ts, 'container_network_transmit_bytes_total', labels, main.txBytes);
        }
      }
      if (this.scrape.length > 0) return;
    }
    const app = rng.pick(this.apps);
    const ts = Math.floor(this.now / interval) * interval + 4_211;
    const base = { instance: '10.244.2.19:8080', job: 'kube-state-metrics', namespace: app.namespace };
    for (const pod of app.pods) {
      const phase =
        pod.stage === 'new' ||
        pod.stage === 'pending' ||
        pod.stage === 'scheduled' ||
        pod.stage === 'creating'
          ? 'Pending'
          : 'Running';
      const podLabels = { ...base, pod: pod.name, uid: pod.uid };
      for (const p of ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'])
        sample(ts, 'kube_pod_status_phase', { ...podLabels, phase: p }, p === phase ? 1 : 0);
      for (const cond of ['true', 'false', 'unknown'])
        sample(
          ts,
          'kube_pod_status_ready',
          { ...podLabels, condition: cond },
          String(pod.ready) === cond ? 1 : 0,
        );
      for (const c of pod.containers) {
        const labels = { ...podLabels, container: c.tpl.name };
        sample(ts, 'kube_pod_container_status_restarts_total', labels, c.restartCount);
        sample(ts, 'kube_pod_container_status_ready', labels, c.ready ? 1 : 0);
        sample(ts, 'kube_pod_container_status_running', labels, c.state === 'running' ? 1 : 0);
        sample(ts, 'kube_pod_container_status_waiting', labels, c.state === 'waiting' ? 1 : 0);
        if (c.state === 'waiting')
          sample(
            ts,
            'kube_pod_container_status_waiting_reason',
            { ...labels, reason: c.reason ?? 'ContainerCreating' },
            1,
          );
        if (c.last)
          sample(
            ts,
            'kube_pod_container_status_last_terminated_reason',
            { ...labels, reason: c.last.reason },
            1,
          );
        if (pod.node) {
          const withNode = { ...labels, node: pod.node.name };
          sample(
            ts,
            'kube_pod_container_resource_requests',
            { ...withNode, resource: 'cpu', unit: 'core' },
            Number.parseInt(c.tpl.cpuRequest, 10) / 1000,
          );
          sample(
            ts,
            'kube_pod_container_resource_requests',
            { ...withNode, resource: 'memory', unit: 'byte' },
            Number.parseInt(c.tpl.memoryRequest, 10) * 1_048_576,
          );
          sample(
            ts,
            'kube_pod_container_resource_limits',
            { ...withNode, resource: 'memory', unit: 'byte' },
            Number.parseInt(c.tpl.memoryLimit, 10) * 1_048_576,
          );
        }
      }
    }
    const counts = this.counts(app, null);
    const dep = { ...base, deployment: app.name };
    sample(ts, 'kube_deployment_spec_replicas', dep, app.replicas);
    sample(ts, 'kube_deployment_status_replicas', dep, counts.replicas);
    sample(ts, 'kube_deployment_status_replicas_available', dep, counts.available);
    sample(
      ts,
      'kube_deployment_status_replicas_unavailable',
      dep,
      Math.max(0, app.replicas - counts.available),
    );
    sample(ts, 'kube_deployment_status_replicas_updated', dep, counts.updated);
    sample(ts, 'kube_deployment_metadata_generation', dep, app.generation);
    sample(ts, 'kube_deployment_status_observed_generation', dep, app.generation);
    for (const cond of ['Available', 'Progressing']) {
      for (const status of ['true', 'false', 'unknown']) {
        const value = cond === 'Available' ? counts.available >= app.replicas : true;
        sample(
          ts,
          'kube_deployment_status_condition',
          { ...dep, condition: cond, status },
          String(value) === status ? 1 : 0,
        );
      }
    }
  }
}
