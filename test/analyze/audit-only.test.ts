// The audit log alone, as users bring it (kstory import of the API server's audit log): every
// pattern that has an audit-visible form finds its problem without Events — quota and LimitRange
// refusals, admission webhooks that deny or cannot be reached — and requests kstory made itself,
// or workloads the log only shows created, are never evidence of a cluster problem.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/analyze/report.ts';
import { openBundle } from '../../src/views/open.ts';
import { analyzeAuditLog } from '../support/audit-log.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

/** The audit events a scenario's fixture holds, written as the API server's log, imported alone. */
async function analyzeAuditOf(fixture: string, extra: object[] = []): Promise<Report> {
  const dir = tempDir();
  const source = await openBundle([path.resolve('fixtures', fixture)]);
  let lines: string[];
  try {
    const rows = await source.query<{ body: string }>(`SELECT body FROM audit ORDER BY ts`);
    lines = rows.map((r) => r.body);
  } finally {
    source.close();
  }
  return analyzeAuditLog(dir, [...lines, ...extra]);
}

const roots = (report: Report) =>
  report.incidents.map((i) => {
    const f = report.findings[i.root]!;
    return `${f.pattern} ${f.subject.kind}/${f.subject.name}`;
  });

describe('the audit log alone', () => {
  it('finds pods refused by a ResourceQuota, on the controller that could not create them', async () => {
    const report = await analyzeAuditOf('quota-exceeded.parquet');
    const quota = report.findings.find((f) => f.pattern === 'resourcequota-exceeded')!;
    expect(quota.subject).toMatchObject({ namespace: 'partners', kind: 'ReplicaSet' });
    expect(quota.subject.name).toMatch(/^partner-api-/);
    expect(quota.variant).toBe('audit-owner');
    expect(quota.summary).toMatch(/refused \d+ of its creations/);
    expect(quota.summary).toContain('exceeded quota: compute');
    expect(quota.summary).not.toContain('?');
  });

  it('finds pods refused by a LimitRange', async () => {
    const report = await analyzeAuditOf('limitrange-rejection.parquet');
    const refused = report.findings.find((f) => f.pattern === 'limitrange-rejection')!;
    expect(refused.subject).toMatchObject({ namespace: 'shop', kind: 'ReplicaSet' });
    expect(refused.summary).toContain('maximum memory usage per Container is 1Gi');
  });

  it('finds an admission webhook that denies requests, and one that cannot be reached', async () => {
    const denied = await analyzeAuditOf('webhook-denied.parquet');
    const webhook = denied.findings.find((f) => f.pattern === 'admission-webhook-failing')!;
    expect(webhook.subject).toMatchObject({ kind: 'AdmissionWebhook', name: 'validation.gatekeeper.sh' });
    expect(webhook.variant).toBe('audit-denied');
    const down = await analyzeAuditOf('webhook-down.parquet');
    const unreachable = down.findings.find((f) => f.pattern === 'admission-webhook-failing')!;
    expect(unreachable.subject.name).toBe('validate.policy.example.com');
    expect(unreachable.variant).toBe('audit-unreachable');
    expect(roots(down)).toContain('admission-webhook-failing AdmissionWebhook/validate.policy.example.com');
  });

  it('never takes kstory’s own failed requests for API server errors, nor a created Deployment for one short of replicas', async () => {
    const failedLogRequest = (i: number) => ({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      auditID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      stage: 'ResponseComplete',
      requestURI: `/api/v1/namespaces/shop/pods/web-${i}/log?container=app&follow=true`,
      verb: 'get',
      user: { username: 'kubernetes-admin', groups: ['system:masters'] },
      userAgent: 'kstory-record/0.1.0',
      objectRef: {
        resource: 'pods',
        namespace: 'shop',
        name: `web-${i}`,
        subresource: 'log',
        apiVersion: 'v1',
      },
      responseStatus: { code: 500, message: 'Get "https://10.0.0.7:10250/containerLogs": EOF' },
      requestReceivedTimestamp: `2026-03-02T09:0${Math.floor(i / 10)}:${String(i % 10).padStart(2, '0')}.000000Z`,
      stageTimestamp: `2026-03-02T09:0${Math.floor(i / 10)}:${String(i % 10).padStart(2, '0')}.100000Z`,
    });
    // And Deployments the log says only were created: as the API server answers a create (an empty
    // status, at level RequestResponse) and as it was sent (no status, at level Request). Nothing
    // has counted their replicas, so nothing says they lack any.
    const created = (name: string, level: 'Request' | 'RequestResponse') => {
      const deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: 'shop', creationTimestamp: '2026-03-02T09:01:00Z' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: 'app', image: `${name}:1.0` }] },
          },
        },
      };
      return {
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        level,
        auditID: `00000000-0000-4000-9000-${name.padStart(12, '0')}`,
        stage: 'ResponseComplete',
        requestURI: '/apis/apps/v1/namespaces/shop/deployments',
        verb: 'create',
        user: { username: 'alice', groups: ['system:authenticated'] },
        userAgent: 'kubectl/v1.30.0',
        objectRef: { resource: 'deployments', namespace: 'shop', name, apiGroup: 'apps', apiVersion: 'v1' },
        responseStatus: { code: 201 },
        requestObject: deployment,
        ...(level === 'RequestResponse' ? { responseObject: { ...deployment, status: {} } } : {}),
        requestReceivedTimestamp: '2026-03-02T09:01:00.000000Z',
        stageTimestamp: '2026-03-02T09:01:00.100000Z',
      };
    };
    const report = await analyzeAuditOf('healthy-cluster.parquet', [
      ...Array.from({ length: 40 }, (_, i) => failedLogRequest(i)),
      created('ledger', 'RequestResponse'),
      created('billing', 'Request'),
    ]);
    expect(report.findings.filter((f) => f.pattern === 'apiserver-error-burst')).toEqual([]);
    expect(report.findings.filter((f) => f.pattern === 'workload-replicas-mismatch')).toEqual([]);
  });
});
