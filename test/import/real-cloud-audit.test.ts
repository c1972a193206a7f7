// `kstory import` on cloud audit exports and wrapped audit events from real clusters
// (../shared/real-samples): GKE entries of Cloud Logging and an AKS diagnostic record, each inside a
// collector's test envelope, and single audit.k8s.io events a shipper passed on (some without kind
// and apiVersion). What a person sees: who did what to which object, the answer, and the cluster.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/reader.ts';
import { type ImportResult, runImport } from '../../src/import/run.ts';
import { openBundle } from '../../src/views/open.ts';
import { rows } from './helpers.ts';

const SAMPLES = path.resolve(import.meta.dirname, '../../../shared/real-samples');
const CLOUD = path.join(SAMPLES, 'cloud-audit');
const SINGLE = path.join(SAMPLES, 'audit-single-events');
const SKIP = '(skipped: ../shared/real-samples absent)';

const COLUMNS = `strftime(ts, '%Y-%m-%d %H:%M:%S') AS t, audit_verb AS verb, kind, namespace, name,
  audit_subresource AS sub, coalesce(audit_impersonated_user, audit_user) AS actor, audit_code AS code`;

function imported(inputs: () => string[]): () => { result: ImportResult; bundle: Bundle } {
  let dir: string;
  let loaded: { result: ImportResult; bundle: Bundle };
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kstory-real-cloud-audit-'));
    const output = path.join(dir, 'out.parquet');
    const result = await runImport({ inputs: inputs(), output, progress: false });
    loaded = { result, bundle: await openBundle([output]) };
  });
  afterAll(() => {
    loaded?.bundle.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => loaded;
}

describe.skipIf(!existsSync(path.join(CLOUD, 'gke')))(`GKE audit entries of Cloud Logging ${SKIP}`, () => {
  const sample = imported(() => [path.join(CLOUD, 'gke')]);

  it('a collector updating a ConfigMap, and the cluster deleted: both GKE, neither lost', async () => {
    const { result, bundle } = sample();
    expect(result.inputs[0]!.formats).toEqual({ 'gke-audit': 2 });
    expect(result.inputs[0]!.issueCount).toBe(0);
    expect(
      await rows(
        bundle,
        `SELECT ${COLUMNS}, audit_resource AS resource, audit_decision AS decision FROM audit ORDER BY ts`,
      ),
    ).toEqual([
      {
        t: '2022-06-15 07:27:36',
        verb: 'update',
        kind: 'ConfigMap',
        namespace: 'kube-system',
        name: 'cluster-kubestore',
        sub: null,
        actor: 'system:kubestore-collector',
        code: 200,
        resource: 'configmaps',
        decision: 'allow',
      },
      {
        t: '2022-06-15 16:19:47',
        verb: 'delete',
        kind: null,
        namespace: null,
        name: 'cluster-1',
        sub: null,
        // The entry names no principal.
        actor: null,
        code: 200,
        resource: 'clusters',
        decision: null,
      },
    ]);
    const [source] = await rows(
      bundle,
      "SELECT json_extract_string(body, '$.sourceIPs[0]') AS ip, audit_user_agent AS agent FROM audit WHERE audit_verb = 'update'",
    );
    expect(source).toEqual({
      ip: '10.186.0.146',
      agent: 'kubestore_collector/v0.0.0 (linux/amd64) kubernetes/$Format',
    });
  });

  it('the bundle names the cluster: cluster-1, GKE, europe-central2-a, project hazel-aria-348413', () => {
    const { bundle } = sample();
    expect(bundle.metadata.cluster).toEqual({
      name: 'cluster-1',
      server_version: null,
      cloud: 'GKE',
      location: 'europe-central2-a',
      account: 'hazel-aria-348413',
      id: 'projects/hazel-aria-348413/locations/europe-central2-a/clusters/cluster-1',
    });
  });
});

describe.skipIf(!existsSync(path.join(CLOUD, 'aks')))(`AKS kube-audit diagnostic record ${SKIP}`, () => {
  const sample = imported(() => [path.join(CLOUD, 'aks/test-kube-audit.log')]);

  it('aksService renewing a lease, in cluster TEST-CLUSTER', async () => {
    const { result, bundle } = sample();
    expect(result.inputs[0]!.formats).toEqual({ 'aks-audit': 1 });
    expect(await rows(bundle, `SELECT ${COLUMNS} FROM audit`)).toEqual([
      {
        t: '2025-10-07 16:19:19',
        verb: 'update',
        kind: 'Lease',
        namespace: 'kube-system',
        name: 'kubelet-serving-csr-approver',
        sub: null,
        actor: 'aksService',
        code: 200,
      },
    ]);
    expect(bundle.metadata.cluster).toMatchObject({
      name: 'TEST-CLUSTER',
      cloud: 'AKS',
      account: 'ae2861b3-e901-49bd-99f3-660eb5747107',
    });
  });
});

describe.skipIf(!existsSync(SINGLE))(`single audit events in a shipper's envelope ${SKIP}`, () => {
  const sample = imported(() => [SINGLE]);

  it('every file is one request: pods created, an exec, a scale, an impersonated list, a ClusterRoleBinding', async () => {
    const { result, bundle } = sample();
    expect(result.inputs[0]!.formats).toEqual({ 'audit-wrapped': 8 });
    expect(result.inputs[0]!.issueCount).toBe(0);
    expect(await rows(bundle, `SELECT ${COLUMNS} FROM audit ORDER BY ts, name`)).toEqual([
      {
        t: '2022-11-23 13:10:04',
        verb: 'patch',
        kind: 'Deployment',
        namespace: 'test',
        name: 'test',
        sub: 'scale',
        actor: 'user@mail.com',
        code: 200,
      },
      {
        t: '2022-11-23 14:36:53',
        verb: 'create',
        kind: 'Pod',
        namespace: 'test',
        name: 'test-1669140000-zp58r',
        sub: 'exec',
        actor: 'user@mail.com',
        code: 101,
      },
      {
        t: '2025-01-23 14:56:02',
        verb: 'list',
        kind: 'Pod',
        namespace: 'support',
        name: null,
        sub: null,
        actor: 'john.doe@example.org',
        code: 200,
      },
      // Two files hold the same request under two audit IDs.
      ...[1, 2].map(() => ({
        t: '2025-05-22 12:23:08',
        verb: 'create',
        kind: 'ClusterRoleBinding',
        namespace: null,
        name: 'example-admin-binding',
        sub: null,
        actor: 'minikube-user',
        code: 201,
      })),
      {
        t: '2025-05-22 13:06:12',
        verb: 'create',
        kind: 'Pod',
        namespace: 'default',
        name: 'pod-hostnetwork',
        sub: null,
        actor: 'minikube-user',
        code: 201,
      },
      {
        t: '2025-05-22 13:14:38',
        verb: 'create',
        kind: 'Pod',
        namespace: 'default',
        name: 'priv-shell',
        sub: null,
        actor: 'minikube-user',
        code: 201,
      },
      {
        t: '2025-05-22 13:23:44',
        verb: 'create',
        kind: 'Pod',
        namespace: 'default',
        name: 'pod-hostpath',
        sub: null,
        actor: 'minikube-user',
        code: 201,
      },
    ]);
  });

  it('the objects created are rebuilt from the response bodies', async () => {
    const { bundle } = sample();
    expect(await rows(bundle, 'SELECT kind, name, watch_event FROM objects ORDER BY ts, name')).toEqual([
      { kind: 'ClusterRoleBinding', name: 'example-admin-binding', watch_event: 'ADDED' },
      { kind: 'ClusterRoleBinding', name: 'example-admin-binding', watch_event: 'ADDED' },
      { kind: 'Pod', name: 'pod-hostnetwork', watch_event: 'ADDED' },
      { kind: 'Pod', name: 'priv-shell', watch_event: 'ADDED' },
      { kind: 'Pod', name: 'pod-hostpath', watch_event: 'ADDED' },
    ]);
  });
});
