// `kstory import` on `kubectl cluster-info dump` outputs from real clusters (../shared/real-samples):
// one-file dumps of kubectl 1.9 (internal-type JSON), 1.12, 1.20 and a UTF-16 one saved by PowerShell,
// and a dump directory. The expected counts were taken with an independent script (Python's json over
// the documents, a line count between the START and END markers).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/reader.ts';
import { importedSample, rows, SAMPLES, SAMPLES_ABSENT as SKIP } from './helpers.ts';

async function countsBySource(bundle: Bundle): Promise<Record<string, number>> {
  const counts = await rows(bundle, 'SELECT source, count(*)::INTEGER AS n FROM bundle GROUP BY source');
  return Object.fromEntries(counts.map((r) => [r.source as string, r.n as number]));
}

/** Pod events whose subject uid is a pod of the bundle, and all pod events. */
async function linkedPodEvents(bundle: Bundle): Promise<{ linked: number; all: number }> {
  const [row] = await rows(
    bundle,
    `SELECT count(*) FILTER (WHERE uid IN (SELECT uid FROM objects WHERE kind = 'Pod'))::INTEGER AS linked, count(*)::INTEGER AS "all"
     FROM events WHERE kind = 'Pod'`,
  );
  return row as { linked: number; all: number };
}

const NOTREADY = 'dump-single-file-notready/cluster-info-dump.json';
describe.skipIf(!existsSync(path.join(SAMPLES, NOTREADY)))(
  `one-file dump, kubeadm 1.20, nodes NotReady ${SKIP}`,
  () => {
    const sample = importedSample(NOTREADY);

    it('reads every list and every log section, as a snapshot', async () => {
      const { result, bundle } = sample();
      expect(result.inputs[0]?.formats).toEqual({ 'cluster-info-dump': 1 });
      expect(result.inputs[0]?.issueCount).toBe(0);
      expect(await countsBySource(bundle)).toEqual({ object: 21, event: 2, log: 21_671, marker: 1 });
      expect(bundle.metadata.snapshot).toBe(true);
      expect(await linkedPodEvents(bundle)).toEqual({ linked: 2, all: 2 });
    });

    it('log sections are the logs of their pod and container, dated by what the components wrote', async () => {
      const { bundle } = sample();
      expect(
        await rows(
          bundle,
          `SELECT name, container, count(*)::INTEGER AS n, min(ts)::VARCHAR AS first, count(uid)::INTEGER AS with_uid
         FROM logs WHERE name LIKE 'etcd-%' OR name = 'kube-apiserver-cka-controller1' GROUP BY ALL ORDER BY name`,
        ),
      ).toEqual([
        // etcd 3.4's capnslog lines: `2021-04-07 22:18:17.231702 I | etcdmain: ...`
        {
          name: 'etcd-cka-controller1',
          container: 'etcd',
          n: 5889,
          first: '2021-04-07 22:18:17.231701+00',
          with_uid: 5889,
        },
        {
          name: 'etcd-cka-controller2',
          container: 'etcd',
          n: 5579,
          first: '2021-04-07 22:46:18.484466+00',
          with_uid: 5579,
        },
        // klog without a year: 2021, from the dump's own times.
        {
          name: 'kube-apiserver-cka-controller1',
          container: 'kube-apiserver',
          n: 5234,
          first: '2021-04-07 22:18:27.19063+00',
          with_uid: 5234,
        },
      ]);
    });

    it('the window is the cluster’s, and it was captured when its newest line says', async () => {
      const { result, bundle } = sample();
      expect(bundle.metadata.window).toEqual({
        start: '2021-04-07T22:18:17.231701Z',
        end: '2021-04-08T12:39:39.655115Z',
      });
      expect(result.inputs[0]).toMatchObject({
        capturedAt: '2021-04-08T12:39:39.655115Z',
        capturedSource: 'newest-observation',
      });
      expect(
        await rows(
          bundle,
          "SELECT name, c.status, c.reason FROM (SELECT *, unnest(conditions) AS c FROM objects WHERE kind = 'Node') WHERE c.type = 'Ready' ORDER BY name",
        ),
      ).toEqual([
        { name: 'cka-controller1', status: 'False', reason: 'KubeletNotReady' },
        { name: 'cka-controller2', status: 'False', reason: 'KubeletNotReady' },
        { name: 'cka-worker1', status: 'False', reason: 'KubeletNotReady' },
      ]);
    });
  },
);

const V19 = 'dump-single-file-v1.9-capitalised/cluster-info-dump.json';
describe.skipIf(!existsSync(path.join(SAMPLES, V19)))(
  `one-file dump of kubectl 1.9, internal-type JSON ${SKIP}`,
  () => {
    const sample = importedSample(V19);

    it('reads every object and event, kinds from their selfLinks', async () => {
      const { result, bundle } = sample();
      expect(result.inputs[0]?.issueCount).toBe(0);
      expect(await countsBySource(bundle)).toEqual({ object: 21, event: 74, log: 29_139, marker: 1 });
      expect(
        await rows(
          bundle,
          'SELECT api_version, kind, count(*)::INTEGER AS n FROM objects GROUP BY ALL ORDER BY kind',
        ),
      ).toEqual([
        { api_version: 'extensions/v1beta1', kind: 'DaemonSet', n: 1 },
        { api_version: 'extensions/v1beta1', kind: 'Deployment', n: 3 },
        { api_version: 'v1', kind: 'Node', n: 3 },
        { api_version: 'v1', kind: 'Pod', n: 6 },
        { api_version: 'extensions/v1beta1', kind: 'ReplicaSet', n: 3 },
        { api_version: 'v1', kind: 'Service', n: 5 },
      ]);
    });

    it('events are linked to their pods by uid; pods keep node, phase and containers', async () => {
      const { bundle } = sample();
      expect(await linkedPodEvents(bundle)).toEqual({ linked: 39, all: 39 });
      expect(
        await rows(
          bundle,
          "SELECT count(*)::INTEGER AS pods, count(node)::INTEGER AS with_node, count(*) FILTER (WHERE phase = 'Running')::INTEGER AS running, count(*) FILTER (WHERE len(containers) > 0)::INTEGER AS with_containers FROM objects WHERE kind = 'Pod'",
        ),
      ).toEqual([{ pods: 6, with_node: 6, running: 6, with_containers: 6 }]);
      expect(
        await rows(
          bundle,
          "SELECT count(*)::INTEGER AS ready FROM (SELECT unnest(conditions) AS c FROM objects WHERE kind = 'Node') WHERE c.type = 'Ready' AND c.status = 'True'",
        ),
      ).toEqual([{ ready: 3 }]);
    });

    it('spans the 51 minutes the cluster had lived, not one second or years', async () => {
      const { bundle } = sample();
      expect(bundle.metadata.window).toEqual({
        start: '2018-02-24T05:27:57.000000Z',
        end: '2018-02-24T06:19:06.000000Z',
      });
    });
  },
);

