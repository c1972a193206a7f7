// `kubectl cluster-info dump` to one file, written here: JSON lists back to back with container logs
// between ==== START/END ==== lines, in today's form and in the Go-keyed internal-type form of kubectl
// 1.9–1.13 (no kind, flattened metadata, LastTerminationState), as UTF-16 too.
import { afterAll, describe, expect, it } from 'vitest';
import { aNode, aPod } from '../kube/builders.ts';
import { rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const pretty = (value: unknown) => JSON.stringify(value, null, 4);
const list = (kind: string, items: unknown[], apiVersion = 'v1') =>
  pretty({ kind, apiVersion, metadata: { resourceVersion: '900' }, items });
const start = (c: string, ns: string, pod: string) =>
  `==== START logs for container ${c} of pod ${ns}/${pod} ====`;
const end = (c: string, ns: string, pod: string) =>
  `==== END logs for container ${c} of pod ${ns}/${pod} ====`;

const strip = ({ kind: _k, apiVersion: _a, ...rest }: Record<string, unknown>) => rest;

const backOff = {
  metadata: { name: 'checkout.17', namespace: 'shop', uid: 'ev-17', resourceVersion: '950' },
  involvedObject: { kind: 'Pod', namespace: 'shop', name: 'checkout-7d9f8-abcde', uid: 'pod-uid-1' },
  reason: 'BackOff',
  message: 'Back-off restarting failed container app',
  type: 'Warning',
  count: 4,
  firstTimestamp: '2026-03-01T10:01:00Z',
  lastTimestamp: '2026-03-01T10:05:00Z',
  source: { component: 'kubelet', host: 'node-a' },
};

/** A dump as kubectl writes it: nodes, then the namespace's lists, then its logs. */
function aDump(): string {
  return [
    list('NodeList', [strip(aNode())]),
    list('EventList', [backOff]),
    list('ReplicationControllerList', []),
    list('ServiceList', []),
    list('DaemonSetList', [], 'apps/v1'),
    list('DeploymentList', [], 'apps/v1'),
    list('ReplicaSetList', [], 'apps/v1'),
    list('PodList', [
      strip(aPod()),
      strip(aPod({ metadata: { name: 'web-1', uid: 'pod-uid-2' }, spec: { containers: [{ name: 'web' }] } })),
    ]),
    start('app', 'shop', 'checkout-7d9f8-abcde'),
    // Banner lines before the first dated line are dated just before it.
    'Flag --port has been deprecated',
    'I0301 10:00:16.000001       1 server.go:10] Version: v1.30.2',
    'E0301 10:04:30.500000       1 server.go:99] connection refused',
    '\tgoroutine 1 [running]:',
    '2026-03-01 10:04:31.000000 I | etcdmain: capnslog line',
    end('app', 'shop', 'checkout-7d9f8-abcde'),
    start('web', 'shop', 'web-1'),
    'Request log error: container "web" in pod "web-1" is waiting to start: ContainerCreating',
    end('web', 'shop', 'web-1'),
    'Cluster info dumped to standard output',
    '',
  ].join('\n');
}

describe('kubectl cluster-info dump, one file', () => {
  it('imports its objects, events and the log sections as the logs of their pod and container', async () => {
    const file = scratch.write('dump.json', aDump());
    const { result, bundle } = await scratch.import([file]);
    const [stats] = result.inputs;
    expect(stats?.formats).toEqual({ 'cluster-info-dump': 1 });
    // Lists back to back are a snapshot, not a watch stream.
    expect(result.snapshot).toBe(true);
    expect(bundle!.metadata.snapshot).toBe(true);
    expect(
      await rows(
        bundle!,
        'SELECT source, kind, count(*)::INTEGER AS n FROM bundle GROUP BY ALL ORDER BY ALL',
      ),
    ).toEqual([
      { source: 'event', kind: 'Pod', n: 1 },
      { source: 'log', kind: 'Pod', n: 5 },
      { source: 'marker', kind: null, n: 1 },
      { source: 'object', kind: 'Node', n: 1 },
      { source: 'object', kind: 'Pod', n: 2 },
    ]);
    expect(
      await rows(
        bundle!,
        'SELECT name, uid, node, container, ts::VARCHAR AS ts, log_line FROM logs ORDER BY ts, log_line',
      ),
    ).toEqual([
      {
        name: 'checkout-7d9f8-abcde',
        uid: 'pod-uid-1',
        node: 'node-a',
        container: 'app',
        ts: '2026-03-01 10:00:16+00',
        log_line: 'Flag --port has been deprecated',
      },
      {
        name: 'checkout-7d9f8-abcde',
        uid: 'pod-uid-1',
        node: 'node-a',
        container: 'app',
        // klog writes no year: the dump's events say 2026.
        ts: '2026-03-01 10:00:16.000001+00',
        log_line: 'I0301 10:00:16.000001       1 server.go:10] Version: v1.30.2',
      },
      {
        name: 'checkout-7d9f8-abcde',
        uid: 'pod-uid-1',
        node: 'node-a',
        container: 'app',
        ts: '2026-03-01 10:04:30.5+00',
        log_line: 'E0301 10:04:30.500000       1 server.go:99] connection refused',
      },
      {
        name: 'checkout-7d9f8-abcde',
        uid: 'pod-uid-1',
        node: 'node-a',
        container: 'app',
        ts: '2026-03-01 10:04:30.500001+00',
        log_line: '\tgoroutine 1 [running]:',
      },
      {
        name: 'checkout-7d9f8-abcde',
        uid: 'pod-uid-1',
        node: 'node-a',
        container: 'app',
        ts: '2026-03-01 10:04:31+00',
        log_line: '2026-03-01 10:04:31.000000 I | etcdmain: capnslog line',
      },
    ]);
    // What kubectl wrote in place of web's log is not a log line: it is said, once.
    expect(stats?.issues).toEqual([
      {
        file,
        line: expect.any(Number),
        reason:
          'logs not captured: container "web" in pod "web-1" is waiting to start: ContainerCreating (shop/web-1 web)',
      },
    ]);
    // Taken when its newest line says, not when the file was written.
    expect(stats?.capturedAt).toBe('2026-03-01T10:05:00Z');
    bundle!.close();
  });

  it('a placeholder-like first line followed by more output is the program talking: imported', async () => {
    const file = scratch.write(
      'ci-dump.json',
      [
        list('NodeList', [strip(aNode())]),
        list('PodList', [strip(aPod())]),
        start('app', 'shop', 'checkout-7d9f8-abcde'),
        'Error from server (NotFound): deployments.apps "api" not found',
        'retrying in 5s',
        end('app', 'shop', 'checkout-7d9f8-abcde'),
        '',
      ].join('\n'),
    );
    const { result, bundle } = await scratch.import([file]);
    expect(await rows(bundle!, 'SELECT log_line FROM logs ORDER BY ts')).toEqual([
      { log_line: 'Error from server (NotFound): deployments.apps "api" not found' },
      { log_line: 'retrying in 5s' },
    ]);
    expect(result.inputs[0]?.issueCount).toBe(0);
    bundle!.close();
  });

  it('says where text between the documents is, and reads on', async () => {
    const file = scratch.write(
      'damaged.json',
      [list('NodeList', [strip(aNode())]), 'some pasted note', list('PodList', [strip(aPod())]), ''].join(
        '\n',
      ),
    );
    const { result, bundle } = await scratch.import([file]);
    expect(result.inputs[0]?.issues).toEqual([
      {
        file,
        line: expect.any(Number),
        reason: 'text outside the JSON documents and log sections: not imported',
      },
    ]);
    expect(await rows(bundle!, "SELECT count(*)::INTEGER AS n FROM objects WHERE kind = 'Pod'")).toEqual([
      { n: 1 },
    ]);
    bundle!.close();
  });
});

/** The same cluster as kubectl 1.9–1.13 wrote it: internal types with Go field names. */
function anInternalTypeDump(): string {
  const node = {
    selfLink: '/api/v1/nodes',
    resourceVersion: '4241',
    Items: [
      {
        name: 'node-a',
        selfLink: '/api/v1/nodes/node-a',
        uid: 'node-uid-a',
        creationTimestamp: '2018-02-24T05:27:59Z',
        labels: { 'kubernetes.io/hostname': 'node-a', 'node-role.kubernetes.io/master': '' },
        Spec: { PodCIDR: '', ExternalID: 'node-a', Unschedulable: false, Taints: null },
        Status: {
          Capacity: { cpu: '1', pods: '110' },
          Phase: '',
          Conditions: [
            {
              Type: 'Ready',
              Status: 'True',
              LastHeartbeatTime: '2018-02-24T06:19:06Z',
              LastTransitionTime: '2018-02-24T05:28:09Z',
              Reason: 'KubeletReady',
              Message: 'kubelet is posting ready status',
            },
          ],
          NodeInfo: { KubeletVersion: 'v1.9.1', ContainerRuntimeVersion: 'docker://1.12.6' },
        },
      },
    ],
  };
  const event = {
    // No selfLink on the list: its place in the dump says it holds events.
    resourceVersion: '4241',
    Items: [
      {
        name: 'coredns-1.abc',
        namespace: 'kube-system',
        uid: 'ev-uid-1',
        resourceVersion: '660',
        creationTimestamp: '2018-02-24T05:34:30Z',
        InvolvedObject: {
          Kind: 'Pod',
          Namespace: 'kube-system',
          Name: 'coredns-1',
          UID: 'pod-uid-c1',
          APIVersion: 'v1',
          FieldPath: '',
        },
        Reason: 'BackOff',
        Message: 'Back-off restarting failed container',
        Source: { Component: 'kubelet', Host: 'node-a' },
        FirstTimestamp: '2018-02-24T05:34:30Z',
        LastTimestamp: '2018-02-24T05:40:30Z',
        Count: 3,
        Type: 'Warning',
        EventTime: null,
        Action: '',
      },
    ],
  };
  const empty = (resource: string, group = '/api/v1') => ({
    selfLink: `${group}/namespaces/kube-system/${resource}`,
    resourceVersion: '4241',
    Items: [],
  });
  const deployments = {
    selfLink: '/apis/extensions/v1beta1/namespaces/kube-system/deployments',
    Items: [
      {
        name: 'coredns',
        namespace: 'kube-system',
        uid: 'deploy-uid-c',
        generation: 2,
        creationTimestamp: '2018-02-24T05:34:29Z',
        Spec: {
          Replicas: 1,
          Selector: { matchLabels: { 'k8s-app': 'coredns' } },
          Template: {
            creationTimestamp: null,
            labels: { 'k8s-app': 'coredns' },
            Spec: { Containers: [{ Name: 'coredns', Image: 'coredns/coredns:1.0.1' }] },
          },
        },
        Status: { ObservedGeneration: 2, Replicas: 1, ReadyReplicas: 1, AvailableReplicas: 1 },
      },
    ],
  };
  const pods = {
    selfLink: '/api/v1/namespaces/kube-system/pods',
    Items: [
      {
        name: 'coredns-1',
        namespace: 'kube-system',
        uid: 'pod-uid-c1',
        creationTimestamp: '2018-02-24T05:34:29Z',
        ownerReferences: [
          {
            apiVersion: 'extensions/v1beta1',
            kind: 'ReplicaSet',
            name: 'coredns-1x',
            uid: 'rs-1',
            controller: true,
          },
        ],
        Spec: {
          NodeName: 'node-a',
          Containers: [{ Name: 'coredns', Image: 'coredns/coredns:1.0.1' }],
          SecurityContext: { HostNetwork: true },
        },
        Status: {
          Phase: 'Running',
          QOSClass: 'Burstable',
          ContainerStatuses: [
            {
              Name: 'coredns',
              Ready: true,
              RestartCount: 3,
              State: { Running: { StartedAt: '2018-02-24T05:41:00Z' }, Waiting: null, Terminated: null },
              LastTerminationState: {
                Terminated: {
                  ExitCode: 137,
                  Reason: 'OOMKilled',
                  StartedAt: '2018-02-24T05:38:00Z',
                  FinishedAt: '2018-02-24T05:40:00Z',
                },
              },
              Image: 'coredns/coredns:1.0.1',
              ContainerID: 'docker://abc',
            },
          ],
        },
      },
    ],
  };
  return [
    pretty(node),
    pretty(event),
    pretty(empty('replicationcontrollers')),
    pretty(empty('services')),
    pretty(empty('daemonsets', '/apis/extensions/v1beta1')),
    pretty(deployments),
    pretty(empty('replicasets', '/apis/extensions/v1beta1')),
    pretty(pods),
    start('coredns', 'kube-system', 'coredns-1'),
    '2018/02/24 05:41:01 [INFO] CoreDNS-1.0.1',
    end('coredns', 'kube-system', 'coredns-1'),
    '',
  ].join('\n');
}

describe('kubectl cluster-info dump, internal-type JSON of kubectl 1.9–1.13', () => {
  it('reads every object and event, kinds from selfLinks and the dump order, UTF-16 with a BOM too', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(anInternalTypeDump(), 'utf16le')]);
    const file = scratch.write('old-dump.json', utf16);
    const { result, bundle } = await scratch.import([file]);
    expect(result.inputs[0]?.issueCount).toBe(0);
    expect(result.snapshot).toBe(true);
    expect(
      await rows(
        bundle!,
        "SELECT source, api_version, kind, namespace, name, uid FROM bundle WHERE source IN ('object', 'event') ORDER BY ALL",
      ),
    ).toEqual([
      // The event's subject is the pod, by uid.
      {
        source: 'event',
        api_version: 'v1',
        kind: 'Pod',
        namespace: 'kube-system',
        name: 'coredns-1',
        uid: 'pod-uid-c1',
      },
      {
        source: 'object',
        api_version: 'extensions/v1beta1',
        kind: 'Deployment',
        namespace: 'kube-system',
        name: 'coredns',
        uid: 'deploy-uid-c',
      },
      {
        source: 'object',
        api_version: 'v1',
        kind: 'Node',
        namespace: null,
        name: 'node-a',
        uid: 'node-uid-a',
      },
      {
        source: 'object',
        api_version: 'v1',
        kind: 'Pod',
        namespace: 'kube-system',
        name: 'coredns-1',
        uid: 'pod-uid-c1',
      },
    ]);
    expect(
      await rows(
        bundle!,
        'SELECT event_reason, event_count, event_source, event_first::VARCHAR AS f, event_last::VARCHAR AS l FROM events',
      ),
    ).toEqual([
      {
        event_reason: 'BackOff',
        event_count: 3,
        event_source: 'kubelet',
        f: '2018-02-24 05:34:30+00',
        l: '2018-02-24 05:40:30+00',
      },
    ]);
    // The container's last termination (LastTerminationState in the internal type) is kept.
    expect(
      await rows(
        bundle!,
        "SELECT c.restart_count AS restarts, c.state, c.last_reason, c.last_exit_code AS code, node, owner_kind, body->>'$.spec.hostNetwork' AS host_network FROM (SELECT *, unnest(containers) AS c FROM objects WHERE kind = 'Pod')",
      ),
    ).toEqual([
      {
        restarts: 3,
        state: 'running',
        last_reason: 'OOMKilled',
        code: 137,
        node: 'node-a',
        owner_kind: 'ReplicaSet',
        host_network: 'true',
      },
    ]);
    expect(
      await rows(
        bundle!,
        "SELECT replicas_desired AS d, replicas_ready AS r, selector['k8s-app'] AS s, observed_generation::INTEGER AS g FROM objects WHERE kind = 'Deployment'",
      ),
    ).toEqual([{ d: 1, r: 1, s: 'coredns', g: 2 }]);
    expect(
      await rows(
        bundle!,
        "SELECT labels['node-role.kubernetes.io/master'] AS master, c.type, c.status FROM (SELECT *, unnest(conditions) AS c FROM objects WHERE kind = 'Node')",
      ),
    ).toEqual([{ master: '', type: 'Ready', status: 'True' }]);
    expect(await rows(bundle!, 'SELECT name, container, ts::VARCHAR AS ts FROM logs')).toEqual([
      { name: 'coredns-1', container: 'coredns', ts: '2018-02-24 05:41:01+00' },
    ]);
    // The node's heartbeat is the newest time in it.
    expect(result.inputs[0]?.capturedAt).toBe('2018-02-24T06:19:06Z');
    bundle!.close();
  });
});
