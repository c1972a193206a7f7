// A snapshot shows a crash loop that has stopped only by what it left behind: a restart count in the
// hundreds and the last termination state of a container that happens to run at capture time. That
// is reported, said as what happened before capture; a container that exits 0 under restartPolicy
// Always is a crash loop with its own wording. A single back-off after which the container ran is a
// failed start, not a loop.

import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { BundleRow, ContainerRow } from '../../src/bundle/row.ts';
import { openRows } from '../support/bundles.ts';
import { aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

const runningAgain = (restarts: number): ContainerRow => ({
  name: 'registry',
  image: 'confluentinc/cp-schema-registry:5.4.0',
  init: false,
  ready: true,
  restart_count: restarts,
  state: 'running',
  started_at: '2026-02-28T11:08:13Z',
  last_reason: 'Error',
  last_exit_code: 255,
  last_started_at: '2026-02-27T08:57:57Z',
  last_finished_at: '2026-02-28T11:07:05Z',
});

const snapshot = { snapshot: true };

/** The kubelet's back-off of a pod's failed container, `count` times (from 10:01:40 until 11:40:10). */
const backOff = (name: string, count: number, over: Partial<BundleRow> = {}): BundleRow => ({
  source: 'event',
  ts: '2026-02-28T11:40:10Z',
  kind: 'Pod',
  namespace: 'shop',
  name,
  event_type: 'Warning',
  event_reason: 'BackOff',
  event_count: count,
  event_first: '2026-02-28T10:01:40Z',
  event_uid: `backoff-${name}`,
  event_message: 'Back-off restarting failed container',
  ...over,
});
/** A back-off while a node came back at 11:01. */
const AFTER_REBOOT = {
  namespace: 'kube-system',
  ts: '2026-02-28T11:02:10Z',
  event_first: '2026-02-28T11:01:40Z',
};

describe('restart history in snapshots', () => {
  it('reports a container that restarted hundreds of times and runs at capture, as what happened before', async () => {
    const bundle = await openRows(
      tempDir(),
      'history.parquet',
      [
        aPodRow({
          ts: '2026-02-28T11:08:13Z',
          created_at: '2026-02-09T12:05:23Z',
          namespace: 'kafka',
          name: 'registry-79bd4796d-jsdx4',
          containers: [runningAgain(1119)],
          conditions: [{ type: 'Ready', status: 'True', last_transition: '2026-02-28T11:08:14Z' }],
        }),
        // A later observation elsewhere: the capture is weeks after the loop stopped.
        aPodRow({
          ts: '2026-04-14T04:56:12Z',
          name: 'other-1',
          containers: [{ ...runningAgain(0), name: 'x' }],
        }),
      ],
      snapshot,
    );
    try {
      const report = await analyzeBundle(bundle);
      const crash = report.findings.find((f) => f.pattern === 'crash-loop-backoff')!;
      expect(crash.subject).toMatchObject({ namespace: 'kafka', name: 'registry-79bd4796d-jsdx4' });
      expect(crash.variant).toBe('restarted-before-capture');
      expect(crash.severity).toBe('medium');
      expect(crash.summary).toContain('restarted 1119 times');
      expect(crash.summary).toContain('exit 255 at 2026-02-28 11:07:05Z');
      expect(crash.resolved).not.toBeNull();
      expect(report.incidents.map((i) => report.findings[i.root]!.pattern)).toEqual(['crash-loop-backoff']);
    } finally {
      bundle.close();
    }
  });

  it('does not count a few restarts of a running container as a crash loop', async () => {
    const bundle = await openRows(
      tempDir(),
      'few.parquet',
      [aPodRow({ ts: '2026-02-28T11:08:13Z', containers: [runningAgain(21)] })],
      snapshot,
    );
    try {
      const report = await analyzeBundle(bundle);
      expect(report.findings.filter((f) => f.pattern === 'crash-loop-backoff')).toEqual([]);
    } finally {
      bundle.close();
    }
  });

  it('takes a container backed off again and again for a crash loop, not one backed off once and running since', async () => {
    // A node restarted at 11:01: both containers failed to start while the API server came back.
    const pod = (name: string): BundleRow =>
      aPodRow({
        ts: '2026-02-28T11:02:22Z',
        created_at: '2026-02-13T20:14:34Z',
        namespace: 'kube-system',
        name,
        containers: [
          {
            ...runningAgain(6),
            name: 'main',
            started_at: '2026-02-28T11:02:22Z',
            last_reason: 'Error',
            last_exit_code: 1,
            last_finished_at: '2026-02-28T11:02:09Z',
          },
        ],
      });
    const bundle = await openRows(
      tempDir(),
      'backoffs.parquet',
      [
        pod('failed-start'),
        backOff('failed-start', 1, AFTER_REBOOT),
        pod('looping'),
        backOff('looping', 4, AFTER_REBOOT),
        // The capture, 40 minutes later.
        aPodRow({
          ts: '2026-02-28T11:42:30Z',
          name: 'other-1',
          containers: [{ ...runningAgain(0), name: 'x' }],
        }),
      ],
      snapshot,
    );
    try {
      const report = await analyzeBundle(bundle);
      const crashes = report.findings.filter((f) => f.pattern === 'crash-loop-backoff');
      expect(crashes.map((f) => f.subject.name)).toEqual(['looping']);
    } finally {
      bundle.close();
    }
  });

  it('takes back-offs repeated in Events alone (no pod status) for a crash loop, less surely', async () => {
    const bundle = await openRows(
      tempDir(),
      'events-only.parquet',
      [
        backOff('worker-1', 212, { container: 'app' }),
        backOff('api-1', 40),
        backOff('once-1', 1, { container: 'app' }),
      ],
      snapshot,
    );
    try {
      const report = await analyzeBundle(bundle);
      const crashes = report.findings.filter((f) => f.pattern === 'crash-loop-backoff');
      expect(crashes.map((f) => [f.subject.name, f.subject.container, f.variant]).sort()).toEqual([
        ['api-1', null, 'events-only'],
        ['worker-1', 'app', 'events-only'],
      ]);
      const worker = crashes.find((f) => f.subject.name === 'worker-1')!;
      expect(worker.summary).toContain('212 times');
      expect(worker.summary).toContain('no status of the pod');
      expect(worker.confidence).toBeLessThan(0.7);
      expect(report.incidents.map((i) => report.findings[i.root]!.pattern)).toEqual([
        'crash-loop-backoff',
        'crash-loop-backoff',
      ]);
      // One back-off is no loop: it stays a sign of trouble nothing explains, not an all-clear.
      expect(report.unexplained_trouble.map((t) => [t.reason, t.subject.name])).toEqual([
        ['BackOff', 'once-1'],
      ]);
    } finally {
      bundle.close();
    }
  });

  it('takes back-offs of an init container in Events alone (its fieldPath) for a failing init container, not a crash loop', async () => {
    // The kubelet's Events about an init container name it by spec.initContainers{name}; events.k8s.io/v1
    // calls the involved object `regarding`.
    const about = (container: string, init: boolean, api: 'core' | 'events') => {
      const ref = {
        kind: 'Pod',
        name: `${container}-1`,
        fieldPath: `spec.${init ? 'initContainers' : 'containers'}{${container}}`,
      };
      return { container, body: api === 'core' ? { involvedObject: ref } : { regarding: ref } };
    };
    const bundle = await openRows(
      tempDir(),
      'init-events-only.parquet',
      [
        backOff('fetch-1', 12, about('fetch', true, 'core')),
        {
          ...backOff('fetch-1', 5, about('fetch', true, 'core')),
          event_reason: 'Failed',
          event_uid: 'failed-fetch-1',
          event_message:
            'Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "wgett": executable file not found in $PATH: unknown',
        },
        backOff('migrate-1', 9, about('migrate', true, 'events')),
        backOff('app-1', 9, about('app', false, 'core')),
      ],
      snapshot,
    );
    try {
      const report = await analyzeBundle(bundle);
      const found = report.findings
        .filter((f) => ['crash-loop-backoff', 'init-container-failed'].includes(f.pattern))
        .map((f) => [f.pattern, f.subject.name, f.subject.container, f.variant])
        .sort();
      expect(found).toEqual([
        ['crash-loop-backoff', 'app-1', 'app', 'events-only'],
        ['init-container-failed', 'fetch-1', 'fetch', 'command-not-found-events'],
        ['init-container-failed', 'migrate-1', 'migrate', 'events-only'],
      ]);
      const fetch = report.findings.find((f) => f.subject.name === 'fetch-1')!;
      expect(fetch.summary).toContain('executable file not found');
      expect(fetch.confidence).toBeLessThan(0.75);
    } finally {
      bundle.close();
    }
  });

  it('says that a container exiting 0 under restartPolicy Always is restarted all the same', async () => {
    const bundle = await openRows(
      tempDir(),
      'completed.parquet',
      [
        aPodRow({
          ts: '2026-04-14T04:56:12Z',
          containers: [
            {
              name: 'samples',
              init: false,
              ready: false,
              restart_count: 1900,
              state: 'waiting',
              reason: 'CrashLoopBackOff',
              message: 'back-off 5m0s restarting failed container=samples',
              last_reason: 'Completed',
              last_exit_code: 0,
              last_finished_at: '2026-04-14T04:56:11Z',
            },
          ],
        }),
      ],
      snapshot,
    );
    try {
      const report = await analyzeBundle(bundle);
      const crash = report.findings.find((f) => f.pattern === 'crash-loop-backoff')!;
      expect(crash.variant).toBe('exits-zero');
      expect(crash.severity).toBe('high');
      expect(crash.summary).toContain('exits successfully (exit 0, Completed)');
      expect(crash.summary).toContain('1900 restarts');
      expect(crash.resolved).toBeNull();
    } finally {
      bundle.close();
    }
  });
});
