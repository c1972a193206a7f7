// `kstory describe` of autoscalers, Services, CronJobs, Jobs, claims and volumes prints kubectl's
// layout, which `kstory import` reads back into the fields the analysis asks for (what the `kubectl`
// view of kstory eval is made of).
import { afterAll, describe, expect, it } from 'vitest';
import { renderDescribe } from '../../src/report/describe/index.ts';
import type { DescribeInput } from '../../src/serve/describe.ts';
import { instantFromIso } from '../../src/serve/instant.ts';
import type { ApiResource } from '../../src/serve/resources.ts';
import { rows, Scratch } from '../import/helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const AT = instantFromIso('2026-03-02T09:25:00Z');
const CREATED = '2026-03-02T08:50:00Z';

function input(
  kind: string,
  object: Record<string, unknown>,
  extra: Partial<DescribeInput> = {},
): DescribeInput {
  const resource: ApiResource = {
    group: '',
    version: 'v1',
    resource: `${kind.toLowerCase()}s`,
    singular: kind.toLowerCase(),
    kind,
    namespaced: kind !== 'PersistentVolume',
    shortNames: [],
    categories: [],
    apiVersions: [],
    origin: 'builtin',
  };
  const event = {
    type: 'Warning',
    reason: `${kind}Trouble`,
    message: `trouble with the ${kind}`,
    count: 3,
    firstTimestamp: '2026-03-02T09:00:00Z',
    lastTimestamp: '2026-03-02T09:20:00Z',
    source: { component: 'controller' },
  };
  return { resource, object: { kind, ...object }, events: [event], at: AT, related: {}, ...extra };
}

const meta = (name: string, namespace?: string) => ({
  name,
  ...(namespace ? { namespace } : {}),
  creationTimestamp: CREATED,
  labels: { app: name },
});

const HPA = input('HorizontalPodAutoscaler', {
  metadata: meta('api', 'shop'),
  spec: {
    scaleTargetRef: { kind: 'Deployment', name: 'api' },
    minReplicas: 2,
    maxReplicas: 4,
    metrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } },
      },
    ],
  },
  status: {
    currentReplicas: 4,
    desiredReplicas: 4,
    currentMetrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', current: { averageUtilization: 98, averageValue: '98m' } },
      },
    ],
    conditions: [
      {
        type: 'ScalingLimited',
        status: 'True',
        reason: 'TooManyReplicas',
        message: 'the desired replica count is more than the maximum replica count',
      },
    ],
  },
});

const SERVICE = input(
  'Service',
  {
    metadata: meta('web', 'shop'),
    spec: {
      selector: { app: 'web' },
      type: 'LoadBalancer',
      clusterIP: '10.96.4.20',
      clusterIPs: ['10.96.4.20'],
      ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 31080, protocol: 'TCP' }],
      sessionAffinity: 'None',
      externalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  },
  {
    related: {
      endpoints: {
        subsets: [
          { addresses: [{ ip: '10.42.1.7' }, { ip: '10.42.2.9' }], ports: [{ name: 'http', port: 8080 }] },
        ],
      },
    },
  },
);

const TEMPLATE = {
  metadata: { labels: { app: 'export' } },
  spec: { containers: [{ name: 'export', image: 'example/export:1.0' }], restartPolicy: 'Never' },
};

const CRONJOB = input('CronJob', {
  metadata: meta('export', 'shop'),
  spec: {
    schedule: '*/5 * * * *',
    concurrencyPolicy: 'Forbid',
    suspend: false,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 1,
    startingDeadlineSeconds: 100,
    jobTemplate: { spec: { backoffLimit: 2, template: TEMPLATE } },
  },
  status: { lastScheduleTime: '2026-03-02T09:20:00Z', active: [{ name: 'export-29012345' }] },
});

const JOB = input('Job', {
  metadata: {
    ...meta('export-29012345', 'shop'),
    ownerReferences: [{ kind: 'CronJob', name: 'export', controller: true }],
  },
  spec: {
    parallelism: 1,
    completions: 1,
    backoffLimit: 2,
    selector: { matchLabels: { 'batch.kubernetes.io/job-name': 'export-29012345' } },
    template: TEMPLATE,
  },
  status: { startTime: '2026-03-02T09:20:00Z', active: 0, ready: 0, failed: 3 },
});

