// What an audit log alone says of the state a change left, at the levels that keep bodies: the
// kubelet's status patches (Request level) show pods crash-looping after a ConfigMap they mount was
// written, and the incident is rooted in that write, with its author; a write of a ConfigMap logged
// at the Metadata level is a change of unknown keys; a leader election's lock renewed again and
// again, and a write that sent no data, are no change. A drain's evictions refused with 429 name the
// PodDisruptionBudget that blocks it.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/analyze/report.ts';
import { analyzeAuditLog, auditEntry } from '../support/audit-log.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

const KUBELET = 'kubelet/v1.31.4 (linux/amd64) kubernetes/a78aa47';

const pods = ['web-6d4cf56db6-x2b7k', 'web-6d4cf56db6-q8vzm'];

/** The ReplicaSet as the replicaset controller writes its status (RequestResponse): its owner. */
const replicaSet = {
  kind: 'ReplicaSet',
  apiVersion: 'apps/v1',
  metadata: {
    name: 'web-6d4cf56db6',
    namespace: 'shop',
    uid: 'u-rs',
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u-web', controller: true },
    ],
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'app', image: 'shop/web:1.4' }],
        volumes: [{ name: 'config', configMap: { name: 'web-config' } }],
      },
    },
  },
  status: { replicas: 2, readyReplicas: 2, availableReplicas: 2 },
};

/** A pod created by the replicaset controller, logged at RequestResponse: its spec and owner. */
const created = (name: string, at: string) =>
  auditEntry(at, {
    level: 'RequestResponse',
    verb: 'create',
    user: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: [] },
    userAgent:
      'kube-controller-manager/v1.31.4 (linux/amd64) kubernetes/a78aa47/system:serviceaccount:kube-system:replicaset-controller',
    requestURI: '/api/v1/namespaces/shop/pods',
    objectRef: { resource: 'pods', namespace: 'shop', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 201 },
    responseObject: {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name,
        namespace: 'shop',
        uid: `u-${name}`,
        labels: { app: 'web' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'web-6d4cf56db6',
            uid: 'u-rs',
            controller: true,
          },
        ],
      },
      spec: {
        nodeName: 'worker-1',
        containers: [
          { name: 'app', image: 'shop/web:1.4', volumeMounts: [{ name: 'config', mountPath: '/etc/web' }] },
        ],
        volumes: [{ name: 'config', configMap: { name: 'web-config' } }],
      },
      status: { phase: 'Pending' },
    },
  });

/** The kubelet's status patch (a strategic merge patch: the conditions that changed, the container
 * statuses whole), logged at the Request level as the usual policies log node writes. */
const statusPatch = (name: string, at: string, restarts: number) =>
  auditEntry(at, {
    level: 'Request',
    verb: 'patch',
    user: { username: 'system:node:worker-1', groups: ['system:nodes', 'system:authenticated'] },
    userAgent: KUBELET,
    requestURI: `/api/v1/namespaces/shop/pods/${name}/status`,
    objectRef: { resource: 'pods', namespace: 'shop', name, apiVersion: 'v1', subresource: 'status' },
    requestObject: {
      metadata: { uid: `u-${name}` },
      status: {
        '$setElementOrder/conditions': [
          { type: 'Initialized' },
          { type: 'Ready' },
          { type: 'ContainersReady' },
          { type: 'PodScheduled' },
        ],
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'ContainersNotReady',
            message: 'containers with unready status: [app]',
            lastProbeTime: null,
            lastTransitionTime: '2026-03-02T09:05:20Z',
          },
        ],
        containerStatuses: [
          {
            name: 'app',
            image: 'shop/web:1.4',
            imageID: 'shop/web@sha256:0f1e',
            containerID: `containerd://${restarts}`,
            ready: false,
            started: false,
            restartCount: restarts,
            state: {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off ${10 * 2 ** (restarts - 1)}s restarting failed container=app pod=${name}_shop(u-${name})`,
              },
            },
            lastState: {
              terminated: {
                exitCode: 1,
                reason: 'Error',
                startedAt: '2026-03-02T09:05:10Z',
                finishedAt: '2026-03-02T09:05:12Z',
                containerID: `containerd://${restarts}`,
              },
            },
          },
        ],
      },
    },
  });

