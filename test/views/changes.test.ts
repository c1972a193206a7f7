// The `changes` view on tiny bundles: what changed between versions, and who changed it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/bundle/duckdb.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { viewsOver } from '../support/views.ts';

const deployment = (ts: string, rv: string, image: string, replicas = 3): BundleRow => ({
  source: 'object',
  ts,
  api_version: 'apps/v1',
  kind: 'Deployment',
  namespace: 'shop',
  name: 'web',
  uid: 'u-web',
  resource_version: rv,
  watch_event: 'MODIFIED',
  replicas_desired: replicas,
  containers: [{ name: 'app', image, memory_limit_bytes: 268435456 }],
});

const configMap = (ts: string, rv: string, data: Record<string, string>): BundleRow => ({
  source: 'object',
  ts,
  api_version: 'v1',
  kind: 'ConfigMap',
  namespace: 'shop',
  name: 'web-config',
  uid: 'u-cm',
  resource_version: rv,
  watch_event: 'MODIFIED',
  body: { kind: 'ConfigMap', metadata: { name: 'web-config' }, data },
});

const write = (ts: string, user: string, verb: string, kind: string, name: string): BundleRow => ({
  source: 'audit',
  ts,
  kind,
  namespace: 'shop',
  name,
  audit_user: user,
  audit_verb: verb,
  audit_code: 200,
});

describe('the changes view', () => {
  let db: Database;
  beforeAll(async () => {
    db = await viewsOver([
      deployment('2026-03-01T10:00:00Z', '5', 'shop:1'),
      // Two versions in one second: resourceVersion 9 was written before 10, whatever their text says.
      deployment('2026-03-01T10:05:00Z', '10', 'shop:1', 5),
      deployment('2026-03-01T10:05:00Z', '9', 'shop:2'),
      write('2026-03-01T10:04:58Z', 'alice@example.com', 'patch', 'Deployment', 'web'),
      // The controller writes the Deployment's status right after: never the author of a change.
      write(
        '2026-03-01T10:05:01Z',
        'system:serviceaccount:kube-system:deployment-controller',
        'update',
        'Deployment',
        'web',
      ),
      configMap('2026-03-01T10:00:00Z', '6', { LOG_LEVEL: 'info', PORT: '8080' }),
      configMap('2026-03-01T10:10:00Z', '11', { LOG_LEVEL: 'debug', PORT: '8080' }),
      // Too long before the change to be its author.
      write('2026-03-01T10:00:30Z', 'bob@example.com', 'update', 'ConfigMap', 'web-config'),
      {
        source: 'object',
        ts: '2026-03-01T10:20:00Z',
        kind: 'Secret',
        namespace: 'shop',
        name: 'old-token',
        watch_event: 'DELETED',
      },
    ]);
  });
  afterAll(() => db.close());

  it('lists each change with the values before and after, and its author when the audit log shows one', async () => {
    const rows = await db.all(
      `SELECT strftime(ts, '%H:%M') AS at, kind, name, change, old, new, actor, actor_verb
       FROM changes ORDER BY ts, kind, change`,
    );
    expect(rows).toEqual([
      {
        at: '10:05',
        kind: 'Deployment',
        name: 'web',
        change: 'image',
        old: 'app=shop:1',
        new: 'app=shop:2',
        actor: 'alice@example.com',
        actor_verb: 'patch',
      },
      {
        at: '10:05',
        kind: 'Deployment',
        name: 'web',
        change: 'replicas',
        old: '3',
        new: '5',
        actor: 'alice@example.com',
        actor_verb: 'patch',
      },
      {
        at: '10:05',
        kind: 'Deployment',
        name: 'web',
        change: 'rollback',
        old: 'app=shop:2',
        new: 'app=shop:1',
        actor: 'alice@example.com',
        actor_verb: 'patch',
      },
      {
        at: '10:10',
        kind: 'ConfigMap',
        name: 'web-config',
        change: 'data',
        old: 'LOG_LEVEL=info',
        new: 'LOG_LEVEL=debug',
        actor: null,
        actor_verb: null,
      },
      {
        at: '10:20',
        kind: 'Secret',
        name: 'old-token',
        change: 'deleted',
        old: null,
        new: null,
        actor: null,
        actor_verb: null,
      },
    ]);
  });

  it('reports new resources apart from an image change only', async () => {
    const resized = await viewsOver([
      deployment('2026-03-01T10:00:00Z', '1', 'shop:1'),
      {
        ...deployment('2026-03-01T10:01:00Z', '2', 'shop:1'),
        containers: [{ name: 'app', image: 'shop:1', memory_limit_bytes: 536870912 }],
      },
      {
        ...deployment('2026-03-01T10:02:00Z', '3', 'shop:2'),
        containers: [{ name: 'app', image: 'shop:2', memory_limit_bytes: 1073741824 }],
      },
    ]);
    try {
      expect(await resized.all('SELECT change, old, new FROM changes ORDER BY ts')).toEqual([
        { change: 'resources', old: 'app cpu -/- memory -/256Mi', new: 'app cpu -/- memory -/512Mi' },
        { change: 'image', old: 'app=shop:1', new: 'app=shop:2' },
      ]);
    } finally {
      resized.close();
    }
  });

  it('tells a rollout restart and a custom object’s new spec from the versions a watch recorded, with no audit log', async () => {
    const restartedAt = (at: string | undefined) => ({
      spec: {
        template: { metadata: at ? { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } : {} },
      },
    });
    const certificate = (ts: string, rv: string, issuer: string): BundleRow => ({
      source: 'object',
      ts,
      api_version: 'cert-manager.io/v1',
      kind: 'Certificate',
      namespace: 'shop',
      name: 'shop-tls',
      resource_version: rv,
      watch_event: 'MODIFIED',
      body: { kind: 'Certificate', spec: { secretName: 'shop-tls', issuerRef: { name: issuer } } },
    });
    const watched = await viewsOver([
      { ...deployment('2026-03-01T10:00:00Z', '1', 'shop:1'), body: restartedAt(undefined) },
      { ...deployment('2026-03-01T10:01:00Z', '2', 'shop:1'), body: restartedAt('2026-03-01T10:01:00Z') },
      certificate('2026-03-01T10:00:00Z', '3', 'letsencrypt'),
      certificate('2026-03-01T10:02:00Z', '4', 'letsencrypt-staging'),
    ]);
    try {
      expect(
        await watched.all('SELECT kind, change, old, new, actor, audited FROM changes ORDER BY ts'),
      ).toEqual([
        {
          kind: 'Deployment',
          change: 'restart',
          old: null,
          new: '2026-03-01T10:01:00Z',
          actor: null,
          audited: false,
        },
        {
          kind: 'Certificate',
          change: 'spec',
          old: 'issuerRef={"name":"letsencrypt"}',
          new: 'issuerRef={"name":"letsencrypt-staging"}',
          actor: null,
          audited: false,
        },
      ]);
    } finally {
      watched.close();
    }
  });
});
