// `kstory serve` driven by the real kubectl, as users run it: get (all namespaces, wide, yaml,
// selectors), describe with events, logs and --previous, a bounded get -w, api-resources, refused
// writes and tokens, and the objects kubectl receives compared with those the bundle holds at T.

import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, sqlString } from '../../src/bundle/duckdb.ts';
import { type RunningServe, runServe } from '../../src/serve/run.ts';
import { ROOT } from '../support/cli.ts';
import { useTempDir } from '../support/temp.ts';

const KUBECTL = '/usr/bin/kubectl';
const hasKubectl = existsSync(KUBECTL);
if (!hasKubectl)
  console.warn('kubectl not found at /usr/bin/kubectl: the kubectl tests of kstory serve are skipped');

const BUNDLE = path.join(ROOT, 'fixtures/bad-config-rollout.parquet');
const AT = '2026-03-02T09:12:00Z';
const tempDir = useTempDir('kstory-serve-kubectl-');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dir: string;
let serve: RunningServe;

/** kubectl against the served bundle, bounded in time; the server runs in this process, so async.
 * With `until`, it is stopped as soon as its output satisfies it (a watch that has shown enough). */
function kubectl(
  args: string[],
  options: { kubeconfig?: string; timeoutMs?: number; until?: (stdout: string) => boolean } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      KUBECTL,
      [
        '--kubeconfig',
        options.kubeconfig ?? serve.kubeconfig,
        '--cache-dir',
        path.join(dir, 'cache'),
        ...args,
      ],
      { timeout: options.timeoutMs ?? 30_000, env: { ...process.env, HOME: dir }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    const { until } = options;
    if (until) {
      let seen = '';
      child.stdout?.on('data', (chunk: Buffer | string) => {
        seen += chunk.toString();
        if (until(seen)) child.kill('SIGTERM');
      });
    }
  });
}

beforeAll(async () => {
  if (!hasKubectl) return;
  dir = tempDir();
  serve = await runServe({ bundles: [BUNDLE], at: AT, kubeconfigOut: path.join(dir, 'kubeconfig') });
});

afterAll(async () => {
  await serve?.close();
});

