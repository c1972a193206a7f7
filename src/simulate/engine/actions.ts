// The scenario timeline: each action is what a person or an outside event does to the cluster,
// played through the API as kubectl would send it (so that it is audited with its author), or as
// a change of the world outside the API (a registry going down, a node dying, a memory leak).

import type { Actor } from '../api/actors.ts';
import { gitRevision } from '../cluster/argocd.ts';
import { envManifest } from '../cluster/templates.ts';
import { pdbBudget } from '../controllers/disruption.ts';
import { controllerOf, isOwnedBy } from '../controllers/util.ts';
import { NODEFS_CAPACITY_BYTES } from '../kubelet/eviction-manager.ts';
import type { Action } from '../scenario/schema.ts';
import type { Json } from './json.ts';
import { formatBytes, formatCpu, parseBytes, parseCpuMillis, parseDuration } from './quantity.ts';
import type { KubeObject } from './records.ts';
import type { Simulation } from './simulation.ts';

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;

export function scheduleTimeline(sim: Simulation): void {
  const { ctx } = sim;
  for (const action of sim.scenario.timeline) {
    ctx.timers.schedule(ctx.recordingStart + parseDuration(action.at), () => {
      applyAction(sim, action);
      ctx.markDirty();
    });
  }
}

function until(sim: Simulation, duration: string | number | undefined): number {
  return duration === undefined ? Number.POSITIVE_INFINITY : sim.ctx.clock.now + parseDuration(duration);
}

function findWorkload(sim: Simulation, namespace: string, name: string): KubeObject | undefined {
  for (const kind of WORKLOAD_KINDS) {
    const obj = sim.ctx.api.get(kind, namespace, name);
    if (obj) return obj;
  }
  return undefined;
}

/** Patch a workload's pod template (kubectl set/patch), audited as a strategic-merge patch. */
function patchTemplate(
  sim: Simulation,
  actor: Actor,
  namespace: string,
  name: string,
  manager: string,
  mutate: (spec: Json, template: Json) => Json,
): void {
  const obj = findWorkload(sim, namespace, name);
  if (!obj) throw new Error(`timeline: no workload ${namespace}/${name}`);
  const next = structuredClone(obj);
  const template = (next.spec as Json).template as Json;
  const patch = mutate(template.spec, template);
  sim.ctx.api.update(next, actor, {
    verb: 'patch',
    requestObject: { spec: { template: patch } },
    query: `?fieldManager=${manager}`,
  });
}

function containerOf(spec: Json, name: string | undefined): Json {
  return containerIn(spec, name).container;
}

/** The named container (an init container's name too) and the list of the pod spec it is in. */
function containerIn(
  spec: Json,
  name: string | undefined,
): { container: Json; list: 'containers' | 'initContainers' } {
  for (const list of ['containers', 'initContainers'] as const) {
    const containers = (spec[list] as Json[] | undefined) ?? [];
    const c = name ? containers.find((x) => x.name === name) : containers[0];
    if (c) return { container: c, list };
  }
  throw new Error(`timeline: no container ${name ?? '(first)'}`);
}

