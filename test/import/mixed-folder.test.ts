// What an SRE collects after an incident, dropped in one folder: a cluster-info dump to one file, an
// API server audit log, kubectl describe text pasted from a terminal and a Prometheus query's JSON.
// One command imports it all; the bundle says which file each row came from, analyze what it covers.
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { aNode, aPod } from '../kube/builders.ts';
import { jsonl, rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const list = (kind: string, items: unknown[]) =>
  JSON.stringify({ kind, apiVersion: 'v1', metadata: { resourceVersion: '900' }, items }, null, 4);

const DUMP = [
  list('NodeList', [aNode()]),
  list('EventList', [
    {
      metadata: { name: 'checkout.17', namespace: 'shop', uid: 'ev-17', resourceVersion: '950' },
      involvedObject: { kind: 'Pod', namespace: 'shop', name: 'checkout-7d9f8-abcde', uid: 'pod-uid-1' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container app',
      type: 'Warning',
      count: 4,
      firstTimestamp: '2026-03-01T10:01:00Z',
      lastTimestamp: '2026-03-01T10:05:00Z',
      source: { component: 'kubelet', host: 'node-a' },
    },
  ]),
  list('PodList', [aPod()]),
  '==== START logs for container app of pod shop/checkout-7d9f8-abcde ====',
  '2026-03-01T10:04:30.500000Z connection refused',
  '==== END logs for container app of pod shop/checkout-7d9f8-abcde ====',
  '',
].join('\n');

const AUDIT = jsonl({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  auditID: 'a-1',
  stage: 'ResponseComplete',
  verb: 'patch',
  user: { username: 'alice' },
  objectRef: {
    resource: 'deployments',
    namespace: 'shop',
    name: 'checkout',
    apiGroup: 'apps',
    apiVersion: 'v1',
  },
  responseStatus: { code: 200 },
  requestReceivedTimestamp: '2026-03-01T09:59:00.000000Z',
  stageTimestamp: '2026-03-01T09:59:00.100000Z',
});

const DESCRIBE = `Name:             web-5c8d9-qwert
Namespace:        shop
Node:             node-a/10.1.0.13
Start Time:       Sun, 01 Mar 2026 09:00:00 +0000
Status:           Running
Containers:
  web:
    Image:          nginx:1.27
    State:          Running
      Started:      Sun, 01 Mar 2026 10:02:00 +0000
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
    Ready:          True
    Restart Count:  2
Events:
  Type     Reason   Age   From     Message
  ----     ------   ----  ----     -------
  Warning  BackOff  3m    kubelet  Back-off restarting failed container web
`;

const PROMETHEUS = JSON.stringify({
  status: 'success',
  data: {
    resultType: 'matrix',
    result: [
      {
        metric: {
          __name__: 'container_memory_working_set_bytes',
          namespace: 'shop',
          pod: 'web-5c8d9-qwert',
          container: 'web',
        },
        values: [
          [1772359200, '200000000'],
          [1772359260, '260000000'],
        ],
      },
    ],
  },
});

describe('a folder of mixed artifacts', () => {
  it('imports a dump, an audit log, describe text and a Prometheus answer in one command, each row traced to its file', async () => {
    scratch.write('incident/cluster-info.txt', DUMP);
    scratch.write('incident/apiserver-audit.log', AUDIT);
    scratch.write('incident/notes/describe-web.txt', DESCRIBE);
    scratch.write('incident/memory.json', PROMETHEUS);
    const folder = scratch.path('incident');
    const { result, bundle } = await scratch.import([folder]);
    expect(result.refused).toEqual([]);
    const input = result.inputs[0]!;
    expect(input.formats).toMatchObject({ 'cluster-info-dump': 1, 'audit-log': 1, 'kube-json': 1 });
    expect(input.files).toBe(4);
    expect(input.skippedFiles).toEqual({});

    const [meta] = bundle!.metadata.inputs;
    const byFile = Object.fromEntries(
      (meta?.files ?? []).map((f) => [f.path.slice(folder.length + 1), Object.keys(f.rows).sort()]),
    );
    expect(byFile).toEqual({
      'cluster-info.txt': ['event', 'log', 'object'],
      'apiserver-audit.log': ['audit'],
      'notes/describe-web.txt': ['event', 'object'],
      'memory.json': ['metric'],
    });
    // The same provenance on every row.
    expect(
      await rows(
        bundle!,
        `SELECT DISTINCT source, replace(origin, '${folder}/', '') AS file FROM bundle
         WHERE source <> 'marker' ORDER BY file, source`,
      ),
    ).toEqual([
      { source: 'audit', file: 'apiserver-audit.log' },
      { source: 'event', file: 'cluster-info.txt' },
      { source: 'log', file: 'cluster-info.txt' },
      { source: 'object', file: 'cluster-info.txt' },
      { source: 'metric', file: 'memory.json' },
      { source: 'event', file: 'notes/describe-web.txt' },
      { source: 'object', file: 'notes/describe-web.txt' },
    ]);

    const report = await analyzeBundle(bundle!);
    expect(report.coverage.nothing_to_analyze).toBe(false);
    // The describe text's pod and its Event, and nothing else, were rebuilt from text.
    expect(report.coverage.derived_from_text).toEqual({ 'kubectl describe': 2 });
    expect(Object.fromEntries(report.coverage.sources.map((s) => [s.source, s.rows > 0]))).toEqual({
      object: true,
      event: true,
      audit: true,
      log: true,
      metric: true,
    });
    bundle!.close();
  });
});
