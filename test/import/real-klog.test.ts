// `kstory import` on component logs from real clusters (../shared/real-samples/klog): an RKE kubelet
// without a network plugin beside a flannel container's log saved under Docker's name, and a
// docker compose control plane starting. The counts were taken with grep.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importedSample, rows, SAMPLES, SAMPLES_ABSENT as SKIP } from './helpers.ts';

const KLOG = path.join(SAMPLES, 'klog');

const RKE = 'rke-kubelet-no-cni';
describe.skipIf(!existsSync(path.join(KLOG, RKE)))(`RKE kubelet without a network plugin ${SKIP}`, () => {
  const sample = importedSample(`klog/${RKE}`);

  it("the kubelet's log is about its node; the flannel container's log is its pod's", async () => {
    const { result, bundle } = sample();
    expect(result.inputs[0]?.formats).toEqual({ 'component-log': 1, 'container-log': 1 });
    expect(result.inputs[0]?.issueCount).toBe(0);
    expect(
      await rows(
        bundle,
        'SELECT kind, namespace, name, uid, container, count(*)::INTEGER AS n FROM logs GROUP BY ALL ORDER BY kind',
      ),
    ).toEqual([
      { kind: 'Node', namespace: null, name: 'acthlkubed25', uid: null, container: 'kubelet', n: 2251 },
      {
        kind: 'Pod',
        namespace: 'kube-system',
        name: 'kube-flannel-8h8dx',
        uid: 'cc955a23-2e83-4e49-a190-79d9f3cdb117',
        container: 'install-cni',
        n: 72,
      },
    ]);
    expect(
      await rows(
        bundle,
        "SELECT count(*)::INTEGER AS n FROM logs WHERE log_line LIKE '%NetworkPluginNotReady%'",
      ),
    ).toEqual([{ n: 36 }]);
  });

  it('spans the 39 minutes the kubelet logged, not the months since the files were copied', async () => {
    const { result, bundle } = sample();
    const { start, end } = bundle.metadata.window;
    expect(start?.slice(5, 19)).toBe('01-20T11:42:11');
    expect(end?.slice(5, 19)).toBe('01-20T12:20:56');
    // Nothing in it writes a year: the capture is its newest log time, and it says the year is inferred.
    expect(result.inputs[0]?.capturedSource).toBe('inferred-year');
  });
});

const COMPOSE = 'compose-control-plane';
describe.skipIf(!existsSync(path.join(KLOG, COMPOSE)))(
  `docker compose control plane starting ${SKIP}`,
  () => {
    const sample = importedSample(`klog/${COMPOSE}`);

    it('each service is a component; the summary of errors is named, not read', async () => {
      const { result, bundle } = sample();
      expect(result.inputs[0]?.formats).toEqual({ 'component-log': 4 });
      expect(Object.values(result.inputs[0]?.skippedFiles ?? {}).flat()).toEqual([
        path.join(KLOG, COMPOSE, 'error.log'),
      ]);
      expect(
        await rows(
          bundle,
          'SELECT container, count(*)::INTEGER AS n FROM logs GROUP BY ALL ORDER BY container',
        ),
      ).toEqual([
        { container: 'kube-apiserver', n: 10 },
        { container: 'kube-controller-manager', n: 22 },
        { container: 'kube-proxy', n: 10 },
        { container: 'kube-scheduler', n: 127 },
      ]);
      expect(
        await rows(
          bundle,
          "SELECT count(*)::INTEGER AS n FROM logs WHERE container = 'kube-scheduler' AND log_line LIKE '%connection refused%'",
        ),
      ).toEqual([{ n: 112 }]);
    });

    it('klog lines take the year of the dated lines around them: 2024, fifteen seconds of start-up', async () => {
      const { result, bundle } = sample();
      expect(bundle.metadata.window).toEqual({
        start: '2024-08-22T16:18:53.000000Z',
        end: '2024-08-22T16:19:08.000000Z',
      });
      expect(result.inputs[0]).toMatchObject({
        capturedAt: '2024-08-22T16:19:08Z',
        capturedSource: 'newest-observation',
      });
    });
  },
);
