// Planted credentials, every kind in every place, through each producer as users run it: record
// from an API server (and its audit log, logs and Prometheus), import of the artifacts people keep,
// and simulate. None may reach a column of the bundle, its bytes, `bundle scan` or any format of
// `analyze`; the identifiers analysis needs (digests, tags, uids, references) must all survive.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { runRecord } from '../../src/record/run.ts';
import { runSimulate } from '../../src/simulate/run.ts';
import { writeKubeconfig } from '../record/helpers.ts';
import { kstory } from '../support/cli.ts';
import { FakeApiServer } from '../support/fake-apiserver.ts';
import {
  at,
  expectNoPlantedIn,
  expectNoPlantedInReports,
  expectTokensWherePlanted,
  KEPT,
  keptIn,
  PLANTED,
  PLANTED_AT,
  plantedAuditEntries,
  plantedLogLines,
  plantedMetricLabels,
  plantedObjects,
} from '../support/planted.ts';
import {
  HAVE_PROMETHEUS,
  openMetricsText,
  PROMETHEUS_PACKAGE_HINT,
  type PrometheusServer,
  startPrometheus,
} from '../support/prometheus.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir('kstory-planted-');

function expectScanClean(bundle: string): void {
  const result = kstory(['bundle', 'scan', bundle]);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  for (const value of Object.values(PLANTED)) expect(result.stdout).not.toContain(value);
}

describe('planted credentials: kstory import', () => {
  it('keeps none of them from a dump, an audit log, pod logs and a metrics scrape', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'dump.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: plantedObjects() }),
    );
    writeFileSync(
      path.join(dir, 'audit.log'),
      `${plantedAuditEntries()
        .map((e) => JSON.stringify(e))
        .join('\n')}\n`,
    );
    const logDir = path.join(dir, 'var/log/pods', `shop_checkout-7d9f8b6c5d-x2x4z_${KEPT.uid}`, 'app');
    await import('node:fs').then((fs) => fs.mkdirSync(logDir, { recursive: true }));
    writeFileSync(
      path.join(logDir, '0.log'),
      plantedLogLines()
        .map((line, i) => `${at(PLANTED_AT, 20 + i, '.000000000')} stdout F ${line}`)
        .join('\n'),
    );
    const labels = Object.entries(plantedMetricLabels())
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',');
    writeFileSync(
      path.join(dir, 'metrics.prom'),
      `# TYPE kube_pod_container_status_restarts_total counter\nkube_pod_container_status_restarts_total{${labels}} 3\n`,
    );
    const output = path.join(dir, 'imported.parquet');
    const result = kstory([
      'import',
      path.join(dir, 'dump.json'),
      path.join(dir, 'audit.log'),
      path.join(dir, 'var'),
      path.join(dir, 'metrics.prom'),
      '--at',
      '2026-03-01T10:01:00Z',
      '-o',
      output,
      '--no-progress',
    ]);
    expect(result.code, result.stderr).toBe(0);
    for (const value of Object.values(PLANTED)) expect(result.stdout + result.stderr).not.toContain(value);
    await expectNoPlantedIn(output);
    await expectTokensWherePlanted(output, ['object', 'event', 'audit-uri', 'audit-body', 'log', 'metric']);
    expect(await keptIn(output)).toEqual(Object.keys(KEPT));
    expectNoPlantedInReports(output);
    expectScanClean(output);
  });
});

