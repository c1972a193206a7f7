// The offline commands as users run them on a recorded incident: describe (pod, deployment, node,
// a custom resource) with events, logs of a crashed and of a deleted pod, events, diff with the
// actor from the audit log, and `kstory at` moving a running server.

import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runServe } from '../../src/serve/run.ts';
import { kstory, ROOT } from '../support/cli.ts';
import { useTempDir } from '../support/temp.ts';

const BUNDLE = path.join(ROOT, 'fixtures/bad-config-rollout.parquet');
const tempDir = useTempDir('kstory-offline-');

describe('kstory describe', () => {
  it('describes a crash-looping pod as kubectl does, with its events as they stood', () => {
    const run = kstory(['describe', 'pod', 'checkout-64c8d548db-5jtrj', '-n', 'shop', '-b', BUNDLE]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Name: {13}checkout-64c8d548db-5jtrj$/m);
    expect(run.stdout).toMatch(/^Controlled By: {2}ReplicaSet\/checkout-64c8d548db$/m);
    expect(run.stdout).toMatch(/^ {4}State: {10}Waiting\n {6}Reason: {7}CrashLoopBackOff$/m);
    expect(run.stdout).toMatch(/^ {4}Last State: {5}Terminated$/m);
    expect(run.stdout).toMatch(/^ {4}Restart Count: {2}8$/m);
    expect(run.stdout).toMatch(
      /^Events:\n {2}Type +Reason +Age +From +Message\n {2}---- +------ +---- +---- +-------$/m,
    );
    // Ages count from the instant shown: the BackOff events of the last 20 minutes.
    expect(run.stdout).toMatch(
      /^ {2}Warning +BackOff +\S+ \(x\d+ over \d+m\) +kubelet +Back-off restarting failed container app/m,
    );
    const early = kstory([
      'describe',
      'pod/checkout-64c8d548db-5jtrj',
      '-n',
      'shop',
      '--at',
      '+9m',
      '-b',
      BUNDLE,
    ]);
    expect(early.stdout).toMatch(/^ {4}State: {10}Running$/m);
    expect(early.stdout).not.toContain('BackOff');
  });

  it('describes a deployment with its replica sets and a node with the pods it ran', () => {
    const deployment = kstory(['describe', 'deployment', 'checkout', '-n', 'shop', '-b', BUNDLE]);
    expect(deployment.stdout).toMatch(
      /^Replicas: +\d+ desired \| \d+ updated \| \d+ total \| \d+ available \| \d+ unavailable$/m,
    );
    expect(deployment.stdout).toMatch(/^NewReplicaSet: +checkout-\w+ \(\d+\/\d+ replicas created\)$/m);
    const node = kstory(['describe', 'node', 'worker-1', '-b', BUNDLE]);
    expect(node.stdout).toMatch(/^Non-terminated Pods: +\(\d+ in total\)$/m);
    expect(node.stdout).toMatch(/^ {2}shop +checkout-\S+ +200m \(\d+%\)/m);
  });

  it("describes a node with its kubelet's events, which name the node by name instead of its uid", () => {
    const bundle = path.join(ROOT, 'fixtures/node-memory-pressure.parquet');
    const node = kstory(['describe', 'node', 'worker-2', '-b', bundle]);
    expect(node.code).toBe(0);
    expect(node.stdout).toMatch(
      /^ {2}Normal +NodeHasInsufficientMemory +\S+ +kubelet +Node worker-2 status is now: NodeHasInsufficientMemory$/m,
    );
    expect(node.stdout).toMatch(/^ {2}Warning +EvictionThresholdMet +\S+ \(x3 over \S+\) +kubelet /m);
  });

  it('describes a pod deleted before the end as it last was, and says so', () => {
    const run = kstory(['describe', 'pod', 'checkout-64c8d548db-zxcs8', '-n', 'shop', '-b', BUNDLE]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('was gone by the end of the recording: as it was at 2026-03-02T09:1');
    expect(run.stdout).toMatch(/^Name: +checkout-64c8d548db-zxcs8$/m);
  });

  it('outlines a custom resource with kubectl field names', () => {
    const run = kstory([
      'describe',
      'application',
      'shop-payments',
      '-n',
      'argocd',
      '-b',
      path.join(ROOT, 'fixtures/argocd-app-degraded.parquet'),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^API Version: +argoproj\.io\/v1alpha1$/m);
    expect(run.stdout).toMatch(/^Metadata:\n {2}Creation Timestamp: /m);
    expect(run.stdout).toMatch(/^Status:$/m);
  });
});

describe('kstory logs', () => {
  it('prints the crashed instance with --previous, and a deleted pod as it last was', () => {
    const previous = kstory([
      'logs',
      'checkout-64c8d548db-5jtrj',
      '-n',
      'shop',
      '--previous',
      '--at',
      '+12m',
      '-b',
      BUNDLE,
    ]);
    expect(previous.code).toBe(0);
    expect(previous.stdout).toMatch(/invalid configuration|panic/);
    const gone = kstory([
      'logs',
      'checkout-64c8d548db-zxcs8',
      '-n',
      'shop',
      '--tail',
      '3',
      '--timestamps',
      '-b',
      BUNDLE,
    ]);
    expect(gone.code).toBe(0);
    expect(gone.stderr).toContain('pod shop/checkout-64c8d548db-zxcs8 was gone by the end of the recording');
    expect(gone.stdout.trim().split('\n')).toHaveLength(3);
    expect(gone.stdout).toMatch(/^2026-03-02T09:\d\d:\d\d(\.\d+)?Z /);
    const none = kstory(['logs', 'orders-db-0', '-n', 'shop', '--previous', '-b', BUNDLE]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('previous terminated container "');
  });
});

describe('kstory events', () => {
  it('lists warnings across namespaces as kubectl events does', () => {
    const run = kstory(['events', '-A', '--types', 'Warning', '-b', BUNDLE]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^NAMESPACE +LAST SEEN +TYPE +REASON +OBJECT +MESSAGE$/);
    expect(run.stdout).toMatch(/^shop +\S+( \(x\d+ over \S+\))? +Warning +BackOff +Pod\/checkout-/m);
    expect(run.stdout).not.toMatch(/ Normal /);
    const one = kstory(['events', '-n', 'shop', '--for', 'deployment/checkout', '-b', BUNDLE]);
    expect(
      one.stdout
        .trim()
        .split('\n')
        .slice(1)
        .every((l) => / Deployment\/checkout /.test(l)),
    ).toBe(true);
  });
});

describe('kstory diff', () => {
  it('shows what changed in a ConfigMap and who changed it', () => {
    const run = kstory(['diff', 'configmap/checkout-config', '-n', 'shop', '-b', BUNDLE]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^ {2}2026-03-02T09:10:0\dZ {2}changed by alice \(patch, kubectl\/v1\.34\.1\): data\.DATABASE_URL$/m,
    );
    expect(run.stdout).toMatch(/^-\s+DATABASE_URL: postgres:\/\/orders-db/m);
    expect(run.stdout).toMatch(/^\+\s+DATABASE_URL: postgres\/\/orders-db/m);
    // The controller's status writes that follow a release are not taken for its author.
    const release = kstory(['diff', 'deployment/frontend', '-n', 'shop', '--to', '+3m', '-b', BUNDLE]);
    expect(release.stdout.split('\n')[1]).toMatch(
      /^ {2}2026-03-02T09:02:00Z {2}changed by system:serviceaccount:ci:deployer \(patch, [^)]+\): metadata\.generation, spec\.template\.spec\.containers$/,
    );
    expect(release.stdout).toMatch(
      /changed by system:serviceaccount:kube-system:deployment-controller \(update status, [^)]+\): status\./,
    );
    const before = kstory(['diff', 'configmap/checkout-config', '-n', 'shop', '--to', '+5m', '-b', BUNDLE]);
    expect(before.stdout).toContain('no change recorded between these instants');
  });
});

describe('kstory at', () => {
  it('tells and moves the instant of a running server', async () => {
    const dir = tempDir();
    const serve = await runServe({ bundles: [BUNDLE], kubeconfigOut: path.join(dir, 'kubeconfig') });
    const at = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [path.join(ROOT, 'bin/kstory.js'), 'at', ...args, '--kubeconfig', serve.kubeconfig],
          { timeout: 60_000 },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
        );
      });
    try {
      expect((await at([])).stdout).toBe(
        'prod-eu-1 at 2026-03-02T09:30:00Z (recording 2026-03-02T09:00:00Z → 2026-03-02T09:30:00Z)\n',
      );
      expect((await at(['2026-03-02T09:12:00Z'])).stdout).toContain('prod-eu-1 at 2026-03-02T09:12:00Z');
      expect(serve.clusters[0]!.clock.now()).toBe(Date.parse('2026-03-02T09:12:00Z') * 1000);
      expect((await at(['-2m'])).stdout).toContain('at 2026-03-02T09:10:00Z');
      const outside = await at(['2026-03-03T00:00:00Z']);
      expect(outside.code).toBe(2);
      expect(outside.stderr).toContain('outside the recording');
    } finally {
      await serve.close();
    }
  });
});
