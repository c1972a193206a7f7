// `kstory record --prometheus` against a real Prometheus (Debian's `prometheus` package) on
// 127.0.0.1, holding three hours of series backfilled by promtool: a container OOMKilled twice and
// in CrashLoopBackOff, a throttled container, a node going NotReady, a quota filling up and API
// server 5xx. Also: the step and chunk arithmetic, --promql files, basic and bearer auth, a broken
// query, a server that is down or never answers, and the CLI end to end with `kstory analyze`.

import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKstoryError } from '../../src/errors.ts';
import { PrometheusClient } from '../../src/record/prometheus-client.ts';
import {
  BUILTIN_QUERIES,
  chooseStepSeconds,
  expandExpr,
  loadPromqlFile,
  MAX_POINTS_PER_REQUEST,
  rangeChunks,
} from '../../src/record/prometheus-queries.ts';
import { type RecordOptions, runRecord } from '../../src/record/run.ts';
import { TOOL_VERSION } from '../../src/version.ts';
import { openBundle } from '../../src/views/open.ts';
import { kstory, ROOT } from '../support/cli.ts';
import { aPod, FakeApiServer } from '../support/fake-apiserver.ts';
import {
  HAVE_PROMETHEUS,
  openMetricsText,
  PROMETHEUS_PACKAGE_HINT,
  type PrometheusServer,
  type Series,
  startPrometheus,
} from '../support/prometheus.ts';
import { useTempDir } from '../support/temp.ts';
import { spoolText, startRecording, until, writeKubeconfig } from './helpers.ts';

const tempDir = useTempDir('kstory-prometheus-');

// --- pure parts: no server needed ---------------------------------------------------------------

describe('step, chunks and rate window', () => {
  it('chooses a nice step giving at most about 1,000 points, never under 15s', () => {
    const cases: [string, number, number][] = [
      ['5m', 5 * 60_000, 15],
      ['1h', 3_600_000, 15],
      ['2h', 7_200_000, 15],
      ['6h', 21_600_000, 30],
      ['1d', 86_400_000, 120],
      ['7d', 7 * 86_400_000, 900],
      ['400d', 400 * 86_400_000, 43_200],
      ['2000d', 2000 * 86_400_000, 172_800],
    ];
    for (const [label, windowMs, step] of cases) {
      expect(chooseStepSeconds(windowMs), label).toBe(step);
      if (step > 15) expect(windowMs / 1000 / step, label).toBeLessThanOrEqual(1000);
    }
  });

  it('splits a window into requests of at most 10,000 points that neither overlap nor leave holes', () => {
    expect(rangeChunks(0, 60, 15)).toEqual([{ start: 0, end: 60 }]);
    expect(rangeChunks(0, 59, 15)).toEqual([{ start: 0, end: 45 }]);
    expect(rangeChunks(30, 15, 15)).toEqual([]);
    // A week at 15s: 40,321 points.
    const chunks = rangeChunks(0, 7 * 86_400, 15);
    expect(chunks).toHaveLength(5);
    let expected = 0;
    for (const chunk of chunks) {
      expect(chunk.start).toBe(expected);
      const points = (chunk.end - chunk.start) / 15 + 1;
      expect(points).toBeLessThanOrEqual(MAX_POINTS_PER_REQUEST);
      expected = chunk.end + 15;
    }
    expect(chunks.at(-1)?.end).toBe(7 * 86_400);
  });

  it('gives $__rate_interval at least 5m and at least the step', () => {
    expect(expandExpr('rate(x[$__rate_interval])', 15)).toBe('rate(x[300s])');
    expect(expandExpr('rate(x[$__rate_interval])', 900)).toBe('rate(x[900s])');
  });

  it('asks for the series kube-state-metrics and cAdvisor really expose, with their subject labels', () => {
    const names = BUILTIN_QUERIES.map((q) => q.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'kube_pod_container_status_restarts_total',
        'kube_pod_container_status_waiting_reason',
        'kube_pod_container_status_last_terminated_reason',
        'container_memory_working_set_bytes',
        'kube_pod_container_resource_limits',
        'container_cpu_cfs_throttled_periods_total',
        'container_cpu_cfs_periods_total',
        'kube_node_status_condition',
        'kube_resourcequota',
        'ALERTS',
        'kstory:apiserver_request_5xx:rate',
      ]),
    );
    // No aggregation that would drop namespace/pod/container/node from the rows the analyzer joins.
    for (const q of BUILTIN_QUERIES.filter((q) => !q.name.startsWith('kstory:'))) {
      expect(q.expr, q.name).not.toMatch(/\b(sum|max|avg|min|count) by\b/);
    }
  });
});

