// Releases and rollbacks an audit log alone shows, when it keeps no version of the workload from
// before them: the images a person's strategic merge patch sets (kubectl set image), the template
// `kubectl rollout undo` puts back (its JSON patch), and, at the Metadata level, only that a person
// wrote the workload; a server-side apply (the whole object) and a tool rewriting it again and again
// are no change.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/analyze/report.ts';
import { analyzeAuditLog, auditEntry } from '../support/audit-log.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

const deployment = (name: string) => ({
  resource: 'deployments',
  namespace: 'shop',
  name,
  apiGroup: 'apps',
  apiVersion: 'v1',
});

/** The template of Deployment cart, with this image. */
const template = (image: string) => ({
  metadata: { labels: { app: 'cart' } },
  spec: { containers: [{ name: 'app', image, resources: {} }] },
});

const LOG = [
  // kubectl set image: a strategic merge patch of the one container it sets, logged with the request.
  auditEntry('09:04:00', {
    level: 'Request',
    verb: 'patch',
    requestURI: '/apis/apps/v1/namespaces/shop/deployments/cart?fieldManager=kubectl-set',
    objectRef: deployment('cart'),
    requestObject: {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'shop/cart:3.2.0' }] } } },
    },
  }),
  // The deployment controller's status update answers the whole Deployment: its first version.
  auditEntry('09:04:02', {
    level: 'RequestResponse',
    verb: 'update',
    user: { username: 'system:serviceaccount:kube-system:deployment-controller', groups: [] },
    userAgent: 'kube-controller-manager/v1.31.4 (linux/amd64) kubernetes/a78aa47/deployment-controller',
    requestURI: '/apis/apps/v1/namespaces/shop/deployments/cart/status',
    objectRef: { ...deployment('cart'), subresource: 'status' },
    responseObject: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'cart', namespace: 'shop', uid: 'u-cart', resourceVersion: '500', generation: 7 },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'cart' } },
        template: template('shop/cart:3.2.0'),
      },
      status: { replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 1 },
    },
  }),
  // kubectl rollout undo: the previous ReplicaSet's template, then the annotations, as a JSON patch.
  auditEntry('09:13:00', {
    level: 'Request',
    verb: 'patch',
    requestURI: '/apis/apps/v1/namespaces/shop/deployments/cart',
    objectRef: deployment('cart'),
    requestObject: [
      { op: 'replace', path: '/spec/template', value: template('shop/cart:3.1.0') },
      { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '7' } },
    ],
  }),
  // A Deployment written at the Metadata level: who and when only.
  auditEntry('09:06:00', {
    verb: 'patch',
    user: { username: 'bob@example.com', groups: ['system:authenticated'] },
    requestURI: '/apis/apps/v1/namespaces/shop/deployments/api',
    objectRef: deployment('api'),
  }),
  // A GitOps tool applying its Deployment every few minutes, at the Metadata level: reconciling.
  ...[0, 1, 2, 3, 4, 5, 6].map((i) =>
    auditEntry(`09:0${i}:30`, {
      verb: 'patch',
      user: { username: 'system:serviceaccount:flux-system:kustomize-controller', groups: [] },
      userAgent: 'kustomize-controller/v1.4.1',
      requestURI: '/apis/apps/v1/namespaces/shop/deployments/frontend?fieldManager=kustomize-controller',
      objectRef: deployment('frontend'),
    }),
  ),
  // A server-side apply sends the whole object, its unchanged image included: no release.
  auditEntry('09:08:00', {
    level: 'Request',
    verb: 'patch',
    user: { username: 'system:serviceaccount:argocd:argocd-application-controller', groups: [] },
    userAgent: 'argocd-application-controller/v2.13.2',
    requestURI: '/apis/apps/v1/namespaces/shop/deployments/mailer?fieldManager=argocd-controller',
    objectRef: deployment('mailer'),
    requestObject: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'mailer', namespace: 'shop' },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'shop/mailer:1.0' }] } } },
    },
  }),
];

let report: Report;
beforeAll(async () => {
  report = await analyzeAuditLog(tempDir(), LOG);
});

const summaries = (pattern: string) =>
  Object.fromEntries(
    report.findings.filter((f) => f.pattern === pattern).map((f) => [f.subject.name, f.summary]),
  );

describe('releases an audit log alone shows', () => {
  it('says the images a person’s patch set, though no version before it says the ones it replaced', () => {
    expect(summaries('workload-image-changed').cart).toBe(
      'alice@example.com patched Deployment shop/cart: image set: app=shop/cart:3.2.0 (the audit log does not say the one before) (with kubectl/v1.29.1) (at 2026-03-02 09:04:00Z).',
    );
  });

  it('reads kubectl rollout undo’s patch as a rollback from the images the last version showed', () => {
    expect(summaries('deployment-rollback')).toEqual({
      cart: 'alice@example.com patched Deployment shop/cart: rollback app=shop/cart:3.2.0 → app=shop/cart:3.1.0 (with kubectl/v1.29.1) (a rollback, at 2026-03-02 09:13:00Z).',
    });
  });

  it('says a workload written at the Metadata level changed, without inventing what; a reconciling tool and a server-side apply are no change', () => {
    const written = report.findings.filter((f) => f.pattern === 'workload-image-changed');
    expect(written.map((f) => f.subject.name).sort()).toEqual(['api', 'cart']);
    const api = written.find((f) => f.subject.name === 'api')!;
    expect(api.variant).toBe('written');
    expect(api.summary).toBe(
      'bob@example.com patched Deployment shop/api: written (logged at the Metadata level: the audit log does not say what changed) (with kubectl/v1.29.1) (at 2026-03-02 09:06:00Z).',
    );
    expect(api.confidence).toBeLessThan(written.find((f) => f.subject.name === 'cart')!.confidence);
  });
});