const LOG = [
  auditEntry('09:00:00', {
    level: 'RequestResponse',
    verb: 'update',
    user: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: [] },
    requestURI: '/apis/apps/v1/namespaces/shop/replicasets/web-6d4cf56db6/status',
    objectRef: {
      resource: 'replicasets',
      namespace: 'shop',
      name: 'web-6d4cf56db6',
      uid: 'u-rs',
      apiGroup: 'apps',
      apiVersion: 'v1',
      subresource: 'status',
    },
    requestObject: replicaSet,
    responseObject: replicaSet,
  }),
  ...pods.map((name, i) => created(name, `09:00:0${i + 1}`)),
  // alice writes the ConfigMap the pods mount; the log keeps the request.
  auditEntry('09:05:00', {
    level: 'Request',
    verb: 'patch',
    requestURI: '/api/v1/namespaces/shop/configmaps/web-config?fieldManager=kubectl-edit',
    objectRef: { resource: 'configmaps', namespace: 'shop', name: 'web-config', apiVersion: 'v1' },
    requestObject: { data: { DATABASE_URL: 'postgres//db.shop:5432/web' } },
  }),
  ...pods.flatMap((name, p) =>
    [1, 2, 3, 4, 5].map((r) => statusPatch(name, `09:${String(5 + r).padStart(2, '0')}:1${p}`, r)),
  ),
  // bob writes another ConfigMap at the Metadata level: who and when, not which keys.
  auditEntry('09:07:00', {
    verb: 'update',
    user: { username: 'bob@example.com', groups: ['system:authenticated'] },
    requestURI: '/api/v1/namespaces/shop/configmaps/feature-flags',
    objectRef: { resource: 'configmaps', namespace: 'shop', name: 'feature-flags', apiVersion: 'v1' },
  }),
  // A controller's leader election renews its lock in a ConfigMap's annotation every few seconds.
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) =>
    auditEntry(`09:08:${String(i * 5).padStart(2, '0')}`, {
      verb: 'update',
      user: { username: 'system:serviceaccount:ingress:ingress-nginx', groups: [] },
      userAgent: 'nginx-ingress-controller/v1.11.2',
      requestURI: '/api/v1/namespaces/ingress/configmaps/ingress-controller-leader',
      objectRef: {
        resource: 'configmaps',
        namespace: 'ingress',
        name: 'ingress-controller-leader',
        apiVersion: 'v1',
      },
    }),
  ),
  // A label set on a ConfigMap, the request kept: it sent no data.
  auditEntry('09:09:00', {
    level: 'Request',
    verb: 'patch',
    requestURI: '/api/v1/namespaces/shop/configmaps/web-config-old',
    objectRef: { resource: 'configmaps', namespace: 'shop', name: 'web-config-old', apiVersion: 'v1' },
    requestObject: { metadata: { labels: { retired: 'true' } } },
  }),
];

let report: Report;
beforeAll(async () => {
  report = await analyzeAuditLog(tempDir(), LOG);
});

describe('the state an audit log alone shows', () => {
  it('roots the crash loop the kubelet’s status patches show in the write of the ConfigMap the pods mount', () => {
    const first = report.incidents[0]!;
    const root = report.findings[first.root]!;
    expect(root).toMatchObject({
      pattern: 'config-changed',
      subject: { kind: 'ConfigMap', name: 'web-config' },
    });
    expect(root.summary).toContain(
      'alice@example.com patched ConfigMap shop/web-config: data set: DATABASE_URL=postgres//db.shop:5432/web',
    );
    const effects = first.chain.slice(1).map((step) => report.findings[step.finding]!);
    expect(effects.map((f) => f.pattern)).toContain('crash-loop-backoff');
    const loop = effects.find((f) => f.pattern === 'crash-loop-backoff')!;
    expect(loop.subject.name).toMatch(/^web-6d4cf56db6-/);
    expect(loop.summary).toContain('CrashLoopBackOff');
    // The pods' versions are those the log's bodies show: created, then each status patch.
    expect(report.coverage.sources.find((s) => s.source === 'object')!.rows).toBe(13);
  });

  it('weighs the objects its writes left as the audit log’s, never as a recording’s history of states', () => {
    expect(report.coverage.from_audit).toBe(13);
    const first = report.incidents[0]!;
    // Read as an audit log alone, as the same log at the Metadata level is: without the history term.
    expect(first.confidence_features?.snapshot).toBe(1);
    expect(first.confidence_reasons.at(-1)).toContain(
      "audit only (13 object versions rebuilt from the audit log's writes, only what each write left, not a history of states)",
    );
    expect(first.confidence).toBeLessThan(0.9);
  });

  it('says a ConfigMap written at the Metadata level changed, without inventing its keys; a renewed lock or a label is no change', () => {
    const configs = report.findings.filter((f) => f.pattern === 'config-changed').map((f) => f.subject.name);
    expect(configs.sort()).toEqual(['feature-flags', 'web-config']);
    const flags = report.findings.find((f) => f.subject.name === 'feature-flags')!;
    expect(flags.summary).toContain(
      'bob@example.com updated ConfigMap shop/feature-flags: data changed (the audit log does not say which keys)',
    );
  });
});

