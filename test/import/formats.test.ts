// One small input per supported format, written here, imported end to end and read back from the
// bundle: kubectl JSON/YAML (lists, single objects, watch streams), events, cluster-info dump (old
// capitalised format, UTF-16), Prometheus JSON and exposition, container logs, and archives.
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { aDeployment, aPod, aSecret } from '../kube/builders.ts';
import { jsonl, rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const podList = {
  kind: 'PodList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '99' },
  // API lists leave kind and apiVersion out of their items.
  items: [
    (({ kind: _k, apiVersion: _a, ...rest }) => rest)(aPod()),
    (({ kind: _k, apiVersion: _a, ...rest }) => rest)(
      aPod({ metadata: { name: 'checkout-2', uid: 'pod-uid-2', resourceVersion: '1002' } }),
    ),
  ],
};

const v1Event = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'checkout.1', namespace: 'shop', uid: 'ev-1', resourceVersion: '7' },
  regarding: {
    kind: 'Pod',
    namespace: 'shop',
    name: 'checkout-7d9f8-abcde',
    fieldPath: 'spec.containers{app}',
  },
  reason: 'BackOff',
  note: 'Back-off restarting failed container app',
  type: 'Warning',
  eventTime: '2026-03-01T10:01:00.000000Z',
  series: { count: 5, lastObservedTime: '2026-03-01T10:06:00.000000Z' },
  reportingController: 'kubelet',
  reportingInstance: 'node-a',
};

describe('kubectl get -o json|yaml', () => {
  it('a PodList (items without kind), a multi-document YAML and an events.k8s.io Event', async () => {
    const json = scratch.write('dump/pods.json', JSON.stringify(podList, null, 2));
    const yaml = scratch.write(
      'dump/mixed.yaml',
      `---\n${JSON.stringify(aDeployment())}\n---\n# a comment\napiVersion: v1\nkind: Secret\ntype: Opaque\nmetadata:\n  name: db\n  namespace: shop\n  creationTimestamp: "2026-03-01T10:00:00Z"\ndata:\n  password: aHVudGVyMg==\n---\n${JSON.stringify(v1Event)}\n`,
    );
    const { result, bundle } = await scratch.import([json, yaml]);
    expect(result.snapshot).toBe(true);
    expect(await rows(bundle!, 'SELECT kind, name, watch_event FROM objects ORDER BY kind, name')).toEqual([
      { kind: 'Deployment', name: 'checkout', watch_event: 'LISTED' },
      { kind: 'Pod', name: 'checkout-2', watch_event: 'LISTED' },
      { kind: 'Pod', name: 'checkout-7d9f8-abcde', watch_event: 'LISTED' },
      { kind: 'Secret', name: 'db', watch_event: 'LISTED' },
    ]);
    expect(
      await rows(bundle!, 'SELECT api_version, container, node, event_count, event_message FROM events'),
    ).toEqual([
      {
        api_version: null,
        container: 'app',
        node: 'node-a',
        event_count: 5,
        event_message: 'Back-off restarting failed container app',
      },
    ]);
    expect(
      await rows(bundle!, "SELECT count(*)::INTEGER AS n FROM bundle WHERE body LIKE '%aHVudGVyMg==%'"),
    ).toEqual([{ n: 0 }]);
    expect(result.inputs.map((s) => s.formats)).toEqual([{ 'kube-json': 1 }, { 'kube-yaml': 1 }]);
    bundle!.close();
  });

  it('--output-watch-events and `kubectl get -w -o json` streams keep their history', async () => {
    const pod = aPod();
    const modified = aPod({
      metadata: { resourceVersion: '1005' },
      status: { phase: 'Failed', reason: 'Evicted' },
    });
    const deleted = aPod({
      metadata: { resourceVersion: '1009', deletionTimestamp: '2026-03-01T10:20:00Z' },
    });
    const events = scratch.write(
      'watch-events.json',
      jsonl(
        { type: 'ADDED', object: pod },
        { type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: '1004' } } },
        { type: 'MODIFIED', object: modified },
        { type: 'DELETED', object: deleted },
      ),
    );
    // kubectl get -w -o json prints pretty objects back to back.
    const stream = scratch.write(
      'watch.json',
      `${JSON.stringify(aDeployment(), null, 2)}\n${JSON.stringify(aDeployment({ metadata: { resourceVersion: '2' }, status: { readyReplicas: 3 } }), null, 2)}\n`,
    );
    const { result, bundle } = await scratch.import([events, stream]);
    expect(result.snapshot).toBe(false);
    expect(
      await rows(
        bundle!,
        "SELECT watch_event, phase, status_reason, ts::VARCHAR AS ts FROM objects WHERE kind = 'Pod' ORDER BY resource_version",
      ),
    ).toEqual([
      { watch_event: 'ADDED', phase: 'Running', status_reason: null, ts: '2026-03-01 10:00:20+00' },
      { watch_event: 'MODIFIED', phase: 'Failed', status_reason: 'Evicted', ts: '2026-03-01 10:00:20+00' },
      { watch_event: 'DELETED', phase: 'Running', status_reason: null, ts: '2026-03-01 10:20:00+00' },
    ]);
    expect(
      await rows(
        bundle!,
        "SELECT watch_event, replicas_ready FROM objects WHERE kind = 'Deployment' ORDER BY watch_event",
      ),
    ).toEqual([
      { watch_event: 'LISTED', replicas_ready: 2 },
      { watch_event: 'MODIFIED', replicas_ready: 3 },
    ]);
    bundle!.close();
  });

  it('the same object version from two inputs is one record', async () => {
    const a = scratch.write('a/pod.json', JSON.stringify(aPod()));
    const b = scratch.write(
      'b/pods.yaml',
      `apiVersion: v1\nkind: List\nitems:\n- ${JSON.stringify(aPod())}\n`,
    );
    const { result, bundle } = await scratch.import([a, b]);
    expect(await rows(bundle!, 'SELECT count(*)::INTEGER AS n FROM objects')).toEqual([{ n: 1 }]);
    expect(result.inputs[1]?.duplicates).toBe(1);
    bundle!.close();
  });
});