export function applyAction(sim: Simulation, action: Action): void {
  const { ctx } = sim;
  const { api, world, clock } = ctx;
  const actor = sim.actor(action.by);
  switch (action.action) {
    case 'set-image':
      patchTemplate(sim, actor, action.namespace, action.name, 'kubectl-set', (spec) => {
        const c = containerOf(spec, action.container);
        c.image = action.image;
        if (action.app) {
          // The new version's behaviour: pods admitted from now on run it; running ones keep theirs.
          const apps = world.apps.get(`${action.namespace}/${action.name}`);
          const current = apps?.get(c.name);
          if (apps && current) apps.set(c.name, { ...current, ...action.app });
        }
        return { spec: { containers: [{ name: c.name, image: action.image }] } };
      });
      return;
    case 'set-command':
      patchTemplate(sim, actor, action.namespace, action.name, 'kubectl-patch', (spec) => {
        const { container: c, list } = containerIn(spec, action.container);
        c.command = action.command;
        return { spec: { [list]: [{ name: c.name, command: action.command }] } };
      });
      return;
    case 'set-env':
      patchTemplate(sim, actor, action.namespace, action.name, 'kubectl-set', (spec) => {
        const c = containerOf(spec, action.container);
        const env = envManifest(action.env);
        const rest = ((c.env as Json[] | undefined) ?? []).filter((e) => !env.some((n) => n.name === e.name));
        c.env = [...rest, ...env];
        return { spec: { containers: [{ name: c.name, env }] } };
      });
      return;
    case 'set-resources':
      patchTemplate(sim, actor, action.namespace, action.name, 'kubectl-set', (spec) => {
        const c = containerOf(spec, action.container);
        const conv = (r: { cpu?: string | number; memory?: string | number } | undefined) => {
          if (!r) return undefined;
          const o: Record<string, string> = {};
          if (r.cpu !== undefined) o.cpu = formatCpu(parseCpuMillis(r.cpu));
          if (r.memory !== undefined) o.memory = formatBytes(parseBytes(r.memory));
          return o;
        };
        const resources = {
          ...(action.limits ? { limits: conv(action.limits) } : {}),
          ...(action.requests ? { requests: conv(action.requests) } : {}),
        };
        c.resources = { ...c.resources, ...resources };
        return { spec: { containers: [{ name: c.name, resources }] } };
      });
      return;
    case 'restart':
      patchTemplate(sim, actor, action.namespace, action.name, 'kubectl-rollout', (_spec, template) => {
        const at = new Date(clock.now).toISOString().replace(/\.\d+Z$/, 'Z');
        template.metadata = {
          ...template.metadata,
          annotations: { ...template.metadata?.annotations, 'kubectl.kubernetes.io/restartedAt': at },
        };
        return { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } };
      });
      return;
    case 'rollback': {
      const d = api.get('Deployment', action.namespace, action.name);
      if (!d) throw new Error(`timeline: no deployment ${action.namespace}/${action.name}`);
      const current = Number(d.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
      const previous = api
        .list('ReplicaSet', action.namespace)
        .filter(
          (rs) =>
            isOwnedBy(rs, d) &&
            Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0) < current,
        )
        .sort(
          (a, b) =>
            Number(b.metadata.annotations?.['deployment.kubernetes.io/revision']) -
            Number(a.metadata.annotations?.['deployment.kubernetes.io/revision']),
        )[0];
      if (!previous) return;
      const template = structuredClone((previous.spec as Json).template as Json);
      delete template.metadata.labels['pod-template-hash'];
      api.read(
        actor,
        'list',
        'ReplicaSet',
        action.namespace,
        undefined,
        `?labelSelector=${encodeURIComponent(
          Object.entries((d.spec as Json).selector.matchLabels)
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
        )}`,
      );
      api.update({ ...d, spec: { ...(d.spec as Json), template } }, actor, {
        verb: 'patch',
        requestObject: [{ op: 'replace', path: '/spec/template', value: template }],
        query: '?fieldManager=kubectl-rollout',
      });
      return;
    }
    case 'scale': {
      const obj = api.get(action.kind, action.namespace, action.name);
      if (!obj) throw new Error(`timeline: no ${action.kind} ${action.namespace}/${action.name}`);
      const scale = {
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: { name: action.name, namespace: action.namespace },
        spec: { replicas: action.replicas },
      };
      api.update({ ...obj, spec: { ...(obj.spec as Json), replicas: action.replicas } }, actor, {
        subresource: 'scale',
        verb: 'patch',
        requestObject: scale,
        query: '?fieldManager=kubectl-scale',
      });
      return;
    }
    case 'set-config': {
      const cm = api.get('ConfigMap', action.namespace, action.name);
      if (!cm) throw new Error(`timeline: no configmap ${action.namespace}/${action.name}`);
      api.update({ ...cm, data: { ...((cm as Json).data ?? {}), ...action.data } }, actor, {
        verb: 'patch',
        requestObject: { data: action.data },
        query: '?fieldManager=kubectl-edit',
      });
      return;
    }
    case 'set-quota': {
      const q = api.get('ResourceQuota', action.namespace, action.name);
      if (!q) throw new Error(`timeline: no resourcequota ${action.namespace}/${action.name}`);
      const hard = Object.fromEntries(Object.entries(action.hard).map(([k, v]) => [k, String(v)]));
      api.update({ ...q, spec: { hard: { ...((q.spec as Json).hard ?? {}), ...hard } } }, actor, {
        verb: 'patch',
        requestObject: { spec: { hard } },
        query: '?fieldManager=kubectl-patch',
      });
      return;
    }
    case 'delete':
      api.delete(action.kind, action.namespace, action.name, actor);
      return;
    case 'cordon':
    case 'uncordon': {
      const node = api.get('Node', undefined, action.node);
      if (!node) throw new Error(`timeline: no node ${action.node}`);
      const unschedulable = action.action === 'cordon';
      api.update(
        { ...node, spec: { ...(node.spec as Json), unschedulable: unschedulable || undefined } },
        actor,
        {
          verb: 'patch',
          requestObject: { spec: { unschedulable: unschedulable ? true : null } },
          query: '?fieldManager=kubectl-cordon',
        },
      );
      ctx.recorder.record(
        { component: 'kubelet', host: action.node },
        { apiVersion: 'v1', kind: 'Node', name: action.node, uid: action.node },
        'Normal',
        unschedulable ? 'NodeNotSchedulable' : 'NodeSchedulable',
        `Node ${action.node} status is now: ${unschedulable ? 'NodeNotSchedulable' : 'NodeSchedulable'}`,
      );
      return;
    }
    case 'drain':
      applyAction(sim, { ...action, action: 'cordon' });
      drain(sim, actor, action.node, 0);
      return;
    case 'node-pressure': {
      const h = world.node(action.node);
      const kubelet = sim.kubelets.get(action.node);
      if (!kubelet) throw new Error(`timeline: no node ${action.node}`);
      if (action.resource !== 'memory') {
        // Something outside the pods fills the disk or forks: the kubelet's signals take it from there.
        const disk = action.resource === 'disk';
        const left = disk ? kubelet.diskAvailable() : kubelet.pidsAvailable();
        const threshold = disk ? NODEFS_CAPACITY_BYTES * 0.1 : kubelet.spec.pidMax * 0.1;
        const extra = Math.max(0, Math.round(left - threshold * 0.6));
        if (disk) h.diskExtra += extra;
        else h.pidExtra += extra;
        if (action.for)
          ctx.after(parseDuration(action.for), () => {
            if (disk) h.diskExtra = Math.max(0, h.diskExtra - extra);
            else h.pidExtra = Math.max(0, h.pidExtra - extra);
            ctx.markDirty();
          });
        return;
      }
      h.pressure.add(action.resource);
      h.pressureSince.set(action.resource, clock.now);
      h.memoryDeficit = parseBytes(kubelet.spec.memory) * 0.12;
      kubelet.nodeEvent('NodeHasInsufficientMemory');
      kubelet.reportNodeStatus(true);
      return;
    }
    case 'disk-fill':
      world
        .faultsOf(action.namespace, action.name)
        .diskFill.set(action.container ?? '*', parseBytes(action.rate) / 60);
      return;
    case 'pid-leak':
      world.faultsOf(action.namespace, action.name).pidLeak.set(action.container ?? '*', action.rate / 60);
      return;
    case 'set-service-account':
      // kubectl set serviceaccount.
      patchTemplate(sim, actor, action.namespace, action.name, 'kubectl-set', (spec) => {
        spec.serviceAccountName = action.serviceAccount;
        return { spec: { serviceAccountName: action.serviceAccount } };
      });
      return;
    case 'set-constraint': {
      const constraint = api.get('K8sRequiredLabels', undefined, action.name);
      if (!constraint) throw new Error(`timeline: no Gatekeeper constraint ${action.name}`);
      const patch = { spec: { enforcementAction: action.enforcementAction } };
      api.update({ ...constraint, spec: { ...(constraint.spec as Json), ...patch.spec } }, actor, {
        verb: 'patch',
        requestObject: patch,
        query: '?fieldManager=kubectl-patch',
      });
      return;
    }
    case 'git-push':
      pushCommit(sim, action);
      return;
    case 'api-flood':
      for (let s = 0; s * 1000 < parseDuration(action.for); s++)
        ctx.after(s * 1000, () => flood(sim, action, s));
      return;
    case 'node-lost': {
      const kubelet = sim.kubelets.get(action.node);
      if (!kubelet) throw new Error(`timeline: no node ${action.node}`);
      world.node(action.node).lost = true;
      if (action.for) ctx.after(parseDuration(action.for), () => recoverNode(sim, action.node));
      return;
    }
    case 'registry-down':
      world.registriesDown.set(action.registry, until(sim, action.for));
      return;
    case 'memory-leak':
      world.setLeak(action.namespace, action.name, action.container, action.rate);
      return;
    case 'probe-fail':
      world
        .faultsOf(action.namespace, action.name)
        .probeFail.set(`${action.container ?? '*'}/${action.probe}`, until(sim, action.for));
      return;
    case 'load':
      world.faultsOf(action.namespace, action.name).load = action.factor;
      return;
    case 'dependency-down':
      world.dependenciesDown.set(action.host, { mode: action.mode, until: until(sim, action.for) });
      return;
    case 'webhook-down':
      world.webhooksDown.set(action.name, until(sim, action.for));
      return;
    case 'api-requests':
      for (let i = 0; i < action.count; i++) {
        ctx.after(i * parseDuration(action.every), () => apiRequest(sim, action));
      }
      return;
    case 'create-job': {
      const cj = api.get('CronJob', action.namespace, action.cronJob);
      if (!cj) throw new Error(`timeline: no cronjob ${action.namespace}/${action.cronJob}`);
      const template = (cj.spec as Json).jobTemplate as Json;
      api.create(
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: {
            name: `${action.cronJob}-manual-${ctx.rng.nameSuffix(3)}`,
            namespace: action.namespace,
            labels: template.metadata?.labels ?? {},
            annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
          },
          spec: structuredClone(template.spec),
        },
        actor,
      );
      return;
    }
  }
}