/** An eviction of `pod` the API server refused with 429, its cause text naming the budget `ledger`. */
const refusedEviction = (at: string, pod: string, user = 'alice@example.com') =>
  auditEntry(at, {
    verb: 'create',
    user: { username: user, groups: ['system:authenticated'] },
    requestURI: `/api/v1/namespaces/shop/pods/${pod}/eviction`,
    objectRef: { resource: 'pods', namespace: 'shop', name: pod, apiVersion: 'v1', subresource: 'eviction' },
    responseStatus: {
      metadata: {},
      status: 'Failure',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: 'TooManyRequests',
      details: {
        causes: [
          {
            reason: 'DisruptionBudget',
            message: 'The disruption budget ledger needs 2 healthy pods and has 2 currently',
          },
        ],
      },
      code: 429,
    },
  });

describe('a drain the audit log alone shows blocked', () => {
  it('names the PodDisruptionBudget whose budget the refused evictions cite', async () => {
    // kubectl drain retries each refused eviction every 5 seconds.
    const log = [0, 1, 2, 3, 4, 5].map((i) =>
      refusedEviction(`09:20:${String(i * 5).padStart(2, '0')}`, 'ledger-7c9d5b8f4-k2m8p'),
    );
    const drained = await analyzeAuditLog(tempDir(), log);
    const pdb = drained.findings.find((f) => f.pattern === 'pdb-blocking-disruptions')!;
    expect(pdb.subject).toMatchObject({ namespace: 'shop', kind: 'PodDisruptionBudget', name: 'ledger' });
    expect(pdb.variant).toBe('audit-refused');
    expect(pdb.summary).toContain('the API server refused 6 evictions of its pods');
    // Fewer than three refusals are a drain that waited a moment, not a budget that blocks it.
    const brief = await analyzeAuditLog(tempDir(), log.slice(0, 2));
    expect(brief.findings.filter((f) => f.pattern === 'pdb-blocking-disruptions')).toEqual([]);
  });

  it('roots the node that stays cordoned in the budget refusing the evictions of the drain that cordoned it', async () => {
    // kubectl drain cordons the node (a patch setting spec.unschedulable), then evicts its pods; the
    // refused pods' node is in no entry, only the drain's author and order tie them to it.
    const cordon = (node: string, at: string) =>
      auditEntry(at, {
        level: 'RequestResponse',
        verb: 'patch',
        requestURI: `/api/v1/nodes/${node}`,
        objectRef: { resource: 'nodes', name: node, apiVersion: 'v1' },
        requestObject: { spec: { unschedulable: true } },
        responseObject: {
          kind: 'Node',
          apiVersion: 'v1',
          metadata: { name: node, uid: `u-${node}`, resourceVersion: '900' },
          spec: {
            unschedulable: true,
            taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
          },
        },
      });
    const log = [
      cordon('worker-1', '09:19:58'),
      ...[0, 1, 2, 3, 4, 5].map((i) =>
        refusedEviction(
          `09:20:${String(i * 5).padStart(2, '0')}`,
          'ledger-7c9d5b8f4-k2m8p',
          'alice@example.com',
        ),
      ),
      // bob cordons another node and evicts nothing of the budget's: that node is not held by it.
      auditEntry('09:19:00', {
        ...cordon('worker-2', '09:19:00'),
        user: { username: 'bob@example.com', groups: [] },
      }),
    ];
    const drained = await analyzeAuditLog(tempDir(), log);
    const pdb = drained.findings.findIndex((f) => f.pattern === 'pdb-blocking-disruptions');
    const incident = drained.incidents.find((i) => i.root === pdb)!;
    const held = incident.chain.slice(1).map((step) => drained.findings[step.finding]!);
    expect(held.map((f) => `${f.pattern} ${f.subject.name}`)).toEqual(['node-cordoned worker-1']);
    expect(incident.chain[1]!.via?.link).toBe('pdb-holds-drain');
  });
});
