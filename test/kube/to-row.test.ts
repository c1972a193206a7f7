// Kubernetes JSON to bundle rows: every typed column a kind has, for objects, events, audit
// entries, logs, metrics and markers.
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/kube/redact.ts';
import { logRow, markerRow, metricRow } from '../../src/kube/sample-rows.ts';
import { auditRow, eventRow, objectRow } from '../../src/kube/to-row.ts';
import { aDeployment, aNode, aPod, aSecret, T0, TEST_CERT_PEM } from './builders.ts';

describe('objectRow: Pod', () => {
  it('fills subject, owner, node, phase and attrs', () => {
    const row = objectRow(aPod(), { watchEvent: 'LISTED', origin: 'pods.json' });
    expect(row).toMatchObject({
      source: 'object',
      kind: 'Pod',
      api_version: 'v1',
      namespace: 'shop',
      name: 'checkout-7d9f8-abcde',
      uid: 'pod-uid-1',
      node: 'node-a',
      owner_kind: 'ReplicaSet',
      owner_name: 'checkout-7d9f8',
      owner_uid: 'rs-uid-1',
      resource_version: '1001',
      origin: 'pods.json',
      watch_event: 'LISTED',
      phase: 'Running',
      created_at: T0,
      labels: { app: 'checkout', 'pod-template-hash': '7d9f8' },
      attrs: {
        qos_class: 'Burstable',
        service_account: 'checkout',
        restart_policy: 'Always',
        scheduler: 'default-scheduler',
      },
    });
  });

  it('dates a snapshot at its last change unless told the time', () => {
    expect(objectRow(aPod(), { watchEvent: 'LISTED' }).ts).toBe('2026-03-01T10:00:20Z');
    expect(objectRow(aPod(), { watchEvent: 'MODIFIED', ts: '2026-03-01T11:00:00.5+01:00' }).ts).toBe(
      '2026-03-01T10:00:00.5Z',
    );
    const bare = { kind: 'ConfigMap', metadata: { name: 'x' } };
    expect(() => objectRow(bare, { watchEvent: 'LISTED' })).toThrow(/ConfigMap x carries no timestamp/);
  });

  it('merges container spec and status by name, flags init containers, parses resources', () => {
    const pod = aPod({
      spec: {
        initContainers: [{ name: 'migrate', image: 'shop/migrate:1' }],
        containers: [
          {
            name: 'app',
            image: 'shop/checkout:1.4.2',
            resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
          },
          { name: 'sidecar', image: 'envoy:1.30', resources: { requests: { cpu: 0.1 } } },
        ],
      },
      status: {
        phase: 'Running',
        initContainerStatuses: [
          {
            name: 'migrate',
            ready: true,
            restartCount: 0,
            state: {
              terminated: {
                exitCode: 0,
                reason: 'Completed',
                startedAt: '2026-03-01T10:00:05Z',
                finishedAt: '2026-03-01T10:00:09Z',
              },
            },
          },
        ],
        containerStatuses: [
          {
            name: 'sidecar',
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: '2026-03-01T10:00:10Z' } },
          },
          {
            name: 'app',
            ready: false,
            restartCount: 4,
            state: {
              waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container' },
            },
            lastState: {
              terminated: {
                exitCode: 137,
                reason: 'OOMKilled',
                startedAt: '2026-03-01T10:03:00Z',
                finishedAt: '2026-03-01T10:04:00Z',
              },
            },
          },
        ],
      },
    });
    const row = objectRow(pod, { watchEvent: 'MODIFIED' });
    expect(row.containers).toEqual([
      expect.objectContaining({
        name: 'migrate',
        init: true,
        state: 'terminated',
        reason: 'Completed',
        exit_code: 0,
        finished_at: '2026-03-01T10:00:09Z',
      }),
      expect.objectContaining({
        name: 'app',
        init: false,
        ready: false,
        restart_count: 4,
        state: 'waiting',
        reason: 'CrashLoopBackOff',
        message: 'back-off 1m20s restarting failed container',
        exit_code: null,
        last_reason: 'OOMKilled',
        last_exit_code: 137,
        last_started_at: '2026-03-01T10:03:00Z',
        last_finished_at: '2026-03-01T10:04:00Z',
        cpu_request_m: 250,
        cpu_limit_m: 1000,
        memory_request_bytes: 256 * 2 ** 20,
        memory_limit_bytes: 512 * 2 ** 20,
      }),
      expect.objectContaining({
        name: 'sidecar',
        state: 'running',
        started_at: '2026-03-01T10:00:10Z',
        cpu_request_m: 100,
        cpu_limit_m: null,
      }),
    ]);
    // The last change is the latest container state change, not the creation.
    expect(row.ts).toBe('2026-03-01T10:04:00Z');
  });

  it('keeps an evicted pod’s status reason and message', () => {
    const row = objectRow(
      aPod({
        status: { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' },
      }),
      { watchEvent: 'LISTED' },
    );
    expect(row).toMatchObject({
      phase: 'Failed',
      status_reason: 'Evicted',
      status_message: 'The node was low on resource: memory.',
    });
  });

  it('lists required ConfigMaps, Secrets, PVCs, the ServiceAccount and pull secrets as refs', () => {
    const pod = aPod({
      spec: {
        imagePullSecrets: [{ name: 'registry' }],
        volumes: [
          { name: 'cfg', configMap: { name: 'checkout-config' } },
          { name: 'opt', configMap: { name: 'optional-config', optional: true } },
          { name: 'tls', secret: { secretName: 'checkout-tls' } },
          { name: 'data', persistentVolumeClaim: { claimName: 'checkout-data' } },
          {
            name: 'proj',
            projected: {
              sources: [
                { serviceAccountToken: { path: 'token' } },
                { configMap: { name: 'kube-root-ca.crt' } },
                { secret: { name: 'proj-secret' } },
              ],
            },
          },
        ],
        containers: [
          {
            name: 'app',
            env: [
              { name: 'A', valueFrom: { configMapKeyRef: { name: 'checkout-config', key: 'a' } } },
              { name: 'B', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
              { name: 'C', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            ],
            envFrom: [{ secretRef: { name: 'checkout-env' } }, { configMapRef: { name: 'checkout-flags' } }],
          },
        ],
      },
    });
    expect(objectRow(pod, { watchEvent: 'LISTED' }).refs).toEqual([
      { kind: 'ConfigMap', name: 'checkout-config', via: 'volume' },
      { kind: 'Secret', name: 'checkout-tls', via: 'volume' },
      { kind: 'PersistentVolumeClaim', name: 'checkout-data', via: 'volume' },
      { kind: 'ConfigMap', name: 'kube-root-ca.crt', via: 'volume' },
      { kind: 'Secret', name: 'proj-secret', via: 'volume' },
      { kind: 'ConfigMap', name: 'checkout-config', via: 'env' },
      { kind: 'Secret', name: 'db', via: 'env' },
      { kind: 'Secret', name: 'checkout-env', via: 'envFrom' },
      { kind: 'ConfigMap', name: 'checkout-flags', via: 'envFrom' },
      { kind: 'ServiceAccount', name: 'checkout', via: 'serviceAccount' },
      { kind: 'Secret', name: 'registry', via: 'imagePullSecret' },
    ]);
  });

  it('carries the body as given: the writer redacts it', () => {
    const pod = aPod({
      spec: { containers: [{ name: 'app', env: [{ name: 'DB_PASSWORD', value: 'pw-1234' }] }] },
    });
    const row = objectRow(pod, { watchEvent: 'LISTED' });
    expect(row.body).toBe(pod);
    const body = JSON.stringify(new Redactor().row(row).body);
    expect(body).not.toContain('pw-1234');
    expect(body).toMatch(/"value":"‹redacted:hmac:[0-9a-f]{12}›"/);
  });
});

describe('objectRow: other kinds', () => {
  it('Deployment: replicas, selector, template containers and refs, attrs', () => {
    const row = objectRow(aDeployment(), { watchEvent: 'MODIFIED' });
    expect(row).toMatchObject({
      replicas_desired: 3,
      replicas_current: 3,
      replicas_ready: 2,
      replicas_available: 2,
      replicas_updated: 1,
      generation: 4,
      observed_generation: 4,
      selector: { app: 'checkout' },
      refs: [{ kind: 'ConfigMap', name: 'checkout-env', via: 'envFrom' }],
      attrs: {
        strategy: 'RollingUpdate',
        max_surge: '25%',
        max_unavailable: '1',
        progress_deadline_seconds: '600',
        paused: 'false',
        revision: '3',
      },
    });
    expect(row.containers).toEqual([
      expect.objectContaining({
        name: 'app',
        image: 'shop/checkout:1.4.3',
        init: false,
        state: null,
        ready: null,
      }),
    ]);
    expect(row.conditions?.map((c) => [c.type, c.reason ?? null])).toEqual([
      ['Available', null],
      ['Progressing', 'ReplicaSetUpdated'],
    ]);
    expect(row.ts).toBe('2026-03-01T10:05:00Z');
  });

  it('reads omitted zero counts as 0 when a controller wrote a status, and null without one or with an empty one', () => {
    const scaledDown = aDeployment({
      spec: { replicas: 0 },
      status: {
        observedGeneration: 4,
        replicas: 0,
        readyReplicas: undefined,
        availableReplicas: undefined,
        updatedReplicas: undefined,
      },
    });
    expect(objectRow(scaledDown, { watchEvent: 'LISTED' })).toMatchObject({
      replicas_desired: 0,
      replicas_ready: 0,
      replicas_available: 0,
    });
    const manifest = { ...aDeployment(), status: undefined };
    expect(objectRow(manifest, { watchEvent: 'LISTED' }).replicas_ready).toBeNull();
    // What a create answers: a status no controller has written yet. Unknown, not 0 of 3 ready.
    const created = objectRow({ ...aDeployment(), status: {} }, { watchEvent: 'ADDED' });
    expect(created).toMatchObject({ replicas_desired: 3, replicas_ready: null, replicas_available: null });
  });

  it('DaemonSet, HPA and Job replicas follow their own fields', () => {
    const ds = {
      kind: 'DaemonSet',
      metadata: { name: 'agent', creationTimestamp: T0 },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: { containers: [] } } },
      status: {
        desiredNumberScheduled: 5,
        currentNumberScheduled: 5,
        numberReady: 4,
        numberAvailable: 4,
        updatedNumberScheduled: 3,
        numberMisscheduled: 0,
        numberUnavailable: 1,
      },
    };
    expect(objectRow(ds, { watchEvent: 'LISTED' })).toMatchObject({
      replicas_desired: 5,
      replicas_current: 5,
      replicas_ready: 4,
      replicas_available: 4,
      replicas_updated: 3,
      attrs: { number_unavailable: '1', number_misscheduled: '0' },
    });
    const hpa = {
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'checkout', creationTimestamp: T0 },
      spec: { minReplicas: 2, maxReplicas: 10, scaleTargetRef: { kind: 'Deployment', name: 'checkout' } },
      status: { currentReplicas: 10, desiredReplicas: 14 },
    };
    expect(objectRow(hpa, { watchEvent: 'LISTED' })).toMatchObject({
      replicas_desired: 14,
      replicas_current: 10,
      refs: [{ kind: 'Deployment', name: 'checkout', via: 'scaleTargetRef' }],
      attrs: { min_replicas: '2', max_replicas: '10', target_kind: 'Deployment', target_name: 'checkout' },
    });
    const job = {
      kind: 'Job',
      metadata: { name: 'report', creationTimestamp: T0 },
      spec: { backoffLimit: 2, template: { spec: { containers: [{ name: 'r', image: 'r' }] } } },
      status: {
        active: 1,
        failed: 2,
        startTime: T0,
        conditions: [
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            lastTransitionTime: '2026-03-01T10:09:00Z',
          },
        ],
      },
    };
    expect(objectRow(job, { watchEvent: 'LISTED' })).toMatchObject({
      replicas_current: 1,
      replicas_ready: 0,
      attrs: { active: '1', succeeded: '0', failed: '2', backoff_limit: '2', start_time: T0 },
    });
  });

  it('Node: taints, unschedulable, allocatable in millicores and bytes', () => {
    const node = aNode({
      spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] },
    });
    const row = objectRow(node, { watchEvent: 'LISTED' });
    expect(row).toMatchObject({
      node: 'node-a',
      unschedulable: true,
      taints: [{ key: 'node.kubernetes.io/unreachable', value: null, effect: 'NoExecute' }],
      attrs: {
        kubelet_version: 'v1.30.2',
        os_image: 'Ubuntu 22.04',
        container_runtime: 'containerd://1.7.2',
        allocatable_cpu_m: '3920',
        allocatable_memory_bytes: String(15 * 2 ** 30),
        allocatable_pods: '110',
      },
    });
    expect(objectRow(aNode(), { watchEvent: 'LISTED' })).toMatchObject({ unschedulable: false, taints: [] });
  });

  it('TLS Secret: notAfter read before the data is redacted', () => {
    const secret = aSecret({
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': Buffer.from(TEST_CERT_PEM).toString('base64'), 'tls.key': 'a2V5' },
    });
    const row = objectRow(secret, { watchEvent: 'LISTED' });
    expect(row.attrs).toEqual({
      type: 'kubernetes.io/tls',
      data_keys: 'password,tls.crt,tls.key',
      tls_not_after: '2027-12-30T09:06:08Z',
    });
    expect(JSON.stringify(row.body)).not.toContain('BEGIN');
  });

  it('PVC, PV, Service, Ingress, PDB and ResourceQuota', () => {
    const pvc = {
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', creationTimestamp: T0 },
      spec: {
        storageClassName: 'gp3',
        volumeName: 'pv-1',
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '10Gi' } },
      },
      status: { phase: 'Bound' },
    };
    expect(objectRow(pvc, { watchEvent: 'LISTED' })).toMatchObject({
      phase: 'Bound',
      refs: [
        { kind: 'StorageClass', name: 'gp3' },
        { kind: 'PersistentVolume', name: 'pv-1' },
      ],
      attrs: {
        storage_class: 'gp3',
        volume_name: 'pv-1',
        requested_storage: '10Gi',
        access_modes: 'ReadWriteOnce',
      },
    });
    const pv = {
      kind: 'PersistentVolume',
      metadata: { name: 'pv-1', creationTimestamp: T0 },
      spec: {
        storageClassName: 'gp3',
        capacity: { storage: '10Gi' },
        persistentVolumeReclaimPolicy: 'Delete',
        claimRef: { namespace: 'shop', name: 'data' },
      },
      status: { phase: 'Bound' },
    };
    expect(objectRow(pv, { watchEvent: 'LISTED' }).attrs).toEqual({
      storage_class: 'gp3',
      claim_namespace: 'shop',
      claim_name: 'data',
      reclaim_policy: 'Delete',
      capacity: '10Gi',
    });
    const svc = {
      kind: 'Service',
      metadata: { name: 'checkout', creationTimestamp: T0 },
      spec: { type: 'ClusterIP', clusterIP: '10.0.0.7', selector: { app: 'checkout' } },
    };
    expect(objectRow(svc, { watchEvent: 'LISTED' })).toMatchObject({
      selector: { app: 'checkout' },
      attrs: { type: 'ClusterIP', cluster_ip: '10.0.0.7' },
    });
    const ingress = {
      kind: 'Ingress',
      metadata: { name: 'web', creationTimestamp: T0 },
      spec: {
        defaultBackend: { service: { name: 'default-web' } },
        tls: [{ secretName: 'web-tls' }],
        rules: [{ http: { paths: [{ backend: { service: { name: 'checkout', port: { number: 80 } } } }] } }],
      },
    };
    expect(objectRow(ingress, { watchEvent: 'LISTED' }).refs).toEqual([
      { kind: 'Service', name: 'default-web', via: 'backend' },
      { kind: 'Service', name: 'checkout', via: 'backend' },
      { kind: 'Secret', name: 'web-tls', via: 'tls' },
    ]);
    const pdb = {
      kind: 'PodDisruptionBudget',
      metadata: { name: 'checkout', creationTimestamp: T0 },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'checkout' } } },
      status: { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 3 },
    };
    expect(objectRow(pdb, { watchEvent: 'LISTED' })).toMatchObject({
      selector: { app: 'checkout' },
      attrs: {
        min_available: '2',
        disruptions_allowed: '0',
        current_healthy: '2',
        desired_healthy: '2',
        expected_pods: '3',
      },
    });
    const quota = {
      kind: 'ResourceQuota',
      metadata: { name: 'q', creationTimestamp: T0 },
      spec: { hard: { pods: '10' } },
      status: { hard: { pods: '10', 'requests.cpu': '2' }, used: { pods: '10', 'requests.cpu': '1500m' } },
    };
    expect(objectRow(quota, { watchEvent: 'LISTED' }).attrs).toEqual({
      'hard.pods': '10',
      'hard.requests.cpu': '2',
      'used.pods': '10',
      'used.requests.cpu': '1500m',
    });
  });

  it('custom resources: conditions and phase, no kind-specific columns', () => {
    const cert = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'web', namespace: 'shop', creationTimestamp: T0 },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'Failed',
            message: 'ACME challenge failed',
            lastTransitionTime: '2026-03-01T10:30:00Z',
          },
        ],
      },
    };
    const row = objectRow(cert, { watchEvent: 'LISTED' });
    expect(row).toMatchObject({
      api_version: 'cert-manager.io/v1',
      attrs: null,
      containers: null,
      refs: null,
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'Failed',
          message: 'ACME challenge failed',
          last_transition: '2026-03-01T10:30:00Z',
        },
      ],
    });
    expect(row.ts).toBe('2026-03-01T10:30:00Z');
  });
});