describe('--promql files', () => {
  const write = (name: string, text: string) => {
    const file = path.join(tempDir(), name);
    writeFileSync(file, text);
    return file;
  };
  const errorOf = (file: string): string => {
    try {
      loadPromqlFile(file);
    } catch (error) {
      expect(isKstoryError(error)).toBe(true);
      return (error as Error).message;
    }
    throw new Error('expected an error');
  };

  it('reads the long form and the short form', () => {
    const long = write(
      'long.yaml',
      `queries:
  - name: http_5xx
    expr: sum by (namespace, service) (rate(http_requests_total{code=~"5.."}[$__rate_interval]))
    description: 5xx per service
  - name: kube_node_status_condition
    expr: kube_node_status_condition{condition="Ready"}
`,
    );
    expect(loadPromqlFile(long).map((q) => [q.name, q.from])).toEqual([
      ['http_5xx', long],
      ['kube_node_status_condition', long],
    ]);
    const short = write('short.yaml', 'queue_depth: max by (queue) (rabbitmq_queue_messages)\nup: up == 0\n');
    expect(loadPromqlFile(short).map((q) => [q.name, q.expr])).toEqual([
      ['queue_depth', 'max by (queue) (rabbitmq_queue_messages)'],
      ['up', 'up == 0'],
    ]);
  });

  it('names the file, line and field of a mistake', () => {
    const badName = write(
      'bad-name.yaml',
      'queries:\n  - name: ok\n    expr: up\n  - name: 5xx-rate\n    expr: up\n',
    );
    expect(errorOf(badName)).toBe(
      `${badName}:4: field queries.1.name: must be a metric-style name: letters, digits, _ and :, not starting with a digit`,
    );
    const noExpr = write('no-expr.yaml', 'queries:\n  - name: ok\n    expr: up\n  - name: other\n');
    expect(errorOf(noExpr)).toMatch(new RegExp(`^${noExpr}:4: field queries\\.1\\.expr: `));
    const unknown = write('unknown.yaml', 'queries:\n  - name: ok\n    expr: up\n    stepp: 30s\n');
    expect(errorOf(unknown)).toMatch(new RegExp(`^${unknown}:2: field queries\\.0: .*stepp`));
    const twice = write('twice.yaml', 'queries:\n  - name: a\n    expr: up\n  - name: a\n    expr: up\n');
    expect(errorOf(twice)).toBe(`${twice}:4: query name "a" is used twice`);
    const notText = write('not-text.yaml', 'a: up\nb:\n  - 1\n');
    expect(errorOf(notText)).toBe(`${notText}:3: field b: expected a PromQL expression as text`);
    const yaml = write('broken.yaml', 'queries:\n  - name: a\n   expr: [\n');
    expect(errorOf(yaml)).toMatch(new RegExp(`^${yaml}:\\d: not valid YAML`));
    expect(errorOf(path.join(tempDir(), 'missing.yaml'))).toContain('cannot read the --promql file');
  });
});

describe('Prometheus credentials', () => {
  it('takes basic auth from the URL and keeps it out of what is shown', () => {
    const client = PrometheusClient.create({ url: 'http://kstory:s3cr%40t@prom.example:9090/sub' });
    expect(client.displayUrl).toBe('http://prom.example:9090/sub/');
    expect(client.auth).toBe('basic');
  });

  it('refuses contradictory or incomplete credentials', () => {
    const refuse = (options: Parameters<typeof PrometheusClient.create>[0]) => () =>
      PrometheusClient.create(options);
    expect(refuse({ url: 'prom:9090' })).toThrow(/not supported: use http or https/);
    expect(refuse({ url: 'not a url' })).toThrow(/is not a URL/);
    expect(refuse({ url: 'http://p:9090', token: 't', tokenFile: '/x' })).toThrow(/cannot be used together/);
    expect(refuse({ url: 'http://p:9090', user: 'u' })).toThrow(/has no password/);
    expect(refuse({ url: 'http://u:p@p:9090', token: 't' })).toThrow(/token and basic auth/);
    expect(refuse({ url: 'http://p:9090', tokenFile: '/nonexistent/token' })).toThrow(
      /--prometheus-token-file \/nonexistent\/token/,
    );
  });
});

