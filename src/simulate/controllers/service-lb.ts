// The cloud provider's service controller (cloud-controller-manager): a Service of type
// LoadBalancer gets a load balancer from the cloud (EnsuringLoadBalancer, then EnsuredLoadBalancer
// and its hostname in status.loadBalancer.ingress), or, when `cluster.loadBalancerError` says what
// the cloud answers, SyncLoadBalancerFailed retried with back-off while the Service stays pending.

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import { involvedOf } from '../events/recorder.ts';

/** The service controller's retry delays (minRetryDelay, maxRetryDelay). */
const RETRY_MIN_MS = 5_000;
const RETRY_MAX_MS = 300_000;

export class ServiceLoadBalancerController {
  readonly name = 'service-controller';
  private readonly actor: Actor;
  /** Per Service: when it may be synced again (Infinity while the cloud is asked). */
  private readonly next = new Map<string, number>();
  private readonly failures = new Map<string, number>();

  constructor(private readonly sim: SimContext) {
    this.actor = controllerActor('service-controller', sim.version);
  }

  reconcile(): void {
    const { api, clock } = this.sim;
    for (const svc of api.list('Service')) {
      if ((svc.spec as Json).type !== 'LoadBalancer' || svc.metadata.deletionTimestamp) continue;
      if (((svc.status as Json | undefined)?.loadBalancer?.ingress?.length ?? 0) > 0) continue;
      const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
      if (clock.now < (this.next.get(key) ?? 0)) continue;
      this.next.set(key, Number.POSITIVE_INFINITY);
      this.sim.recorder.record(
        { component: this.name },
        involvedOf(svc),
        'Normal',
        'EnsuringLoadBalancer',
        'Ensuring load balancer',
      );
      this.sim.after(this.sim.rng.int(2000, 8000), () => this.ensure(key));
    }
  }

  /** EnsureLoadBalancer answered: the load balancer's hostname on the Service, or the error. */
  private ensure(key: string): void {
    const { api, clock, recorder, rng } = this.sim;
    const [namespace, name] = key.split('/') as [string, string];
    const svc = api.get('Service', namespace, name);
    if (!svc) {
      this.next.delete(key);
      return;
    }
    const error = this.sim.scenario.cluster.loadBalancerError;
    if (error) {
      const failures = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, failures);
      this.next.set(key, clock.now + Math.min(RETRY_MIN_MS * 2 ** (failures - 1), RETRY_MAX_MS));
      recorder.record(
        { component: this.name },
        involvedOf(svc),
        'Warning',
        'SyncLoadBalancerFailed',
        `Error syncing load balancer: failed to ensure load balancer: ${error}`,
      );
      return;
    }
    const hostname = `a${rng.hex(32)}-${rng.int(100000000, 999999999)}.elb.amazonaws.com`;
    const r = api.update({ ...svc, status: { loadBalancer: { ingress: [{ hostname }] } } }, this.actor, {
      subresource: 'status',
    });
    if (r.ok)
      recorder.record(
        { component: this.name },
        involvedOf(svc),
        'Normal',
        'EnsuredLoadBalancer',
        'Ensured load balancer',
      );
    this.next.delete(key);
    this.failures.delete(key);
  }
}