describe('eventRow', () => {
  const coreEvent = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'checkout-7d9f8-abcde.17a', namespace: 'shop', uid: 'ev-uid', resourceVersion: '555' },
    involvedObject: {
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: 'shop',
      name: 'checkout-7d9f8-abcde',
      uid: 'pod-uid-1',
      fieldPath: 'spec.containers{app}',
    },
    reason: 'BackOff',
    message: 'Back-off restarting failed container',
    type: 'Warning',
    count: 7,
    firstTimestamp: '2026-03-01T10:01:00Z',
    lastTimestamp: '2026-03-01T10:06:00Z',
    source: { component: 'kubelet', host: 'node-a' },
  };

  it('core/v1: subject is the involved object, container from fieldPath, node from source.host', () => {
    expect(eventRow(coreEvent, { origin: 'events.json' })).toMatchObject({
      source: 'event',
      ts: '2026-03-01T10:06:00Z',
      kind: 'Pod',
      namespace: 'shop',
      name: 'checkout-7d9f8-abcde',
      uid: 'pod-uid-1',
      container: 'app',
      node: 'node-a',
      resource_version: '555',
      origin: 'events.json',
      event_type: 'Warning',
      event_reason: 'BackOff',
      event_message: 'Back-off restarting failed container',
      event_count: 7,
      event_first: '2026-03-01T10:01:00Z',
      event_last: '2026-03-01T10:06:00Z',
      event_source: 'kubelet',
      event_uid: 'ev-uid',
    });
  });

  it('events.k8s.io/v1: regarding, note, series, reportingController', () => {
    const ev = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'x', namespace: 'shop', uid: 'ev2' },
      regarding: { kind: 'Pod', namespace: 'shop', name: 'web-0', fieldPath: 'spec.initContainers{init-db}' },
      note: 'Readiness probe failed',
      reason: 'Unhealthy',
      type: 'Warning',
      eventTime: '2026-03-01T10:00:00.123456Z',
      series: { count: 12, lastObservedTime: '2026-03-01T10:10:00.000001Z' },
      reportingController: 'kubelet',
      reportingInstance: 'node-b',
      deprecatedCount: 0,
    };
    expect(eventRow(ev)).toMatchObject({
      ts: '2026-03-01T10:10:00.000001Z',
      container: 'init-db',
      node: 'node-b',
      event_message: 'Readiness probe failed',
      event_count: 12,
      event_first: '2026-03-01T10:00:00.123456Z',
      event_last: '2026-03-01T10:10:00.000001Z',
      event_source: 'kubelet',
    });
  });

  it('an event about a cluster-scoped object is stored in a namespace that is not its subject’s', () => {
    const ev = {
      ...coreEvent,
      metadata: { ...coreEvent.metadata, namespace: 'default' },
      involvedObject: { kind: 'Node', name: 'node-a', uid: 'node-a' },
    };
    expect(eventRow(ev)).toMatchObject({ kind: 'Node', name: 'node-a', namespace: null });
    const pod = { ...coreEvent, involvedObject: { kind: 'Pod', name: 'p' } };
    expect(eventRow(pod).namespace).toBe('shop');
  });

  it('counts 1 when the count is absent, and rejects an event without any time', () => {
    const { count: _c, ...noCount } = coreEvent;
    expect(eventRow(noCount).event_count).toBe(1);
    expect(eventRow({ ...noCount, apiVersion: 'events.k8s.io/v1', deprecatedCount: 0 }).event_count).toBe(1);
    expect(() => eventRow({ metadata: { name: 'e', namespace: 'shop' } })).toThrow(
      /Event shop\/e carries no timestamp/,
    );
    expect(() => eventRow('text')).toThrow(/must be a JSON object/);
  });
});

