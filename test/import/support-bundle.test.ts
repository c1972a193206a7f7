// A support bundle as troubleshoot.sh's `support-bundle` writes it (a .tar.gz of cluster-resources/
// lists per namespace, pod logs under cluster-resources/pods/logs/<ns>/<pod>/<container>[-previous].log
// and in its logs collectors' folders, collector errors, its own analysis): objects, Events and logs land with their subjects, what the
// collectors could not gather is named, and a crash-looping pod is the incident analyze names.
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/analyze/report.ts';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { Bundle } from '../../src/bundle/reader.ts';
import type { ImportResult } from '../../src/import/run.ts';
import { aDeployment, aNode, aPod } from '../kube/builders.ts';
import { rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const ROOT = 'support-bundle-2026-03-01T10_06_00';
const POD = 'checkout-7d9f8-abcde';
const list = (kind: string, apiVersion: string, items: unknown[]) =>
  JSON.stringify({ kind, apiVersion, metadata: { resourceVersion: '900' }, items }, null, 2);

const crashing = aPod({
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2026-03-01T10:01:10Z' }],
    containerStatuses: [
      {
        name: 'app',
        image: 'shop/checkout:1.4.2',
        ready: false,
        restartCount: 6,
        state: {
          waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container=app' },
        },
        lastState: {
          terminated: {
            exitCode: 1,
            reason: 'Error',
            startedAt: '2026-03-01T10:04:50Z',
            finishedAt: '2026-03-01T10:04:52Z',
          },
        },
      },
    ],
  },
});

const event = (name: string, reason: string, type: string, message: string, count: number) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `${POD}.${name}`, namespace: 'shop', uid: `ev-${name}`, resourceVersion: '950' },
  involvedObject: {
    kind: 'Pod',
    namespace: 'shop',
    name: POD,
    uid: 'pod-uid-1',
    fieldPath: 'spec.containers{app}',
  },
  reason,
  message,
  type,
  count,
  firstTimestamp: '2026-03-01T10:00:30Z',
  lastTimestamp: '2026-03-01T10:05:30Z',
  source: { component: 'kubelet', host: 'node-a' },
});

