// Clients of the API server other than kubectl edits: a user's requests (reads, a GitOps sync stamp,
// deletes) and a client flooding it, whose excess API Priority and Fairness rejects.

import type { Action } from '../scenario/schema.ts';
import type { Simulation } from './simulation.ts';

export function apiRequest(sim: Simulation, action: Extract<Action, { action: 'api-requests' }>): void {
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

/**
 * One second of a client flooding the API server: API Priority and Fairness lets `admitted`
 * requests a second through for this flow and rejects the rest with 429.
 */
export function flood(
  sim: Simulation,
  action: Extract<Action, { action: 'api-flood' }>,
  second: number,
): void {
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
