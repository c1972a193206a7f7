// The simulator's later incident mechanics on small inline scenarios: the persistent-volume
// lifecycle, node disk and PID pressure, admission refusals (ServiceAccount, Gatekeeper), Argo CD
// Applications and API Priority and Fairness, with the messages the real components write.

import { describe, expect, it } from 'vitest';
import type { BundleRow } from '../../src/bundle/row.ts';
import { type AuditColumns, restoreAuditEntry } from '../../src/kube/audit-body.ts';
import type { Json } from '../../src/simulate/engine/json.ts';
import { aDeployment, bodyOf, events, lastObject, NODES, run } from './builders.ts';

const phases = (rows: BundleRow[], name: string) =>
  rows
    .filter((r) => r.source === 'object' && r.kind === 'PersistentVolume' && r.name === name)
    .map((r) => r.phase)
    .filter((p, i, all) => p !== all[i - 1]);

describe('persistent volumes', () => {
  const rows = run({
    duration: '12m',
    resources: {
      storageClasses: [
        { name: 'keep', bindingMode: 'Immediate', reclaimPolicy: 'Retain' },
        { name: 'scratch', bindingMode: 'Immediate' },
      ],
      persistentVolumes: [
        {
          name: 'nfs-data',
          reclaimPolicy: 'Delete',
          claim: 'app/nfs',
          nfs: { server: 'nfs.example.com', path: '/data' },
        },
        {
          name: 'local-ssd',
          storageClass: 'local',
          reclaimPolicy: 'Recycle',
          local: { path: '/mnt/ssd', node: 'worker-1' },
        },
      ],
      pvcs: [
        { namespace: 'app', name: 'kept', storageClass: 'keep' },
        { namespace: 'app', name: 'nfs', storageClass: '' },
        { namespace: 'app', name: 'cache', storageClass: 'local', volumeName: 'local-ssd' },
        { namespace: 'app', name: 'tmp', storageClass: 'scratch' },
      ],
    },
    timeline: ['kept', 'nfs', 'cache', 'tmp'].map((name) => ({
      at: '2m',
      action: 'delete',
      kind: 'PersistentVolumeClaim',
      namespace: 'app',
      name,
    })),
  });
  const volumeOf = (claim: string) =>
    rows.find(
      (r) =>
        r.source === 'object' && r.kind === 'PersistentVolume' && bodyOf(r).spec.claimRef?.name === claim,
    )?.name as string;

  it('binds static volumes to the claims that name them and leaves a Retain volume Released', () => {
    expect(phases(rows, 'nfs-data')[0]).toBe('Bound');
    expect(phases(rows, 'local-ssd')[0]).toBe('Bound');
    expect(lastObject(rows, 'PersistentVolume', 'local-ssd')?.spec.claimRef).toMatchObject({
      namespace: 'app',
      name: 'cache',
    });
    expect(phases(rows, volumeOf('kept'))).toEqual(['Bound', 'Released']);
    expect(
      rows.some(
        (r) => r.source === 'object' && r.kind === 'PersistentVolumeClaim' && r.watch_event === 'DELETED',
      ),
    ).toBe(true);
  });

  it('fails volumes no plugin can delete or recycle, with the controller’s events', () => {
    expect(phases(rows, 'nfs-data')).toEqual(['Bound', 'Released', 'Failed']);
    const failedDelete = events(rows, 'VolumeFailedDelete')[0];
    expect(failedDelete).toMatchObject({ kind: 'PersistentVolume', name: 'nfs-data' });
    expect(failedDelete?.event_message).toBe(
      'error getting deleter volume plugin for volume "nfs-data": no deletable volume plugin matched',
    );
    expect(lastObject(rows, 'PersistentVolume', 'nfs-data')?.status.message).toBe(
      failedDelete?.event_message,
    );
    expect(phases(rows, 'local-ssd')).toEqual(['Bound', 'Released', 'Failed']);
    expect(events(rows, 'VolumeFailedRecycle')[0]?.event_message).toBe(
      'No recycler plugin found for the volume!',
    );
  });

  it('has the CSI provisioner delete a provisioned volume of reclaim policy Delete', () => {
    const name = volumeOf('tmp');
    const versions = rows.filter(
      (r) => r.source === 'object' && r.kind === 'PersistentVolume' && r.name === name,
    );
    expect(versions.at(-1)?.watch_event).toBe('DELETED');
    expect(events(rows, 'VolumeFailedDelete').filter((e) => e.name === name)).toEqual([]);
  });
});

