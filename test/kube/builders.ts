// Small builders of Kubernetes objects for tests: realistic defaults, overridable by a deep merge.
import type { KubeObject } from '../../src/kube/to-row.ts';

type Plain = Record<string, unknown>;

function merge<T>(base: T, patch: unknown): T {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return (patch ?? base) as T;
  const out: Plain = { ...(base as Plain) };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] =
      typeof current === 'object' && current !== null && !Array.isArray(current)
        ? merge(current, value)
        : value;
  }
  return out as T;
}

export const T0 = '2026-03-01T10:00:00Z';

export function aPod(patch: unknown = {}): KubeObject {
  return merge(
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'checkout-7d9f8-abcde',
        namespace: 'shop',
        uid: 'pod-uid-1',
        resourceVersion: '1001',
        creationTimestamp: T0,
        labels: { app: 'checkout', 'pod-template-hash': '7d9f8' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'checkout-7d9f8',
            uid: 'rs-uid-1',
            controller: true,
          },
        ],
      },
      spec: {
        nodeName: 'node-a',
        serviceAccountName: 'checkout',
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        containers: [
          {
            name: 'app',
            image: 'shop/checkout:1.4.2',
            resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
          },
        ],
      },
      status: {
        phase: 'Running',
        qosClass: 'Burstable',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-03-01T10:00:20Z' }],
        containerStatuses: [
          {
            name: 'app',
            image: 'shop/checkout:1.4.2',
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: '2026-03-01T10:00:15Z' } },
          },
        ],
      },
    },
    patch,
  );
}

export function aNode(patch: unknown = {}): KubeObject {
  return merge(
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-a', uid: 'node-uid-a', creationTimestamp: '2026-02-01T00:00:00Z', labels: {} },
      spec: {},
      status: {
        allocatable: { cpu: '3920m', memory: '15Gi', pods: '110' },
        nodeInfo: {
          kubeletVersion: 'v1.30.2',
          osImage: 'Ubuntu 22.04',
          containerRuntimeVersion: 'containerd://1.7.2',
        },
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-02-01T00:01:00Z' }],
      },
    },
    patch,
  );
}

export function aSecret(patch: unknown = {}): KubeObject {
  return merge(
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: 'db', namespace: 'shop', uid: 'secret-uid', creationTimestamp: T0 },
      data: { password: Buffer.from('hunter2-hunter2').toString('base64') },
    },
    patch,
  );
}

export function aDeployment(patch: unknown = {}): KubeObject {
  return merge(
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'checkout',
        namespace: 'shop',
        uid: 'deploy-uid',
        generation: 4,
        creationTimestamp: T0,
        annotations: { 'deployment.kubernetes.io/revision': '3' },
      },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'checkout' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        progressDeadlineSeconds: 600,
        template: {
          metadata: { labels: { app: 'checkout' } },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'shop/checkout:1.4.3',
                envFrom: [{ configMapRef: { name: 'checkout-env' } }],
              },
            ],
          },
        },
      },
      status: {
        observedGeneration: 4,
        replicas: 3,
        updatedReplicas: 1,
        readyReplicas: 2,
        availableReplicas: 2,
        conditions: [
          {
            type: 'Available',
            status: 'True',
            lastTransitionTime: '2026-03-01T09:00:00Z',
            lastUpdateTime: '2026-03-01T09:00:00Z',
          },
          {
            type: 'Progressing',
            status: 'True',
            reason: 'ReplicaSetUpdated',
            lastTransitionTime: T0,
            lastUpdateTime: '2026-03-01T10:05:00Z',
          },
        ],
      },
    },
    patch,
  );
}

/** A self-signed certificate valid until 2027-12-30T09:06:08Z (made with openssl req -x509 -days 400). */
export const TEST_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBjDCCATGgAwIBAgIUUyZajRcU+BFjJU0VYgXzLgycQrEwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQc2hvcC5leGFtcGxlLmNvbTAeFw0yNjExMjUwOTA2MDhaFw0y
NzEyMzAwOTA2MDhaMBsxGTAXBgNVBAMMEHNob3AuZXhhbXBsZS5jb20wWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAATBCtJ+e8MDpqGkhCwJHxv5CMAEwoLzbHmIkZ81
kkTbg8RB9bFRvdPHM0WPx9FrrvwgdreZ2Av36d4+W7dt+S/wo1MwUTAdBgNVHQ4E
FgQUO9NrpCITIMT1kHSexYmS+Pt/hvQwHwYDVR0jBBgwFoAUO9NrpCITIMT1kHSe
xYmS+Pt/hvQwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEA9vxF
+INsmcyndsyhjzgi37BDYYh3QyMV8/5lpi2FZ20CIQD0i1BWVC2Hd/t7MkMQL78k
qFiVyoqvYPMHurSgY9iJHw==
-----END CERTIFICATE-----
`;