function apiRequest(sim: Simulation, action: Extract<Action, { action: 'api-requests' }>): void {
  const { api } = sim.ctx;
  const actor = sim.actor(action.user);
  const kind = kindOfResource(action.resource);
  if (action.verb === 'get' || action.verb === 'list' || action.verb === 'watch') {
    api.read(actor, action.verb, kind, action.namespace, action.name);
    return;
  }
  const target = action.name ? api.get(kind, action.namespace, action.name) : undefined;
  if (action.verb === 'patch' && target) {
    // A sync stamp, as GitOps tools leave on what they apply.
    const annotations = { 'deploy.example.com/last-sync': new Date(sim.ctx.clock.now).toISOString() };
    api.update(
      {
        ...target,
        metadata: { ...target.metadata, annotations: { ...target.metadata.annotations, ...annotations } },
      },
      actor,
      { verb: 'patch', requestObject: { metadata: { annotations } } },
    );
    return;
  }
  if (action.verb === 'delete' && action.name) {
    api.delete(kind, action.namespace, action.name, actor);
    return;
  }
  api.read(actor, 'get', kind, action.namespace, action.name);
}

/** A commit to an Application's repository: the images its manifests now declare. */
function pushCommit(sim: Simulation, action: Extract<Action, { action: 'git-push' }>): void {
  const { world, clock, scenario } = sim.ctx;
  const app = scenario.resources.applications.find((a) => a.name === action.application);
  if (!app) throw new Error(`timeline: no Argo CD Application ${action.application}`);
  const key = `${app.namespace}/${app.name}`;
  const history = world.git.get(key) ?? [];
  const head = history.at(-1);
  const images = new Map(head?.images ?? []);
  for (const change of action.changes) {
    const w = scenario.workloads.find((x) => x.namespace === app.destination && x.name === change.workload);
    const container = change.container ?? w?.containers[0]?.name ?? 'app';
    images.set(`${change.workload}/${container}`, change.image);
  }
  history.push({
    revision: gitRevision(`${app.repoURL}#${app.name}#${clock.now}#${action.message}`),
    message: action.message,
    at: clock.now,
    images,
    changes: action.changes,
    ...(action.invalid ? { invalid: action.invalid } : {}),
    ...(action.manifestError ? { manifestError: action.manifestError } : {}),
  });
  world.git.set(key, history);
}