describe('auditRow', () => {
  const base = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: 'a-1',
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/shop/secrets/db',
    verb: 'update',
    user: { username: 'alice' },
    userAgent: 'kubectl/v1.30',
    objectRef: { resource: 'secrets', namespace: 'shop', name: 'db', apiVersion: 'v1' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: '2026-03-01T10:00:00.100000Z',
    stageTimestamp: '2026-03-01T10:00:00.200000Z',
  };

  it('v1: columns from the entry, ts = stageTimestamp, Secret bodies redacted even without a kind', () => {
    const entry = {
      ...base,
      requestObject: { metadata: { name: 'db' }, data: { password: 'c2VjcmV0' } },
      responseObject: aSecret(),
    };
    const row = new Redactor().row(auditRow(entry, { origin: 'audit.log' }));
    expect(row).toMatchObject({
      source: 'audit',
      ts: '2026-03-01T10:00:00.200000Z',
      api_version: 'v1',
      kind: 'Secret',
      namespace: 'shop',
      name: 'db',
      audit_id: 'a-1',
      audit_stage: 'ResponseComplete',
      audit_level: 'RequestResponse',
      audit_verb: 'update',
      audit_user: 'alice',
      audit_user_agent: 'kubectl/v1.30',
      audit_uri: '/api/v1/namespaces/shop/secrets/db',
      audit_resource: 'secrets',
      audit_code: 200,
    });
    const body = JSON.stringify(row.body);
    expect(body).not.toContain('c2VjcmV0');
    expect(body).not.toContain(Buffer.from('hunter2-hunter2').toString('base64'));
    expect(entry.requestObject.data.password).toBe('c2VjcmV0');
  });

  it('redacts JSON patches on secrets and SecretList responses', () => {
    const redactor = new Redactor();
    const patch = redactor.row(
      auditRow({
        ...base,
        verb: 'patch',
        requestObject: [{ op: 'replace', path: '/data/password', value: 'bmV3' }],
      }),
    );
    expect(JSON.stringify(patch.body)).not.toContain('bmV3');
    const list = redactor.row(
      auditRow({
        ...base,
        verb: 'list',
        objectRef: { resource: 'secrets', namespace: 'shop' },
        responseObject: { kind: 'SecretList', items: [{ metadata: { name: 'a' }, data: { k: 'dmFsdWU=' } }] },
      }),
    );
    expect(JSON.stringify(list.body)).not.toContain('dmFsdWU=');
    expect(list.kind).toBe('Secret');
  });

  it('v1beta1: ts from `timestamp`, impersonation, group/version, kind of a custom resource from its body', () => {
    const entry = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1beta1',
      level: 'Request',
      timestamp: '2017-09-11T19:55:05Z',
      auditID: 'b-1',
      stage: 'RequestReceived',
      verb: 'create',
      user: { username: 'system:admin' },
      impersonatedUser: { username: 'bob' },
      objectRef: {
        resource: 'certificates',
        namespace: 'shop',
        apiGroup: 'cert-manager.io',
        apiVersion: 'v1',
      },
      requestObject: { kind: 'Certificate', metadata: { name: 'web' } },
    };
    expect(auditRow(entry)).toMatchObject({
      ts: '2017-09-11T19:55:05Z',
      api_version: 'cert-manager.io/v1',
      kind: 'Certificate',
      name: 'web',
      audit_user: 'system:admin',
      audit_impersonated_user: 'bob',
    });
    expect(auditRow(entry).audit_code ?? null).toBeNull();
  });

  it('keeps the raw text of a Request-level entry as body when redaction changes nothing', () => {
    const entry = {
      ...base,
      level: 'Request',
      objectRef: { resource: 'pods', namespace: 'shop', name: 'p' },
      requestObject: { kind: 'Pod', metadata: { name: 'p' } },
    };
    const raw = JSON.stringify(entry);
    const row = auditRow(entry, { raw });
    expect(new Redactor().row(row).body).toBe(row.body);
    expect(row.body).toMatchObject({ text: raw });
    expect(() => auditRow({ auditID: 'x' })).toThrow(/audit entry x carries no timestamp/);
  });
});

