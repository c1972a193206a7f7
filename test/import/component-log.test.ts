// Component logs outside pods, written here: a kubelet's klog (year-less) after its start-up script,
// a docker compose control plane, etcd's capnslog; their year from the rest of the import, --year,
// or the file's date as the last resort; and logs read after the objects that describe their pods.
import { utimesSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { aNode, aPod } from '../kube/builders.ts';
import { kstory } from '../support/cli.ts';
import { rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const kubeletLog = [
  '+ echo kubelet --hostname-override=node-a --v=2',
  '+ grep -q cloud-provider=azure',
  'I1231 23:58:00.000001    4787 flags.go:59] FLAG: --address="0.0.0.0"',
  'I1231 23:58:00.000002    4787 flags.go:59] FLAG: --hostname-override="node-a"',
  'E1231 23:59:59.500000    4787 kubelet.go:2188] Container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized',
  'E0101 00:00:05.250000    4787 kubelet_node_status.go:93] Unable to register node "node-a" with API server',
  '',
].join('\n');

function dated(file: string, iso: string): string {
  const when = new Date(iso);
  utimesSync(file, when, when);
  return file;
}

describe('component logs in klog form', () => {
  it("a kubelet's log: the node it names, its year from the import's objects, across a New Year", async () => {
    const log = dated(scratch.write('node-a/kubelet.log', kubeletLog), '2027-06-01T00:00:00Z');
    // The objects come after the log on the command line: the log is read after them all the same.
    const node = scratch.write(
      'objects/node.json',
      JSON.stringify(
        aNode({
          metadata: { creationTimestamp: '2026-12-01T00:00:00Z' },
          status: {
            conditions: [{ type: 'Ready', status: 'False', lastHeartbeatTime: '2027-01-01T00:01:00Z' }],
          },
        }),
      ),
    );
    const { result, bundle } = await scratch.import([log, node]);
    expect(result.inputs[0]?.formats).toEqual({ 'component-log': 1 });
    expect(
      await rows(bundle!, 'SELECT kind, name, container, ts::VARCHAR AS ts, log_line FROM logs ORDER BY ts'),
    ).toEqual([
      // The start-up script's lines, just before the first dated line.
      {
        kind: 'Node',
        name: 'node-a',
        container: 'kubelet',
        ts: '2026-12-31 23:57:59.999999+00',
        log_line: '+ echo kubelet --hostname-override=node-a --v=2',
      },
      {
        kind: 'Node',
        name: 'node-a',
        container: 'kubelet',
        ts: '2026-12-31 23:58:00+00',
        log_line: '+ grep -q cloud-provider=azure',
      },
      {
        kind: 'Node',
        name: 'node-a',
        container: 'kubelet',
        ts: '2026-12-31 23:58:00.000001+00',
        log_line: 'I1231 23:58:00.000001    4787 flags.go:59] FLAG: --address="0.0.0.0"',
      },
      {
        kind: 'Node',
        name: 'node-a',
        container: 'kubelet',
        ts: '2026-12-31 23:58:00.000002+00',
        log_line: 'I1231 23:58:00.000002    4787 flags.go:59] FLAG: --hostname-override="node-a"',
      },
      expect.objectContaining({ ts: '2026-12-31 23:59:59.5+00' }),
      // January after December: the next year.
      expect.objectContaining({ ts: '2027-01-01 00:00:05.25+00' }),
    ]);
    // Taken when the newest log line says, not on the file's date five months later.
    expect(result.inputs[0]).toMatchObject({
      capturedAt: '2027-01-01T00:00:05.250000Z',
      capturedSource: 'inferred-year',
    });
    bundle!.close();
  });

  it('docker compose prefixes name the component; a full date in the same log gives the year', async () => {
    const file = dated(
      scratch.write(
        'compose/control-plane.log',
        [
          'kube-apiserver_1  | 2024/08/22 16:18:53 Running command:',
          'kube-apiserver_1  | I0822 16:18:54.000000       1 server.go:1] Version: v1.30.0',
          'kube-scheduler-1  | W0822 16:18:55.000000       1 authentication.go:1] dial tcp 127.0.0.1:6443: connect: connection refused',
          'kube-scheduler-1  | I0822 16:19:08.000000       1 leaderelection.go:1] successfully acquired lease',
          '',
        ].join('\n'),
      ),
      '2026-12-06T00:00:00Z',
    );
    const { result, bundle } = await scratch.import([file]);
    expect(result.inputs[0]?.formats).toEqual({ 'component-log': 1 });
    expect(
      await rows(
        bundle!,
        "SELECT kind, container, ts::VARCHAR AS ts, log_line FROM logs WHERE log_line <> '' ORDER BY ts",
      ),
    ).toEqual([
      {
        kind: null,
        container: 'kube-apiserver',
        ts: '2024-08-22 16:18:53+00',
        log_line: '2024/08/22 16:18:53 Running command:',
      },
      {
        kind: null,
        container: 'kube-apiserver',
        ts: '2024-08-22 16:18:54+00',
        log_line: 'I0822 16:18:54.000000       1 server.go:1] Version: v1.30.0',
      },
      expect.objectContaining({ container: 'kube-scheduler', ts: '2024-08-22 16:18:55+00' }),
      expect.objectContaining({ container: 'kube-scheduler', ts: '2024-08-22 16:19:08+00' }),
    ]);
    bundle!.close();
  });

  it('--year dates a log that nothing else dates; without it the file date is the last resort, and said', async () => {
    const file = dated(
      scratch.write(
        'etcd/etcd.log',
        'I0301 10:00:00.000000       1 etcd.go:1] started\nW0301 10:00:01.000000       1 etcd.go:2] slow\nI0301 10:00:02.000000       1 etcd.go:3] ok\n',
      ),
      '2026-04-02T00:00:00Z',
    );
    const withYear = await scratch.import([file], { year: 2023 });
    expect(await rows(withYear.bundle!, 'SELECT min(ts)::VARCHAR AS ts FROM logs')).toEqual([
      { ts: '2023-03-01 10:00:00+00' },
    ]);
    withYear.bundle!.close();
    const without = await scratch.import([file]);
    expect(await rows(without.bundle!, 'SELECT min(ts)::VARCHAR AS ts FROM logs')).toEqual([
      { ts: '2026-03-01 10:00:00+00' },
    ]);
    expect(without.bundle!.metadata.inputs[0]?.captured_at_source).toBe('inferred-year');
    without.bundle!.close();
  });

  it("etcd's capnslog lines are component lines with their own dates", async () => {
    const file = scratch.write(
      'etcd2/etcd-member.log',
      '2021-04-07 22:18:17.231702 I | etcdmain: etcd Version: 3.4.13\n2021-04-07 22:18:17.231772 I | etcdmain: Git SHA: ae9734ed2\n2021-04-07 22:18:18.000000 W | etcdserver: slow fdatasync\n',
    );
    const { result, bundle } = await scratch.import([file]);
    expect(result.inputs[0]).toMatchObject({
      formats: { 'component-log': 1 },
      capturedSource: 'newest-observation',
    });
    expect(await rows(bundle!, 'SELECT container, count(*)::INTEGER AS n FROM logs GROUP BY ALL')).toEqual([
      { container: 'etcd', n: 3 },
    ]);
    bundle!.close();
  });

  it('journal text is read as the journal, not as a component log', async () => {
    const journal = scratch.write(
      'journal/kubelet_service.log',
      '-- Logs begin at Tue 2021-08-03 09:10:29 UTC. --\nAug 03 09:10:30 node-a hyperkube[1400]: I0803 09:10:30.000001    1400 server.go:1] x\n',
    );
    const { result, bundle } = await scratch.import([journal]);
    expect(result.inputs[0]?.formats).toEqual({ journal: 1 });
    bundle!.close();
  });

  it('rejects a --year that is not a year, naming it', () => {
    const out = kstory([
      'import',
      scratch.path('etcd/etcd.log'),
      '-o',
      scratch.path('never.parquet'),
      '--year',
      '24',
    ]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--year 24: expected a year such as 2024');
  });
});

describe('logs read after the objects that describe their pods', () => {
  it("a dump directory's logs.txt and a Docker log file, inside a tar archive, get their pod's uid and node", async () => {
    const p = pack();
    const entry = (name: string, content: string) =>
      p.entry({ name, mtime: new Date('2026-03-09T00:00:00Z') }, content);
    // Logs first, as a directory walk or an archive may hand them out.
    entry(
      'dump/shop/checkout-7d9f8-abcde/logs.txt',
      '==== START logs for container app of pod shop/checkout-7d9f8-abcde ====\nI0301 10:00:30.000000       1 main.go:1] serving\n==== END logs for container app of pod shop/checkout-7d9f8-abcde ====\n',
    );
    entry('node/k8s_app_checkout-7d9f8-abcde_shop_0f6a1e0c-1111-2222-3333-444455556666_0.log', 'booting\n');
    entry('dump/shop/pods.json', JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: [aPod()] }));
    p.finalize();
    const tar: Buffer[] = [];
    for await (const chunk of p) tar.push(chunk as Buffer);
    const archive = scratch.write('late.tar.gz', gzipSync(Buffer.concat(tar)));
    const { result, bundle } = await scratch.import([archive]);
    expect(result.inputs[0]?.issueCount).toBe(0);
    expect(
      await rows(
        bundle!,
        'SELECT name, uid, node, container, ts::VARCHAR AS ts, log_line FROM logs ORDER BY ts, log_line',
      ),
    ).toEqual([
      {
        name: 'checkout-7d9f8-abcde',
        uid: 'pod-uid-1',
        node: 'node-a',
        container: 'app',
        ts: '2026-03-01 10:00:30+00',
        log_line: 'I0301 10:00:30.000000       1 main.go:1] serving',
      },
      {
        name: 'checkout-7d9f8-abcde',
        // The uid its file name holds.
        uid: '0f6a1e0c-1111-2222-3333-444455556666',
        node: 'node-a',
        container: 'app',
        // Undated: at the newest time the rest of the import holds, not the archive's date.
        ts: '2026-03-01 10:00:30+00',
        log_line: 'booting',
      },
    ]);
    bundle!.close();
  });
});