describe('planted credentials: kstory record', () => {
  let api: FakeApiServer;
  let prometheus: PrometheusServer | null = null;
  // A live recording asks Prometheus about the last hour: the cluster's objects are that recent.
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
  const t0 = (base - 30 * 60_000) / 1000;

  beforeAll(async () => {
    api = await FakeApiServer.start();
    for (const object of plantedObjects(base)) api.apply(object);
    for (const [i, line] of plantedLogLines().entries())
      api.appendLog('shop', 'checkout-7d9f8b6c5d-x2x4z', 'app', line, new Date(base + (20 + i) * 1000));
    if (HAVE_PROMETHEUS) {
      prometheus = await startPrometheus({
        dir: tempDir(),
        openMetrics: openMetricsText(
          [
            {
              name: 'kube_pod_container_status_restarts_total',
              labels: plantedMetricLabels(),
              value: () => 3,
            },
          ],
          t0,
          t0 + 3600,
          30,
        ),
      });
    }
  });

  afterAll(async () => {
    await api?.close();
    await prometheus?.stop();
  });

  it('keeps none of them from objects, Events, logs, the audit log and Prometheus', async () => {
    const dir = tempDir();
    const auditLog = path.join(dir, 'audit.log');
    writeFileSync(
      auditLog,
      `${plantedAuditEntries(base)
        .map((e) => JSON.stringify(e))
        .join('\n')}\n`,
    );
    const output = path.join(dir, 'recorded.parquet');
    await runRecord({
      output,
      kubeconfig: writeKubeconfig(dir, api),
      namespaces: [],
      include: [],
      exclude: [],
      once: true,
      since: new Date(t0 * 1000),
      logs: 'all',
      auditLog,
      prometheus: prometheus ? { url: prometheus.url } : undefined,
      log: () => {},
    });
    await expectNoPlantedIn(output);
    await expectTokensWherePlanted(output, [
      'object',
      'event',
      'audit-uri',
      'audit-body',
      'log',
      ...(prometheus ? (['metric'] as const) : []),
    ]);
    const kept = await keptIn(output);
    for (const name of ['digest', 'shaTag', 'base64NonSecret', 'secretName', 'checksum'])
      expect(kept).toContain(name);
    expectNoPlantedInReports(output);
    expectScanClean(output);
    if (!prometheus) console.log(`metric labels through record: ${PROMETHEUS_PACKAGE_HINT}`);
  });
});

describe('planted credentials: kstory simulate', () => {
  it('keeps none of them from a scenario’s ConfigMaps, args and env, and its changes', async () => {
    const dir = tempDir();
    const scenario = {
      name: 'planted-secrets',
      description: 'credentials planted in ConfigMaps, args and env, and in a ConfigMap change',
      duration: '10m',
      seed: 3,
      nodes: [{ name: 'worker', count: 1, cpu: 4, memory: '16Gi' }],
      namespaces: ['shop'],
      users: [{ name: 'alice', groups: ['system:authenticated'] }],
      resources: {
        configMaps: [
          {
            namespace: 'shop',
            name: 'app-config',
            data: {
              db_password: PLANTED.cmPassword,
              DATABASE_URL: `postgres://app:${PLANTED.cmUrlPassword}@orders-db:5432/orders`,
              flags: KEPT.base64NonSecret,
            },
          },
        ],
      },
      workloads: [
        {
          kind: 'Deployment',
          namespace: 'shop',
          name: 'checkout',
          replicas: 1,
          containers: [
            {
              name: 'app',
              image: KEPT.shaTag,
              args: [`--password=${PLANTED.argPassword}`, '--token', PLANTED.argToken],
              env: [
                { name: 'DB_PASSWORD', value: PLANTED.envPassword },
                { name: 'DATABASE_URL', value: `postgres://app:${PLANTED.envUrlPassword}@orders-db/orders` },
              ],
            },
          ],
        },
      ],
      timeline: [
        {
          at: '5m',
          action: 'set-config',
          by: 'alice',
          namespace: 'shop',
          name: 'app-config',
          data: { db_password: PLANTED.auditBodyPassword },
        },
      ],
    };
    const file = path.join(dir, 'planted.yaml');
    writeFileSync(file, toYaml(scenario));
    const output = path.join(dir, 'simulated.parquet');
    await runSimulate({ scenario: file, output });
    await expectNoPlantedIn(output);
    await expectTokensWherePlanted(output, ['object']);
    expect(await keptIn(output)).toEqual(expect.arrayContaining(['shaTag', 'base64NonSecret']));
    expectNoPlantedInReports(output);
    expectScanClean(output);
  });
});