describe('node disk and PID pressure', () => {
  const aWorker = (name: string, app: Json) =>
    aDeployment({
      name,
      replicas: 1,
      service: undefined,
      containers: [
        { name: 'app', image: `registry.example.com/${name}:1.0.0`, requests: { cpu: '100m' }, app },
      ],
    });

  it('fills a node’s disk: image GC fails, DiskPressure and its taint, then the pod is evicted', () => {
    const rows = run({
      duration: '20m',
      nodes: [NODES[0], { name: 'worker', count: 2, cpu: 2, memory: '4Gi', diskUsed: '80Gi' }],
      workloads: [aWorker('logger', { type: 'worker' })],
      timeline: [{ at: '1m', action: 'disk-fill', namespace: 'app', name: 'logger', rate: '1Gi' }],
    });
    expect(events(rows, 'FreeDiskSpaceFailed')[0]?.event_message).toMatch(
      /^Failed to garbage collect required amount of images\. Attempted to free \d+ bytes, but only found \d+ bytes eligible to free\.$/,
    );
    const pressure = events(rows, 'NodeHasDiskPressure')[0];
    expect(pressure?.kind).toBe('Node');
    const node = pressure?.name as string;
    expect(events(rows, 'EvictionThresholdMet')[0]?.event_message).toBe(
      'Attempting to reclaim ephemeral-storage',
    );
    const evicted = events(rows, 'Evicted')[0];
    expect(evicted?.event_message).toMatch(
      /^The node was low on resource: ephemeral-storage\. Threshold quantity: 10736157900, available: \d+Ki\. Container app was using \d+Ki, request is 0, has larger consumption of ephemeral-storage\. $/,
    );
    const tainted = rows.some(
      (r) =>
        r.source === 'object' &&
        r.kind === 'Node' &&
        r.name === node &&
        (bodyOf(r).spec.taints ?? []).some((t: Json) => t.key === 'node.kubernetes.io/disk-pressure'),
    );
    expect(tainted).toBe(true);
    // The replacement goes to the node without pressure.
    const scheduled = events(rows, 'Scheduled').filter((e) => String(e.name).startsWith('logger-'));
    expect(scheduled.at(-1)?.event_message).not.toContain(`to ${node}`);
    expect(events(rows, 'NodeHasNoDiskPressure').map((e) => e.name)).toContain(node);
  });

  it('runs a node out of PIDs: PIDPressure, then the pod with the most processes is evicted', () => {
    const rows = run({
      duration: '15m',
      nodes: [NODES[0], { name: 'worker', count: 2, cpu: 2, memory: '4Gi', pidMax: 32768 }],
      workloads: [
        aWorker('forker', { type: 'worker', runtime: 'python' }),
        aWorker('calm', { type: 'worker' }),
      ],
      timeline: [{ at: '1m', action: 'pid-leak', namespace: 'app', name: 'forker', rate: 6000 }],
    });
    expect(events(rows, 'NodeHasInsufficientPID').length).toBeGreaterThan(0);
    expect(events(rows, 'EvictionThresholdMet')[0]?.event_message).toBe('Attempting to reclaim pids');
    const evicted = events(rows, 'Evicted');
    expect(evicted.length).toBeGreaterThan(0);
    expect(evicted.every((e) => String(e.name).startsWith('forker-'))).toBe(true);
    expect(evicted[0]?.event_message).toMatch(
      /^The node was low on resource: pids\. Threshold quantity: 3276, available: \d+\. $/,
    );
    const conditions = rows
      .filter((r) => r.source === 'object' && r.kind === 'Node')
      .flatMap((r) => r.conditions ?? []);
    expect(conditions.some((c) => c.type === 'PIDPressure' && c.status === 'True')).toBe(true);
  });
});

describe('admission refusals', () => {
  it('refuses pods of a ServiceAccount that does not exist (the ServiceAccount plugin)', () => {
    const rows = run({
      duration: '4m',
      workloads: [aDeployment()],
      timeline: [
        { at: '1m', action: 'set-service-account', namespace: 'app', name: 'web', serviceAccount: 'web-sa' },
      ],
    });
    expect(events(rows, 'FailedCreate')[0]?.event_message).toMatch(
      /^Error creating: pods "web-[a-z0-9]+-" is forbidden: error looking up service account app\/web-sa: serviceaccount "web-sa" not found$/,
    );
  });

  it('has Gatekeeper deny pods missing a label once the constraint is enforced: 403, ReplicaFailure', () => {
    const rows = run({
      duration: '12m',
      namespaces: ['app', 'gatekeeper-system'],
      resources: {
        gatekeeper: {
          constraints: [
            { name: 'need-team', labels: ['team'], namespaces: ['app'], enforcementAction: 'dryrun' },
          ],
        },
      },
      workloads: [aDeployment({ progressDeadline: '3m' })],
      timeline: [
        { at: '1m', action: 'set-constraint', name: 'need-team', enforcementAction: 'deny' },
        {
          at: '2m',
          action: 'set-image',
          namespace: 'app',
          name: 'web',
          image: 'registry.example.com/web:1.1.0',
        },
      ],
    });
    const message =
      'admission webhook "validation.gatekeeper.sh" denied the request: [need-team] you must provide labels: {"team"}';
    expect(events(rows, 'FailedCreate')[0]?.event_message).toBe(`Error creating: ${message}`);
    const audit = rows.find((r) => r.source === 'audit' && r.audit_code === 403);
    expect(bodyOf(audit!).responseStatus).toEqual({
      metadata: {},
      code: 403,
      status: 'Failure',
      message,
      reason: 'Forbidden',
    });
    const deployment = lastObject(rows, 'Deployment', 'web');
    expect(deployment?.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message }),
    );
    // Gatekeeper's audit lists the violations in the constraint's status, dryrun or not.
    const constraint = rows.find((r) => r.source === 'object' && r.kind === 'K8sRequiredLabels');
    expect(bodyOf(constraint!).status.totalViolations).toBe(2);
  });
});