describe.skipIf(!hasKubectl)('kubectl against kstory serve', () => {
  it('listens on 127.0.0.1 and writes a kubeconfig only its owner can read', () => {
    expect(serve.server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(statSync(serve.kubeconfig).mode & 0o777).toBe(0o600);
  });

  it('get pods -A: the pods of every namespace, as they were at --at', async () => {
    const run = await kubectl(['get', 'pods', '-A']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(run.stdout).toMatch(/monitoring\s+node-exporter-\w+\s+1\/1\s+Running/);
    // Two minutes after the bad ConfigMap edit the old pods crash: their status says so.
    expect(run.stdout).toMatch(/shop\s+checkout-64c8d548db-\w+\s+0\/1\s+(CrashLoopBackOff|Error)/);
    // Ages count from the served instant: the pods created at 08:50 are 22m old at 09:12.
    expect(run.stdout).toMatch(/orders-db-0\s+1\/1\s+Running\s+0\s+22m/);
  });

  it('get pods -o json: exactly the objects the bundle holds at that instant', async () => {
    const run = await kubectl(['get', 'pods', '-n', 'shop', '-o', 'json']);
    expect(run.code).toBe(0);
    const served = (JSON.parse(run.stdout) as { items: { metadata: { name: string } }[] }).items;
    const db = await Database.open();
    try {
      const expected = await db.all<{ body: string }>(
        `SELECT body FROM (
           SELECT body, watch_event FROM read_parquet(${sqlString(BUNDLE)})
           WHERE source = 'object' AND kind = 'Pod' AND namespace = 'shop' AND ts <= TIMESTAMPTZ '${AT}'
           QUALIFY row_number() OVER (PARTITION BY name ORDER BY ts DESC, TRY_CAST(resource_version AS HUGEINT) DESC) = 1
         ) WHERE watch_event <> 'DELETED' ORDER BY 1`,
      );
      const byName = (xs: { metadata: { name: string } }[]) =>
        [...xs].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
      expect(byName(served)).toEqual(byName(expected.map((r) => JSON.parse(r.body))));
      expect(served.length).toBeGreaterThan(5);
    } finally {
      db.close();
    }
  });

  it('get -o wide adds the node, -l and --field-selector narrow the list', async () => {
    const wide = await kubectl(['get', 'pods', '-n', 'shop', '-o', 'wide']);
    expect(wide.stdout.split('\n')[0]).toMatch(/IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    expect(wide.stdout).toMatch(/worker-\d/);
    const labelled = await kubectl([
      'get',
      'pods',
      '-n',
      'shop',
      '-l',
      'app.kubernetes.io/name=frontend',
      '-o',
      'name',
    ]);
    expect(
      labelled.stdout
        .trim()
        .split('\n')
        .every((l) => l.startsWith('pod/frontend-')),
    ).toBe(true);
    const done = await kubectl([
      'get',
      'pods',
      '-A',
      '--field-selector',
      'status.phase=Succeeded',
      '-o',
      'name',
    ]);
    expect(
      done.stdout
        .trim()
        .split('\n')
        .every((l) => l.startsWith('pod/report-')),
    ).toBe(true);
    const yaml = await kubectl(['get', 'deployment', 'checkout', '-n', 'shop', '-o', 'yaml']);
    expect(yaml.stdout).toMatch(/^apiVersion: apps\/v1\nkind: Deployment\n/);
  });

  it('pages a long list with limit and continue at one instant', async () => {
    const run = await kubectl(['get', 'pods', '-A', '--chunk-size', '3', '-o', 'name']);
    const whole = await kubectl(['get', 'pods', '-A', '-o', 'name']);
    expect(run.stdout).toBe(whole.stdout);
    expect(whole.stdout.trim().split('\n').length).toBeGreaterThan(10);
  });

  it('describe pod, deployment and node, events included', async () => {
    const pods = await kubectl(['get', 'pods', '-n', 'shop', '-o', 'name']);
    const checkout = pods.stdout.split('\n').find((l) => l.startsWith('pod/checkout-64c8d548db-'))!;
    const pod = await kubectl(['describe', '-n', 'shop', checkout]);
    expect(pod.code).toBe(0);
    expect(pod.stdout).toMatch(/^Name:\s+checkout-64c8d548db-/m);
    expect(pod.stdout).toMatch(/^Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message/m);
    expect(pod.stdout).toMatch(/Warning\s+BackOff/);
    const deployment = await kubectl(['describe', 'deployment', 'checkout', '-n', 'shop']);
    expect(deployment.stdout).toMatch(/^Replicas:/m);
    expect(deployment.stdout).toMatch(/NewReplicaSet:\s+checkout-/);
    const node = await kubectl(['describe', 'node', 'worker-1']);
    expect(node.stdout).toMatch(/^Conditions:/m);
    expect(node.stdout).toMatch(/Non-terminated Pods:/);
  });

  it('logs and logs --previous of a crashing container', async () => {
    const pods = await kubectl(['get', 'pods', '-n', 'shop', '-o', 'name']);
    const checkout = pods.stdout.split('\n').find((l) => l.startsWith('pod/checkout-64c8d548db-'))!;
    const previous = await kubectl(['logs', '-n', 'shop', checkout, '--previous', '--timestamps']);
    expect(previous.code).toBe(0);
    expect(previous.stdout).toMatch(/^2026-03-02T09:\d\d:\d\d(\.\d+)?Z /m);
    expect(previous.stdout).toMatch(/panic|invalid configuration/);
    const tail = await kubectl(['logs', '-n', 'shop', checkout, '--tail', '2']);
    expect(tail.stdout.trim().split('\n')).toHaveLength(2);
    const none = await kubectl(['logs', '-n', 'shop', 'orders-db-0', '--previous']);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('previous terminated container "');
  });

  it('api-resources lists what the bundle holds, with get, list and watch only', async () => {
    const run = await kubectl(['api-resources', '-o', 'wide']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod\s+get,list,watch/m);
    expect(run.stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/m);
  });

  it('refuses writes with 405 MethodNotAllowed, and requests without the token with 401', async () => {
    const del = await kubectl(['delete', 'pod', 'orders-db-0', '-n', 'shop']);
    expect(del.code).not.toBe(0);
    expect(del.stderr).toContain('MethodNotAllowed');
    expect(del.stderr).toContain('recording');
    const still = await kubectl(['get', 'pod', 'orders-db-0', '-n', 'shop', '-o', 'name']);
    expect(still.stdout.trim()).toBe('pod/orders-db-0');
    const anonymous = await kubectl(['get', 'pods', '--token', 'not-the-token']);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/Unauthorized/);
  });

  it('an unknown resource is a 404 NotFound Status', async () => {
    const raw = await kubectl(['get', '--raw', '/api/v1/namespaces/shop/widgets']);
    expect(raw.code).not.toBe(0);
    expect(raw.stderr).toContain('NotFound');
    const typed = await kubectl(['get', 'widgets']);
    expect(typed.stderr).toContain('the server doesn\'t have a resource type "widgets"');
    const missing = await kubectl(['get', 'pod', 'no-such-pod', '-n', 'shop']);
    expect(missing.stderr).toContain('pods "no-such-pod" not found');
  });

  it('get -w replays what happened after the instant', async () => {
    const earlier = await runServe({
      bundles: [BUNDLE],
      at: '+9m',
      kubeconfigOut: path.join(dir, 'earlier.kubeconfig'),
    });
    try {
      // Stopped once a crash has come (the watch would otherwise run to its request timeout).
      const run = await kubectl(['get', 'pods', '-n', 'shop', '-w', '--request-timeout', '60s'], {
        kubeconfig: earlier.kubeconfig,
        timeoutMs: 90_000,
        until: (stdout) => /checkout-64c8d548db-\w+\s+0\/1\s+CrashLoopBackOff/.test(stdout),
      });
      // The list first (all running), then the crashes of the old checkout pods as they came.
      expect(run.stdout).toMatch(/checkout-64c8d548db-\w+\s+1\/1\s+Running/);
      expect(run.stdout).toMatch(/checkout-64c8d548db-\w+\s+0\/1\s+CrashLoopBackOff/);
      const header = run.stdout.split('\n').filter((l) => l.startsWith('NAME'));
      expect(header).toHaveLength(1);
    } finally {
      await earlier.close();
    }
  });
});