describe('kubectl cluster-info dump', () => {
  it('reads the old format with capitalised keys, written as UTF-16 with a BOM, and logs.txt per container', async () => {
    const oldEvents = {
      Kind: 'EventList',
      APIVersion: 'v1',
      Items: [
        {
          ObjectMeta: {
            Name: 'web-1.abc',
            Namespace: 'shop',
            UID: 'old-ev-1',
            ResourceVersion: '3',
            Labels: { App: 'Web' },
          },
          InvolvedObject: {
            Kind: 'Pod',
            Namespace: 'shop',
            Name: 'web-1',
            FieldPath: 'spec.containers{web}',
          },
          Reason: 'Unhealthy',
          Message: 'Liveness probe failed',
          Type: 'Warning',
          Count: 3,
          FirstTimestamp: '2026-03-01T09:00:00Z',
          LastTimestamp: '2026-03-01T09:05:00Z',
          Source: { Component: 'kubelet', Host: 'node-b' },
        },
      ],
    };
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(JSON.stringify(oldEvents, null, 2), 'utf16le'),
    ]);
    scratch.write('cid/shop/events.json', utf16);
    scratch.write(
      'cid/nodes.json',
      JSON.stringify({
        kind: 'NodeList',
        apiVersion: 'v1',
        items: [
          {
            metadata: { name: 'node-b', creationTimestamp: '2026-02-01T00:00:00Z', resourceVersion: '5' },
            spec: { unschedulable: true },
          },
        ],
      }),
    );
    scratch.write(
      'cid/shop/web-1/logs.txt',
      '==== START logs for container web of pod shop/web-1 ====\n2026-03-01T09:04:59.000000001Z listening on :8080\npanic: nil map\n==== END logs for container web of pod shop/web-1 ====\n==== START logs for container proxy of pod shop/web-1 ====\n2026-03-01T09:00:00Z proxy up\n==== END logs for container proxy of pod shop/web-1 ====\n',
    );
    const { result, bundle } = await scratch.import([scratch.path('cid')]);
    expect(result.inputs[0]?.layout).toBe('cluster-info-dump');
    expect(
      await rows(
        bundle!,
        'SELECT kind, name, container, node, event_reason, event_count, event_uid FROM events',
      ),
    ).toEqual([
      {
        kind: 'Pod',
        name: 'web-1',
        container: 'web',
        node: 'node-b',
        event_reason: 'Unhealthy',
        event_count: 3,
        event_uid: 'old-ev-1',
      },
    ]);
    // Label keys are user data: they keep their case.
    expect(
      await rows(bundle!, "SELECT json_extract_string(body, '$.metadata.labels.App') AS app FROM events"),
    ).toEqual([{ app: 'Web' }]);
    expect(await rows(bundle!, "SELECT name, unschedulable FROM objects WHERE kind = 'Node'")).toEqual([
      { name: 'node-b', unschedulable: true },
    ]);
    expect(
      await rows(bundle!, 'SELECT container, ts::VARCHAR AS ts, log_line FROM logs ORDER BY container, ts'),
    ).toEqual([
      { container: 'proxy', ts: '2026-03-01 09:00:00+00', log_line: 'proxy up' },
      { container: 'web', ts: '2026-03-01 09:04:59+00', log_line: 'listening on :8080' },
      // An undated line follows the dated one it belongs to, 1µs later.
      { container: 'web', ts: '2026-03-01 09:04:59.000001+00', log_line: 'panic: nil map' },
    ]);
    bundle!.close();
  });
});