describe('Argo CD', () => {
  const rows = run({
    duration: '16m',
    namespaces: ['app', 'argocd'],
    resources: {
      applications: [
        {
          name: 'web',
          repoURL: 'https://git.example.com/deploy.git',
          path: 'apps/web',
          destination: 'app',
          workloads: ['web'],
        },
      ],
    },
    workloads: [aDeployment({ progressDeadline: '3m' })],
    timeline: [
      {
        at: '1m',
        action: 'git-push',
        application: 'web',
        changes: [
          {
            workload: 'web',
            image: 'registry.example.com/web:2.0.0',
            app: { config: { env: 'TOKEN', valid: '^t' } },
          },
        ],
      },
      {
        at: '8m',
        action: 'git-push',
        application: 'web',
        changes: [{ workload: 'web', image: 'registry.example.com/web:2.0.1' }],
        invalid: 'Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value',
      },
    ],
  });
  const versions = rows
    .filter((r) => r.source === 'object' && r.kind === 'Application')
    .map((r) => bodyOf(r).status as Json);

  it('syncs a commit automatically, then reports the Deployment that crash-loops as Degraded', () => {
    const phasesSeen = versions.map((s) => s.operationState?.phase).filter((p, i, all) => p !== all[i - 1]);
    expect(phasesSeen).toEqual(['Succeeded', 'Running', 'Succeeded', 'Running', 'Failed']);
    const health = versions.map((s) => s.health?.status).filter((h, i, all) => h !== all[i - 1]);
    expect(health).toEqual(['Healthy', 'Progressing', 'Degraded']);
    expect(events(rows, 'ResourceUpdated').map((e) => e.event_message)).toContain(
      'Updated health status: Progressing -> Degraded',
    );
    expect(
      rows.some(
        (r) =>
          r.source === 'audit' &&
          r.audit_user === 'system:serviceaccount:argocd:argocd-application-controller' &&
          r.kind === 'Deployment' &&
          r.audit_code === 200,
      ),
    ).toBe(true);
  });

  it('fails the sync of a manifest the API server refuses: OutOfSync with a SyncError condition', () => {
    const last = versions.at(-1)!;
    expect(last.sync.status).toBe('OutOfSync');
    expect(last.operationState.message).toBe(
      'one or more objects failed to apply, reason: Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value',
    );
    expect(last.conditions).toEqual([
      expect.objectContaining({
        type: 'SyncError',
        message: `Failed sync attempt to ${last.sync.revision}: ${last.operationState.message}`,
      }),
    ]);
    expect(rows.some((r) => r.source === 'audit' && r.audit_code === 422)).toBe(true);
  });
});

describe('API Priority and Fairness', () => {
  it('rejects a flooding client’s requests beyond its share with a bare 429', () => {
    const rows = run({
      duration: '4m',
      users: [{ name: 'flooder', groups: ['system:authenticated'] }],
      timeline: [
        {
          at: '1m',
          action: 'api-flood',
          user: 'flooder',
          verb: 'list',
          resource: 'pods',
          rate: 4,
          admitted: 1,
          for: '30s',
        },
      ],
    });
    const audit = rows.filter((r) => r.source === 'audit' && r.audit_user === 'flooder');
    expect(audit).toHaveLength(120);
    const throttled = audit.filter((r) => r.audit_code === 429);
    expect(throttled).toHaveLength(90);
    // A Metadata-level body keeps nothing of so bare an answer: the entry as logged comes back with the columns.
    const entry = restoreAuditEntry(throttled[0] as unknown as AuditColumns, bodyOf(throttled[0]!));
    expect(entry.responseStatus).toEqual({ metadata: {}, code: 429 });
  });
});