const PVC = input(
  'PersistentVolumeClaim',
  {
    metadata: { ...meta('data-db-0', 'shop'), finalizers: ['kubernetes.io/pvc-protection'] },
    spec: { storageClassName: 'fast', volumeName: 'pvc-1234', volumeMode: 'Filesystem' },
    status: { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'] },
  },
  { related: { pods: [{ metadata: { name: 'db-0' } }] } },
);

const PV = input('PersistentVolume', {
  metadata: meta('legacy-nfs'),
  spec: {
    storageClassName: 'nfs',
    claimRef: { namespace: 'shop', name: 'search-data' },
    persistentVolumeReclaimPolicy: 'Retain',
    accessModes: ['ReadWriteMany'],
    capacity: { storage: '50Gi' },
    nfs: { server: 'nfs.example.org', path: '/exports/search' },
  },
  status: { phase: 'Released' },
});

describe('kstory describe of the kinds roots are often about', () => {
  it("prints kubectl's layout: an autoscaler's metrics and bounds, a Service's ports and endpoints", () => {
    expect(renderDescribe(HPA)).toContain(
      [
        'Reference:                                             Deployment/api',
        'Metrics:                                               ( current / target )',
        '  resource cpu on pods  (as a percentage of request):  98% (98m) / 60%',
        'Min replicas:                                          2',
        'Max replicas:                                          4',
        'Deployment pods:                                       4 current / 4 desired',
      ].join('\n'),
    );
    const service = renderDescribe(SERVICE);
    expect(service).toContain('Port:                     http  80/TCP\n');
    expect(service).toContain('NodePort:                 http  31080/TCP\n');
    expect(service).toContain('Endpoints:                10.42.1.7:8080,10.42.2.9:8080\n');
    expect(renderDescribe(JOB)).toContain('Pods Statuses:  0 Active (0 Ready) / 0 Succeeded / 3 Failed\n');
    expect(renderDescribe(PVC)).toContain('Used By:       db-0\n');
    expect(renderDescribe(PV)).toContain(
      '    Type:      NFS (an NFS mount that lasts the lifetime of a pod)\n',
    );
  });

  it('is read back by kstory import, each kind from its fields, with its Events', async () => {
    const text = [HPA, SERVICE, CRONJOB, JOB, PVC, PV].map(renderDescribe).join('\n');
    const file = scratch.write('describes.txt', text);
    const { result, bundle } = await scratch.import([file], { at: '2026-03-02T09:25:00Z' });
    expect(result.inputs[0]?.issues).toEqual([]);
    const objects = await rows(bundle!, 'SELECT kind, name, body FROM objects ORDER BY kind, name');
    const body = (kind: string, name: string) =>
      JSON.parse(String(objects.find((o) => o.kind === kind && o.name === name)?.body ?? 'null'));
    expect(objects.map((o) => `${o.kind}/${o.name}`)).toEqual([
      'CronJob/export',
      'Endpoints/web',
      'HorizontalPodAutoscaler/api',
      'Job/export-29012345',
      'PersistentVolume/legacy-nfs',
      'PersistentVolumeClaim/data-db-0',
      'Service/web',
    ]);
    expect(body('HorizontalPodAutoscaler', 'api')).toMatchObject({
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'api' }, minReplicas: 2, maxReplicas: 4 },
      status: {
        currentReplicas: 4,
        desiredReplicas: 4,
        conditions: [{ type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas' }],
      },
    });
    expect(body('Service', 'web')).toMatchObject({
      spec: {
        selector: { app: 'web' },
        type: 'LoadBalancer',
        ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 31080 }],
      },
    });
    expect(body('Endpoints', 'web')).toMatchObject({
      subsets: [{ addresses: [{ ip: '10.42.1.7' }, { ip: '10.42.2.9' }] }],
    });
    expect(body('CronJob', 'export')).toMatchObject({
      spec: { schedule: '*/5 * * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 100 },
      status: { lastScheduleTime: '2026-03-02T09:20:00Z', active: [{ name: 'export-29012345' }] },
    });
    expect(body('Job', 'export-29012345')).toMatchObject({
      spec: { backoffLimit: 2, completions: 1 },
      status: { failed: 3, active: 0 },
    });
    expect(body('PersistentVolumeClaim', 'data-db-0')).toMatchObject({
      spec: { storageClassName: 'fast', volumeName: 'pvc-1234' },
      status: { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'] },
    });
    expect(body('PersistentVolume', 'legacy-nfs')).toMatchObject({
      spec: {
        claimRef: { namespace: 'shop', name: 'search-data' },
        persistentVolumeReclaimPolicy: 'Retain',
        nfs: { server: 'nfs.example.org', path: '/exports/search' },
      },
      status: { phase: 'Released' },
    });
    const events = await rows(bundle!, 'SELECT kind, event_reason, event_count FROM events ORDER BY kind');
    expect(events).toEqual(
      [
        'CronJob',
        'HorizontalPodAutoscaler',
        'Job',
        'PersistentVolume',
        'PersistentVolumeClaim',
        'Service',
      ].map((kind) => ({ kind, event_reason: `${kind}Trouble`, event_count: 3 })),
    );
    bundle!.close();
  });
});
