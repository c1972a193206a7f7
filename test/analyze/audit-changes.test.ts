// What people changed, from the API server's audit log alone: a scale through the scale subresource
// (with and without the request kept), a rollout restart, deletions of any kind (a namespace, a
// custom object the log names by its plural, an RBAC binding), a patch of a custom object or a Role;
// each with who, with what client and what changed, and never an autoscaler's or a controller's
// write; and a storm of RBAC refusals rooted in the change that caused it.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/analyze/report.ts';
import { analyzeAuditLog, auditEntry } from '../support/audit-log.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

const deployments = (namespace: string, name?: string, subresource?: string) => ({
  resource: 'deployments',
  namespace,
  ...(name ? { name } : {}),
  apiGroup: 'apps',
  apiVersion: 'v1',
  ...(subresource ? { subresource } : {}),
});

const rbac = (resource: string, namespace: string, name?: string) => ({
  resource,
  namespace,
  ...(name ? { name } : {}),
  apiGroup: 'rbac.authorization.k8s.io',
  apiVersion: 'v1',
});

const LOG = [
  // The Deployment as created: the size a later scale starts from.
  auditEntry('09:00:00', {
    level: 'RequestResponse',
    verb: 'create',
    requestURI: '/apis/apps/v1/namespaces/shop/deployments?fieldManager=kubectl-client-side-apply',
    objectRef: deployments('shop'),
    responseStatus: { metadata: {}, code: 201 },
    responseObject: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', namespace: 'shop', uid: 'u-web', resourceVersion: '100' },
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'app', image: 'shop/web:1.0' }] } } },
    },
  }),
  // kubectl scale: a merge patch of the scale subresource, whose objectRef names no object.
  auditEntry('09:05:00', {
    level: 'RequestResponse',
    verb: 'patch',
    requestURI: '/apis/apps/v1/namespaces/shop/deployments/web/scale',
    objectRef: deployments('shop', undefined, 'scale'),
    requestObject: { spec: { replicas: 0 } },
    responseObject: {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'web', namespace: 'shop', uid: 'u-web', resourceVersion: '180' },
      spec: { replicas: 0 },
      status: { replicas: 3, selector: 'app=web' },
    },
  }),
  // The same at the Metadata level: who and when, not to what size.
  auditEntry('09:06:00', {
    verb: 'patch',
    user: { username: 'bob@example.com', groups: ['system:authenticated'] },
    requestURI: '/apis/apps/v1/namespaces/shop/deployments/api/scale',
    objectRef: deployments('shop', 'api', 'scale'),
  }),
  // An autoscaler's scale is never a person's change.
  auditEntry('09:06:30', {
    verb: 'update',
    user: { username: 'system:serviceaccount:kube-system:horizontal-pod-autoscaler', groups: [] },
    userAgent: 'kube-controller-manager/v1.29.1 (linux/amd64) kubernetes/bc401b9/horizontal-pod-autoscaler',
    requestURI: '/apis/apps/v1/namespaces/shop/deployments/cart/scale',
    objectRef: deployments('shop', 'cart', 'scale'),
  }),
  // kubectl rollout restart, logged at the Request level.
  auditEntry('09:07:00', {
    level: 'Request',
    verb: 'patch',
    requestURI: '/apis/apps/v1/namespaces/shop/deployments/api?fieldManager=kubectl-rollout',
    objectRef: deployments('shop', 'api'),
    requestObject: {
      spec: {
        template: {
          metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-03-02T09:07:00Z' } },
        },
      },
    },
  }),
  // A custom object's patch: the spec fields it sets.
  auditEntry('09:08:00', {
    level: 'Request',
    verb: 'patch',
    requestURI: '/apis/cert-manager.io/v1/namespaces/shop/certificates/shop-tls?fieldManager=kubectl-patch',
    objectRef: {
      resource: 'certificates',
      namespace: 'shop',
      name: 'shop-tls',
      apiGroup: 'cert-manager.io',
      apiVersion: 'v1',
    },
    requestObject: { spec: { issuerRef: { name: 'letsencrypt-staging', kind: 'ClusterIssuer' } } },
  }),
  // Deletions at the Metadata level: a namespace, a custom object known by its plural only.
  auditEntry('09:09:00', {
    verb: 'delete',
    requestURI: '/api/v1/namespaces/legacy',
    objectRef: { resource: 'namespaces', name: 'legacy', apiVersion: 'v1' },
  }),
  auditEntry('09:10:00', {
    verb: 'delete',
    requestURI: '/apis/cert-manager.io/v1/namespaces/shop/certificates/old-tls',
    objectRef: {
      resource: 'certificates',
      namespace: 'shop',
      name: 'old-tls',
      apiGroup: 'cert-manager.io',
      apiVersion: 'v1',
    },
  }),
  // The garbage collector deleting what the namespace held: a consequence, not a change.
  auditEntry('09:09:05', {
    verb: 'delete',
    user: { username: 'system:serviceaccount:kube-system:namespace-controller', groups: [] },
    requestURI: '/api/v1/namespaces/legacy/configmaps/settings',
    objectRef: { resource: 'configmaps', namespace: 'legacy', name: 'settings', apiVersion: 'v1' },
  }),
  // RBAC: a binding as created, deleted by alice; a Role bob patched; then the bound service
  // account's requests are refused.
  auditEntry('09:00:30', {
    level: 'RequestResponse',
    verb: 'create',
    requestURI: '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings',
    objectRef: rbac('rolebindings', 'shop'),
    responseStatus: { metadata: {}, code: 201 },
    responseObject: {
      kind: 'RoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'deployer', namespace: 'shop', uid: 'u-rb', resourceVersion: '120' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'ServiceAccount', name: 'release-bot', namespace: 'ci' }],
    },
  }),
  auditEntry('09:11:00', {
    verb: 'delete',
    requestURI: '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings/deployer',
    objectRef: rbac('rolebindings', 'shop', 'deployer'),
  }),
  auditEntry('09:12:00', {
    verb: 'patch',
    user: { username: 'bob@example.com', groups: ['system:authenticated'] },
    requestURI: '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles/viewer',
    objectRef: rbac('roles', 'shop', 'viewer'),
  }),
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) =>
    auditEntry(`09:1${1 + Math.floor(i / 3)}:${String(10 + (i % 3) * 15).padStart(2, '0')}`, {
      verb: i % 3 === 2 ? 'get' : 'list',
      user: { username: 'system:serviceaccount:ci:release-bot', groups: ['system:serviceaccounts'] },
      userAgent: 'argocd-application-controller/v2.13.2 (linux/amd64)',
      requestURI: i % 3 === 2 ? '/api/v1/namespaces/shop/secrets/tls' : '/api/v1/namespaces/shop/pods',
      objectRef: {
        resource: i % 3 === 2 ? 'secrets' : 'pods',
        namespace: 'shop',
        ...(i % 3 === 2 ? { name: 'tls' } : {}),
        apiVersion: 'v1',
      },
      responseStatus: {
        metadata: {},
        status: 'Failure',
        reason: 'Forbidden',
        code: 403,
        message: `${i % 3 === 2 ? 'secrets "tls"' : 'pods'} is forbidden: User "system:serviceaccount:ci:release-bot" cannot ${i % 3 === 2 ? 'get' : 'list'} resource "${i % 3 === 2 ? 'secrets' : 'pods'}" in API group "" in the namespace "shop"`,
      },
      annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' },
    }),
  ),
  // kstory's own requests refused: never evidence of anything.
  ...[0, 1, 2, 3, 4].map((i) =>
    auditEntry(`09:13:0${i}`, {
      verb: 'list',
      user: { username: 'kubernetes-admin', groups: ['system:authenticated'] },
      userAgent: 'kstory-record/0.1.0',
      requestURI: '/apis/cert-manager.io/v1/certificates',
      objectRef: { resource: 'certificates', apiGroup: 'cert-manager.io', apiVersion: 'v1' },
      responseStatus: {
        metadata: {},
        status: 'Failure',
        reason: 'Forbidden',
        code: 403,
        message: 'forbidden',
      },
      annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' },
    }),
  ),
];

