// The discrete-event loop that ties the parts together. Time jumps from one due timer to the next;
// after each instant the kubelets write pod status and the controllers reconcile until nothing
// changes, as informers would have them. A warm-up before the recorded window lets the cluster
// settle; the recording then starts with a list of every object, as `kstory record` does.

import { type Actor, userActor } from '../api/actors.ts';
import {
  defaultStorageClass,
  limitRanger,
  podDefaulting,
  resourceQuota,
  validatingWebhooks,
} from '../api/admission.ts';
import { ApiServer } from '../api/server.ts';
import { bootstrapCluster } from '../cluster/bootstrap.ts';
import { ArgoCdController } from '../controllers/argocd.ts';
import { CertificateController } from '../controllers/certificates.ts';
import { CronJobController } from '../controllers/cronjob.ts';
import { DaemonSetController } from '../controllers/daemonset.ts';
import { DeploymentController } from '../controllers/deployment.ts';
import { DisruptionController } from '../controllers/disruption.ts';
import { EndpointsController } from '../controllers/endpoints.ts';
import { GatekeeperAuditController } from '../controllers/gatekeeper.ts';
import { HpaController } from '../controllers/hpa.ts';
import { JobController } from '../controllers/job.ts';
import { NodeLifecycleController } from '../controllers/node-lifecycle.ts';
import { ReplicaSetController } from '../controllers/replicaset.ts';
import { ResourceQuotaController } from '../controllers/resourcequota.ts';
import { ServiceLoadBalancerController } from '../controllers/service-lb.ts';
import { StatefulSetController } from '../controllers/statefulset.ts';
import { StorageController } from '../controllers/storage.ts';
import { EventRecorder } from '../events/recorder.ts';
import { Kubelet } from '../kubelet/kubelet.ts';
import { AlertEvaluator } from '../metrics/alerts.ts';
import { cpuDemand, scrapeCadvisor } from '../metrics/cadvisor.ts';
import { scrapeKubeStateMetrics } from '../metrics/kube-state-metrics.ts';
import type { Sample } from '../metrics/scrape-history.ts';
import type { Scenario } from '../scenario/schema.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { scheduleTimeline } from './actions.ts';
import { VirtualClock } from './clock.ts';
import type { SimContext } from './context.ts';
import type { Json } from './json.ts';
import { parseCpuMillis, parseDuration } from './quantity.ts';
import type { KubeObject, RecordSink, SimRecord } from './records.ts';
import { Rng } from './rng.ts';
import { TimerQueue } from './timers.ts';
import { World } from './world.ts';

export const WARMUP_MS = 10 * 60_000;
const HOUSEKEEPING_MS = 5_000;
const HEARTBEAT_MS = 10_000;
const MAX_PASSES = 25;

export interface SimulationOptions {
  seed: number;
  /** Start of the recorded window (ms since epoch). */
  start: number;
}

interface Controller {
  name: string;
  reconcile(): void;
}

/** Drops what happens before the recording starts. */
class GatedSink implements RecordSink {
  open = false;
  constructor(private readonly inner: RecordSink) {}
  push(record: SimRecord): void {
    if (this.open) this.inner.push(record);
  }
}

export class Simulation {
  readonly ctx: SimContext;
  readonly kubelets = new Map<string, Kubelet>();
  private readonly controllers: Controller[];
  private readonly nodeLifecycle: NodeLifecycleController;
  private readonly gate: GatedSink;
  private dirty = true;
  private readonly alerts = new AlertEvaluator();
  readonly end: number;
  readonly users = new Map<string, Actor>();
  readonly seed: number;

