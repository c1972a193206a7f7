// Google Cloud audit entries to audit.k8s.io events, one field at a time: where GKE's resourceName
// puts the namespace, name and subresource, which google.rpc codes answer which HTTP status, and
// how operations on a cluster or node pool read.
import { describe, expect, it } from 'vitest';
import { auditEventOfGoogleEntry, parseResourceName } from '../../src/import/audit-export/google.ts';
import { gkeClusterOperation, gkeEntry } from './cloud-audit-builders.ts';

describe('parseResourceName', () => {
  it('namespaced, cluster-scoped, the Namespace itself, with and without subresources', () => {
    const cases: [string, string, unknown][] = [
      [
        'core/v1/namespaces/shop/pods/p-1/log',
        'io.k8s.core.v1.pods.log.get',
        { group: '', version: 'v1', namespace: 'shop', resource: 'pods', name: 'p-1', subresource: 'log' },
      ],
      [
        'apps/v1/namespaces/shop/deployments',
        'io.k8s.apps.v1.deployments.list',
        {
          group: 'apps',
          version: 'v1',
          namespace: 'shop',
          resource: 'deployments',
          name: null,
          subresource: null,
        },
      ],
      [
        'core/v1/nodes/n-1/status',
        'io.k8s.core.v1.nodes.status.patch',
        { group: '', version: 'v1', namespace: null, resource: 'nodes', name: 'n-1', subresource: 'status' },
      ],
      [
        'core/v1/namespaces/old-team',
        'io.k8s.core.v1.namespaces.delete',
        {
          group: '',
          version: 'v1',
          namespace: null,
          resource: 'namespaces',
          name: 'old-team',
          subresource: null,
        },
      ],
      [
        'core/v1/namespaces/old-team/finalize',
        'io.k8s.core.v1.namespaces.finalize.update',
        {
          group: '',
          version: 'v1',
          namespace: null,
          resource: 'namespaces',
          name: 'old-team',
          subresource: 'finalize',
        },
      ],
      [
        'cert-manager.io/v1/namespaces/shop/certificates/web',
        'io.k8s.cert-manager.io.v1.certificates.create',
        {
          group: 'cert-manager.io',
          version: 'v1',
          namespace: 'shop',
          resource: 'certificates',
          name: 'web',
          subresource: null,
        },
      ],
    ];
    for (const [resourceName, method, expected] of cases) {
      expect([resourceName, parseResourceName(resourceName, method)]).toEqual([resourceName, expected]);
    }
    expect(parseResourceName('projects/p/zones/z/clusters/c', null)).toBeNull();
  });
});

describe('auditEventOfGoogleEntry', () => {
  const codeOf = (code: number | undefined) => {
    const converted = auditEventOfGoogleEntry(
      gkeEntry({
        method: 'io.k8s.core.v1.pods.get',
        resourceName: 'core/v1/namespaces/a/pods/b',
        seconds: 0,
        id: 'x',
        code,
      }),
    );
    return 'event' in converted ? (converted.event.responseStatus as { code: number }).code : converted.skip;
  };

  it('google.rpc codes answer as the HTTP statuses they map to', () => {
    expect([undefined, 0, 3, 5, 6, 7, 8, 10, 13, 14, 16].map(codeOf)).toEqual([
      200, 200, 400, 404, 409, 403, 429, 409, 500, 503, 401,
    ]);
  });

  it('a node pool resized and a cluster created are requests on their objects, by their author', () => {
    const resize = gkeClusterOperation('SetNodePoolSize', 0, { last: true });
    (resize.protoPayload as Record<string, unknown>).resourceName =
      'projects/p/locations/europe-west1/clusters/prod-eu/nodePools/pool-1';
    const create = gkeClusterOperation('CreateCluster', 0, { first: true });
    const events = [resize, create].map((e) => {
      const converted = auditEventOfGoogleEntry(e);
      if (!('event' in converted)) throw new Error(converted.skip);
      const { verb, stage, objectRef, user } = converted.event;
      return { verb, stage, objectRef, user };
    });
    expect(events).toEqual([
      {
        verb: 'update',
        stage: 'ResponseComplete',
        objectRef: {
          resource: 'nodepools',
          name: 'pool-1',
          apiGroup: 'container.googleapis.com',
          apiVersion: 'v1',
        },
        user: { username: 'alice@example.com' },
      },
      {
        verb: 'create',
        stage: 'RequestReceived',
        objectRef: {
          resource: 'clusters',
          name: 'prod-eu',
          apiGroup: 'container.googleapis.com',
          apiVersion: 'v1',
        },
        user: { username: 'alice@example.com' },
      },
    ]);
  });
});
