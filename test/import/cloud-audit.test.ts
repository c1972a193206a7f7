// Cloud audit exports and wrapped audit events, written here and imported end to end: GKE's Cloud
// Logging entries (JSON, JSON lines, gcloud YAML), EKS audit logs exported from CloudWatch Logs,
// AKS diagnostic records and log shippers' envelopes all become the audit rows of an API server's
// own log: who did what to which object, with what answer.
import { dump as dumpYaml } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { Bundle } from '../../src/bundle/reader.ts';
import { explainDetection, fileHead } from '../../src/import/detect.ts';
import { aDeployment, aPod } from '../kube/builders.ts';
import {
  at,
  auditEvent,
  computeEntry,
  gkeClusterOperation,
  gkeEntry,
  REQUESTS,
} from './cloud-audit-builders.ts';
import { jsonl, rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const AUDIT_COLUMNS = `strftime(ts, '%H:%M:%S') AS t, audit_verb AS verb, audit_resource AS resource, audit_subresource AS sub,
  namespace, name, kind, audit_user AS "user", audit_code AS code`;

async function auditRows(bundle: Bundle): Promise<Record<string, unknown>[]> {
  return rows(bundle, `SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY ts, audit_id`);
}

function typed(type: string, object: Record<string, unknown>): Record<string, unknown> {
  const { kind: _k, apiVersion: _a, ...rest } = object;
  return { '@type': type, ...rest };
}

const v1 = aDeployment({ metadata: { resourceVersion: '500' } });
const v2 = aDeployment({
  metadata: { resourceVersion: '501', generation: 5 },
  spec: { template: { spec: { containers: [{ name: 'app', image: 'shop/checkout:1.5.0' }] } } },
});

/** A GKE cluster's afternoon: a rollout by bob, denials, a deleted namespace, the cluster deleted. */
const GKE_ENTRIES = [
  gkeEntry({
    method: 'io.k8s.apps.v1.deployments.create',
    resourceName: 'apps/v1/namespaces/shop/deployments/checkout',
    user: 'alice@example.com',
    seconds: 60,
    id: 'g1',
    request: typed('apps.k8s.io/v1.Deployment', v1),
    response: typed('apps.k8s.io/v1.Deployment', v1),
  }),
  gkeEntry({
    method: 'io.k8s.apps.v1.deployments.patch',
    resourceName: 'apps/v1/namespaces/shop/deployments/checkout',
    user: 'bob@example.com',
    seconds: 600,
    id: 'g2',
    request: {
      '@type': 'k8s.io/Patch',
      spec: { template: { spec: { containers: [{ name: 'app', image: 'shop/checkout:1.5.0' }] } } },
    },
    response: typed('apps.k8s.io/v1.Deployment', v2),
  }),
  gkeEntry({
    method: 'io.k8s.core.v1.pods.status.update',
    resourceName: 'core/v1/namespaces/shop/pods/checkout-7d9f8-abcde/status',
    user: 'system:node:gke-prod-eu-pool-1',
    seconds: 620,
    id: 'g3',
  }),
  ...[700, 710, 720].map((seconds, k) =>
    gkeEntry({
      method: 'io.k8s.core.v1.secrets.list',
      resourceName: 'core/v1/namespaces/shop/secrets',
      user: 'system:serviceaccount:shop:ci',
      code: 7,
      message: 'PERMISSION_DENIED',
      seconds,
      id: `g4-${k}`,
      // GKE keeps the API server's Status for some denials: its code is the exact answer.
      response:
        k === 0
          ? {
              '@type': 'core.k8s.io/v1.Status',
              code: 403,
              reason: 'Forbidden',
              status: 'Failure',
              message: 'secrets is forbidden',
            }
          : undefined,
    }),
  ),
  gkeEntry({
    method: 'io.k8s.core.v1.pods.get',
    resourceName: 'core/v1/namespaces/shop/pods/gone',
    user: 'alice@example.com',
    code: 5,
    seconds: 800,
    id: 'g5',
  }),
  gkeEntry({
    method: 'io.k8s.core.v1.namespaces.delete',
    resourceName: 'core/v1/namespaces/old-team',
    user: 'alice@example.com',
    seconds: 900,
    id: 'g6',
  }),
  gkeEntry({
    method: 'io.k8s.core.v1.nodes.patch',
    resourceName: 'core/v1/nodes/gke-prod-eu-pool-1',
    user: 'alice@example.com',
    code: 6,
    seconds: 950,
    id: 'g7',
  }),
  computeEntry(1000),
  // A long-running operation logs its start and its end under one operation id: one request.
  gkeClusterOperation('DeleteCluster', 1200, { first: true }),
  gkeClusterOperation('DeleteCluster', 1500, { last: true }),
];

const GKE_ROWS = [
  {
    t: '10:01:00',
    verb: 'create',
    resource: 'deployments',
    sub: null,
    namespace: 'shop',
    name: 'checkout',
    kind: 'Deployment',
    user: 'alice@example.com',
    code: 200,
  },
  {
    t: '10:10:00',
    verb: 'patch',
    resource: 'deployments',
    sub: null,
    namespace: 'shop',
    name: 'checkout',
    kind: 'Deployment',
    user: 'bob@example.com',
    code: 200,
  },
  {
    t: '10:10:20',
    verb: 'update',
    resource: 'pods',
    sub: 'status',
    namespace: 'shop',
    name: 'checkout-7d9f8-abcde',
    kind: 'Pod',
    user: 'system:node:gke-prod-eu-pool-1',
    code: 200,
  },
  ...['10:11:40', '10:11:50', '10:12:00'].map((t) => ({
    t,
    verb: 'list',
    resource: 'secrets',
    sub: null,
    namespace: 'shop',
    name: null,
    kind: 'Secret',
    user: 'system:serviceaccount:shop:ci',
    code: 403,
  })),
  {
    t: '10:13:20',
    verb: 'get',
    resource: 'pods',
    sub: null,
    namespace: 'shop',
    name: 'gone',
    kind: 'Pod',
    user: 'alice@example.com',
    code: 404,
  },
  {
    t: '10:15:00',
    verb: 'delete',
    resource: 'namespaces',
    sub: null,
    namespace: null,
    name: 'old-team',
    kind: 'Namespace',
    user: 'alice@example.com',
    code: 200,
  },
  {
    t: '10:15:50',
    verb: 'patch',
    resource: 'nodes',
    sub: null,
    namespace: null,
    name: 'gke-prod-eu-pool-1',
    kind: 'Node',
    user: 'alice@example.com',
    code: 409,
  },
  {
    t: '10:25:00',
    verb: 'delete',
    resource: 'clusters',
    sub: null,
    namespace: null,
    name: 'prod-eu',
    kind: null,
    user: 'alice@example.com',
    code: 200,
  },
];

describe('GKE audit entries from Cloud Logging', () => {
  it('a JSON array (gcloud logging read --format=json): verbs, objects, users and answers of the API server', async () => {
    const file = scratch.write('gke/activity.json', JSON.stringify(GKE_ENTRIES, null, 2));
    const { result, bundle } = await scratch.import([file]);
    const input = result.inputs[0]!;
    expect(input.formats).toEqual({ 'gke-audit': 1 });
    expect(await auditRows(bundle!)).toEqual(GKE_ROWS);
    // Not a Kubernetes request, but said, not dropped.
    expect(input.issues.map((i) => i.reason)).toEqual([
      'not a Kubernetes API request: a Google Cloud audit entry of compute.googleapis.com (v1.compute.instances.delete)',
    ]);
    expect(bundle!.metadata.cluster).toMatchObject({
      name: 'prod-eu',
      cloud: 'GKE',
      location: 'europe-west1',
      account: 'shop-prod-4711',
    });
    expect(input.clusters).toHaveLength(1);
    bundle!.close();
  });

  it('the request, source, agent, decision and bodies of an entry reach the audit row', async () => {
    const file = scratch.write('gke/one.json', JSON.stringify(GKE_ENTRIES.slice(0, 4)));
    const { bundle } = await scratch.import([file]);
    const [row] = await rows(
      bundle!,
      `SELECT audit_uri, audit_user_agent, audit_decision, audit_id, api_version, audit_level,
         json_extract_string(body, '$.sourceIPs[0]') AS ip, json_extract_string(body, '$.responseObject.kind') AS response_kind,
         json_extract_string(body, '$.requestObject.spec.template.spec.containers[0].image') AS patched_image
       FROM audit WHERE audit_id = 'g2'`,
    );
    expect(row).toEqual({
      audit_uri: '/apis/apps/v1/namespaces/shop/deployments/checkout',
      audit_user_agent: 'kubectl/v1.30.2 (linux/amd64)',
      audit_decision: 'allow',
      audit_id: 'g2',
      api_version: 'apps/v1',
      audit_level: 'RequestResponse',
      ip: '203.0.113.7',
      response_kind: 'Deployment',
      patched_image: 'shop/checkout:1.5.0',
    });
    bundle!.close();
  });

  it('JSON lines and gcloud YAML read the same as the JSON array', async () => {
    const lines = scratch.write('gke/activity.ndjson', jsonl(...GKE_ENTRIES));
    // gcloud's YAML: one document per entry, separated by `---`.
    const yaml = scratch.write('gke/activity.yaml', GKE_ENTRIES.map((e) => dumpYaml(e)).join('---\n'));
    for (const file of [lines, yaml]) {
      const { result, bundle } = await scratch.import([file]);
      expect(result.inputs[0]!.formats).toEqual({ 'gke-audit': 1 });
      expect(await auditRows(bundle!)).toEqual(GKE_ROWS);
      expect(result.inputs[0]!.issueCount).toBe(1);
      bundle!.close();
    }
  });

  it('an export larger than detection reads is still recognised, by the entries that fit', async () => {
    const many = Array.from({ length: 400 }, (_, k) =>
      gkeEntry({
        method: 'io.k8s.core.v1.configmaps.update',
        resourceName: `core/v1/namespaces/shop/configmaps/cm-${k}`,
        user: 'alice@example.com',
        seconds: k,
        id: `big-${k}`,
      }),
    );
    const text = JSON.stringify(many, null, 2);
    expect(text.length).toBeGreaterThan(64 * 1024);
    const file = scratch.write('gke/big.json', text);
    const { result, bundle } = await scratch.import([file]);
    expect(result.inputs[0]!.formats).toEqual({ 'gke-audit': 1 });
    expect((await rows(bundle!, 'SELECT count(*)::INTEGER AS n FROM audit'))[0]!.n).toBe(400);
    bundle!.close();
  });

  it('denials reach the rbac-forbidden pattern, and the rollout is attributed to its author', async () => {
    const file = scratch.write('gke/analyze.json', JSON.stringify(GKE_ENTRIES));
    const { bundle } = await scratch.import([file]);
    const changes = await rows(
      bundle!,
      "SELECT kind, name, change, old, new, actor, actor_verb FROM changes WHERE change = 'image'",
    );
    expect(changes).toEqual([
      {
        kind: 'Deployment',
        name: 'checkout',
        change: 'image',
        old: 'app=shop/checkout:1.4.3',
        new: 'app=shop/checkout:1.5.0',
        actor: 'bob@example.com',
        actor_verb: 'patch',
      },
    ]);
    const report = await analyzeBundle(bundle!, { all: true });
    const forbidden = report.findings.filter((f) => f.pattern === 'rbac-forbidden');
    expect(forbidden.map((f) => `${f.subject.kind}/${f.subject.name}`)).toEqual([
      'User/system:serviceaccount:shop:ci',
    ]);
    bundle!.close();
  });

  it('an export of other Google Cloud services only is refused with the reason, not taken for a quiet cluster', async () => {
    const file = scratch.write('gcp-only/compute.json', JSON.stringify([computeEntry(1), computeEntry(2)]));
    const { result, bundle } = await scratch.import([file]);
    expect(bundle).toBeNull();
    expect(result.bundle).toBeNull();
    expect(result.inputs[0]!.formats).toEqual({ 'gke-audit': 1 });
    expect(result.inputs[0]!.issueCount).toBe(2);
    expect(result.inputs[0]!.issues[0]!.reason).toMatch(
      /^not a Kubernetes API request: .*compute\.googleapis\.com/,
    );
  });
});

const events = REQUESTS.map(auditEvent);
const EXPECTED = [
  {
    t: '10:00:10',
    verb: 'delete',
    resource: 'pods',
    sub: null,
    namespace: 'shop',
    name: 'checkout-1',
    kind: 'Pod',
    user: 'alice',
    code: 200,
  },
  {
    t: '10:00:20',
    verb: 'create',
    resource: 'pods',
    sub: 'exec',
    namespace: 'shop',
    name: 'debug',
    kind: 'Pod',
    user: 'bob',
    code: 101,
  },
  {
    t: '10:00:30',
    verb: 'list',
    resource: 'secrets',
    sub: null,
    namespace: 'shop',
    name: null,
    kind: 'Secret',
    user: 'system:serviceaccount:shop:ci',
    code: 403,
  },
];

describe('EKS audit logs exported from CloudWatch Logs', () => {
  it('aws logs filter-log-events JSON: the event in each message, EKS from the stream name', async () => {
    const file = scratch.write(
      'eks/filter.json',
      JSON.stringify(
        {
          events: events.map((e, k) => ({
            logStreamName: 'kube-apiserver-audit-0a1b2c3d4e5f',
            timestamp: 1772359200000 + k,
            message: JSON.stringify(e),
            ingestionTime: 1772359201000 + k,
            eventId: `3712${k}`,
          })),
          searchedLogStreams: [
            { logStreamName: 'kube-apiserver-audit-0a1b2c3d4e5f', searchedCompletely: true },
          ],
        },
        null,
        2,
      ),
    );
    const { result, bundle } = await scratch.import([file]);
    expect(result.inputs[0]!.formats).toEqual({ 'eks-audit': 1 });
    expect(await auditRows(bundle!)).toEqual(EXPECTED);
    expect(result.inputs[0]!.clusters).toEqual([
      { cloud: 'EKS', name: null, location: null, account: null, id: null },
    ]);
    bundle!.close();
  });

  it('a subscription batch (logGroup, logEvents) names the cluster and the account', async () => {
    const batch = {
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: '/aws/eks/payments/cluster',
      logStream: 'kube-apiserver-audit-9f8e7d',
      subscriptionFilters: ['to-s3'],
      logEvents: events.map((e, k) => ({ id: `${k}`, timestamp: 1772359200000, message: JSON.stringify(e) })),
    };
    // Firehose writes batches back to back, without separators.
    const file = scratch.write(
      'eks/firehose',
      JSON.stringify(batch) + JSON.stringify({ ...batch, logEvents: [] }),
    );
    const { result, bundle } = await scratch.import([file]);
    expect(result.inputs[0]!.formats).toEqual({ 'eks-audit': 1 });
    expect(await auditRows(bundle!)).toEqual(EXPECTED);
    // The empty second batch holds no event: counted, not silent.
    expect(result.inputs[0]!.issueCount).toBe(1);
    expect(bundle!.metadata.cluster).toMatchObject({
      name: 'payments',
      cloud: 'EKS',
      account: '123456789012',
    });
    bundle!.close();
  });

  it('a Logs Insights export, as CSV and as JSON, and aws logs tail', async () => {
    const csvField = (s: string) => `"${s.replaceAll('"', '""')}"`;
    const csv = scratch.write(
      'eks/insights.csv',
      `@timestamp,@message,@log\n${events
        .map(
          (e) =>
            `2026-03-01 10:00:00.000,${csvField(JSON.stringify(e))},123456789012:/aws/eks/payments/cluster`,
        )
        .join('\n')}\n`,
    );
    // `aws logs tail` prints each message after its time and stream.
    const tail = scratch.write(
      'eks/tail.log',
      events
        .map((e) => `2026-03-01T10:00:00.000000+00:00 kube-apiserver-audit-0a1b2c ${JSON.stringify(e)}`)
        .join('\n'),
    );
    const json = scratch.write(
      'eks/insights.json',
      JSON.stringify(
        events.map((e) => ({ '@timestamp': '2026-03-01 10:00:00.000', '@message': JSON.stringify(e) })),
      ),
    );
    for (const file of [csv, json, tail]) {
      const { result, bundle } = await scratch.import([file]);
      expect([file, result.inputs[0]!.formats]).toEqual([file, { 'eks-audit': 1 }]);
      expect(await auditRows(bundle!)).toEqual(EXPECTED);
      bundle!.close();
    }
  });
});

describe('AKS diagnostic logs', () => {
  const resourceId =
    '/SUBSCRIPTIONS/00000000-1111-2222-3333-444444444444/RESOURCEGROUPS/SHOP/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/SHOP-AKS';
  const record = (e: Record<string, unknown>, category = 'kube-audit') => ({
    category,
    operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
    properties: { log: JSON.stringify(e), pod: 'kube-apiserver-6d5b8c-x2x7q', stream: 'stdout' },
    resourceId,
    time: at(0),
  });

  it('{"records": […]} (Event Hub, storage account) and JSON lines, kube-audit and kube-audit-admin', async () => {
    const wrapped = scratch.write(
      'aks/records.json',
      JSON.stringify({ records: events.map((e) => record(e)) }),
    );
    const lines = scratch.write(
      'aks/PT1H.json',
      jsonl(...events.map((e, k) => record(e, k === 0 ? 'kube-audit-admin' : 'kube-audit'))),
    );
    for (const file of [wrapped, lines]) {
      const { result, bundle } = await scratch.import([file]);
      expect(result.inputs[0]!.formats).toEqual({ 'aks-audit': 1 });
      expect(await auditRows(bundle!)).toEqual(EXPECTED);
      expect(bundle!.metadata.cluster).toMatchObject({
        name: 'SHOP-AKS',
        cloud: 'AKS',
        account: '00000000-1111-2222-3333-444444444444',
        id: resourceId,
      });
      bundle!.close();
    }
  });
});

describe('AKS Log Analytics rows (AKSAudit, AKSAuditAdmin)', () => {
  const columns = [
    'TimeGenerated [UTC]',
    'AuditId',
    'Verb',
    'Stage',
    'Level',
    'RequestUri',
    'User',
    'SourceIps',
    'UserAgent',
    'ObjectRef',
    'ResponseStatus',
    'RequestObject',
    'RequestReceivedTime',
    'StageReceivedTime',
    'Annotations',
    '_ResourceId',
    'Type',
  ];
  const rowOf = (e: Record<string, unknown>) => ({
    'TimeGenerated [UTC]': e.stageTimestamp,
    AuditId: e.auditID,
    Verb: e.verb,
    Stage: e.stage,
    Level: e.level,
    RequestUri: e.requestURI,
    User: JSON.stringify(e.user),
    SourceIps: JSON.stringify(e.sourceIPs),
    UserAgent: e.userAgent,
    ObjectRef: JSON.stringify(e.objectRef),
    ResponseStatus: JSON.stringify(e.responseStatus),
    // What AKS keeps of a body it found too big.
    RequestObject: 'skipped-too-big-size-object',
    RequestReceivedTime: e.requestReceivedTimestamp,
    StageReceivedTime: e.stageTimestamp,
    Annotations: JSON.stringify(e.annotations),
    _ResourceId:
      '/subscriptions/0000/resourcegroups/shop/providers/microsoft.containerservice/managedclusters/shop-aks',
    Type: 'AKSAuditAdmin',
  });

  it('a query exported as CSV (nested columns as JSON text) and as JSON', async () => {
    const cell = (v: unknown) => `"${String(v ?? '').replaceAll('"', '""')}"`;
    const table = events.map(rowOf);
    const csv = scratch.write(
      'aks/query.csv',
      `${columns.join(',')}\n${table.map((r) => columns.map((c) => cell(r[c as keyof typeof r])).join(',')).join('\n')}\n`,
    );
    const json = scratch.write('aks/query.json', JSON.stringify(table, null, 2));
    for (const file of [csv, json]) {
      const { result, bundle } = await scratch.import([file]);
      expect([file, result.inputs[0]!.formats, result.inputs[0]!.issueCount]).toEqual([
        file,
        { 'aks-audit': 1 },
        0,
      ]);
      expect(await auditRows(bundle!)).toEqual(EXPECTED);
      expect(bundle!.metadata.cluster).toMatchObject({ name: 'shop-aks', cloud: 'AKS', account: '0000' });
      bundle!.close();
    }
  });
});

describe('audit events wrapped by log shippers', () => {
  it("Docker's JSON log, journald's MESSAGE, a text prefix, and a shipper that dropped kind, apiVersion and times", async () => {
    const [deleted, exec, denied] = events as Record<string, unknown>[];
    const docker = scratch.write(
      'ship/docker.log',
      jsonl({ log: `${JSON.stringify(deleted)}\n`, stream: 'stdout', time: at(10) }),
    );
    const journal = scratch.write(
      'ship/journal.json',
      jsonl({ MESSAGE: JSON.stringify(exec), _SYSTEMD_UNIT: 'kube-apiserver.service' }),
    );
    const prefixed = scratch.write(
      'ship/tail.log',
      `Mar  1 10:00:30 master-0 apiserver-audit: ${JSON.stringify(denied)}\n`,
    );
    const { kind: _k, apiVersion: _a, stageTimestamp: _s, requestReceivedTimestamp: _r, ...bare } = denied!;
    const stripped = scratch.write(
      'ship/fluent.json',
      jsonl({ '@timestamp': '2026-03-01T10:00:31Z', input: { message: JSON.stringify(bare) } }),
    );
    const { result, bundle } = await scratch.import([docker, journal, prefixed, stripped]);
    expect(result.inputs.map((i) => i.formats)).toEqual([
      { 'audit-wrapped': 1 },
      { 'audit-wrapped': 1 },
      { 'audit-wrapped': 1 },
      { 'audit-wrapped': 1 },
    ]);
    expect(await auditRows(bundle!)).toEqual(EXPECTED);
    // The stripped copy is the denied request again: one request.
    expect(result.inputs[3]!.duplicates).toBe(1);
    bundle!.close();
    // Alone, it is that request still, dated by its envelope.
    const alone = await scratch.import([stripped]);
    expect(await auditRows(alone.bundle!)).toEqual([{ ...EXPECTED[2], t: '10:00:31' }]);
    alone.bundle!.close();
  });

  it('an event that neither it nor its envelope dates is reported, not imported at a made-up time', async () => {
    const { stageTimestamp: _s, requestReceivedTimestamp: _r, ...undated } = events[0]!;
    const file = scratch.write(
      'ship/undated.json',
      jsonl({ message: JSON.stringify(undated) }, { message: JSON.stringify(events[1]) }),
    );
    const { result, bundle } = await scratch.import([file]);
    expect(result.inputs[0]!.issues.map((i) => [i.line, i.reason])).toEqual([
      [1, 'audit event a1 carries no time, nor does its envelope'],
    ]);
    expect((await rows(bundle!, 'SELECT count(*)::INTEGER AS n FROM audit'))[0]!.n).toBe(1);
    bundle!.close();
  });

  it('a plain audit log stays the audit log format; a line holding no event is counted', async () => {
    const plain = jsonl(events[0]);
    expect(explainDetection(fileHead(plain, { path: 'audit.log' }))[0]!.name).toBe('audit-log');
    const file = scratch.write(
      'ship/mixed.log',
      jsonl({ log: JSON.stringify(events[0]) }, { log: 'GET /healthz 200' }),
    );
    const { result } = await scratch.import([file]);
    expect(result.inputs[0]!.issues.map((i) => [i.line, i.reason])).toEqual([
      [
        2,
        'no audit event in it (neither an audit.k8s.io Event nor a Google Cloud audit entry, also inside its fields)',
      ],
    ]);
  });
});

describe('a mixed folder', () => {
  it('a dump, a cloud audit export and Prometheus data import in one command', async () => {
    scratch.write('mixed/pods.json', JSON.stringify({ kind: 'List', apiVersion: 'v1', items: [aPod()] }));
    scratch.write('mixed/audit/gke.json', JSON.stringify(GKE_ENTRIES.slice(0, 3)));
    scratch.write(
      'mixed/prometheus/restarts.json',
      JSON.stringify({
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: {
                __name__: 'kube_pod_container_status_restarts_total',
                namespace: 'shop',
                pod: 'checkout-7d9f8-abcde',
                container: 'app',
              },
              values: [
                [1772359200, '0'],
                [1772359260, '3'],
              ],
            },
          ],
        },
      }),
    );
    const { result, bundle } = await scratch.import([scratch.path('mixed')]);
    expect(result.inputs[0]!.formats).toEqual({ 'gke-audit': 1, 'kube-json': 2 });
    const counts = await rows(
      bundle!,
      "SELECT source, count(*)::INTEGER AS n FROM bundle WHERE source <> 'marker' GROUP BY 1 ORDER BY 1",
    );
    // Objects: the listed pod, and the Deployment's two versions from the audit bodies.
    expect(counts).toEqual([
      { source: 'audit', n: 3 },
      { source: 'metric', n: 2 },
      { source: 'object', n: 3 },
    ]);
    expect(bundle!.metadata.cluster).toMatchObject({ name: 'prod-eu', cloud: 'GKE' });
    bundle!.close();
  });
});