  constructor(
    readonly scenario: Scenario,
    sink: RecordSink,
    options: SimulationOptions,
  ) {
    this.seed = options.seed;
    const rng = new Rng(options.seed);
    const clock = new VirtualClock(options.start - WARMUP_MS);
    this.gate = new GatedSink(sink);
    this.end = options.start + parseDuration(scenario.duration);
    const timers = new TimerQueue();
    const ctx = {
      clock,
      rng,
      sink: this.gate,
      timers,
      scenario,
      world: new World(scenario.missingImages, scenario.privateRegistries),
      version: scenario.cluster.version,
      recordingStart: options.start,
      after: (delayMs: number, fn: () => void) =>
        timers.schedule(Math.ceil((clock.now + Math.max(1, delayMs)) / 1000) * 1000, fn),
      markDirty: () => {
        this.dirty = true;
      },
    } as unknown as SimContext;
    ctx.api = new ApiServer(ctx);
    ctx.recorder = new EventRecorder(ctx);
    this.ctx = ctx;
    for (const plugin of [
      podDefaulting(ctx),
      defaultStorageClass(ctx),
      limitRanger(ctx),
      resourceQuota(ctx),
      validatingWebhooks(ctx),
    ])
      ctx.api.addAdmission(plugin);
    for (const u of scenario.users) {
      this.users.set(u.name, userActor(u.name, u.groups, ctx.version, u.userAgent));
      for (const rule of u.denied) {
        const [verb, resource, ns] = rule.trim().split(/\s+/);
        ctx.api.deny(u.name, `${verb} ${resource} ${ns ?? '*'}`);
      }
    }

    const controlPlane = scenario.nodes.find((n) => n.role === 'control-plane');
    const schedulerHost = controlPlane?.name ?? 'ip-10-0-0-10.eu-west-1.compute.internal';
    this.nodeLifecycle = new NodeLifecycleController(ctx);
    this.controllers = [
      new DeploymentController(ctx),
      new ReplicaSetController(ctx),
      new StatefulSetController(ctx),
      new DaemonSetController(ctx),
      new CronJobController(ctx),
      new JobController(ctx),
      new StorageController(ctx),
      new Scheduler(ctx, `default-scheduler-${schedulerHost}`),
      new EndpointsController(ctx),
      new ServiceLoadBalancerController(ctx),
      new ResourceQuotaController(ctx),
      new DisruptionController(ctx),
      new HpaController(ctx, (pod) => this.podCpu(pod)),
      this.nodeLifecycle,
      new CertificateController(ctx),
      new ArgoCdController(ctx),
      new GatekeeperAuditController(ctx),
    ];
    ctx.api.onWrite((obj, event) => this.onWrite(obj, event));

    let index = 0;
    for (const spec of scenario.nodes) {
      const names = spec.count
        ? Array.from({ length: spec.count }, (_, i) => `${spec.name}-${i + 1}`)
        : [spec.name];
      for (const name of names) {
        const ip = `10.0.${Math.floor(index / 200) + 1}.${(index % 200) + 20}`;
        const kubelet = new Kubelet(ctx, spec, name, ip, `10.244.${index}.0/24`);
        kubelet.identify(() => rng.uuid());
        this.kubelets.set(name, kubelet);
        index++;
      }
    }
  }

  /** The actor for a scenario user, created on first use (kubectl from a laptop). */
  actor(name: string): Actor {
    let a = this.users.get(name);
    if (!a) {
      a = userActor(name, ['platform-admins', 'system:authenticated'], this.ctx.version);
      this.users.set(name, a);
    }
    return a;
  }

  private onWrite(obj: KubeObject, event: 'ADDED' | 'MODIFIED' | 'DELETED'): void {
    this.dirty = true;
    if (obj.kind === 'ConfigMap' && event === 'MODIFIED') {
      for (const kubelet of this.kubelets.values())
        kubelet.configMapChanged(obj.metadata.namespace ?? '', obj.metadata.name);
      return;
    }
    if (obj.kind !== 'Pod') return;
    const node = (obj.spec as Json).nodeName as string | undefined;
    if (!node) return;
    const kubelet = this.kubelets.get(node);
    if (kubelet && !kubelet.lost) kubelet.observe(obj, event);
  }

  private podCpu(pod: KubeObject): number | undefined {
    const kubelet = this.kubelets.get((pod.spec as Json).nodeName);
    const rt = kubelet?.pods.get(pod.metadata.uid!);
    if (!rt || kubelet?.lost) return undefined;
    let total = 0;
    for (const c of rt.containers) {
      if (c.state !== 'running') continue;
      const demand = cpuDemand(this.ctx, rt.namespace, c.workload, c.app.cpu);
      const limit = c.spec.resources?.limits?.cpu
        ? parseCpuMillis(c.spec.resources.limits.cpu)
        : Number.POSITIVE_INFINITY;
      total += Math.min(demand, limit);
    }
    return total;
  }