describe('logRow, metricRow, markerRow', () => {
  it('logRow: the pod is the subject', () => {
    expect(
      logRow({
        ts: '2026-03-01T10:00:01.123456789Z',
        namespace: 'shop',
        pod: 'p',
        container: 'app',
        line: 'panic: boom',
        stream: 'stderr',
        previous: true,
        node: 'node-a',
      }),
    ).toMatchObject({
      source: 'log',
      ts: '2026-03-01T10:00:01.123456Z',
      kind: 'Pod',
      namespace: 'shop',
      name: 'p',
      container: 'app',
      node: 'node-a',
      log_stream: 'stderr',
      log_previous: true,
      log_line: 'panic: boom',
    });
  });

  it('metricRow: subject from pod, kube-state-metrics kind labels, or node', () => {
    expect(
      metricRow({
        ts: T0,
        name: 'container_memory_working_set_bytes',
        labels: { namespace: 'shop', pod: 'p', container: 'app', node: 'node-a' },
        value: 5,
      }),
    ).toMatchObject({
      kind: 'Pod',
      name: 'p',
      namespace: 'shop',
      container: 'app',
      node: 'node-a',
      metric_value: 5,
    });
    expect(
      metricRow({
        ts: T0,
        name: 'kube_deployment_status_replicas_available',
        labels: { namespace: 'shop', deployment: 'checkout' },
        value: 2,
      }),
    ).toMatchObject({ kind: 'Deployment', name: 'checkout' });
    expect(
      metricRow({
        ts: T0,
        name: 'kube_node_status_condition',
        labels: { node: 'node-a', condition: 'Ready' },
        value: 1,
      }),
    ).toMatchObject({ kind: 'Node', name: 'node-a', namespace: null });
    expect(
      metricRow({
        ts: T0,
        name: 'container_cpu_usage_seconds_total',
        labels: { namespace: 'shop', pod: 'p', container: 'POD' },
        value: 1,
      }).container,
    ).toBeNull();
  });

  it('markerRow', () => {
    expect(
      markerRow({ ts: T0, marker: 'gap', end: '2026-03-01T10:05:00Z', detail: 'watch dropped' }),
    ).toEqual({
      source: 'marker',
      ts: T0,
      origin: null,
      marker: 'gap',
      marker_end: '2026-03-01T10:05:00Z',
      marker_detail: 'watch dropped',
    });
  });
});
