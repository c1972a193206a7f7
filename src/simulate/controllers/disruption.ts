// The disruption controller: PodDisruptionBudget status (currentHealthy, desiredHealthy,
// disruptionsAllowed, expectedPods) from the pods its selector matches.

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { isActivePod, isPodReady, matchesSelector, setCondition } from './util.ts';

export function pdbBudget(
  sim: SimContext,
  pdb: KubeObject,
): { healthy: number; desired: number; expected: number; allowed: number } {
  const spec = pdb.spec as Json;
  const pods = sim.api
    .list('Pod', pdb.metadata.namespace)
    .filter((p) => isActivePod(p) && matchesSelector(p.metadata.labels, spec.selector?.matchLabels));
  const healthy = pods.filter(isPodReady).length;
  const expected = pods.length;
  const desired =
    spec.minAvailable !== undefined
      ? Number(spec.minAvailable)
      : Math.max(0, expected - Number(spec.maxUnavailable ?? 0));
  return { healthy, desired, expected, allowed: Math.max(0, healthy - desired) };
}

export class DisruptionController {
  readonly name = 'disruption-controller';
  private readonly actor: Actor;

  constructor(private readonly sim: SimContext) {
    this.actor = controllerActor('disruption-controller', sim.version);
  }

  reconcile(): void {
    for (const pdb of this.sim.api.list('PodDisruptionBudget')) {
      const b = pdbBudget(this.sim, pdb);
      const conditions = setCondition(
        ((pdb.status as Json | undefined)?.conditions as Json[] | undefined) ?? [],
        b.allowed > 0
          ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' }
          : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' },
        this.sim.clock.iso(),
      ).map((c) => ({ ...c, message: '', observedGeneration: pdb.metadata.generation }));
      const status = {
        conditions,
        currentHealthy: b.healthy,
        desiredHealthy: b.desired,
        disruptionsAllowed: b.allowed,
        expectedPods: b.expected,
        observedGeneration: pdb.metadata.generation,
      };
      this.sim.api.update({ ...pdb, status }, this.actor, { subresource: 'status' });
    }
  }
}
