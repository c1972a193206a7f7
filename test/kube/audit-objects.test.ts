// Objects replayed from the writes of an audit log: patches applied as the API server applies them
// (strategic merge by patchMergeKey, JSON patch), a kubelet's status patch read without any version
// of its pod before it, owners found from the generated names of pods.

import { describe, expect, it } from 'vitest';
import { AuditObjectReplay, type AuditWrite, applyPatch } from '../../src/kube/audit-objects.ts';
import { objectRow } from '../../src/kube/to-row.ts';

const write = (over: Partial<AuditWrite>): AuditWrite => ({
  ts: '2026-03-01T10:00:00Z',
  verb: 'patch',
  kind: 'Pod',
  api_version: 'v1',
  namespace: 'shop',
  name: 'web-6d4cf56db6-x2b7k',
  uid: 'pod-uid-1',
  subresource: 'status',
  user: null,
  request: undefined,
  response: undefined,
  ...over,
});

/** A kubelet's status patch as its status manager writes it: a two-way strategic merge patch of the
 * old and new status, conditions by type (only those that changed), containerStatuses whole. */
const kubeletPatch = (waiting: { reason: string; message: string }, restarts: number) => ({
  metadata: { uid: 'pod-uid-1' },
  status: {
    '$setElementOrder/conditions': [{ type: 'Initialized' }, { type: 'Ready' }, { type: 'ContainersReady' }],
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'ContainersNotReady',
        message: 'containers with unready status: [app]',
        lastTransitionTime: '2026-03-01T10:00:00Z',
      },
    ],
    containerStatuses: [
      {
        name: 'app',
        image: 'registry.example.com/web:1.2',
        ready: false,
        restartCount: restarts,
        state: { waiting },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-03-01T09:59:58Z' } },
      },
    ],
  },
});

describe('applyPatch', () => {
  it('merges conditions by type and replaces container statuses, as a strategic merge patch does', () => {
    const base = {
      status: {
        conditions: [
          { type: 'Initialized', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
        containerStatuses: [
          { name: 'app', ready: true },
          { name: 'sidecar', ready: true },
        ],
        phase: 'Running',
      },
    };
    const patched = applyPatch(base, {
      status: {
        '$setElementOrder/conditions': [{ type: 'Initialized' }, { type: 'Ready' }],
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [{ name: 'app', ready: false }],
        message: null,
      },
    });
    expect(patched.status).toEqual({
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'False' },
      ],
      containerStatuses: [{ name: 'app', ready: false }],
      phase: 'Running',
    });
    expect(base.status.conditions[1]).toEqual({ type: 'Ready', status: 'True' });
  });

  it('sets one container of a pod template (kubectl set image) and deletes an element by $patch', () => {
    const base = {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'app', image: 'a:1' },
              { name: 'proxy', image: 'p:1' },
            ],
          },
        },
      },
    };
    expect(
      applyPatch(base, { spec: { template: { spec: { containers: [{ name: 'app', image: 'a:2' }] } } } }),
    ).toEqual({
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'app', image: 'a:2' },
              { name: 'proxy', image: 'p:1' },
            ],
          },
        },
      },
    });
    expect(
      applyPatch(base, {
        spec: { template: { spec: { containers: [{ name: 'proxy', $patch: 'delete' }] } } },
      }),
    ).toEqual({ spec: { template: { spec: { containers: [{ name: 'app', image: 'a:1' }] } } } });
  });

  it('applies JSON patch operations (kubectl patch --type json)', () => {
    const base = {
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'app', image: 'a:1' }] } } },
    };
    expect(
      applyPatch(base, [
        { op: 'replace', path: '/spec/replicas', value: 0 },
        { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'a:2' },
        { op: 'add', path: '/metadata/labels/tier', value: 'web' },
      ]),
    ).toEqual({
      spec: { replicas: 0, template: { spec: { containers: [{ name: 'app', image: 'a:2' }] } } },
      metadata: { labels: { tier: 'web' } },
    });
    expect(base.spec.replicas).toBe(3);
  });
});

/** The versions a replay gives for these writes, as the rows the import writes of them. */
const replayed = (writes: AuditWrite[]) => {
  const replay = new AuditObjectReplay();
  return writes
    .map((w) => replay.add(w))
    .filter((v) => v !== null)
    .map((v) => objectRow(v.object, { watchEvent: v.watchEvent, ts: v.ts }));
};

