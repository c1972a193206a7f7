// The Endpoints and EndpointSlice controllers: each Service's ready and not-ready pod addresses,
// following pod readiness (terminating pods leave Endpoints and stay in slices as terminating).

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { isPodReady, matchesSelector, ownerRef } from './util.ts';

export class EndpointsController {
  readonly name = 'endpoint-controller';
  private readonly actor: Actor;
  private readonly sliceActor: Actor;

  constructor(private readonly sim: SimContext) {
    this.actor = controllerActor('endpoint-controller', sim.version);
    this.sliceActor = controllerActor('endpointslice-controller', sim.version);
  }

  private seen = '';

  reconcile(): void {
    const { api } = this.sim;
    // Endpoints follow pods, services and nodes (zones) only.
    const seen = `${api.writesOf('Pod')}/${api.writesOf('Service')}/${api.writesOf('Node')}`;
    if (seen === this.seen) return;
    this.seen = seen;
    for (const svc of api.list('Service')) {
      const selector = (svc.spec as Json).selector as Record<string, string> | undefined;
      if (!selector) continue;
      const pods = api
        .list('Pod', svc.metadata.namespace)
        .filter(
          (p) =>
            matchesSelector(p.metadata.labels, selector) &&
            (p.status as Json)?.podIP &&
            !['Succeeded', 'Failed'].includes((p.status as Json)?.phase),
        );
      this.syncEndpoints(svc, pods);
      this.syncSlice(svc, pods);
    }
  }

  private ports(svc: KubeObject): Json[] {
    return ((svc.spec as Json).ports as Json[]).map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      port: p.targetPort ?? p.port,
      protocol: p.protocol ?? 'TCP',
    }));
  }

  private syncEndpoints(svc: KubeObject, pods: KubeObject[]): void {
    const { api } = this.sim;
    const address = (p: KubeObject) => ({
      ip: (p.status as Json).podIP,
      nodeName: (p.spec as Json).nodeName,
      targetRef: { kind: 'Pod', name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid },
    });
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    const ready = live.filter(isPodReady).map(address);
    const notReady = live.filter((p) => !isPodReady(p)).map(address);
    const subsets =
      ready.length + notReady.length > 0
        ? [
            {
              ...(ready.length ? { addresses: ready } : {}),
              ...(notReady.length ? { notReadyAddresses: notReady } : {}),
              ports: this.ports(svc),
            },
          ]
        : undefined;
    const existing = api.get('Endpoints', svc.metadata.namespace, svc.metadata.name);
    const body: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: svc.metadata.name,
        namespace: svc.metadata.namespace,
        labels: { ...svc.metadata.labels },
        ...(existing
          ? {
              uid: existing.metadata.uid,
              resourceVersion: existing.metadata.resourceVersion,
              creationTimestamp: existing.metadata.creationTimestamp,
            }
          : {}),
        annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': this.sim.clock.iso() },
      },
      ...(subsets ? { subsets } : {}),
    };
    if (!existing) {
      api.create(body, this.actor);
      return;
    }
    if (JSON.stringify((existing as Json).subsets ?? null) === JSON.stringify(subsets ?? null)) return;
    api.update(body, this.actor);
  }

  private syncSlice(svc: KubeObject, pods: KubeObject[]): void {
    const { api } = this.sim;
    const endpoints = pods.map((p) => {
      const terminating = Boolean(p.metadata.deletionTimestamp);
      const ready = isPodReady(p);
      const node = api.get('Node', undefined, (p.spec as Json).nodeName);
      return {
        addresses: [(p.status as Json).podIP],
        conditions: { ready: ready && !terminating, serving: ready, terminating },
        nodeName: (p.spec as Json).nodeName,
        targetRef: {
          kind: 'Pod',
          name: p.metadata.name,
          namespace: p.metadata.namespace,
          uid: p.metadata.uid,
        },
        ...(node?.metadata.labels?.['topology.kubernetes.io/zone']
          ? { zone: node.metadata.labels['topology.kubernetes.io/zone'] }
          : {}),
      };
    });
    const existing = api
      .list('EndpointSlice', svc.metadata.namespace)
      .find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name);
    const body: KubeObject = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: existing?.metadata.name ?? '',
        ...(existing ? {} : { generateName: `${svc.metadata.name}-` }),
        namespace: svc.metadata.namespace,
        labels: {
          ...svc.metadata.labels,
          'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
          'kubernetes.io/service-name': svc.metadata.name,
        },
        ownerReferences: [ownerRef(svc)],
        ...(existing
          ? {
              uid: existing.metadata.uid,
              resourceVersion: existing.metadata.resourceVersion,
              creationTimestamp: existing.metadata.creationTimestamp,
              generation: existing.metadata.generation,
            }
          : {}),
      },
      addressType: 'IPv4',
      endpoints,
      ports: this.ports(svc).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol })),
    };
    if (!existing) {
      api.create(body, this.sliceActor);
      return;
    }
    if (JSON.stringify((existing as Json).endpoints) === JSON.stringify(endpoints)) return;
    api.update(body, this.sliceActor);
  }
}
