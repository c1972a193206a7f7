// The FailedSync Events of kubelets before 1.10 ("Error syncing pod, skipping: failed to
// "StartContainer" for "app" with CrashLoopBackOff: …"): the failure each carries is read as the
// Event a later kubelet gives it, about the container it names, so that the patterns judge it.

import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { openRows } from '../support/bundles.ts';
import { anEventRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

/** A FailedSync of a kubelet before 1.10 about a pod: no fieldPath, the container in the message. */
const failedSync = (name: string, message: string, count = 12) =>
  anEventRow({
    name,
    event_reason: 'FailedSync',
    event_message: `Error syncing pod, skipping: ${message}`,
    event_count: count,
    event_first: '2026-03-01T10:00:00Z',
    ts: '2026-03-01T10:40:00Z',
  });

describe('FailedSync of kubelets before 1.10', () => {
  it('reads the crash loop, image pull, volume and sandbox failures it carries as the patterns know them', async () => {
    const bundle = await openRows(tempDir(), 'b.parquet', [
      failedSync(
        'api-1',
        'failed to "StartContainer" for "api" with CrashLoopBackOff: "Back-off 5m0s restarting failed container=api pod=api-1_shop(6f0c4b7e-1a2b-11e8-9c3d-42010a800002)"',
      ),
      failedSync(
        'web-1',
        'failed to "StartContainer" for "web" with ImagePullBackOff: "Back-off pulling image \\"registry.example.org/web:4.2\\""',
      ),
      failedSync(
        'db-0',
        'timeout expired waiting for volumes to attach/mount for pod "shop"/"db-0". list of unattached/unmounted volumes=[data]',
      ),
      failedSync(
        'cache-1',
        'failed to "StartContainer" for "POD" with ErrImagePull: "image pull failed for registry.example.org/pause:3.0, this may be because there are no credentials on this request.  details: (Error response from daemon: Get https://registry.example.org/v2/: dial tcp 10.0.0.9:443: i/o timeout)"',
      ),
      // What the sync result does not name stays FailedSync: no pattern reads it.
      failedSync('odd-1', 'failed to "KillPodSandbox" for "6f0c" with KillPodSandboxError: "rpc error"'),
      failedSync('odd-2', 'error determining status: rpc error: code = DeadlineExceeded'),
    ]);
    try {
      const report = await analyzeBundle(bundle, { all: true });
      const found = report.findings
        .map((f) => `${f.pattern} ${f.subject.name}${f.subject.container ? `/${f.subject.container}` : ''}`)
        .sort();
      expect(found).toEqual(
        expect.arrayContaining([
          'container-creating-stuck db-0',
          'crash-loop-backoff api-1/api',
          'image-pull-backoff web-1/web',
          'pod-sandbox-failed cache-1',
        ]),
      );
      expect(found.filter((f) => / odd-/.test(f))).toEqual([]);
      // The kubelet's own words are the evidence.
      const crash = report.findings.find((f) => f.pattern === 'crash-loop-backoff')!;
      expect(JSON.stringify(crash.evidence)).toContain('Error syncing pod, skipping');
      expect(report.unexplained_trouble.map((t) => `${t.reason} ${t.subject.name}`).sort()).toEqual([
        'FailedSync odd-1',
        'FailedSync odd-2',
      ]);
    } finally {
      bundle.close();
    }
  });
});
