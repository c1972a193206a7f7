// The control plane's mechanics, played on small inline scenarios: what a user of the real
// components would notice (back-off delays, exit codes, rollout bounds, messages, audit levels).

import { describe, expect, it } from 'vitest';
import { aDeployment, bodyOf, events, run } from './builders.ts';

describe('determinism', () => {
  it('gives the same rows for the same seed, and different ones for another seed', () => {
    const scenario = { workloads: [aDeployment()], duration: '5m' };
    const a = JSON.stringify(run(scenario, 3));
    expect(JSON.stringify(run(scenario, 3))).toBe(a);
    expect(JSON.stringify(run(scenario, 4))).not.toBe(a);
  });
});

describe('kubelet', () => {
  it('restarts a crashing container with back-off 10s, 20s, 40s... up to 5m, in CrashLoopBackOff', () => {
    const rows = run({
      duration: '25m',
      workloads: [
        aDeployment({
          replicas: 1,
          containers: [
            {
              name: 'app',
              image: 'registry.example.com/web:1.0.0',
              env: [{ name: 'MODE', value: 'good' }],
              app: { config: { env: 'MODE', valid: '^good$' } },
            },
          ],
        }),
      ],
      timeline: [
        { at: '1m', action: 'set-env', namespace: 'app', name: 'web', env: [{ name: 'MODE', value: 'bad' }] },
      ],
    });
    const messages = rows
      .filter(
        (r) => r.source === 'object' && r.kind === 'Pod' && r.containers?.[0]?.reason === 'CrashLoopBackOff',
      )
      .map(
        (r) =>
          /back-off (\S+) restarting failed container=app pod=web-[a-z0-9]+-[a-z0-9]{5}_app\(/.exec(
            r.containers?.[0]?.message ?? '',
          )?.[1],
      );
    const sequence = messages.filter((m, i) => m !== messages[i - 1]);
    expect(sequence.slice(0, 6)).toEqual(['10s', '20s', '40s', '1m20s', '2m40s', '5m0s']);
    const last = rows.filter((r) => r.source === 'object' && r.kind === 'Pod').at(-1)!;
    expect(last.containers?.[0]).toMatchObject({ last_reason: 'Error', last_exit_code: 2 });
    expect(
      rows.some(
        (r) =>
          r.source === 'log' &&
          r.log_previous &&
          r.log_line?.startsWith('panic: invalid configuration: MODE'),
      ),
    ).toBe(true);
    const backoff = rows.filter((r) => r.source === 'event' && r.event_reason === 'BackOff');
    expect(backoff.at(-1)?.event_count).toBeGreaterThan(5);
    expect(backoff[0]?.event_message).toMatch(/^Back-off restarting failed container app in pod web-/);
  });

  it('OOM-kills a leaking container at its memory limit with exit code 137', () => {
    const rows = run({
      duration: '15m',
      workloads: [aDeployment({ replicas: 1 })],
      timeline: [{ at: '1m', action: 'memory-leak', namespace: 'app', name: 'web', rate: '40Mi' }],
    });
    const oom = rows.find(
      (r) => r.source === 'object' && r.kind === 'Pod' && r.containers?.[0]?.last_reason === 'OOMKilled',
    );
    expect(oom?.containers?.[0]?.last_exit_code).toBe(137);
    const ws = rows.filter(
      (r) =>
        r.source === 'metric' &&
        r.metric_name === 'container_memory_working_set_bytes' &&
        r.container === 'app',
    );
    expect(Math.max(...ws.map((r) => r.metric_value ?? 0))).toBeGreaterThan(0.8 * 128 * 2 ** 20);
  });

  it('reports ErrImagePull then ImagePullBackOff for an image that does not exist', () => {
    const rows = run({
      duration: '8m',
      missingImages: ['registry.example.com/web:9.9.9'],
      workloads: [aDeployment({ replicas: 1 })],
      timeline: [
        {
          at: '1m',
          action: 'set-image',
          namespace: 'app',
          name: 'web',
          image: 'registry.example.com/web:9.9.9',
        },
      ],
    });
    const reasons = new Set(
      rows.filter((r) => r.source === 'object' && r.kind === 'Pod').map((r) => r.containers?.[0]?.reason),
    );
    expect(reasons).toContain('ErrImagePull');
    expect(reasons).toContain('ImagePullBackOff');
    const failed = rows.find(
      (r) =>
        r.source === 'event' &&
        r.event_reason === 'Failed' &&
        r.event_message?.startsWith('Failed to pull image'),
    );
    expect(failed?.event_message).toContain(
      'rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.com/web:9.9.9"',
    );
  });
});

describe('deployment controller', () => {
  it('keeps a rolling update within maxSurge and maxUnavailable and completes it', () => {
    const rows = run({
      duration: '10m',
      workloads: [aDeployment({ replicas: 4, maxSurge: 1, maxUnavailable: 1 })],
      timeline: [
        {
          at: '1m',
          action: 'set-image',
          namespace: 'app',
          name: 'web',
          image: 'registry.example.com/web:1.1.0',
        },
      ],
    });
    const specReplicas = new Map<string, number>();
    let checked = 0;
    for (const r of rows) {
      if (r.source !== 'object' || r.kind !== 'ReplicaSet' || r.watch_event === 'LISTED') continue;
      specReplicas.set(r.name!, r.replicas_desired ?? 0);
      const total = [...specReplicas.values()].reduce((a, b) => a + b, 0);
      expect(total).toBeLessThanOrEqual(5);
      checked++;
    }
    expect(specReplicas.size).toBe(2);
    expect(checked).toBeGreaterThan(3);
    const deployments = rows.filter(
      (r) => r.source === 'object' && r.kind === 'Deployment' && r.ts > '2026-03-02T09:01',
    );
    for (const d of deployments) expect(d.replicas_available ?? 0).toBeGreaterThanOrEqual(3);
    const final = deployments.at(-1)!;
    expect(final.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
    });
    expect(
      final.attrs?.revision ?? bodyOf(final).metadata.annotations['deployment.kubernetes.io/revision'],
    ).toBe('2');
    const scaled = rows
      .filter(
        (r) => r.source === 'event' && r.event_reason === 'ScalingReplicaSet' && r.ts >= '2026-03-02T09:01',
      )
      .map((r) => r.event_message);
    // The new ReplicaSet starts at maxSurge above the total; old ones go down by maxUnavailable.
    expect(scaled[0]).toMatch(/^Scaled up replica set web-[a-z0-9]+ from 0 to 1$/);
    expect(scaled).toContainEqual(
      expect.stringMatching(/^Scaled down replica set web-[a-z0-9]+ from 4 to 3$/),
    );
  });

  it('sets ProgressDeadlineExceeded when the new pods never become available', () => {
    const rows = run({
      duration: '12m',
      missingImages: ['registry.example.com/web:2.0.0'],
      workloads: [aDeployment({ progressDeadline: '3m' })],
      timeline: [
        {
          at: '1m',
          action: 'set-image',
          namespace: 'app',
          name: 'web',
          image: 'registry.example.com/web:2.0.0',
        },
      ],
    });
    const stuck = rows.find(
      (r) =>
        r.source === 'object' &&
        r.kind === 'Deployment' &&
        r.conditions?.some((c) => c.reason === 'ProgressDeadlineExceeded'),
    );
    expect(stuck).toBeDefined();
    expect(stuck!.ts >= '2026-03-02T09:04:00').toBe(true);
    expect(stuck!.conditions?.find((c) => c.type === 'Progressing')?.message).toMatch(
      /^ReplicaSet "web-[a-z0-9]+" has timed out progressing\.$/,
    );
  });

  it('rolls back to the previous revision', () => {
    const rows = run({
      duration: '10m',
      missingImages: ['registry.example.com/web:2.0.0'],
      workloads: [aDeployment()],
      timeline: [
        {
          at: '1m',
          action: 'set-image',
          namespace: 'app',
          name: 'web',
          image: 'registry.example.com/web:2.0.0',
        },
        { at: '4m', action: 'rollback', namespace: 'app', name: 'web' },
      ],
    });
    const final = rows.filter((r) => r.source === 'object' && r.kind === 'Deployment').at(-1)!;
    expect(bodyOf(final).spec.template.spec.containers[0].image).toBe('registry.example.com/web:1.0.0');
    expect(bodyOf(final).metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
    expect(final.replicas_available).toBe(2);
  });
});

describe('scheduler', () => {
  it('writes FailedScheduling in the real format, reasons sorted with their node counts', () => {
    const rows = run({
      duration: '5m',
      workloads: [
        aDeployment({
          replicas: 3,
          containers: [{ name: 'app', image: 'x/y:1', requests: { cpu: '100m', memory: '3Gi' } }],
        }),
      ],
    });
    const failed = rows.find((r) => r.source === 'event' && r.event_reason === 'FailedScheduling');
    expect(failed?.event_message).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
    expect(failed?.event_source).toBe('default-scheduler');
  });
});

describe('a cluster without a network plugin, recorded without access to Nodes', () => {
  it('keeps every node NotReady under its not-ready taint; only host-network pods run; the bundle holds no Node', () => {
    const rows = run({
      duration: '5m',
      cluster: { podNetwork: 'none' },
      recorded: { withoutKinds: ['Node'] },
      workloads: [
        aDeployment({
          containers: [{ name: 'app', image: 'x/y:1', requests: { cpu: '100m', memory: '64Mi' } }],
        }),
        {
          kind: 'DaemonSet',
          namespace: 'app',
          name: 'agent',
          hostNetwork: true,
          tolerations: [{ operator: 'Exists' }],
          containers: [{ name: 'agent', image: 'x/agent:1', app: { type: 'agent' } }],
        },
      ],
    });
    expect(rows.filter((r) => r.source === 'object' && r.kind === 'Node')).toEqual([]);
    // The nodes' own Events are still recorded; none says a node became ready.
    expect(events(rows, 'Starting').length).toBeGreaterThan(0);
    expect(events(rows, 'NodeReady')).toEqual([]);
    expect(events(rows, 'FailedScheduling')[0]?.event_message).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
    const agents = rows.filter(
      (r) => r.source === 'object' && r.kind === 'Pod' && r.name?.startsWith('agent-'),
    );
    expect(new Set(agents.filter((r) => r.phase === 'Running').map((r) => r.node)).size).toBe(3);
  });
});

describe('admission and audit', () => {
  it('refuses pods over a ResourceQuota with the quota admission message, as FailedCreate on the ReplicaSet', () => {
    const rows = run({
      duration: '4m',
      resources: {
        resourceQuotas: [{ namespace: 'app', name: 'compute', hard: { 'requests.memory': '100Mi' } }],
      },
      workloads: [aDeployment({ replicas: 2 })],
    });
    const event = rows.find((r) => r.source === 'event' && r.event_reason === 'FailedCreate');
    expect(event?.kind).toBe('ReplicaSet');
    expect(event?.event_message).toMatch(
      /^Error creating: pods "web-[a-z0-9]+-" is forbidden: exceeded quota: compute, requested: requests.memory=64Mi, used: requests.memory=64Mi, limited: requests.memory=100Mi$/,
    );
  });

  it('audits user writes at RequestResponse with the actor, reads at Metadata, and RBAC denials as 403', () => {
    const rows = run({
      duration: '4m',
      users: [{ name: 'bob', denied: ['patch deployments app'] }],
      workloads: [aDeployment()],
      timeline: [
        { at: '1m', action: 'scale', by: 'alice', namespace: 'app', name: 'web', replicas: 3 },
        {
          at: '2m',
          action: 'api-requests',
          user: 'bob',
          verb: 'patch',
          resource: 'deployments',
          namespace: 'app',
          name: 'web',
        },
        { at: '2m', action: 'api-requests', user: 'bob', verb: 'list', resource: 'pods', namespace: 'app' },
      ],
    });
    const audit = rows.filter((r) => r.source === 'audit');
    const scale = audit.find((r) => r.audit_user === 'alice');
    expect(scale).toMatchObject({
      audit_verb: 'patch',
      audit_resource: 'deployments',
      audit_subresource: 'scale',
      audit_code: 200,
      audit_level: 'RequestResponse',
    });
    expect(bodyOf(scale!).requestObject).toMatchObject({ kind: 'Scale', spec: { replicas: 3 } });
    const denied = audit.find((r) => r.audit_user === 'bob' && r.audit_verb === 'patch');
    expect(denied).toMatchObject({ audit_code: 403, audit_level: 'RequestResponse' });
    expect(bodyOf(denied!).responseStatus.message).toBe(
      'deployments.apps "web" is forbidden: User "bob" cannot patch resource "deployments" in API group "apps" in the namespace "app"',
    );
    expect(audit.find((r) => r.audit_user === 'bob' && r.audit_verb === 'list')).toMatchObject({
      audit_code: 200,
      audit_level: 'Metadata',
    });
    expect(
      audit.some((r) => r.audit_user === 'system:kube-scheduler' && r.audit_subresource === 'binding'),
    ).toBe(true);
  });
});

describe('endpoints', () => {
  it('moves pods failing readiness to notReadyAddresses and back', () => {
    const rows = run({
      duration: '8m',
      workloads: [aDeployment()],
      timeline: [
        { at: '2m', action: 'probe-fail', namespace: 'app', name: 'web', probe: 'readiness', for: '2m' },
      ],
    });
    const endpoints = rows.filter((r) => r.source === 'object' && r.kind === 'Endpoints' && r.name === 'web');
    const shapes = endpoints.map((r) => {
      const subset = bodyOf(r).subsets?.[0] ?? {};
      return `${subset.addresses?.length ?? 0}/${subset.notReadyAddresses?.length ?? 0}`;
    });
    expect(shapes).toContain('0/2');
    expect(shapes.at(-1)).toBe('2/0');
    expect(
      rows.some(
        (r) =>
          r.source === 'event' &&
          r.event_message === 'Readiness probe failed: HTTP probe failed with statuscode: 503',
      ),
    ).toBe(true);
  });
});