describe('AuditObjectReplay', () => {
  it('reads a crash loop from the kubelet’s status patches of a pod no version showed before', () => {
    const rows = replayed([
      write({
        request: kubeletPatch(
          { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' },
          1,
        ),
      }),
      write({
        ts: '2026-03-01T10:01:00Z',
        request: kubeletPatch(
          { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container' },
          2,
        ),
      }),
    ]);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({
      source: 'object',
      ts: '2026-03-01T10:01:00Z',
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-6d4cf56db6-x2b7k',
      uid: 'pod-uid-1',
      watch_event: 'MODIFIED',
    });
    expect(rows[1]!.containers).toEqual([
      expect.objectContaining({
        name: 'app',
        state: 'waiting',
        reason: 'CrashLoopBackOff',
        restart_count: 2,
        last_reason: 'Error',
        last_exit_code: 1,
      }),
    ]);
    expect(rows[1]!.conditions).toEqual([expect.objectContaining({ type: 'Ready', status: 'False' })]);
    // A version a patch left has no resourceVersion the log says: never one of the version before.
    expect(rows.map((r) => r.resource_version)).toEqual([null, null]);
  });

  it('takes the object a write answered; a pod known by its status alone gets the controller its name was generated from', () => {
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-6d4cf56db6',
        namespace: 'shop',
        uid: 'rs-uid',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true },
        ],
      },
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'web:1.2' }] } } },
      status: { replicas: 2, readyReplicas: 1 },
    };
    const rows = replayed([
      write({
        verb: 'update',
        kind: 'ReplicaSet',
        api_version: 'apps/v1',
        name: 'web-6d4cf56db6',
        uid: 'rs-uid',
        response: rs,
        request: rs,
      }),
      write({ request: kubeletPatch({ reason: 'ImagePullBackOff', message: 'Back-off pulling image' }, 0) }),
      // A pod whose name no controller of the log explains keeps none.
      write({
        name: 'other-7f9c8d5b4-abcde',
        request: kubeletPatch({ reason: 'ErrImagePull', message: 'x' }, 0),
      }),
      // Metadata level: no body, nothing to replay; a write to the scale subresource answers a Scale.
      write({ verb: 'update', subresource: null, name: 'web-6d4cf56db6-zzzzz' }),
      write({
        kind: 'ReplicaSet',
        name: 'web-6d4cf56db6',
        subresource: 'scale',
        request: { spec: { replicas: 0 } },
      }),
    ]);
    expect(rows.map((r) => `${r.kind}/${r.name} ${r.owner_kind}/${r.owner_name}`)).toEqual([
      'ReplicaSet/web-6d4cf56db6 Deployment/web',
      'Pod/web-6d4cf56db6-x2b7k ReplicaSet/web-6d4cf56db6',
      'Pod/other-7f9c8d5b4-abcde null/null',
    ]);
    expect(rows[0]).toMatchObject({ replicas_desired: 2, replicas_ready: 1 });
    expect(rows[1]!.owner_uid).toBe('rs-uid');
  });

  it('puts a pod on the node whose kubelet wrote it, and marks every version as the log’s', () => {
    const rows = replayed([
      write({
        user: 'system:node:worker-2',
        request: kubeletPatch({ reason: 'CrashLoopBackOff', message: 'x' }, 1),
      }),
      // Anyone else's write says nothing of where the pod runs.
      write({
        name: 'api-5f7d9c6b8-qwxyz',
        user: 'alice',
        request: kubeletPatch({ reason: 'x', message: 'y' }, 0),
      }),
    ]);
    expect(rows.map((r) => `${r.name} ${r.node}`)).toEqual([
      'web-6d4cf56db6-x2b7k worker-2',
      'api-5f7d9c6b8-qwxyz null',
    ]);
    for (const row of rows)
      expect(
        (row.body as { metadata: { annotations: Record<string, string> } }).metadata.annotations,
      ).toEqual({
        'kstory.dev/from-audit': 'audit log',
      });
  });

  it('ends an object with its deletion, and gives nothing for a deletion of an object it never saw', () => {
    const rows = replayed([
      write({ verb: 'delete', subresource: null, name: 'never-seen' }),
      write({ request: kubeletPatch({ reason: 'CrashLoopBackOff', message: 'back-off' }, 3) }),
      write({
        ts: '2026-03-01T10:02:00Z',
        verb: 'delete',
        subresource: null,
        response: { kind: 'Status', status: 'Success' },
      }),
    ]);
    expect(rows.map((r) => `${r.watch_event} ${r.name}`)).toEqual([
      'MODIFIED web-6d4cf56db6-x2b7k',
      'DELETED web-6d4cf56db6-x2b7k',
    ]);
  });
});
