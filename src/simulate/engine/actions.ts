// The scenario timeline: each action is what a person or an outside event does to the cluster,
// played through the API as kubectl would send it (so that it is audited with its author), or as
// a change of the world outside the API (a registry going down, a node dying, a memory leak).

import { gitRevision } from '../cluster/argocd.ts';
import { revokeBinding, setRoleRules } from '../cluster/rbac.ts';
import { envManifest } from '../cluster/templates.ts';
import type { Action } from '../scenario/schema.ts';
import { apiRequest, flood } from './api-clients.ts';
import type { Json } from './json.ts';
import { drain, nodePressure, recoverNode, setUnschedulable } from './node-actions.ts';
import { formatBytes, formatCpu, parseBytes, parseCpuMillis, parseDuration } from './quantity.ts';
import type { Simulation } from './simulation.ts';
import { containerIn, containerOf, patchTemplate, rollback } from './workload-edits.ts';

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

function applyAction(sim: Simulation, action: Action): void {
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
    case 'rollback':
      rollback(sim, actor, action);
      return;
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
    case 'resize-pvc': {
      const pvc = api.get('PersistentVolumeClaim', action.namespace, action.name);
      if (!pvc) throw new Error(`timeline: no persistentvolumeclaim ${action.namespace}/${action.name}`);
      const resources = { requests: { storage: formatBytes(parseBytes(String(action.size))) } };
      api.update({ ...pvc, spec: { ...(pvc.spec as Json), resources } }, actor, {
        verb: 'patch',
        requestObject: { spec: { resources } },
        query: '?fieldManager=kubectl-patch',
      });
      return;
    }
    case 'delete-volume': {
      const pvc = api.get('PersistentVolumeClaim', action.namespace, action.name);
      const pvName = (pvc?.spec as Json | undefined)?.volumeName as string | undefined;
      if (!pvName)
        throw new Error(`timeline: no bound persistentvolumeclaim ${action.namespace}/${action.name}`);
      api.delete('PersistentVolume', undefined, pvName, actor);
      const pv = api.get('PersistentVolume', undefined, pvName);
      if (pv)
        api.update({ ...pv, metadata: { ...pv.metadata, finalizers: [] } }, actor, {
          verb: 'patch',
          requestObject: { metadata: { finalizers: null } },
          query: '?fieldManager=kubectl-patch',
        });
      return;
    }
    case 'delete':
      if (action.kind === 'RoleBinding') revokeBinding(api, action.namespace, action.name);
      api.delete(action.kind, action.namespace, action.name, actor);
      return;
    case 'set-role-rules':
      setRoleRules(api, actor, action.namespace, action.name, action.rules);
      return;
    case 'cordon':
    case 'uncordon':
      setUnschedulable(sim, actor, action.node, action.action === 'cordon');
      return;
    case 'drain':
      setUnschedulable(sim, actor, action.node, true);
      drain(sim, actor, action.node, 0);
      return;
    case 'node-pressure':
      nodePressure(sim, action);
      return;
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
