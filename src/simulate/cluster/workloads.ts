// The scenario's workloads as their owners deployed them: the ServiceAccounts they run as, each
// workload's manifest, and its Service, HorizontalPodAutoscaler, PodDisruptionBudget and Ingress.

import type { Actor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { KubeObject } from '../engine/records.ts';
import type { Workload } from '../scenario/schema.ts';
import { selectorLabelsOf, workloadManifest } from './templates.ts';

export function createWorkloads(sim: SimContext, admin: Actor): void {
  const { api } = sim;
  const s = sim.scenario;
  // ServiceAccounts the workloads run as (the admission plugin refuses pods of a missing one).
  for (const w of s.workloads) {
    if (w.serviceAccount === 'default' || api.get('ServiceAccount', w.namespace, w.serviceAccount)) continue;
    api.create(
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: w.serviceAccount, namespace: w.namespace },
      },
      admin,
    );
  }
  for (const w of s.workloads) createWorkload(sim, w, admin);
}

export function createWorkload(sim: SimContext, w: Workload, admin: Actor): void {
  const { api, world } = sim;
  const apps = new Map([...w.initContainers, ...w.containers].map((c) => [c.name, c.app]));
  world.apps.set(`${w.namespace}/${w.name}`, apps);
  if (w.kind === 'Deployment' || w.kind === 'StatefulSet')
    world.declaredReplicas.set(`${w.namespace}/${w.name}`, Math.max(1, w.replicas));
  for (const c of [...w.initContainers, ...w.containers]) {
    const binaries = world.imageBinaries.get(c.image) ?? new Set<string>();
    if (c.command?.[0]) binaries.add(c.command[0]);
    world.imageBinaries.set(c.image, binaries);
  }
  api.create(workloadManifest(w), admin);
  const selector = selectorLabelsOf(w);
  if ('service' in w && w.service) {
    const port = w.containers[0]?.ports[0] ?? 8080;
    const ip = world.allocateClusterIp();
    api.create(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: w.service.name ?? w.name, namespace: w.namespace, labels: { ...selector } },
        spec: {
          clusterIP: w.kind === 'StatefulSet' ? 'None' : ip,
          clusterIPs: [w.kind === 'StatefulSet' ? 'None' : ip],
          internalTrafficPolicy: 'Cluster',
          ipFamilies: ['IPv4'],
          ipFamilyPolicy: 'SingleStack',
          ports: [
            {
              name: 'http',
              port: w.service.port,
              protocol: 'TCP',
              targetPort: w.service.targetPort ?? port,
              // The API server's pick from the node port range, for the Services that open one.
              ...(w.service.type === 'ClusterIP'
                ? {}
                : { nodePort: 30000 + (Number(ip.split('.')[3]) % 2768) }),
            },
          ],
          selector: w.service.selector ?? selector,
          sessionAffinity: 'None',
          type: w.service.type,
        },
        status: { loadBalancer: {} },
      },
      admin,
    );
  }
  if (w.kind === 'Deployment' && w.hpa) {
    api.create(
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: w.name, namespace: w.namespace },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: w.name },
          minReplicas: w.hpa.min,
          maxReplicas: w.hpa.max,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: w.hpa.cpu } },
            },
          ],
        },
      },
      admin,
    );
  }
  if ((w.kind === 'Deployment' || w.kind === 'StatefulSet') && w.pdb) {
    api.create(
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: w.name, namespace: w.namespace },
        spec: {
          selector: { matchLabels: selector },
          ...(w.pdb.minAvailable !== undefined ? { minAvailable: w.pdb.minAvailable } : {}),
          ...(w.pdb.maxUnavailable !== undefined ? { maxUnavailable: w.pdb.maxUnavailable } : {}),
          unhealthyPodEvictionPolicy: 'IfHealthyBudget',
        },
      } as KubeObject,
      admin,
    );
  }
  if (w.kind === 'Deployment' && w.ingress) {
    api.create(
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {
          name: w.name,
          namespace: w.namespace,
          annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' },
        },
        spec: {
          ingressClassName: 'nginx',
          rules: [
            {
              host: w.ingress.host,
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: {
                      service: { name: w.service?.name ?? w.name, port: { number: w.service?.port ?? 80 } },
                    },
                  },
                ],
              },
            },
          ],
          tls: [{ hosts: [w.ingress.host], secretName: `${w.name}-tls` }],
        },
        status: {
          loadBalancer: {
            ingress: [{ hostname: 'k8s-ingress-0f1e2d3c4b-1234567890.eu-west-1.elb.amazonaws.com' }],
          },
        },
      } as KubeObject,
      admin,
    );
  }
}
