// Edits of a workload as kubectl sends them: a strategic-merge patch of its pod template (set image,
// env, resources, restart) and a rollback to the template of its previous ReplicaSet.

import type { Actor } from '../api/actors.ts';
import { isOwnedBy } from '../controllers/util.ts';
import type { Action } from '../scenario/schema.ts';
import type { Json } from './json.ts';
import type { KubeObject } from './records.ts';
import type { Simulation } from './simulation.ts';

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;

function findWorkload(sim: Simulation, namespace: string, name: string): KubeObject | undefined {
  for (const kind of WORKLOAD_KINDS) {
    const obj = sim.ctx.api.get(kind, namespace, name);
    if (obj) return obj;
  }
  return undefined;
}

/** Patch a workload's pod template (kubectl set/patch), audited as a strategic-merge patch. */
export function patchTemplate(
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

export function containerOf(spec: Json, name: string | undefined): Json {
  return containerIn(spec, name).container;
}

/** The named container (an init container's name too) and the list of the pod spec it is in. */
export function containerIn(
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

/** kubectl rollout undo: the Deployment's template becomes that of the ReplicaSet of the revision before. */
export function rollback(
  sim: Simulation,
  actor: Actor,
  action: Extract<Action, { action: 'rollback' }>,
): void {
  const { api } = sim.ctx;
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
}
