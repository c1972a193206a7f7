// kstory serve beyond one bundle: bundles of two clusters as two contexts, kubectl explain of a
// custom resource from its CRD's schema, events.k8s.io/v1 Events, followed logs that replay, and
// the time control moving a served cluster (and ending its watches).

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectRow } from '../../src/kube/to-row.ts';
import { type RunningServe, runServe } from '../../src/serve/run.ts';
import { writeBundle } from '../support/bundles.ts';
import { ROOT } from '../support/cli.ts';
import { useTempDir } from '../support/temp.ts';

const KUBECTL = '/usr/bin/kubectl';
const hasKubectl = existsSync(KUBECTL);
const ARGOCD = path.join(ROOT, 'fixtures/argocd-app-degraded.parquet');
const tempDir = useTempDir('kstory-serve-contexts-');

let dir: string;
let serve: RunningServe;

function kubectl(
  args: string[],
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      ['--kubeconfig', serve.kubeconfig, '--cache-dir', path.join(dir, 'cache'), ...args],
      { timeout: timeoutMs, env: { ...process.env, HOME: dir } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  if (!hasKubectl) return;
  dir = tempDir();
  const other = await writeBundle(
    dir,
    'lab.parquet',
    [
      objectRow(
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'lab-pod', namespace: 'lab', creationTimestamp: '2026-03-01T10:00:00Z' },
          spec: { containers: [{ name: 'c' }] },
          status: { phase: 'Running' },
        },
        { ts: '2026-03-01T10:00:00Z', watchEvent: 'LISTED' },
      ),
    ],
    {
      cluster: { name: 'lab', server_version: null },
      window: { start: '2026-03-01T10:00:00Z', end: '2026-03-01T10:10:00Z' },
    },
  );
  serve = await runServe({ bundles: [ARGOCD, other], kubeconfigOut: path.join(dir, 'kubeconfig') });
});

afterAll(async () => {
  await serve?.close();
});

describe.skipIf(!hasKubectl)('kstory serve with several clusters', () => {
  it('serves each cluster as its own context', async () => {
    expect(serve.contexts.map((c) => c.context)).toEqual(['kstory-prod-eu-1', 'kstory-lab']);
    const lab = await kubectl(['--context', 'kstory-lab', 'get', 'pods', '-A', '-o', 'name']);
    expect(lab.stdout.trim()).toBe('pod/lab-pod');
    const prod = await kubectl(['--context', 'kstory-prod-eu-1', 'get', 'applications', '-A', '-o', 'name']);
    expect(prod.stdout.trim()).toBe('application.argoproj.io/shop-payments');
  });

  it('explains a custom resource from its CRD, and built-in kinds from the Kubernetes models', async () => {
    const crd = await kubectl(['--context', 'kstory-prod-eu-1', 'explain', 'applications']);
    expect(crd.code).toBe(0);
    expect(crd.stdout).toMatch(/^GROUP: +argoproj\.io\nKIND: +Application\nVERSION: +v1alpha1$/m);
    const pods = await kubectl(['--context', 'kstory-prod-eu-1', 'explain', 'pods']);
    expect(pods.code).toBe(0);
    expect(pods.stdout).toMatch(/^KIND: +Pod\nVERSION: +v1$/m);
    expect(pods.stdout).toMatch(
      /^ {2}spec\t<PodSpec>\n {4}Specification of the desired behavior of the pod/m,
    );
    const ports = await kubectl(['--context', 'kstory-prod-eu-1', 'explain', 'pods.spec.containers.ports']);
    expect(ports.stdout).toMatch(/^FIELD: ports <\[\]ContainerPort>$/m);
    expect(ports.stdout).toMatch(/^ {2}containerPort\t<integer> -required-\n {4}Number of port to expose/m);
    const missing = await kubectl(['--context', 'kstory-prod-eu-1', 'explain', 'pods.spec.bogus']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('field "bogus" does not exist');
  });

  it('serves Events as events.k8s.io/v1 too', async () => {
    const run = await kubectl([
      '--context',
      'kstory-prod-eu-1',
      'get',
      'events.events.k8s.io',
      '-n',
      'shop',
      '-o',
      'json',
    ]);
    const items = (
      JSON.parse(run.stdout) as {
        items: { apiVersion: string; note?: string; regarding?: { kind: string } }[];
      }
    ).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((e) => e.apiVersion === 'events.k8s.io/v1' && e.regarding?.kind)).toBe(true);
  });

  it('follows a log by replaying the rest of the instance', async () => {
    const ctx = ['--context', 'kstory-prod-eu-1'];
    await fetchAt('2026-03-02T09:10:00Z');
    const pods = await kubectl([
      ...ctx,
      'get',
      'pods',
      '-n',
      'shop',
      '-l',
      'app.kubernetes.io/name=payments',
      '-o',
      'name',
    ]);
    const pod = pods.stdout.trim().split('\n')[0]!;
    const now = await kubectl([...ctx, 'logs', '-n', 'shop', pod]);
    const followed = await kubectl([...ctx, 'logs', '-n', 'shop', pod, '-f']);
    expect(followed.code).toBe(0);
    expect(followed.stdout.startsWith(now.stdout)).toBe(true);
    expect(followed.stdout.length).toBeGreaterThan(now.stdout.length);
    await fetchAt('end');
  });

  it('moves one cluster in time and ends its watches', async () => {
    const cluster = serve.clusters[0]!;
    let finished = false;
    const watching = kubectl(['--context', 'kstory-prod-eu-1', 'get', 'pods', '-n', 'shop', '-w'], 60_000);
    void watching.then(() => {
      finished = true;
    });
    // kubectl may take a while to open its watch on a busy machine: move until it has ended.
    for (let i = 0; i < 30 && !finished; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      await fetchAt(i % 2 === 0 ? 'start' : '+30s');
    }
    const run = await watching;
    expect(finished).toBe(true);
    expect(run.stdout).toMatch(/^NAME +READY +STATUS/);
    await fetchAt('start');
    expect(cluster.clock.now()).toBe(cluster.state.window.start);
    await fetchAt('end');
  });
});

describe.skipIf(!hasKubectl)('the X-Kstory-At header', () => {
  it('reads one request at another instant, and refuses one outside the recording', async () => {
    const { targetOf } = await import('../../src/serve/at-client.ts');
    const target = targetOf(serve.kubeconfig, 'kstory-prod-eu-1');
    const get = (at: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpsRequest(
          new URL(`${target.server}/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/shop-payments`),
          { ca: target.ca, headers: { authorization: `Bearer ${target.token}`, 'x-kstory-at': at } },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => {
              body += c.toString('utf8');
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    const start = await get('start');
    const end = await get('end');
    expect(start.status).toBe(200);
    const rv = (text: string) =>
      (JSON.parse(text) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    expect(rv(start.body)).not.toBe(rv(end.body));
    const outside = await get('2030-01-01T00:00:00Z');
    expect(outside.status).toBe(400);
    expect(outside.body).toContain('outside the recording');
  });
});

/** Move the first cluster through its /kstory/at, as kstory at does. */
async function fetchAt(at: string): Promise<void> {
  const { targetOf, timeControl } = await import('../../src/serve/at-client.ts');
  await timeControl(targetOf(serve.kubeconfig, 'kstory-prod-eu-1'), at);
}
