// A controller's pod creations the API server refuses, from the audit log alone (no FailedCreate
// Event kept): the refusals name the controller in the request the log keeps, so the webhook that
// denies them is the cause of the rollout that stops, as its Events would have said.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/analyze/report.ts';
import { analyzeAuditLog, auditEntry } from '../support/audit-log.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

const CONTROLLER_MANAGER = 'kube-controller-manager/v1.31.4 (linux/amd64) kubernetes/a78aa47';

/** The deployment controller's status update, answered whole: the rollout's progress. */
const status = (at: string, progressing: { status: string; reason: string }) =>
  auditEntry(at, {
    level: 'RequestResponse',
    verb: 'update',
    user: { username: 'system:serviceaccount:kube-system:deployment-controller', groups: [] },
    userAgent: `${CONTROLLER_MANAGER}/deployment-controller`,
    requestURI: '/apis/apps/v1/namespaces/payments/deployments/ledger/status',
    objectRef: {
      resource: 'deployments',
      namespace: 'payments',
      name: 'ledger',
      apiGroup: 'apps',
      apiVersion: 'v1',
      subresource: 'status',
    },
    responseObject: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'ledger', namespace: 'payments', uid: 'u-ledger', generation: 4 },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'ledger' } },
        template: { spec: { containers: [{ name: 'app', image: 'payments/ledger:4.2.0' }] } },
      },
      status: {
        observedGeneration: 4,
        replicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
        updatedReplicas: 0,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
          { type: 'Progressing', ...progressing, lastUpdateTime: `2026-03-02T${at}Z` },
        ],
      },
    },
  });

/** The replicaset controller's creation of a pod, logged with its request, denied by the webhook
 * with the words of the API server's webhook admission. */
const refused = (at: string) =>
  auditEntry(at, {
    level: 'Request',
    verb: 'create',
    user: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: [] },
    userAgent: `${CONTROLLER_MANAGER}/system:serviceaccount:kube-system:replicaset-controller`,
    requestURI: '/api/v1/namespaces/payments/pods',
    objectRef: { resource: 'pods', namespace: 'payments', apiVersion: 'v1' },
    requestObject: {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        generateName: 'ledger-7b96ffcfbb-',
        namespace: 'payments',
        labels: { app: 'ledger', 'pod-template-hash': '7b96ffcfbb' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'ledger-7b96ffcfbb',
            uid: 'u-rs',
            controller: true,
          },
        ],
      },
      spec: { containers: [{ name: 'app', image: 'payments/ledger:4.2.0' }] },
    },
    responseStatus: {
      metadata: {},
      status: 'Failure',
      message:
        'admission webhook "validation.gatekeeper.sh" denied the request: [require-team-label] you must provide labels: {"team"}',
      reason: 'Forbidden',
      code: 403,
    },
  });

const LOG = [
  status('09:05:00', { status: 'True', reason: 'ReplicaSetUpdated' }),
  ...['09:05:01', '09:05:02', '09:05:05', '09:05:10', '09:05:30', '09:06:10', '09:07:30'].map(refused),
  status('09:15:01', { status: 'False', reason: 'ProgressDeadlineExceeded' }),
];

let report: Report;
beforeAll(async () => {
  report = await analyzeAuditLog(tempDir(), LOG);
});

describe('pod creations refused, from the audit log alone', () => {
  it('says the controller cannot create pods past the webhook, from the requests the log keeps', () => {
    const failed = report.findings.find((f) => f.pattern === 'pod-create-failed')!;
    // The log keeps no version of the ReplicaSet the request names: the finding is on it.
    expect(failed.subject).toMatchObject({
      namespace: 'payments',
      kind: 'ReplicaSet',
      name: 'ledger-7b96ffcfbb',
    });
    expect(failed.variant).toBe('audit-webhook');
    expect(failed.summary).toContain('the API server refused 7 creations from 2026-03-02 09:05:01Z');
  });

  it('roots the rollout that stops in the webhook that denies its pods', () => {
    const stuck = report.findings.findIndex((f) => f.pattern === 'deployment-rollout-stuck');
    const incident = report.incidents.find((i) => i.chain.some((step) => step.finding === stuck))!;
    const chain = incident.chain.map((step) => report.findings[step.finding]!.pattern);
    expect(chain).toEqual(['admission-webhook-failing', 'pod-create-failed', 'deployment-rollout-stuck']);
  });

  it('takes no controller’s refusal at the Metadata level, which does not say whose pod it was', async () => {
    const bare = LOG.map((entry) =>
      entry.verb === 'create' ? { ...entry, level: 'Metadata', requestObject: undefined } : entry,
    );
    const metadata = await analyzeAuditLog(tempDir(), bare);
    expect(metadata.findings.filter((f) => f.pattern === 'pod-create-failed')).toEqual([]);
  });
});