const V112 = 'dump-single-file-v1.12-flannel/clusterinfo.txt';
// FailedCreatePodSandBox events whose message names flannel's missing subnet.env.
const SANDBOX_EVENTS = 26;
describe.skipIf(!existsSync(path.join(SAMPLES, V112)))(
  `one-file dump, 1.12, flannel after restarts ${SKIP}`,
  () => {
    const sample = importedSample(V112);

    it('reads the lists of two namespaces and their logs; the closing line is not an issue', async () => {
      const { result, bundle } = sample();
      expect(result.inputs[0]?.issueCount).toBe(0);
      expect(await countsBySource(bundle)).toEqual({ object: 51, event: 150, log: 566, marker: 1 });
      // 16 of the 134 pod events are about pods deleted before the dump.
      expect(await linkedPodEvents(bundle)).toEqual({ linked: 118, all: 134 });
      expect(
        await rows(
          bundle,
          "SELECT count(*)::INTEGER AS n FROM events WHERE event_reason = 'FailedCreatePodSandBox' AND event_message LIKE '%/run/flannel/subnet.env%'",
        ),
      ).toEqual([{ n: SANDBOX_EVENTS }]);
    });

    it('the flannel restarts are on the pods, and every log line falls on the day of the dump', async () => {
      const { bundle } = sample();
      const restarts = await rows(
        bundle,
        "SELECT name, c.restart_count AS restarts FROM (SELECT *, unnest(containers) AS c FROM objects WHERE kind = 'Pod' AND name LIKE 'kube-flannel-ds-%') ORDER BY name",
      );
      expect(restarts.map((r) => r.restarts).sort()).toEqual([46, 49, 53, 59]);
      expect(
        await rows(
          bundle,
          'SELECT min(ts)::DATE::VARCHAR AS first, max(ts)::DATE::VARCHAR AS last FROM logs',
        ),
      ).toEqual([{ first: '2018-11-27', last: '2018-11-27' }]);
    });
  },
);

const UTF16 = 'dump-single-file-utf16/cluster-info.json';
describe.skipIf(!existsSync(path.join(SAMPLES, UTF16)))(
  `one-file dump saved as UTF-16 by PowerShell ${SKIP}`,
  () => {
    const sample = importedSample(UTF16);

    it('reads it whole through its byte-order mark', async () => {
      const { result, bundle } = sample();
      expect(result.inputs[0]?.formats).toEqual({ 'cluster-info-dump': 1 });
      expect(result.inputs[0]?.issueCount).toBe(0);
      expect(await countsBySource(bundle)).toEqual({ object: 18, event: 65, log: 538, marker: 1 });
      expect(bundle.metadata.snapshot).toBe(true);
    });

    it("etcd's JSON lines are dated by their own ts", async () => {
      const { bundle } = sample();
      expect(
        await rows(
          bundle,
          "SELECT min(ts)::VARCHAR AS first, max(ts)::VARCHAR AS last FROM logs WHERE name = 'etcd-minikube'",
        ),
      ).toEqual([{ first: '2022-10-15 11:01:32.364+00', last: '2022-10-15 11:41:38.66+00' }]);
    });
  },
);

const RKE2 = 'dump-directory-rke2-reboot/cluster-dump';
describe.skipIf(!existsSync(path.join(SAMPLES, RKE2)))(`dump directory, RKE2 after a reboot ${SKIP}`, () => {
  const sample = importedSample(RKE2);

  it('dates the klog lines of logs.txt by the year of the dump, not the date the files were copied', async () => {
    const { result, bundle } = sample();
    expect(result.inputs[0]).toMatchObject({
      layout: 'cluster-info-dump',
      capturedSource: 'newest-observation',
    });
    expect(bundle.metadata.window.end?.slice(0, 10)).toBe('2025-11-01');
    expect(
      await rows(
        bundle,
        "SELECT min(ts)::VARCHAR AS first, max(ts)::VARCHAR AS last FROM logs WHERE name LIKE 'kube-scheduler-%'",
      ),
    ).toEqual([{ first: '2025-10-31 18:00:12.591042+00', last: '2025-10-31 18:00:33.963456+00' }]);
  });

  it('its logs.txt files, read after pods.json, carry their pod’s uid and node', async () => {
    const { bundle } = sample();
    expect(
      await rows(
        bundle,
        'SELECT count(*)::INTEGER AS n, count(uid)::INTEGER AS u, count(node)::INTEGER AS nd FROM logs',
      ),
    ).toEqual([{ n: 3324, u: 3324, nd: 3324 }]);
  });
});
