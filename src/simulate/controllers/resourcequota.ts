// The resource-quota controller: recomputes `status.used` of every ResourceQuota from the pods in
// its namespace, and mirrors `spec.hard` into `status.hard`.

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import { formatQuotaValue, namespaceQuotaUsage } from '../api/admission.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';

export class ResourceQuotaController {
  readonly name = 'resourcequota-controller';
  private readonly actor: Actor;

  constructor(private readonly sim: SimContext) {
    this.actor = controllerActor('resourcequota-controller', sim.version);
  }

  reconcile(): void {
    const { api } = this.sim;
    for (const quota of api.list('ResourceQuota')) {
      const hard = ((quota.spec as Json).hard as Record<string, string>) ?? {};
      const usage = namespaceQuotaUsage(this.sim, quota.metadata.namespace!);
      const used: Record<string, string> = {};
      for (const r of Object.keys(hard)) used[r] = formatQuotaValue(r, usage[r] ?? 0);
      api.update({ ...quota, status: { hard: { ...hard }, used } }, this.actor, { subresource: 'status' });
    }
  }
}