/**
 * One second of a client flooding the API server: API Priority and Fairness lets `admitted`
 * requests a second through for this flow and rejects the rest with 429.
 */
function flood(sim: Simulation, action: Extract<Action, { action: 'api-flood' }>, second: number): void {
  const { api } = sim.ctx;
  const actor = sim.actor(action.user);
  const kind = kindOfResource(action.resource);
  // Fractional rates: the requests of a second are the whole ones up to now minus those before.
  const count = Math.floor((second + 1) * action.rate) - Math.floor(second * action.rate);
  const admitted = Math.floor((second + 1) * action.admitted) - Math.floor(second * action.admitted);
  for (let i = 0; i < count; i++) {
    if (i < admitted) api.read(actor, action.verb, kind, action.namespace);
    else api.throttled(actor, action.verb, kind, action.namespace);
  }
}

function kindOfResource(resource: string): string {
  const map: Record<string, string> = {
    pods: 'Pod',
    deployments: 'Deployment',
    secrets: 'Secret',
    configmaps: 'ConfigMap',
    services: 'Service',
    nodes: 'Node',
    namespaces: 'Namespace',
    statefulsets: 'StatefulSet',
    replicasets: 'ReplicaSet',
    jobs: 'Job',
    persistentvolumeclaims: 'PersistentVolumeClaim',
    persistentvolumes: 'PersistentVolume',
    endpoints: 'Endpoints',
    events: 'Event',
  };
  const kind = map[resource];
  if (!kind) throw new Error(`timeline: api-requests does not know resource "${resource}"`);
  return kind;
}