  /** Run the whole scenario: warm-up, recording start, timeline, recording stop. */
  run(): void {
    const { ctx } = this;
    const admin = this.actor('kubernetes-admin');
    // Nodes start with no images: what runs during the warm-up is pulled then, as on real nodes.
    for (const kubelet of this.kubelets.values()) kubelet.register();
    bootstrapCluster(ctx, admin);
    scheduleTimeline(this);
    ctx.timers.schedule(ctx.recordingStart, () => this.startRecording());
    let nextHousekeeping = ctx.clock.now;
    let nextHeartbeat = ctx.clock.now;
    const interval = parseDuration(this.scenario.metrics.interval);
    let nextScrape = ctx.recordingStart;
    for (;;) {
      const due = Math.min(
        ctx.timers.peekTime() ?? Number.POSITIVE_INFINITY,
        nextHousekeeping,
        nextHeartbeat,
        nextScrape,
      );
      if (due > this.end) break;
      ctx.clock.advanceTo(due);
      for (let t = ctx.timers.popDue(due); t; t = ctx.timers.popDue(due)) if (!t.cancelled) t.run();
      if (due >= nextHeartbeat) {
        for (const [name, kubelet] of this.kubelets) {
          if (!kubelet.lost) this.nodeLifecycle.heartbeat(name);
          kubelet.reportNodeStatus();
        }
        nextHeartbeat = due + HEARTBEAT_MS;
      }
      if (due >= nextHousekeeping) {
        for (const kubelet of this.kubelets.values()) kubelet.evictionTick();
        this.dirty = true;
        nextHousekeeping = due + HOUSEKEEPING_MS;
      }
      this.settle();
      if (due >= nextScrape) {
        this.scrape(interval);
        nextScrape = due + interval;
      }
    }
    ctx.clock.advanceTo(this.end);
    ctx.sink.push({
      type: 'marker',
      ts: this.end,
      marker: 'recording-stop',
      detail: `simulated scenario ${this.scenario.name} ended`,
    });
  }

  private settle(): void {
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      for (const kubelet of this.kubelets.values()) kubelet.flush();
      if (!this.dirty) return;
      this.dirty = false;
      for (const c of this.controllers) c.reconcile();
    }
  }

  private startRecording(): void {
    const { ctx } = this;
    this.gate.open = true;
    ctx.sink.push({
      type: 'marker',
      ts: ctx.clock.now,
      marker: 'recording-start',
      detail: `simulated scenario ${this.scenario.name}, seed ${this.seed}`,
    });
    // The initial list of a recorder: every object as it stands, then the Events still alive.
    const ts = ctx.clock.now;
    for (const kind of LISTED_KINDS) {
      for (const obj of ctx.api.list(kind))
        ctx.sink.push({ type: 'object', ts, object: structuredClone(obj), watchEvent: 'LISTED' });
    }
    ctx.recorder.replayAlive();
  }

  /** One scrape of kube-state-metrics and every kubelet's cAdvisor, then Prometheus' rule evaluation. */
  private scrape(intervalMs: number): void {
    const { ctx } = this;
    const ts = ctx.clock.now;
    const samples: Sample[] = [];
    const emit = (name: string, labels: Record<string, string>, value: number) => {
      samples.push({ name, labels, value });
      ctx.sink.push({ type: 'metric', ts, name, labels, value });
    };
    scrapeKubeStateMetrics(ctx, emit);
    for (const kubelet of this.kubelets.values()) scrapeCadvisor(ctx, kubelet, intervalMs, emit);
    for (const a of this.alerts.evaluate(ts, samples)) ctx.sink.push({ type: 'metric', ts, ...a });
  }
}

const LISTED_KINDS = [
  'Namespace',
  'Node',
  'StorageClass',
  'PersistentVolume',
  'CustomResourceDefinition',
  'ValidatingWebhookConfiguration',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ResourceQuota',
  'LimitRange',
  'PersistentVolumeClaim',
  'Service',
  'Endpoints',
  'EndpointSlice',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'ControllerRevision',
  'DaemonSet',
  'CronJob',
  'Job',
  'Pod',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Ingress',
  'Certificate',
  'ConstraintTemplate',
  'K8sRequiredLabels',
  'Application',
];