describe('Prometheus', () => {
  it('query_range and query JSON responses, and an exposition snapshot at --at', async () => {
    const range = scratch.write(
      'prom/cpu.json',
      JSON.stringify({
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: {
                __name__: 'container_cpu_usage_seconds_total',
                namespace: 'shop',
                pod: 'checkout-1',
                container: 'app',
              },
              values: [
                [1772359200, '1.5'],
                [1772359215.5, 'NaN'],
              ],
            },
            { metric: { namespace: 'shop', pod: 'checkout-1' }, values: [[1772359200, '+Inf']] },
          ],
        },
      }),
    );
    const instant = scratch.write(
      'prom/up.json',
      JSON.stringify({
        status: 'success',
        data: {
          resultType: 'vector',
          result: [{ metric: { __name__: 'up', job: 'ksm' }, value: [1772359200, '1'] }],
        },
      }),
    );
    const text = scratch.write(
      'prom/ksm.txt',
      '# HELP kube_pod_status_phase The pods current phase.\n# TYPE kube_pod_status_phase gauge\nkube_pod_status_phase{namespace="shop",pod="checkout-1",phase="Running",uid="u1"} 1\nkube_deployment_status_replicas_available{namespace="shop",deployment="checkout"} 2\nkube_node_info{node="node-a",kernel_version="6.1 \\"lts\\""} 1\n',
    );
    const { result, bundle } = await scratch.import([range, instant, text], { at: '2026-03-01T10:42:00Z' });
    expect(result.snapshot).toBe(false);
    expect(
      await rows(
        bundle!,
        'SELECT metric_name AS m, kind, name, container, ts::VARCHAR AS ts, metric_value AS v FROM metrics ORDER BY m, ts',
      ),
    ).toEqual([
      {
        m: 'container_cpu_usage_seconds_total',
        kind: 'Pod',
        name: 'checkout-1',
        container: 'app',
        ts: '2026-03-01 10:00:00+00',
        v: 1.5,
      },
      // Prometheus's special values survive.
      {
        m: 'container_cpu_usage_seconds_total',
        kind: 'Pod',
        name: 'checkout-1',
        container: 'app',
        ts: '2026-03-01 10:00:15.5+00',
        v: 'NaN',
      },
      // No __name__: named after the file.
      {
        m: 'cpu',
        kind: 'Pod',
        name: 'checkout-1',
        container: null,
        ts: '2026-03-01 10:00:00+00',
        v: 'Infinity',
      },
      {
        m: 'kube_deployment_status_replicas_available',
        kind: 'Deployment',
        name: 'checkout',
        container: null,
        ts: '2026-03-01 10:42:00+00',
        v: 2,
      },
      {
        m: 'kube_node_info',
        kind: 'Node',
        name: 'node-a',
        container: null,
        ts: '2026-03-01 10:42:00+00',
        v: 1,
      },
      {
        m: 'kube_pod_status_phase',
        kind: 'Pod',
        name: 'checkout-1',
        container: null,
        ts: '2026-03-01 10:42:00+00',
        v: 1,
      },
      { m: 'up', kind: null, name: null, container: null, ts: '2026-03-01 10:00:00+00', v: 1 },
    ]);
    expect(
      await rows(
        bundle!,
        "SELECT metric_labels['kernel_version'] AS k FROM metrics WHERE metric_name = 'kube_node_info'",
      ),
    ).toEqual([{ k: '6.1 "lts"' }]);
    bundle!.close();
  });
});