async function supportBundle(): Promise<Buffer> {
  const p = pack();
  const file = (name: string, content: string) => p.entry({ name: `${ROOT}/${name}` }, content);
  file(
    'version.yaml',
    'apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec:\n  versionNumber: 0.100.0\n',
  );
  file('analysis.json', JSON.stringify([{ name: 'node-resources', isPass: true, message: 'ok' }]));
  file(
    'cluster-resources/namespaces.json',
    list('NamespaceList', 'v1', [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', uid: 'ns-shop' } },
    ]),
  );
  file('cluster-resources/nodes.json', list('NodeList', 'v1', [aNode()]));
  file('cluster-resources/pods/shop.json', list('PodList', 'v1', [crashing]));
  file('cluster-resources/deployments/shop.json', list('DeploymentList', 'apps/v1', [aDeployment()]));
  file(
    'cluster-resources/events/shop.json',
    list('EventList', 'v1', [
      event('a1', 'Started', 'Normal', 'Started container app', 7),
      event(
        'a2',
        'BackOff',
        'Warning',
        'Back-off restarting failed container app in pod checkout-7d9f8-abcde_shop(pod-uid-1)',
        24,
      ),
    ]),
  );
  // Older versions saved the items alone, without their kind: the folder says what they are.
  file(
    'cluster-resources/services/shop.json',
    JSON.stringify([
      {
        metadata: { name: 'checkout', namespace: 'shop', uid: 'svc-1' },
        spec: { selector: { app: 'checkout' }, ports: [{ port: 80 }] },
      },
    ]),
  );
  file(
    'cluster-resources/limitranges-errors.json',
    JSON.stringify([
      'limitranges is forbidden: User "system:serviceaccount:default:collector" cannot list resource "limitranges"',
    ]),
  );
  file(
    `cluster-resources/pods/logs/shop/${POD}/app.log`,
    'starting checkout 1.4.2\nconnecting to db at db.shop:5432\n',
  );
  file(
    `cluster-resources/pods/logs/shop/${POD}/app-previous.log`,
    'starting checkout 1.4.2\nconnecting to db at db.shop:5432\npanic: dial tcp 10.0.3.7:5432: connect: connection refused\n',
  );
  // The logs collector's own folder links to the same files: read once.
  p.entry({
    name: `${ROOT}/shop-logs/${POD}/app.log`,
    type: 'symlink',
    linkname: `../../cluster-resources/pods/logs/shop/${POD}/app.log`,
  });
  // Older versions (and copies that lost the links) hold the files themselves there: the pod's
  // listing gives the namespace the path lacks; a copy of a log read already is read once.
  file(
    `shop-logs/${POD}/app-previous.log`,
    'starting checkout 1.4.2\nconnecting to db at db.shop:5432\npanic: dial tcp 10.0.3.7:5432: connect: connection refused\n',
  );
  file(`shop-logs/proxy-logs/${POD}/proxy.log`, 'proxy listening on :15001\nupstream checkout unhealthy\n');
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

describe('a troubleshoot.sh support bundle', () => {
  let archive: string;
  let result: ImportResult;
  let bundle: Bundle;
  let report: Report;
  beforeAll(async () => {
    archive = scratch.write('support-bundle.tar.gz', await supportBundle());
    const imported = await scratch.import([archive]);
    result = imported.result;
    bundle = imported.bundle!;
    report = await analyzeBundle(bundle);
  });
  afterAll(() => bundle?.close());

  it('imports its lists as objects and Events with their namespaces', async () => {
    expect(result.refused).toEqual([]);
    expect(result.inputs[0]?.layout).toBe('support-bundle');
    expect(await rows(bundle, 'SELECT kind, namespace, name FROM objects ORDER BY kind')).toEqual([
      { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
      { kind: 'Namespace', namespace: null, name: 'shop' },
      { kind: 'Node', namespace: null, name: 'node-a' },
      { kind: 'Pod', namespace: 'shop', name: POD },
      { kind: 'Service', namespace: 'shop', name: 'checkout' },
    ]);
    expect(
      await rows(bundle, 'SELECT event_reason, namespace, name, container FROM events ORDER BY event_reason'),
    ).toEqual([
      { event_reason: 'BackOff', namespace: 'shop', name: POD, container: 'app' },
      { event_reason: 'Started', namespace: 'shop', name: POD, container: 'app' },
    ]);
    expect(result.inputs[0]?.issues).toEqual([]);
  });

  it("reads each container's log and the one before its restart as that container's", async () => {
    expect(
      await rows(
        bundle,
        'SELECT namespace, name, container, count(*)::INTEGER AS n FROM logs GROUP BY ALL ORDER BY ALL',
      ),
    ).toEqual([
      { namespace: 'shop', name: POD, container: 'app', n: 5 },
      { namespace: 'shop', name: POD, container: 'proxy', n: 2 },
    ]);
  });

  it('names what the collectors could not gather and what it does not read', () => {
    const skipped = result.inputs[0]!.skippedFiles;
    expect(skipped['errors the support bundle met gathering (what it lacks)']).toEqual([
      `${archive}!${ROOT}/cluster-resources/limitranges-errors.json`,
    ]);
    const named = Object.values(skipped).flat();
    expect(named).toContain(`${archive}!${ROOT}/analysis.json`);
  });

  it('analyze names the crash-looping container as the root cause', () => {
    const root = report.findings[report.incidents[0]!.root]!;
    expect(root.pattern).toBe('crash-loop-backoff');
    expect(root.subject).toMatchObject({ namespace: 'shop', kind: 'Pod', name: POD, container: 'app' });
  });
});
