// The all-clear guard: what a bundle shows outright as trouble (Warning events of a reason no pattern
// knows, containers waiting in a state no pattern reads, a failing STATUS a kubectl table printed,
// conditions saying not available) is listed when no finding explains it, and no report says "no
// incidents" as an all-clear beside it; what a pattern judged with the object in view is not.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { eventReasonsRead } from '../../src/analyze/unexplained-trouble.ts';
import { loadPatterns } from '../../src/patterns/load.ts';
import { markdownRenderer } from '../../src/report/analysis-markdown.ts';
import { textRenderer } from '../../src/report/analysis-text.ts';
import { plainChalk } from '../../src/report/style.ts';
import { openRows } from '../support/bundles.ts';
import { kstoryInProcess } from '../support/cli-in-process.ts';
import { aLogRow, anEventRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

const healthyPod = (name: string) =>
  aPodRow({
    name,
    containers: [
      { name: 'app', image: 'app:1', init: false, ready: true, restart_count: 0, state: 'running' },
    ],
    conditions: [{ type: 'Ready', status: 'True' }],
  });

describe('trouble no pattern explains', () => {
  it('lists an unknown Warning reason, an unknown waiting reason and an unavailable custom object; not a judged blip', async () => {
    const bundle = await openRows(tempDir(), 't.parquet', [
      healthyPod('quiet-1'),
      // A reason no pattern reads: judged by nothing.
      anEventRow({
        name: 'quiet-1',
        event_reason: 'FailedSync',
        event_message:
          'error determining status: rpc error: code = DeadlineExceeded desc = context deadline exceeded',
        event_count: 7,
      }),
      // One probe failure of a pod in the bundle: a pattern read it and its state, below its threshold.
      anEventRow({
        name: 'quiet-1',
        event_reason: 'Unhealthy',
        event_message: 'Readiness probe failed: timeout',
      }),
      aPodRow({
        name: 'odd-1',
        containers: [
          {
            name: 'app',
            image: 'app:1',
            init: false,
            ready: false,
            restart_count: 0,
            state: 'waiting',
            reason: 'RunContainerError',
            message: 'mount denied',
          },
        ],
      }),
      // node-problem-detector's word that the node's filesystem went read-only.
      {
        source: 'object',
        ts: '2026-03-01T10:42:00Z',
        api_version: 'v1',
        kind: 'Node',
        name: 'node-b',
        uid: 'node-b-uid',
        watch_event: 'MODIFIED',
        conditions: [
          { type: 'Ready', status: 'True', reason: 'KubeletReady' },
          {
            type: 'ReadonlyFilesystem',
            status: 'True',
            reason: 'FilesystemIsReadOnly',
            message: 'Filesystem is read-only',
          },
          { type: 'KernelDeadlock', status: 'False', reason: 'KernelHasNoDeadlock' },
        ],
        body: {},
      },
    ]);
    const report = await analyzeBundle(bundle);
    bundle.close();
    expect(report.incidents).toEqual([]);
    expect(report.unexplained_trouble.map((t) => [t.source, t.reason, t.subject.name, t.count])).toEqual([
      ['event', 'FailedSync', 'quiet-1', 7],
      ['object', 'ReadonlyFilesystem=True (FilesystemIsReadOnly)', 'node-b', 1],
      ['object', 'RunContainerError', 'odd-1', 1],
    ]);
  });

  it('says what logs alone show and no pattern judged: error lines with the first quoted, a restart, and that the cause may lie outside them', async () => {
    const line = (ts: string, log_line: string, previous = false, name = 'api-5f6d7c8b9-x2xkq') =>
      aLogRow({ ts: `2026-03-01T10:${ts}Z`, name, log_previous: previous, log_line });
    const bundle = await openRows(tempDir(), 'logs.parquet', [
      // Two errors of a running instance: below what app-errors-in-logs counts.
      line('01:00', '{"level":"info","msg":"starting server","addr":":8080"}', true),
      line('02:00', '{"level":"error","msg":"upstream returned 503","upstream":"ledger:8080"}', true),
      line('03:00', '{"level":"info","msg":"starting server","addr":":8080"}'),
      line('04:00', 'level=error msg="upstream returned 503" upstream=ledger:8080'),
      // A quiet container: nothing to say of it.
      line('05:00', '{"level":"info","msg":"request completed","status":200}', false, 'web-7d9f8c6b4-h5vzn'),
    ]);
    const report = await analyzeBundle(bundle);
    bundle.close();
    expect(report.incidents).toEqual([]);
    expect(
      report.unexplained_trouble.map((t) => [
        t.source,
        t.reason,
        t.subject.name,
        t.subject.container,
        t.count,
      ]),
    ).toEqual([
      ['log', 'LoggedErrors', 'api-5f6d7c8b9-x2xkq', 'app', 2],
      ['log', 'Restarted', 'api-5f6d7c8b9-x2xkq', 'app', 1],
    ]);
    expect(report.unexplained_trouble[0]!.first).toMatch(/^2026-03-01T10:02:00\./);
    const context = { chalk: plainChalk, width: 100, explain: false };
    const text = String(textRenderer.render(report, context)).replace(/\s+/g, ' ');
    expect(text).toContain('but the bundle shows trouble no pattern judged (below)');
    expect(text).toContain('The bundle holds logs only: the cause may lie outside them');
    expect(text).toContain(
      'LoggedErrors ×2 on shop/Pod api-5f6d7c8b9-x2xkq, container app 2026-03-01 10:02:00Z → 10:04:00Z: the first: {"level":"error","msg":"upstream returned 503"',
    );
  });

  it('takes a previous instance that stopped on a signal and shut down cleanly for no trouble, one that failed after it for a restart', async () => {
    const line = (name: string, ts: string, log_line: string) =>
      aLogRow({ ts: `2026-03-01T10:${ts}Z`, name, log_previous: true, log_line });
    const current = (name: string) =>
      aLogRow({
        ts: '2026-03-01T10:09:00Z',
        name,
        log_previous: false,
        log_line: '{"level":"info","msg":"starting server"}',
      });
    const bundle = await openRows(tempDir(), 'shutdowns.parquet', [
      // A Go server drained and stopped: its last lines say so, nothing failed.
      line('api-5f6d7c8b9-aaaaa', '01:00', '{"level":"info","msg":"starting server","addr":":8080"}'),
      line(
        'api-5f6d7c8b9-aaaaa',
        '02:00',
        '{"level":"info","msg":"received SIGTERM, shutting down gracefully"}',
      ),
      current('api-5f6d7c8b9-aaaaa'),
      // Spring Boot's graceful shutdown, then its last line.
      line('shop-6c8d9f7b5-bbbbb', '01:00', "Tomcat started on port 8080 (http) with context path '/'"),
      line(
        'shop-6c8d9f7b5-bbbbb',
        '02:00',
        'Commencing graceful shutdown. Waiting for active requests to complete',
      ),
      line('shop-6c8d9f7b5-bbbbb', '02:01', 'Graceful shutdown complete'),
      current('shop-6c8d9f7b5-bbbbb'),
      // Asked to stop, it failed on the way out: a restart worth saying.
      line('db-7d9e8f6a4-ccccc', '01:00', 'Handling signal: term'),
      line('db-7d9e8f6a4-ccccc', '01:30', 'Worker exiting (pid: 7)'),
      line('db-7d9e8f6a4-ccccc', '02:00', '[ERROR] flush failed, 12 pending writes dropped'),
      current('db-7d9e8f6a4-ccccc'),
      // Stopped on a signal twice, each cleanly: killed again and again (a liveness probe), trouble.
      line('mailer-5c7d8e9f6-eeeee', '01:00', '{"level":"info","msg":"starting server"}'),
      line(
        'mailer-5c7d8e9f6-eeeee',
        '02:00',
        '{"level":"info","msg":"received SIGTERM, shutting down gracefully"}',
      ),
      line('mailer-5c7d8e9f6-eeeee', '03:00', '{"level":"info","msg":"starting server"}'),
      line(
        'mailer-5c7d8e9f6-eeeee',
        '04:00',
        '{"level":"info","msg":"received SIGTERM, shutting down gracefully"}',
      ),
      current('mailer-5c7d8e9f6-eeeee'),
      // Ended with no word of a signal: a restart.
      line('web-8e9f7a6b5-ddddd', '01:00', 'server listening on http://0.0.0.0:3000'),
      current('web-8e9f7a6b5-ddddd'),
    ]);
    const report = await analyzeBundle(bundle);
    bundle.close();
    expect(
      report.unexplained_trouble
        .filter((t) => t.reason === 'Restarted')
        .map((t) => t.subject.name)
        .sort(),
    ).toEqual(['db-7d9e8f6a4-ccccc', 'mailer-5c7d8e9f6-eeeee', 'web-8e9f7a6b5-ddddd']);
    const mailer = report.unexplained_trouble.find((t) => t.subject.name === 'mailer-5c7d8e9f6-eeeee')!;
    expect([mailer.count, mailer.message]).toEqual([
      2,
      'its previous instances stopped on a signal 2 times; the last log ends here, on: {"level":"info","msg":"received SIGTERM, shutting down gracefully"}',
    ]);
  });

  it('leaves a restart to the pod state a bundle holds, and says error lines beside it without the logs-only note', async () => {
    const bundle = await openRows(tempDir(), 'state.parquet', [
      healthyPod('api-1'),
      aLogRow({
        name: 'api-1',
        ts: '2026-03-01T10:01:00Z',
        log_previous: true,
        log_line: 'ERROR upstream returned 503',
      }),
    ]);
    const report = await analyzeBundle(bundle);
    bundle.close();
    expect(report.unexplained_trouble.map((t) => [t.source, t.reason, t.subject.name])).toEqual([
      ['log', 'LoggedErrors', 'api-1'],
    ]);
    const context = { chalk: plainChalk, width: 100, explain: false };
    expect(String(textRenderer.render(report, context))).not.toContain('logs only');
  });

  it('knows the Event reasons the catalogue reads', () => {
    const reasons = eventReasonsRead(loadPatterns());
    for (const reason of ['BackOff', 'Unhealthy', 'FailedScheduling', 'Evicted'])
      expect(reasons.has(reason), reason).toBe(true);
    expect(reasons.has('FailedSync')).toBe(false);
  });

  it('kubectl text no pattern can judge (a table without container names, Events without their pod) is said, never an all-clear', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'pods.txt'),
      [
        'NAME                   READY   STATUS             RESTARTS      AGE',
        'web-7d9f8b6c5d-abcde   0/1     CrashLoopBackOff   12 (2m ago)   40m',
        'web-7d9f8b6c5d-fghij   1/1     Running            0             40m',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'events.txt'),
      [
        'LAST SEEN          TYPE      REASON    OBJECT                     MESSAGE',
        '2m (x9 over 39m)   Warning   Frobbed   pod/api-5f6d7c8b9-zzzzz    the frobnicator gave up',
        '',
      ].join('\n'),
    );
    // A namespace stuck deleting before its controller wrote conditions, a Service whose endpoints
    // are all not ready, a DaemonSet rollout kubectl gave up on: no field a pattern reads says so.
    writeFileSync(
      path.join(dir, 'session.txt'),
      [
        '$ kubectl describe ns legacy',
        'Name:         legacy',
        'Labels:       <none>',
        'Annotations:  <none>',
        'Status:       Terminating',
        '',
        'No resource quota.',
        '',
        'No LimitRange resource.',
        '$ kubectl get endpoints api -n default -o yaml',
        'apiVersion: v1',
        'kind: Endpoints',
        'metadata:',
        '  name: api',
        '  namespace: default',
        'subsets:',
        '- notReadyAddresses:',
        '  - ip: 10.244.1.7',
        '  ports:',
        '  - port: 8080',
        '    protocol: TCP',
        '$ kubectl rollout status ds/node-probe -n default --timeout=5m',
        'Waiting for daemon set "node-probe" rollout to finish: 2 out of 3 new pods have been updated...',
        'error: timed out waiting for the condition',
        '',
      ].join('\n'),
    );
    const bundle = path.join(dir, 'b.parquet');
    expect((await kstoryInProcess('import', dir, '-o', bundle, '--no-progress')).code).toBe(0);
    const json = await kstoryInProcess('analyze', bundle, '--format', 'json');
    const report = JSON.parse(json.stdout);
    expect(report.incidents).toEqual([]);
    expect(
      report.unexplained_trouble.map((t: { reason: string; subject: { name: string } }) => [
        t.reason,
        t.subject.name,
      ]),
    ).toEqual([
      ['Frobbed', 'api-5f6d7c8b9-zzzzz'],
      ['CrashLoopBackOff', 'web-7d9f8b6c5d-abcde'],
      ['NoReadyEndpoints', 'api'],
      ['RolloutTimedOut', 'node-probe'],
      ['Terminating', 'legacy'],
    ]);
    // (Rollout status printed some counts of the DaemonSet only: the others are unknown, not 0.)
    // The reports render what the analysis said: no second analysis for them.
    const context = { chalk: plainChalk, width: 100, explain: false };
    const text = String(textRenderer.render(report, context)).replace(/\s+/g, ' ');
    expect(text).toContain('but the bundle shows trouble no pattern judged (below)');
    expect(text).toContain('5 signs of trouble no pattern explains');
    expect(text).toContain('Warning Frobbed ×9 on default/Pod api-5f6d7c8b9-zzzzz');
    expect(String(markdownRenderer.render(report, context))).toContain('## Trouble no pattern explains');
  });

  it('says a LoadBalancer Service left without an address long after its creation, with no Event about it', async () => {
    const dir = tempDir();
    const service = (name: string, type: string, created: string, ingress?: object[]) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'shop', uid: `uid-${name}`, creationTimestamp: created },
      spec: { type, clusterIP: '10.96.0.10', ports: [{ port: 443, protocol: 'TCP' }] },
      status: type === 'LoadBalancer' ? { loadBalancer: ingress ? { ingress } : {} } : {},
    });
    writeFileSync(
      path.join(dir, 'services.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          service('storefront', 'LoadBalancer', '2026-03-01T10:00:00Z'),
          service('api', 'LoadBalancer', '2026-03-01T10:00:00Z', [{ ip: '203.0.113.7' }]),
          // Created five minutes before the capture: a cloud may still be at work.
          service('fresh', 'LoadBalancer', '2026-03-01T12:55:00Z'),
          service('web', 'ClusterIP', '2026-03-01T10:00:00Z'),
          // The newest time the capture holds: when it was taken.
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'settings', namespace: 'shop', creationTimestamp: '2026-03-01T13:00:00Z' },
          },
        ],
      }),
    );
    // `kubectl get svc` of another namespace: EXTERNAL-IP <pending> for two hours.
    writeFileSync(
      path.join(dir, 'svc.txt'),
      [
        '$ kubectl get svc -n edge',
        'NAME      TYPE           CLUSTER-IP    EXTERNAL-IP   PORT(S)         AGE',
        'gateway   LoadBalancer   10.96.0.12    <pending>     443:31443/TCP   2h',
        'ingress   LoadBalancer   10.96.0.13    203.0.113.8   80:30080/TCP    2h',
        '',
      ].join('\n'),
    );
    const bundle = path.join(dir, 'b.parquet');
    expect((await kstoryInProcess('import', dir, '-o', bundle, '--no-progress')).code).toBe(0);
    const report = JSON.parse((await kstoryInProcess('analyze', bundle, '--format', 'json')).stdout);
    const pending = report.unexplained_trouble
      .filter((t: { reason: string }) => t.reason === 'LoadBalancerPending')
      .map((t: { subject: { namespace: string; name: string }; message: string }) => [
        `${t.subject.namespace}/${t.subject.name}`,
        t.message,
      ])
      .sort();
    expect(pending).toEqual([
      [
        'edge/gateway',
        'its load balancer still had no address (EXTERNAL-IP <pending>) 2h after the Service was created: no controller gave it one, nor said why',
      ],
      [
        'shop/storefront',
        'its load balancer still had no address (EXTERNAL-IP <pending>) 3h after the Service was created: no controller gave it one, nor said why',
      ],
    ]);
  });

  it('says a node the node lifecycle controller tainted unreachable when a describe cut short kept no conditions', async () => {
    const dir = tempDir();
    // kubectl 1.27 `describe node`, pasted up to its Lease: the conditions are not there.
    writeFileSync(
      path.join(dir, 'node.txt'),
      [
        '$ kubectl describe node worker-7',
        'Name:               worker-7',
        'Roles:              <none>',
        'Labels:             kubernetes.io/hostname=worker-7',
        'Annotations:        node.alpha.kubernetes.io/ttl: 0',
        'CreationTimestamp:  Mon, 02 Mar 2026 08:00:00 +0000',
        'Taints:             node.kubernetes.io/unreachable:NoExecute',
        '                    node.kubernetes.io/unreachable:NoSchedule',
        'Unschedulable:      false',
        'Lease:',
        '  HolderIdentity:  worker-7',
        '',
        '$ kubectl describe node worker-8',
        'Name:               worker-8',
        'Roles:              <none>',
        'Labels:             kubernetes.io/hostname=worker-8',
        'CreationTimestamp:  Mon, 02 Mar 2026 08:00:00 +0000',
        'Taints:             dedicated=gpu:NoSchedule',
        'Unschedulable:      false',
        '',
      ].join('\n'),
    );
    const bundle = path.join(dir, 'b.parquet');
    expect(
      (await kstoryInProcess('import', dir, '-o', bundle, '--at', '2026-03-02T10:00:00Z', '--no-progress'))
        .code,
    ).toBe(0);
    const report = JSON.parse((await kstoryInProcess('analyze', bundle, '--format', 'json')).stdout);
    expect(
      report.unexplained_trouble.map((t: { reason: string; subject: { name: string }; message: string }) => [
        t.reason,
        t.subject.name,
        t.message,
      ]),
    ).toEqual([
      [
        'NodeUnreachable',
        'worker-7',
        'the node carried the taint node.kubernetes.io/unreachable the node lifecycle controller puts on a node whose kubelet stopped posting its status; its conditions were not kept',
      ],
    ]);
  });
});
