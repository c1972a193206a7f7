// Gatekeeper's audit: every minute it evaluates each constraint against the pods that exist and
// writes what violates it to the constraint's status (auditTimestamp, totalViolations, up to 20
// violations), whatever the constraint's enforcement action: dryrun constraints show here first.

import type { Actor } from '../api/actors.ts';
import { requiredLabelsViolation } from '../api/admission.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';

const AUDIT_INTERVAL_MS = 60_000;
const VIOLATIONS_LIMIT = 20;

export class GatekeeperAuditController {
  readonly name = 'gatekeeper-audit';
  private lastAudit = Number.NEGATIVE_INFINITY;
  private readonly actor: Actor;

  constructor(private readonly sim: SimContext) {
    const ns = sim.scenario.resources.gatekeeper?.namespace ?? 'gatekeeper-system';
    this.actor = {
      username: `system:serviceaccount:${ns}:gatekeeper-admin`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
      userAgent: 'gatekeeper/v3.18.2 (linux/amd64) 7f1e9b3/2025-01-14T18:21:51Z',
      sourceIP: '10.244.2.41',
    };
  }

  reconcile(): void {
    const { api, clock } = this.sim;
    if (!this.sim.scenario.resources.gatekeeper) return;
    if (clock.now - this.lastAudit < AUDIT_INTERVAL_MS) return;
    this.lastAudit = clock.now;
    const pods = api.list('Pod').filter((p) => !p.metadata.deletionTimestamp);
    for (const constraint of api.list('K8sRequiredLabels')) {
      const action = ((constraint.spec as Json).enforcementAction as string | undefined) ?? 'deny';
      const violations = pods.flatMap((pod) => {
        const message = requiredLabelsViolation(constraint, pod);
        return message
          ? [
              {
                enforcementAction: action,
                group: '',
                kind: 'Pod',
                message,
                name: pod.metadata.name,
                namespace: pod.metadata.namespace,
                version: 'v1',
              },
            ]
          : [];
      });
      api.update(
        {
          ...constraint,
          status: {
            auditTimestamp: clock.iso(),
            totalViolations: violations.length,
            ...(violations.length > 0 ? { violations: violations.slice(0, VIOLATIONS_LIMIT) } : {}),
          },
        },
        this.actor,
        { subresource: 'status' },
      );
    }
    this.sim.after(AUDIT_INTERVAL_MS, () => this.sim.markDirty());
  }
}
