// Builds the scenario's cluster through the API, as its operators did before the recording: system
// namespaces and the API server's Service, then what the scenario declares, in the order an
// operator would: storage, config, RBAC and quotas, admission policies, certificates, workloads,
// Argo CD.

import type { Actor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import { formatBytes, parseBytes } from '../engine/quantity.ts';
import type { KubeObject } from '../engine/records.ts';
import { createAdmissionPolicies } from './admission-policies.ts';
import { createApplications } from './argocd.ts';
import { createCertificates } from './cert-manager.ts';
import { createRoles } from './rbac.ts';
import { createStorageClasses, createVolumes } from './storage.ts';
import { createWorkloads } from './workloads.ts';

export function bootstrapCluster(sim: SimContext, admin: Actor): void {
  const { api, scenario, rng } = sim;
  const s = scenario;
  const namespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease', ...s.namespaces];
  if (s.resources.certificates.length > 0) namespaces.push('cert-manager');
  if (s.resources.gatekeeper) namespaces.push(s.resources.gatekeeper.namespace);
  for (const app of s.resources.applications) namespaces.push(app.namespace);
  for (const ns of new Set(namespaces)) {
    api.create(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      },
      admin,
    );
    api.create(
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } },
      admin,
    );
    api.create(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'kube-root-ca.crt',
          namespace: ns,
          annotations: {
            'kubernetes.io/description':
              'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No trust relationship between the CA and any other endpoint is implied.',
          },
        },
        data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n' },
      } as KubeObject,
      admin,
    );
  }
  api.create(
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        clusterIP: '10.96.0.1',
        clusterIPs: ['10.96.0.1'],
        internalTrafficPolicy: 'Cluster',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
        sessionAffinity: 'None',
        type: 'ClusterIP',
      },
      status: { loadBalancer: {} },
    },
    admin,
  );

  createStorageClasses(sim, admin);
  for (const cm of s.resources.configMaps) {
    api.create(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: cm.name, namespace: cm.namespace },
        data: { ...cm.data },
      } as KubeObject,
      admin,
    );
  }
  for (const secret of s.resources.secrets) {
    const data: Record<string, string> = {};
    for (const k of secret.keys) data[k] = Buffer.from(rng.hex(24)).toString('base64');
    if (secret.type === 'kubernetes.io/tls') {
      data['tls.crt'] = Buffer.from(
        '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n',
      ).toString('base64');
      data['tls.key'] = Buffer.from(
        '-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n',
      ).toString('base64');
    }
    api.create(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: secret.name,
          namespace: secret.namespace,
          ...(secret.notAfter ? { annotations: { 'cert-manager.io/certificate-name': secret.name } } : {}),
        },
        type: secret.type,
        data,
      } as KubeObject,
      admin,
    );
  }
  createRoles(sim, admin);
  for (const q of s.resources.resourceQuotas) {
    const hard = Object.fromEntries(Object.entries(q.hard).map(([k, v]) => [k, String(v)]));
    api.create(
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: q.name, namespace: q.namespace },
        spec: { hard },
      } as KubeObject,
      admin,
    );
  }
  for (const lr of s.resources.limitRanges) {
    const conv = (r: { cpu?: string | number; memory?: string | number } | undefined) =>
      r
        ? Object.fromEntries(
            Object.entries(r).map(([k, v]) => [
              k,
              k === 'memory' ? formatBytes(parseBytes(v as string)) : String(v),
            ]),
          )
        : undefined;
    api.create(
      {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: lr.name, namespace: lr.namespace },
        spec: {
          limits: [
            {
              type: 'Container',
              ...(lr.max ? { max: conv(lr.max) } : {}),
              ...(lr.default ? { default: conv(lr.default) } : {}),
              ...(lr.defaultRequest ? { defaultRequest: conv(lr.defaultRequest) } : {}),
            },
          ],
        },
      } as KubeObject,
      admin,
    );
  }
  createVolumes(sim, admin);
  createAdmissionPolicies(sim, admin);
  if (s.resources.certificates.length > 0) createCertificates(sim, admin);
  createWorkloads(sim, admin);
  if (s.resources.applications.length > 0) createApplications(sim, admin);
}
