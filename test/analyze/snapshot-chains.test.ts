// A snapshot (a dump, kubectl get -o json) has no onsets: each finding's times are the last changes
// its objects carry. A workload short of replicas is told under the crash loop of its pods however
// long before its last restart it fell short; a container OOMKilled before capture and running again
// is as severe as a crash loop that stopped before capture (medium), less than one going on (high).
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { Scratch } from '../import/helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const meta = (kind: string, name: string, created: string, owner?: [string, string]) => ({
  name,
  namespace: 'shop',
  uid: `${kind}-${name}`,
  resourceVersion: '1',
  creationTimestamp: created,
  labels: { app: name.split('-')[0] },
  ...(owner
    ? {
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: owner[0],
            name: owner[1],
            uid: `${owner[0]}-${owner[1]}`,
            controller: true,
          },
        ],
      }
    : {}),
});
const template = (app: string) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'app', image: `example/${app}:1` }] },
});
const pod = (name: string, rs: string, status: Record<string, unknown>, ready: boolean) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: meta('Pod', name, '2026-02-01T10:00:00Z', ['ReplicaSet', rs]),
  spec: {
    nodeName: 'worker-1',
    containers: [{ name: 'app', image: 'example/x:1', resources: { limits: { memory: '512Mi' } } }],
  },
  status: {
    phase: 'Running',
    startTime: '2026-02-01T10:00:00Z',
    conditions: [
      { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: '2026-02-01T10:01:00Z' },
    ],
    containerStatuses: [{ name: 'app', image: 'example/x:1', ready, ...status }],
  },
});
const workload = (kind: string, name: string, ready: number, owner?: [string, string]) => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: meta(kind, name, '2026-02-01T10:00:00Z', owner),
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name.split('-')[0] } },
    template: template(name.split('-')[0]!),
  },
  status: {
    observedGeneration: 1,
    replicas: 2,
    updatedReplicas: 2,
    readyReplicas: ready,
    availableReplicas: ready,
    // The Deployment fell short weeks before the capture; nothing on it changed since.
    conditions: [
      {
        type: 'Available',
        status: 'True',
        lastUpdateTime: '2026-02-01T10:01:00Z',
        lastTransitionTime: '2026-02-01T10:01:00Z',
      },
      {
        type: 'Progressing',
        status: 'True',
        lastUpdateTime: '2026-02-03T08:00:00Z',
        lastTransitionTime: '2026-02-01T10:00:00Z',
      },
    ],
  },
});

describe('a snapshot', () => {
  it('tells a replica shortfall under its pods’ crash loop, and an OOM kill over by capture as medium', async () => {
    const items = [
      workload('Deployment', 'api', 1),
      workload('ReplicaSet', 'api-7c9d', 1, ['Deployment', 'api']),
      pod(
        'api-7c9d-aaaaa',
        'api-7c9d',
        {
          restartCount: 412,
          state: {
            waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' },
          },
          lastState: {
            terminated: {
              exitCode: 1,
              reason: 'Error',
              startedAt: '2026-03-01T11:50:00Z',
              finishedAt: '2026-03-01T11:50:02Z',
            },
          },
        },
        false,
      ),
      pod(
        'api-7c9d-bbbbb',
        'api-7c9d',
        { restartCount: 0, state: { running: { startedAt: '2026-02-01T10:00:10Z' } } },
        true,
      ),
      // Killed for memory 40 times, the last three hours before the capture; running and ready since.
      workload('ReplicaSet', 'cache-5f6a', 1),
      pod(
        'cache-5f6a-ccccc',
        'cache-5f6a',
        {
          restartCount: 40,
          state: { running: { startedAt: '2026-03-01T09:00:01Z' } },
          lastState: {
            terminated: {
              exitCode: 137,
              reason: 'OOMKilled',
              startedAt: '2026-03-01T06:00:00Z',
              finishedAt: '2026-03-01T09:00:00Z',
            },
          },
        },
        true,
      ),
    ];
    const file = scratch.write('dump.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    const { bundle } = await scratch.import([file]);
    try {
      const report = await analyzeBundle(bundle!);
      const told = report.incidents
        .map((i) => ({
          severity: i.severity,
          chain: i.chain.map(
            (s) => `${report.findings[s.finding]!.pattern} ${report.findings[s.finding]!.subject.name}`,
          ),
        }))
        .sort((a, b) => a.chain[0]!.localeCompare(b.chain[0]!));
      expect(told).toEqual([
        {
          severity: 'high',
          chain: ['crash-loop-backoff api-7c9d-aaaaa', 'workload-replicas-mismatch api'],
        },
        { severity: 'medium', chain: ['oom-killed cache-5f6a-ccccc'] },
      ]);
      const oom = report.findings.find((f) => f.pattern === 'oom-killed')!;
      expect(oom.variant).toBe('running-again');
      expect(oom.summary).toContain(
        'restarted 40 times; by 2026-03-01 11:50:02Z it was running and ready again',
      );
    } finally {
      bundle!.close();
    }
  });
});
