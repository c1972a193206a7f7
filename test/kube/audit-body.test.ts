// A Metadata-level audit row's body holds only what its columns do not, and the entry comes back
// whole from the two; Request-level entries keep their whole body.

import { describe, expect, it } from 'vitest';
import { type AuditColumns, restoreAuditEntry } from '../../src/kube/audit-body.ts';
import { auditRow } from '../../src/kube/to-row.ts';

const refused = {
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  auditID: '5a4b-refused',
  stage: 'ResponseComplete',
  requestURI: '/apis/apps/v1/namespaces/shop/deployments/checkout/scale',
  verb: 'patch',
  user: { username: 'alice', uid: 'u-1', groups: ['dev', 'system:authenticated'] },
  impersonatedUser: { username: 'system:serviceaccount:shop:deployer' },
  sourceIPs: ['10.0.0.7'],
  userAgent: 'kubectl/v1.30.2',
  objectRef: {
    resource: 'deployments',
    subresource: 'scale',
    namespace: 'shop',
    name: 'checkout',
    uid: 'd-1',
    apiGroup: 'apps',
    apiVersion: 'v1',
    resourceVersion: '42',
  },
  responseStatus: {
    metadata: {},
    status: 'Failure',
    reason: 'Forbidden',
    message: 'denied by quota',
    code: 403,
  },
  requestReceivedTimestamp: '2026-03-01T10:42:13.100000Z',
  stageTimestamp: '2026-03-01T10:42:13.123456Z',
  annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed' },
};

const allowed = {
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  auditID: '5a4b-allowed',
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/shop/pods',
  verb: 'list',
  user: { username: 'system:kube-scheduler' },
  userAgent: 'kube-scheduler/v1.30.2',
  objectRef: { resource: 'pods', namespace: 'shop', apiVersion: 'v1' },
  responseStatus: { metadata: {}, code: 200 },
  stageTimestamp: '2026-03-01T10:42:14.000001Z',
};

function columns(entry: object): AuditColumns & { body: unknown } {
  const row = auditRow(entry);
  return { ...row, body: row.body } as unknown as AuditColumns & { body: unknown };
}

describe('audit bodies', () => {
  it('hold at Metadata level what the columns do not', () => {
    expect(columns(refused).body).toEqual({
      user: { uid: 'u-1', groups: ['dev', 'system:authenticated'] },
      sourceIPs: ['10.0.0.7'],
      responseStatus: { status: 'Failure', reason: 'Forbidden', message: 'denied by quota' },
      requestReceivedTimestamp: '2026-03-01T10:42:13.100000Z',
      annotations: { 'authorization.k8s.io/reason': 'RBAC: allowed' },
    });
    expect(columns(allowed).body).toEqual({});
  });

  it('give the whole entry back with the columns', () => {
    // A custom resource's group without a version stays in the body: api_version holds the group alone.
    const groupOnly = {
      ...allowed,
      objectRef: { resource: 'widgets', apiGroup: 'example.com', name: 'w-1' },
    };
    expect(columns(groupOnly).body).toEqual({ objectRef: { apiGroup: 'example.com' } });
    for (const entry of [refused, allowed, groupOnly]) {
      const row = columns(entry);
      expect(restoreAuditEntry(row, row.body as Record<string, unknown>)).toEqual(entry);
    }
  });

  it('keep a Request-level entry whole, and so does an entry an older bundle holds', () => {
    const request = { ...refused, level: 'Request', requestObject: { kind: 'Scale', spec: { replicas: 9 } } };
    const row = columns(request);
    expect(row.body).toEqual(request);
    expect(restoreAuditEntry(columns(refused), refused)).toBe(refused);
  });
});