describe('what kstory sends Prometheus', () => {
  it('says who it is: kstory-record/<version>', async () => {
    const agents: string[] = [];
    const server = createServer((req, res) => {
      agents.push(req.headers['user-agent'] ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = PrometheusClient.create({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    try {
      await client.queryRange('up', { start: 0, end: 60, step: 15 });
      expect(agents).toEqual([`kstory-record/${TOOL_VERSION}`]);
    } finally {
      client.close();
      server.closeAllConnections();
      server.close();
    }
  });
});

// --- a real Prometheus ----------------------------------------------------------------------------

const USER = 'kstory';
const PASSWORD = 'prom-secret-pass';
// `htpasswd -nbBC 5 kstory prom-secret-pass`: a low cost keeps each request quick.
const PASSWORD_HASH = '$2y$05$T/DO4aw7eI2TfrZHd/q.BewuA6oyzseDEHCehd/f8rMNEkp5xVVA.';
const TOKEN = 'bearer-token-for-tests-0042';
const MIB = 1024 * 1024;
const LIMIT = 256 * MIB;

/** Minutes since the start of the series. */
const minute = (t: number, t0: number) => (t - t0) / 60;

/**
 * Three hours, sampled every 30s: checkout-1/app's working set climbs to its limit and it is
 * OOMKilled at +60m and +120m, then waits in CrashLoopBackOff for 5 minutes; web-1/web is throttled
 * half of its CPU periods from +30m to +150m; node-a is NotReady from +90m; API server 5xx from +90m
 * to +100m; the shop quota fills up.
 */
function incidentSeries(t0: number): Series[] {
  const m = (t: number) => minute(t, t0);
  const checkout = { namespace: 'shop', pod: 'checkout-1', container: 'app' };
  const web = { namespace: 'shop', pod: 'web-1', container: 'web' };
  const cadvisor = (labels: Record<string, string>) => ({
    ...labels,
    id: `/kubepods/burstable/pod-${labels.pod}/${labels.container || 'cgroup'}`,
    image: labels.container ? 'registry.example.com/app:v1' : '',
  });
  const kills = (t: number) => (m(t) >= 120 ? 2 : m(t) >= 60 ? 1 : 0);
  return [
    { name: 'kube_pod_container_status_restarts_total', labels: checkout, value: kills },
    { name: 'kube_pod_container_status_restarts_total', labels: web, value: () => 0 },
    {
      name: 'kube_pod_container_status_waiting_reason',
      labels: { ...checkout, reason: 'CrashLoopBackOff' },
      value: (t) => (m(t) >= 120 && m(t) < 125 ? 1 : 0),
    },
    {
      name: 'kube_pod_container_status_waiting_reason',
      labels: { ...checkout, reason: 'ImagePullBackOff' },
      value: () => 0,
    },
    {
      name: 'kube_pod_container_status_last_terminated_reason',
      labels: { ...checkout, reason: 'OOMKilled' },
      value: (t) => (m(t) >= 60 ? 1 : null),
    },
    {
      name: 'kube_pod_container_status_terminated_reason',
      labels: { namespace: 'shop', pod: 'migrate-1', container: 'migrate', reason: 'Completed' },
      value: () => 1,
    },
    { name: 'container_oom_events_total', labels: cadvisor(checkout), value: kills },
    {
      name: 'container_memory_working_set_bytes',
      labels: cadvisor(checkout),
      value: (t) => 100e6 + 160e6 * ((m(t) % 60) / 60),
    },
    // The pod's own cgroup and its sandbox: left out by the queries.
    {
      name: 'container_memory_working_set_bytes',
      labels: cadvisor({ namespace: 'shop', pod: 'checkout-1', container: '' }),
      value: () => 300e6,
    },
    {
      name: 'container_memory_working_set_bytes',
      labels: cadvisor({ namespace: 'shop', pod: 'checkout-1', container: 'POD' }),
      value: () => 1e6,
    },
    {
      name: 'kube_pod_container_resource_limits',
      labels: { ...checkout, node: 'node-a', resource: 'memory', unit: 'byte' },
      value: () => LIMIT,
    },
    {
      name: 'kube_pod_container_resource_limits',
      labels: { ...web, node: 'node-a', resource: 'cpu', unit: 'core' },
      value: () => 0.5,
    },
    {
      name: 'kube_pod_container_resource_limits',
      labels: { ...web, node: 'node-a', resource: 'nvidia_com_gpu', unit: 'integer' },
      value: () => 1,
    },
    { name: 'container_cpu_cfs_periods_total', labels: cadvisor(web), value: (t) => 10 * (t - t0) },
    {
      name: 'container_cpu_cfs_throttled_periods_total',
      labels: cadvisor(web),
      value: (t) => 5 * 60 * Math.max(0, Math.min(m(t), 150) - 30),
    },
    ...['true', 'false', 'unknown'].map((status) => ({
      name: 'kube_node_status_condition',
      labels: { node: 'node-a', condition: 'Ready', status },
      value: (t: number) => Number((m(t) < 90 ? 'true' : 'false') === status),
    })),
    ...['true', 'false'].map((status) => ({
      name: 'kube_node_status_condition',
      labels: { node: 'node-a', condition: 'MemoryPressure', status },
      value: () => Number(status === 'false'),
    })),
    {
      name: 'kube_resourcequota',
      labels: { namespace: 'shop', resourcequota: 'compute', resource: 'requests.memory', type: 'hard' },
      value: () => 2 * 1024 * MIB,
    },
    {
      name: 'kube_resourcequota',
      labels: { namespace: 'shop', resourcequota: 'compute', resource: 'requests.memory', type: 'used' },
      value: (t) => Math.min(2 * 1024 * MIB, 1024 * MIB + m(t) * 10 * MIB),
    },
    {
      // What Prometheus writes while its alerting rule holds (its rule evaluations, backfilled here).
      name: 'ALERTS',
      labels: { alertname: 'KubePodCrashLooping', alertstate: 'firing', severity: 'warning', ...checkout },
      value: (t) => (m(t) >= 120 && m(t) < 125 ? 1 : null),
    },
    {
      name: 'apiserver_request_total',
      labels: { verb: 'LIST', group: 'apps', resource: 'deployments', code: '200' },
      value: (t) => 2 * (t - t0),
    },
    {
      name: 'apiserver_request_total',
      labels: { verb: 'LIST', group: 'apps', resource: 'deployments', code: '500' },
      value: (t) => Math.max(0, Math.min(t - t0, 100 * 60) - 90 * 60),
    },
  ];
}

/** A fake API server's pod as it is at the end: OOMKilled twice, waiting in CrashLoopBackOff. */
function oomPod(): Record<string, unknown> {
  return aPod('shop', 'checkout-1', {
    spec: {
      nodeName: 'node-a',
      containers: [
        {
          name: 'app',
          image: 'registry.example.com/app:v1',
          resources: { limits: { memory: '256Mi' } },
        },
      ],
    },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 2,
          image: 'registry.example.com/app:v1',
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: {
            terminated: {
              reason: 'OOMKilled',
              exitCode: 137,
              startedAt: new Date(Date.now() - 70 * 60_000).toISOString(),
              finishedAt: new Date(Date.now() - 60 * 60_000).toISOString(),
            },
          },
        },
      ],
    },
  });
}

interface MetricRowView {
  ts: string;
  metric_name: string;
  kind: string | null;
  namespace: string | null;
  name: string | null;
  container: string | null;
  node: string | null;
  origin: string;
  metric_value: number;
  labels: string;
}

async function readBundle(output: string) {
  const bundle = await openBundle([output]);
  try {
    const rows = await bundle.query<MetricRowView>(
      `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS ts, metric_name, kind, namespace, name, container, node,
              origin, metric_value, metric_labels::VARCHAR AS labels
       FROM metrics ORDER BY metric_name, labels, ts`,
    );
    const [dups] = await bundle.query<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM (
         SELECT metric_name, metric_labels::VARCHAR, ts FROM metrics GROUP BY ALL HAVING count(*) > 1)`,
    );
    const [objects] = await bundle.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM objects');
    return { rows, duplicates: dups?.n ?? 0, objects: objects?.n ?? 0, metadata: bundle.metadata };
  } finally {
    bundle.close();
  }
}

const seconds = (ts: string) => Date.parse(ts) / 1000;

describe.skipIf(!HAVE_PROMETHEUS)(
  `kstory record --prometheus against a real Prometheus${HAVE_PROMETHEUS ? '' : ` (${PROMETHEUS_PACKAGE_HINT})`}`,
  () => {
    let prom: PrometheusServer;
    let api: FakeApiServer;
    let kubeconfig: string;
    /** Start of the series, on a minute. */
    let t0: number;
    /** The server's URL with basic auth credentials in it. */
    let authUrl: string;
    const servers: Server[] = [];
    const children: ChildProcess[] = [];

    beforeAll(async () => {
      const dir = tempDir();
      const now = Math.floor(Date.now() / 1000);
      t0 = Math.floor(now / 60) * 60 - 3 * 3600;
      prom = await startPrometheus({
        dir,
        openMetrics: openMetricsText(incidentSeries(t0), t0, t0 + 3 * 3600 - 60, 30),
        basicAuth: { [USER]: PASSWORD_HASH },
        readyAuth: { user: USER, password: PASSWORD },
      });
      authUrl = prom.url.replace('http://', `http://${USER}:${PASSWORD}@`);
      api = await FakeApiServer.start({ bookmarkIntervalMs: 200 });
      api.apply({ kind: 'Namespace', metadata: { name: 'shop' } });
      api.apply(oomPod());
      kubeconfig = writeKubeconfig(dir, api);
    });

    afterAll(async () => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      for (const server of servers) {
        server.closeAllConnections();
        server.close();
      }
      await api?.close();
      await prom?.stop();
    });

    const once = (output: string, prometheus: RecordOptions['prometheus'], logs: string[] = []) =>
      runRecord({
        output,
        kubeconfig,
        namespaces: [],
        include: ['pods'],
        exclude: [],
        once: true,
        since: new Date(t0 * 1000),
        prometheus,
        log: (line) => logs.push(line),
      });

    /** A 127.0.0.1 server answering every request with `handle`. */
    async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
      const server = createServer(handle);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    it('--once records the window of every built-in query as metric rows joined to their subjects', async () => {
      const output = path.join(tempDir(), 'once.parquet');
      const logs: string[] = [];
      const result = await once(output, { url: authUrl }, logs);
      expect(logs).toEqual([]);
      expect(result.gaps).toEqual([]);
      const { rows, duplicates, objects, metadata } = await readBundle(output);
      expect(objects).toBe(1);
      expect(duplicates).toBe(0);
      expect(new Set(rows.map((r) => r.metric_name))).toEqual(new Set(BUILTIN_QUERIES.map((q) => q.name)));
      const of = (name: string) => rows.filter((r) => r.metric_name === name);

      // Three hours at a 15s step: a point every 15s from the start to now.
      const ws = of('container_memory_working_set_bytes');
      expect(new Set(ws.map((r) => `${r.kind} ${r.namespace}/${r.name}/${r.container} ${r.node}`))).toEqual(
        new Set(['Pod shop/checkout-1/app null']),
      );
      expect(ws[0]?.ts).toBe(new Date(t0 * 1000).toISOString().replace('.000', ''));
      expect(ws.length).toBeGreaterThanOrEqual(3 * 240);
      expect(ws.every((r, i) => i === 0 || seconds(r.ts) - seconds(ws[i - 1]!.ts) === 15)).toBe(true);
      expect(Math.max(...ws.map((r) => r.metric_value))).toBeGreaterThan(0.95 * LIMIT);
      expect(ws[0]?.origin).toBe('prometheus:container_memory_working_set_bytes');

      // The OOM kills: the last termination reason appears at +60m, the restart count steps to 1 then 2.
      const oom = of('kube_pod_container_status_last_terminated_reason');
      expect(oom.every((r) => r.labels.includes('OOMKilled') && r.name === 'checkout-1')).toBe(true);
      expect(seconds(oom[0]!.ts) - t0).toBe(60 * 60);
      const restarts = of('kube_pod_container_status_restarts_total').filter((r) => r.name === 'checkout-1');
      expect(seconds(restarts.find((r) => r.metric_value === 1)!.ts) - t0).toBe(60 * 60);
      expect(seconds(restarts.find((r) => r.metric_value === 2)!.ts) - t0).toBe(120 * 60);
      expect(
        of('container_oom_events_total')
          .map((r) => r.metric_value)
          .at(-1),
      ).toBe(2);
      // `== 1`: only the reason the container is in, only while it is in it.
      const waiting = of('kube_pod_container_status_waiting_reason');
      expect(new Set(waiting.map((r) => r.labels))).toEqual(new Set([waiting[0]!.labels]));
      expect(waiting[0]!.labels).toContain('CrashLoopBackOff');
      expect(waiting.map((r) => (seconds(r.ts) - t0) / 60)).toEqual([
        120, 120.25, 120.5, 120.75, 121, 121.25, 121.5, 121.75, 122, 122.25, 122.5, 122.75, 123, 123.25,
        123.5, 123.75, 124, 124.25, 124.5, 124.75,
      ]);
      expect(of('kube_pod_container_resource_limits').map((r) => r.labels)).not.toContainEqual(
        expect.stringContaining('nvidia'),
      );

      // Throttling: the counters, paired at each step, say half of the periods from +30m to +150m.
      const periods = of('container_cpu_cfs_periods_total');
      const throttled = of('container_cpu_cfs_throttled_periods_total');
      expect(periods.length).toBe(throttled.length);
      const at = (list: MetricRowView[], minutes: number) =>
        list.find((r) => seconds(r.ts) - t0 === minutes * 60)!.metric_value;
      expect((at(throttled, 100) - at(throttled, 40)) / (at(periods, 100) - at(periods, 40))).toBeCloseTo(
        0.5,
        2,
      );
      expect(at(throttled, 20) - at(throttled, 10)).toBe(0);
      expect(throttled[0]).toMatchObject({ kind: 'Pod', namespace: 'shop', name: 'web-1', container: 'web' });

      // The node condition flips at +90m: the status that holds, one series at a time.
      const ready = of('kube_node_status_condition').filter((r) => r.labels.includes('condition=Ready'));
      expect(ready.every((r) => r.kind === 'Node' && r.name === 'node-a' && r.namespace === null)).toBe(true);
      const statusAt = (minutes: number) =>
        ready
          .filter((r) => seconds(r.ts) - t0 === minutes * 60)
          .map((r) => /status=(\w+)/.exec(r.labels)?.[1]);
      expect(statusAt(89.75)).toEqual(['true']);
      expect(statusAt(90)).toEqual(['false']);
      expect(statusAt(170)).toEqual(['false']);

      // The alert, while it fired, about the pod its labels name.
      const alerts = of('ALERTS');
      expect(alerts[0]).toMatchObject({
        kind: 'Pod',
        namespace: 'shop',
        name: 'checkout-1',
        container: 'app',
      });
      expect(alerts[0]!.labels).toContain('alertname=KubePodCrashLooping');
      // From its first evaluation; backfilled samples carry no staleness marker, so the last one
      // is seen for Prometheus' lookback after it.
      const alertMinutes = alerts.map((r) => (seconds(r.ts) - t0) / 60);
      expect(alertMinutes[0]).toBe(120);
      expect(alertMinutes.at(-1)).toBeLessThan(130);

      // Quota usage and API server errors.
      const used = of('kube_resourcequota').filter((r) => r.labels.includes('type=used'));
      expect(used.at(-1)).toMatchObject({ namespace: 'shop', metric_value: 2 * 1024 * MIB });
      const errors = of('kstory:apiserver_request_5xx:rate');
      expect(errors[0]!.labels).toContain('code=500');
      expect(seconds(errors[0]!.ts) - t0).toBeGreaterThan(90 * 60);
      expect(seconds(errors.at(-1)!.ts) - t0).toBeLessThanOrEqual(105 * 60);
      expect(Math.max(...errors.map((r) => r.metric_value))).toBeCloseTo(1, 5);

      // What was asked, in the metadata; never the password.
      const extra = metadata.extra.prometheus as { url: string; step: string; window: { start: string } };
      expect(extra).toMatchObject({ url: `${prom.url}/`, auth: 'basic', step: '15s', failed_requests: 0 });
      expect(extra.window.start).toBe(new Date(t0 * 1000).toISOString());
      expect(metadata.sources).toContain('metric');
      expect(JSON.stringify(metadata)).not.toContain(PASSWORD);
      expect(result.prometheus?.queries.every((q) => q.samples > 0 && q.error === null)).toBe(true);
    });

    it('splits a window Prometheus would refuse (more than 11,000 points) into chunks', async () => {
      const dir = tempDir();
      const promql = path.join(dir, 'one.yaml');
      writeFileSync(promql, 'queries:\n  - name: ones\n    expr: vector(1)\n');
      const client = PrometheusClient.create({ url: authUrl });
      const end = Math.floor(Date.now() / 1000);
      // 3h05m at a 1s step is 11,101 points: one request is refused...
      const window = 3 * 3600 + 5 * 60;
      await expect(client.queryRange('vector(1)', { start: end - window, end, step: 1 })).rejects.toThrow(
        /exceeded maximum resolution of 11,000 points/,
      );
      // ...and the recording asks in two.
      const output = path.join(dir, 'chunked.parquet');
      const logs: string[] = [];
      const result = await runRecord({
        output,
        kubeconfig,
        namespaces: [],
        include: ['pods'],
        exclude: [],
        once: true,
        since: new Date((end - window) * 1000),
        prometheus: { url: authUrl, promqlFile: promql, stepMs: 1000 },
        log: (line) => logs.push(line),
      });
      expect(logs).toEqual([]);
      const ones = result.prometheus?.queries.find((q) => q.name === 'ones');
      expect(ones).toMatchObject({ series: 1, error: null, from: promql });
      expect(ones?.samples).toBeGreaterThanOrEqual(window);
      const bundle = await openBundle([output]);
      try {
        const [span] = await bundle.query<{ n: number; distinct_ts: number; first: number; last: number }>(
          `SELECT count(*)::INTEGER AS n, count(DISTINCT ts)::INTEGER AS distinct_ts,
                  epoch(min(ts))::BIGINT AS first, epoch(max(ts))::BIGINT AS last
           FROM metrics WHERE metric_name = 'ones'`,
        );
        // Every second of the window once: no hole and no overlap where the chunks meet.
        expect(span!.n).toBe(span!.distinct_ts);
        expect(span!.n).toBe(span!.last - span!.first + 1);
      } finally {
        bundle.close();
      }
    });

    it('a continuous recording asks periodically and once more at the stop, without repeating a point', async () => {
      const output = path.join(tempDir(), 'live.parquet');
      const since = new Date(Date.now() - 10 * 60_000);
      const recording = startRecording(output, kubeconfig, {
        include: ['pods'],
        since,
        prometheus: { url: authUrl, intervalMs: 200 },
      });
      await until(
        () => spoolText(output).includes('"source":"metric"'),
        'the first metric rows in the spool',
      );
      await new Promise((resolve) => setTimeout(resolve, 600));
      recording.stop();
      const stoppedAt = Date.now() / 1000;
      const result = await recording.done;
      expect(recording.logs).toEqual([]);
      expect(result.gaps).toEqual([]);
      const { rows, duplicates, metadata } = await readBundle(output);
      expect(duplicates).toBe(0);
      const ws = rows.filter((r) => r.metric_name === 'container_memory_working_set_bytes');
      // From --since to the stop: the periodic rounds stop a minute short of now, the last one does not.
      expect(seconds(ws[0]!.ts) - since.getTime() / 1000).toBeLessThan(15);
      expect(stoppedAt - seconds(ws.at(-1)!.ts)).toBeLessThan(16);
      expect(ws.length).toBeGreaterThanOrEqual(38);
      const extra = metadata.extra.prometheus as { requests: number };
      expect(extra.requests).toBeGreaterThan(BUILTIN_QUERIES.length);
    });

    it('authenticates with --prometheus-user and a password file, and with a bearer token file', async () => {
      const dir = tempDir();
      const passwordFile = path.join(dir, 'password');
      writeFileSync(passwordFile, `${PASSWORD}\n`);
      const basic = await once(path.join(dir, 'basic.parquet'), {
        url: prom.url,
        user: USER,
        passwordFile,
      });
      expect(basic.gaps).toEqual([]);
      expect(basic.prometheus?.auth).toBe('basic');

      // A proxy that wants a bearer token, as in front of a managed Prometheus.
      const seen: string[] = [];
      const proxy = await serve((req, res) => {
        seen.push(req.headers.authorization ?? '');
        if (req.headers.authorization !== `Bearer ${TOKEN}`) {
          res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized\n');
          return;
        }
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', async () => {
          const upstream = await fetch(`${prom.url}${req.url}`, {
            method: req.method,
            headers: {
              'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded',
              authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`,
            },
            body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
          });
          res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
        });
      });
      const tokenFile = path.join(dir, 'token');
      writeFileSync(tokenFile, `${TOKEN}\n`);
      const output = path.join(dir, 'bearer.parquet');
      const bearer = await once(output, { url: proxy, tokenFile });
      expect(bearer.gaps).toEqual([]);
      expect(bearer.prometheus?.auth).toBe('bearer');
      expect(seen.length).toBeGreaterThanOrEqual(BUILTIN_QUERIES.length);
      expect(new Set(seen)).toEqual(new Set([`Bearer ${TOKEN}`]));
      const { rows, metadata } = await readBundle(output);
      expect(rows.length).toBeGreaterThan(1000);
      expect(JSON.stringify(metadata)).not.toContain(TOKEN);

      // Refused credentials: one warning, one gap for all of Prometheus, the objects still recorded.
      const logs: string[] = [];
      const refused = await once(path.join(dir, 'refused.parquet'), { url: proxy, token: 'wrong' }, logs);
      expect(logs).toEqual([
        'warning: prometheus: HTTP 401 Unauthorized: the credentials were refused (--prometheus-token, --prometheus-user) (noted as a gap)',
      ]);
      expect(refused.gaps).toEqual([
        {
          start: new Date(t0 * 1000).toISOString(),
          end: expect.any(String),
          reason:
            'Prometheus queries failed: HTTP 401 Unauthorized: the credentials were refused (--prometheus-token, --prometheus-user)',
          scope: 'prometheus',
        },
      ]);
      expect(refused.bundle.rowsBySource.object).toBe(1);
    });

    it('a broken query is warned about and noted as a gap; the others are recorded', async () => {
      const dir = tempDir();
      const promql = path.join(dir, 'queries.yaml');
      writeFileSync(
        promql,
        `queries:
  - name: broken
    expr: sum(rate(http_requests_total[5m])
  - name: restarts_per_pod
    expr: sum by (namespace, pod) (kube_pod_container_status_restarts_total)
`,
      );
      const logs: string[] = [];
      const result = await once(path.join(dir, 'broken.parquet'), { url: authUrl, promqlFile: promql }, logs);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatch(
        /^warning: prometheus: query broken: bad_data: .*unclosed left parenthesis.* \(not asked again\)$/,
      );
      expect(result.gaps).toEqual([
        {
          start: new Date(t0 * 1000).toISOString(),
          end: expect.any(String),
          reason: expect.stringMatching(/^Prometheus query failed: bad_data: /),
          scope: 'prometheus:broken',
        },
      ]);
      const { rows } = await readBundle(path.join(dir, 'broken.parquet'));
      // An expression's series are named after its query.
      const perPod = rows.filter((r) => r.metric_name === 'restarts_per_pod' && r.name === 'checkout-1');
      expect(perPod.at(-1)).toMatchObject({ kind: 'Pod', container: null, metric_value: 2 });
      expect(
        rows.filter((r) => r.metric_name === 'container_memory_working_set_bytes').length,
      ).toBeGreaterThan(700);
    });

    it('a server that is down or never answers leaves a gap, and the recording finishes', async () => {
      const dir = tempDir();
      // Not a port from the kernel's ephemeral range: on a busy machine another test could listen on
      // one between our closing it and connecting, or the client could connect to itself there (a
      // TCP simultaneous open). Port 4 is unassigned, privileged (no test listens there) and not
      // one that fetch refuses to use.
      const closedPort = 4;
      const logs: string[] = [];
      const down = await once(
        path.join(dir, 'down.parquet'),
        { url: `http://127.0.0.1:${closedPort}` },
        logs,
      );
      expect(logs).toEqual([
        `warning: prometheus: cannot connect to http://127.0.0.1:${closedPort}/: ECONNREFUSED (noted as a gap)`,
      ]);
      expect(down.gaps).toMatchObject([
        { scope: 'prometheus', reason: expect.stringContaining('ECONNREFUSED') },
      ]);
      expect(down.bundle.rowsBySource).toMatchObject({ object: 1 });
      expect(down.bundle.rowsBySource.metric).toBeUndefined();

      // Accepts the connection, never answers.
      const silent = await serve(() => {});
      const hungLogs: string[] = [];
      const hung = await once(path.join(dir, 'hung.parquet'), { url: silent, timeoutMs: 300 }, hungLogs);
      expect(hung.gaps).toMatchObject([
        { scope: 'prometheus', reason: 'Prometheus queries failed: no answer within 300ms' },
      ]);
      expect(hungLogs).toEqual(['warning: prometheus: every query: no answer within 300ms (noted as a gap)']);

      // A continuous recording says so at once, and keeps recording.
      const output = path.join(dir, 'down-live.parquet');
      const recording = startRecording(output, kubeconfig, {
        include: ['pods'],
        since: new Date(Date.now() - 5 * 60_000),
        prometheus: { url: `http://127.0.0.1:${closedPort}`, intervalMs: 100 },
      });
      await until(() => recording.logs.length > 0, 'the warning');
      expect(recording.logs[0]).toBe(
        `warning: prometheus: cannot connect to http://127.0.0.1:${closedPort}/: ECONNREFUSED (retrying next round)`,
      );
      await until(() => spoolText(output).includes('checkout-1'), 'the pod in the spool');
      recording.stop();
      const result = await recording.done;
      expect(result.bundle.rowsBySource.object).toBe(1);
      // Once however many rounds failed, and once more when it is given up at the stop; one gap.
      expect(recording.logs.slice(1)).toEqual([
        `warning: prometheus: cannot connect to http://127.0.0.1:${closedPort}/: ECONNREFUSED (noted as a gap)`,
      ]);
      expect(result.gaps.map((g) => g.scope)).toEqual(['prometheus']);
    });

    it('kstory record --once --prometheus on the command line, then kstory analyze reads the metrics', async () => {
      const dir = tempDir();
      const output = path.join(dir, 'cli.parquet');
      const promql = path.join(dir, 'extra.yaml');
      writeFileSync(
        promql,
        'ready_nodes: sum(kube_node_status_condition{condition="Ready",status="true"})\n',
      );
      const passwordFile = path.join(dir, 'password');
      writeFileSync(passwordFile, PASSWORD);
      const child = spawn(
        process.execPath,
        [
          path.join(ROOT, 'bin/kstory.js'),
          'record',
          '--once',
          '--since',
          '3h',
          '--include',
          'pods',
          '--logs',
          'none',
          '--kubeconfig',
          kubeconfig,
          '--prometheus',
          prom.url,
          '--prometheus-user',
          USER,
          '--prometheus-password-file',
          passwordFile,
          '--promql',
          promql,
          '-o',
          output,
          '--json',
        ],
        { cwd: ROOT, timeout: 60_000 },
      );
      children.push(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const summary = JSON.parse(stdout) as {
        rows_by_source: Record<string, number>;
        prometheus: { step: string; queries: { name: string; samples: number }[] };
      };
      expect(summary.rows_by_source.metric).toBeGreaterThan(5000);
      expect(summary.prometheus.step).toBe('15s');
      expect(summary.prometheus.queries.find((q) => q.name === 'ready_nodes')?.samples).toBeGreaterThan(700);

      const analyzed = kstory(['analyze', output, '--json', '--all']);
      expect(analyzed.code).toBe(0);
      const report = JSON.parse(analyzed.stdout) as {
        findings: {
          pattern: string;
          subject: { name: string };
          signals: Record<string, { value: number }>;
        }[];
      };
      const oom = report.findings.find((f) => f.pattern === 'oom-killed');
      expect(oom?.subject.name).toBe('checkout-1');
      // The working set before the kill comes from the recorded Prometheus series.
      expect(oom?.signals.near_limit?.value).toBeGreaterThan(0.95 * LIMIT);
    });

    it('refuses a bad --promql file or a Prometheus flag without --prometheus, exit 2, before recording', () => {
      const dir = tempDir();
      const bad = path.join(dir, 'bad.yaml');
      writeFileSync(bad, 'queries:\n  - name: fine\n    expr: up\n  - name: not fine\n    expr: up\n');
      const output = path.join(dir, 'x.parquet');
      const run = kstory([
        'record',
        '--once',
        '-o',
        output,
        '--kubeconfig',
        kubeconfig,
        '--prometheus',
        prom.url,
        '--promql',
        bad,
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${bad}:4: field queries.1.name: must be a metric-style name`);
      const orphan = kstory(['record', '--once', '-o', output, '--promql', bad]);
      expect(orphan.code).toBe(2);
      expect(orphan.stderr).toContain('--promql needs --prometheus');
      const noPassword = kstory([
        'record',
        '--once',
        '-o',
        output,
        '--prometheus',
        prom.url,
        '--prometheus-user',
        USER,
      ]);
      expect(noPassword.code).toBe(2);
      expect(noPassword.stderr).toContain('--prometheus-user kstory has no password');
    });
  },
);

describe.skipIf(!HAVE_PROMETHEUS)(
  `--prometheus over https${HAVE_PROMETHEUS ? '' : ` (${PROMETHEUS_PACKAGE_HINT})`}`,
  () => {
    let prom: PrometheusServer;
    let caFile: string;
    let t0: number;
    const range = () => ({ start: t0, end: t0 + 600, step: 60 });
    const query = 'count(kube_pod_container_status_restarts_total)';

    beforeAll(async () => {
      const dir = tempDir();
      t0 = Math.floor(Date.now() / 1000 / 60) * 60 - 3600;
      // A private CA of one: the certificate signs itself, for 127.0.0.1.
      const { generate } = await import('selfsigned');
      const pems = await generate([{ name: 'commonName', value: 'kstory test Prometheus' }], {
        keyType: 'ec',
        curve: 'P-256',
        algorithm: 'sha256',
        notBeforeDate: new Date(Date.now() - 3600_000),
        notAfterDate: new Date(Date.now() + 86_400_000),
        extensions: [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
          { name: 'extKeyUsage', serverAuth: true },
          { name: 'subjectAltName', altNames: [{ type: 7 as const, ip: '127.0.0.1' }] },
        ],
      });
      caFile = path.join(dir, 'ca.pem');
      writeFileSync(caFile, pems.cert);
      prom = await startPrometheus({
        dir,
        openMetrics: openMetricsText(incidentSeries(t0), t0, t0 + 3600 - 60, 30),
        tls: { cert: pems.cert, key: pems.private },
      });
    });

    afterAll(async () => {
      await prom?.stop();
    });

    it('trusts the CA of --prometheus-ca; without it, says to give it; or verifies nothing when told', async () => {
      expect(prom.url).toMatch(/^https:/);
      const trusted = PrometheusClient.create({ url: prom.url, caFile });
      const answer = await trusted.queryRange(query, range());
      trusted.close();
      expect(answer.result).toHaveLength(1);

      const untrusted = PrometheusClient.create({ url: prom.url });
      const refused = await untrusted.queryRange(query, range()).catch((error: unknown) => error);
      untrusted.close();
      expect(refused).toMatchObject({ scope: 'server' });
      expect(String((refused as Error).message)).toMatch(
        /cannot connect to https:\/\/127\.0\.0\.1:\d+\/: \S+ \(give the CA that signed its certificate with --prometheus-ca FILE\)/,
      );

      const unverified = PrometheusClient.create({ url: prom.url, insecureSkipTlsVerify: true });
      expect((await unverified.queryRange(query, range())).result).toHaveLength(1);
      unverified.close();
    });

    it('refuses a CA file without a certificate, or TLS flags with an http URL, exit 2', () => {
      const dir = tempDir();
      const notPem = path.join(dir, 'ca.txt');
      writeFileSync(notPem, 'not a certificate\n');
      const bad = kstory([
        'record',
        '--once',
        '-o',
        path.join(dir, 'x.parquet'),
        '--prometheus',
        prom.url,
        '--prometheus-ca',
        notPem,
      ]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(`--prometheus-ca ${notPem}: no PEM certificate in it`);
      const http = kstory([
        'record',
        '--once',
        '-o',
        path.join(dir, 'y.parquet'),
        '--prometheus',
        'http://127.0.0.1:9',
        '--prometheus-insecure-skip-tls-verify',
      ]);
      expect(http.code).toBe(2);
      expect(http.stderr).toContain('apply to https URLs');
    });
  },
);