describe('container logs', () => {
  it('CRI files in the /var/log/pods layout (partial lines joined) and plain text with --pod', async () => {
    scratch.write(
      'node/var/log/pods/shop_checkout-1_0f6a1e0c-1111-2222-3333-444455556666/app/0.log',
      '2026-03-01T10:00:00.123456789Z stdout F started\n2026-03-01T10:00:01Z stderr P part one, \n2026-03-01T10:00:01Z stderr F part two\n',
    );
    const plain = scratch.write('app.log', 'booting\n2026-03-01T10:05:00Z ready\nstack line\n');
    const { bundle } = await scratch.import([scratch.path('node'), plain], {
      pod: 'shop/checkout-2',
      container: 'web',
      at: '2026-03-01T09:59:00Z',
    });
    expect(
      await rows(
        bundle!,
        'SELECT name, uid, container, log_stream AS s, ts::VARCHAR AS ts, log_line FROM logs ORDER BY name, ts',
      ),
    ).toEqual([
      {
        name: 'checkout-1',
        uid: '0f6a1e0c-1111-2222-3333-444455556666',
        container: 'app',
        s: 'stdout',
        ts: '2026-03-01 10:00:00.123456+00',
        log_line: 'started',
      },
      {
        name: 'checkout-1',
        uid: '0f6a1e0c-1111-2222-3333-444455556666',
        container: 'app',
        s: 'stderr',
        ts: '2026-03-01 10:00:01+00',
        log_line: 'part one, part two',
      },
      {
        name: 'checkout-2',
        uid: null,
        container: 'web',
        s: null,
        // Before the first dated line, just before it: not at --at, an hour earlier.
        ts: '2026-03-01 10:04:59.999999+00',
        log_line: 'booting',
      },
      {
        name: 'checkout-2',
        uid: null,
        container: 'web',
        s: null,
        ts: '2026-03-01 10:05:00+00',
        log_line: 'ready',
      },
      {
        name: 'checkout-2',
        uid: null,
        container: 'web',
        s: null,
        ts: '2026-03-01 10:05:00.000001+00',
        log_line: 'stack line',
      },
    ]);
    bundle!.close();
  });

  it('a timestamped log whose pod cannot be told is skipped with the way to fix it', async () => {
    const file = scratch.write('orphan/out.log', '2026-03-01T10:00:00Z hello\n');
    scratch.write('orphan/pod.json', JSON.stringify(aPod()));
    const { result, bundle } = await scratch.import([scratch.path('orphan')]);
    expect(result.inputs[0]?.skippedFiles).toEqual({
      'container log whose pod is unknown (pass --pod ns/name --container c)': [file],
    });
    expect(await rows(bundle!, 'SELECT count(*)::INTEGER AS n FROM objects')).toEqual([{ n: 1 }]);
    bundle!.close();
  });
});

describe('archives and compression, recognised by content', () => {
  async function tarOf(files: Record<string, string | Buffer>): Promise<Buffer> {
    const p = pack();
    for (const [name, content] of Object.entries(files))
      p.entry({ name, mtime: new Date('2026-03-01T11:00:00Z') }, content);
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of p) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  it('.tar.gz with a gzipped member, .zst, .gz and .tar.xz', async () => {
    const audit = jsonl({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      auditID: 'z-1',
      stage: 'ResponseComplete',
      verb: 'delete',
      user: { username: 'alice' },
      objectRef: { resource: 'pods', namespace: 'shop', name: 'checkout-1', apiVersion: 'v1' },
      responseStatus: { code: 200 },
      stageTimestamp: '2026-03-01T10:10:00.000001Z',
    });
    const tgz = scratch.write(
      'bundle.tgz',
      gzipSync(
        await tarOf({
          'dump/pod.json': JSON.stringify(aPod()),
          'dump/secret.yaml.gz': gzipSync(JSON.stringify(aSecret())),
        }),
      ),
    );
    // Named .bin: the content decides, not the name.
    const gz = scratch.write('audit.bin', gzipSync(audit));
    const plainAudit = scratch.write('audit2.log', audit.replace('z-1', 'z-2'));
    execFileSync('zstd', ['-q', '-f', plainAudit, '-o', scratch.path('audit2.log.zst')]);
    scratch.write('xz/deploy.json', JSON.stringify(aDeployment()));
    const txz = scratch.path('deploy.tar.xz');
    execFileSync('tar', ['-cJf', txz, '-C', scratch.path('xz'), 'deploy.json']);
    const { result, bundle } = await scratch.import([tgz, gz, scratch.path('audit2.log.zst'), txz]);
    expect(
      await rows(
        bundle!,
        'SELECT source, kind, count(*)::INTEGER AS n FROM bundle GROUP BY ALL ORDER BY ALL',
      ),
    ).toEqual([
      { source: 'audit', kind: 'Pod', n: 2 },
      { source: 'marker', kind: null, n: 2 },
      { source: 'object', kind: 'Deployment', n: 1 },
      { source: 'object', kind: 'Pod', n: 1 },
      { source: 'object', kind: 'Secret', n: 1 },
    ]);
    expect(result.inputs.map((s) => s.formats)).toEqual([
      { 'kube-json': 2 },
      { 'audit-log': 1 },
      { 'audit-log': 1 },
      { 'kube-json': 1 },
    ]);
    expect(await rows(bundle!, "SELECT origin FROM objects WHERE kind = 'Secret'")).toEqual([
      { origin: `${tgz}!dump/secret.yaml.gz` },
    ]);
    // The archive's members are dated 11:00, an hour after the newest time the objects carry: the
    // snapshot was taken when its objects say, not when it was archived.
    expect(await rows(bundle!, "SELECT ts::VARCHAR AS ts FROM markers WHERE origin = '" + tgz + "'")).toEqual(
      [{ ts: '2026-03-01 10:00:20+00' }],
    );
    expect(bundle!.metadata.inputs[0]).toMatchObject({
      captured_at: '2026-03-01T10:00:20Z',
      captured_at_source: 'newest-observation',
    });
    bundle!.close();
  });
});