/** kubectl drain: evict every pod but DaemonSet ones through the Eviction API, retrying 429s every 5 s. */
function drain(sim: Simulation, actor: Actor, node: string, attempt: number): void {
  const { api } = sim.ctx;
  const pods = api
    .list('Pod')
    .filter(
      (p) =>
        (p.spec as Json).nodeName === node &&
        !p.metadata.deletionTimestamp &&
        controllerOf(p)?.kind !== 'DaemonSet',
    );
  let blocked = false;
  for (const pod of pods) {
    const eviction = {
      kind: 'Eviction',
      apiVersion: 'policy/v1',
      metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace },
      deleteOptions: {},
    };
    const pdb = api.list('PodDisruptionBudget', pod.metadata.namespace).find((b) => {
      const sel = (b.spec as Json).selector?.matchLabels as Record<string, string> | undefined;
      return sel && Object.entries(sel).every(([k, v]) => pod.metadata.labels?.[k] === v);
    });
    if (pdb && pdbBudget(sim.ctx, pdb).allowed <= 0) {
      blocked = true;
      api.auditSubresource(actor, 'create', pod, 'eviction', 429, eviction, {
        code: 429,
        reason: 'TooManyRequests',
        message: "Cannot evict pod as it would violate the pod's disruption budget.",
        details: {
          causes: [
            {
              reason: 'DisruptionBudget',
              message: `The disruption budget ${pdb.metadata.name} needs ${pdbBudget(sim.ctx, pdb).desired} healthy pods and has ${pdbBudget(sim.ctx, pdb).healthy} currently`,
            },
          ],
        },
      });
      continue;
    }
    api.auditSubresource(actor, 'create', pod, 'eviction', 201, eviction);
    api.delete('Pod', pod.metadata.namespace, pod.metadata.name, actor);
  }
  if (blocked && attempt < 120) sim.ctx.after(5000, () => drain(sim, actor, node, attempt + 1));
}

function recoverNode(sim: Simulation, node: string): void {
  const kubelet = sim.kubelets.get(node);
  if (!kubelet) return;
  sim.ctx.world.node(node).lost = false;
  kubelet.reboot();
  sim.ctx.markDirty();
}