let report: Report;
beforeAll(async () => {
  report = await analyzeAuditLog(tempDir(), LOG);
});

const changes = () =>
  Object.fromEntries(
    report.findings
      .filter((f) => f.severity === 'info')
      .map((f) => [
        `${f.pattern} ${f.subject.namespace ?? ''}/${f.subject.kind}/${f.subject.name}`,
        f.summary,
      ]),
  );

describe('people’s changes from the audit log alone', () => {
  it('lists each scale, restart, deletion and custom-object patch with who, with what client and what changed', () => {
    expect(changes()).toEqual({
      'workload-scaled shop/Deployment/web':
        'alice@example.com patched Deployment shop/web: replicas 3 → 0 (with kubectl/v1.29.1) (at 2026-03-02 09:05:00Z): every pod of it was stopped.',
      'workload-scaled shop/Deployment/api':
        'bob@example.com patched Deployment shop/api: replicas changed (the audit log does not say to what) (with kubectl/v1.29.1) (at 2026-03-02 09:06:00Z).',
      'workload-restarted shop/Deployment/api':
        'alice@example.com patched Deployment shop/api: rollout restart (restartedAt 2026-03-02T09:07:00Z) (with kubectl/v1.29.1) (at 2026-03-02 09:07:00Z).',
      'custom-resource-changed shop/certificates.cert-manager.io/shop-tls':
        'alice@example.com patched certificates.cert-manager.io shop/shop-tls: spec issuerRef={"name":"letsencrypt-staging","kind":"ClusterIssuer"} (with kubectl/v1.29.1) (at 2026-03-02 09:08:00Z).',
      'object-deleted /Namespace/legacy':
        'alice@example.com deleted Namespace legacy: deleted (with kubectl/v1.29.1) (at 2026-03-02 09:09:00Z).',
      'object-deleted shop/certificates.cert-manager.io/old-tls':
        'alice@example.com deleted certificates.cert-manager.io shop/old-tls: deleted (with kubectl/v1.29.1) (at 2026-03-02 09:10:00Z).',
      'object-deleted shop/RoleBinding/deployer':
        'alice@example.com deleted RoleBinding shop/deployer: deleted (with kubectl/v1.29.1) (at 2026-03-02 09:11:00Z).',
      'rbac-changed shop/Role/viewer':
        'bob@example.com patched Role shop/viewer: permissions changed (the audit log does not say how) (with kubectl/v1.29.1) (at 2026-03-02 09:12:00Z).',
    });
  });

  it('keeps a change that explains no failure as context', () => {
    const context = report.findings.filter((f) => f.severity === 'info' && f.incident === null);
    expect(context.map((f) => `${f.pattern} ${f.subject.name}`).sort()).toEqual([
      'custom-resource-changed shop-tls',
      'object-deleted legacy',
      'object-deleted old-tls',
      'rbac-changed viewer',
      'workload-restarted api',
      'workload-scaled api',
      'workload-scaled web',
    ]);
  });

  it('roots a storm of refusals in the deletion of the binding that granted them, said per verb and resource', () => {
    const forbidden = report.findings.filter((f) => f.pattern === 'rbac-forbidden');
    // kstory's own refused requests are no finding.
    expect(forbidden.map((f) => f.subject.name)).toEqual(['system:serviceaccount:ci:release-bot']);
    expect(forbidden[0]!.summary).toContain(': list pods in shop ×6; get secrets in shop ×3.');
    const incident = report.incidents.find((i) => report.findings[i.root]!.pattern === 'object-deleted')!;
    expect(report.findings[incident.root]!.subject).toMatchObject({ kind: 'RoleBinding', name: 'deployer' });
    expect(incident.chain.map((step) => step.via?.link ?? 'root')).toEqual(['root', 'rbac-change-forbidden']);
  });
});
