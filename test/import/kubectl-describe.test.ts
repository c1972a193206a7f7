// `kubectl describe` text read back into objects and Events: the layouts of kubectl from 1.9 to
// 1.31 (written here by hand the way its describers print them), several objects in one file, ages
// turned into times from what the text shows, and every row marked as derived from the text.
import { utimesSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

// kubectl 1.31: an init container that cannot start, the main container waiting on it.
const INIT_FAILING_POD = `Name:             agent-7c9d8b6f5-x2x9q
Namespace:        tools
Priority:         0
Service Account:  default
Node:             worker-3/10.1.0.13
Start Time:       Fri, 06 Mar 2026 09:15:00 +0100
Labels:           app=agent
                  pod-template-hash=7c9d8b6f5
Annotations:      checksum/config: 5e1f
Status:           Pending
IP:               10.42.3.17
IPs:
  IP:           10.42.3.17
Controlled By:  ReplicaSet/agent-7c9d8b6f5
Init Containers:
  fetch:
    Container ID:  containerd://aaa111
    Image:         busybox:1.36
    Image ID:      docker.io/library/busybox@sha256:0123
    Port:          <none>
    Host Port:     <none>
    Command:
      wgett
      -O
      /data/index.html
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       StartError
      Message:      exec: "wgett": executable file not found in $PATH
      Exit Code:    128
      Started:      Thu, 01 Jan 1970 01:00:00 +0100
      Finished:     Fri, 06 Mar 2026 09:16:10 +0100
    Ready:          False
    Restart Count:  3
    Environment:    <none>
    Mounts:
      /data from data (rw)
Containers:
  web:
    Container ID:
    Image:          nginx:1.27
    Image ID:
    Port:           8080/TCP
    Host Port:      0/TCP
    State:          Waiting
      Reason:       PodInitializing
    Ready:          False
    Restart Count:  0
    Limits:
      memory:  256Mi
    Requests:
      cpu:        100m
      memory:     128Mi
    Liveness:     http-get http://:8080/healthz delay=10s timeout=1s period=10s #success=1 #failure=3
    Readiness:    exec [cat /tmp/ready] delay=0s timeout=1s period=5s #success=1 #failure=3
    Environment:
      DB_HOST:      db.tools.svc
      DB_PASSWORD:  <set to the key 'password' in secret 'db-creds'>  Optional: false
    Mounts:
      /usr/share/nginx/html from data (rw)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True
  Initialized                 False
  Ready                       False
  ContainersReady             False
  PodScheduled                True
Volumes:
  data:
    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)
    Medium:
    SizeLimit:  <unset>
  cfg:
    Type:      ConfigMap (a volume populated by a ConfigMap)
    Name:      agent-config
    Optional:  false
QoS Class:                   Burstable
Node-Selectors:              kubernetes.io/os=linux
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason     Age                From               Message
  ----     ------     ----               ----               -------
  Normal   Scheduled  75s                default-scheduler  Successfully assigned tools/agent-7c9d8b6f5-x2x9q to worker-3
  Normal   Pulled     20s (x4 over 74s)  kubelet            Container image "busybox:1.36" already present on machine
  Warning  Failed     20s (x4 over 74s)  kubelet            Error: failed to create containerd task: exec: "wgett": executable file not found in $PATH
  Warning  BackOff    5s (x6 over 70s)   kubelet            Back-off restarting failed container fetch in pod agent-7c9d8b6f5-x2x9q_tools(0b8e1c9a-1111-2222-3333-444455556666)
`;

describe('kubectl describe pod', () => {
  it('rebuilds the pod: phase, node, owner, init container failing to start, probes, resources', async () => {
    const file = scratch.write('init/describe.txt', INIT_FAILING_POD);
    const { result, bundle } = await scratch.import([file]);
    expect(result.inputs[0]?.formats).toEqual({ 'kubectl-describe': 1 });
    const [pod] = await rows(
      bundle!,
      "SELECT namespace, name, phase, node, owner_kind, owner_name, body FROM objects WHERE kind = 'Pod'",
    );
    expect(pod).toMatchObject({
      namespace: 'tools',
      name: 'agent-7c9d8b6f5-x2x9q',
      phase: 'Pending',
      node: 'worker-3',
      owner_kind: 'ReplicaSet',
      owner_name: 'agent-7c9d8b6f5',
    });
    const body = JSON.parse(pod!.body as string);
    expect(body.metadata.labels).toEqual({ app: 'agent', 'pod-template-hash': '7c9d8b6f5' });
    expect(body.metadata.annotations).toEqual({
      'checksum/config': '5e1f',
      'kstory.dev/derived-from': 'kubectl describe',
    });
    expect(body.status).toMatchObject({ hostIP: '10.1.0.13', podIP: '10.42.3.17', qosClass: 'Burstable' });
    expect(body.spec.containers[0].livenessProbe).toMatchObject({
      httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' },
      periodSeconds: 10,
      failureThreshold: 3,
    });
    expect(body.spec.containers[0].readinessProbe.exec).toEqual({ command: ['cat', '/tmp/ready'] });
    expect(body.spec.initContainers[0].command).toEqual(['wgett', '-O', '/data/index.html']);
    expect(body.spec.volumes).toEqual([
      { name: 'data', emptyDir: {} },
      { name: 'cfg', configMap: { name: 'agent-config', optional: false } },
    ]);
    // The secret reference stays a reference; a plain value named like a credential would be redacted.
    expect(body.spec.containers[0].env[1]).toEqual({
      name: 'DB_PASSWORD',
      valueFrom: { secretKeyRef: { key: 'password', name: 'db-creds', optional: false } },
    });
    expect(
      await rows(
        bundle!,
        `SELECT name, init, state, reason, restart_count, last_reason, last_exit_code,
           last_started_at::VARCHAR AS last_started, last_finished_at::VARCHAR AS last_finished,
           cpu_request_m::INTEGER AS cpu_request_m, memory_limit_bytes::INTEGER AS memory_limit_bytes
         FROM containers ORDER BY init DESC`,
      ),
    ).toEqual([
      {
        name: 'fetch',
        init: true,
        state: 'waiting',
        reason: 'CrashLoopBackOff',
        restart_count: 3,
        last_reason: 'StartError',
        last_exit_code: 128,
        // The zero time a container that never started prints is no time at all.
        last_started: null,
        last_finished: '2026-03-06 08:16:10+00',
        cpu_request_m: null,
        memory_limit_bytes: null,
      },
      {
        name: 'web',
        init: false,
        state: 'waiting',
        reason: 'PodInitializing',
        restart_count: 0,
        last_reason: null,
        last_exit_code: null,
        last_started: null,
        last_finished: null,
        cpu_request_m: 100,
        memory_limit_bytes: 256 * 1024 * 1024,
      },
    ]);
    bundle!.close();
  });

  it('turns the Events table into Events of the pod, ages counted back from when it was described', async () => {
    const file = scratch.write('init2/describe.txt', INIT_FAILING_POD);
    const { result, bundle } = await scratch.import([file]);
    // Scheduled 75s after… the start time 08:15:00Z: the describe ran at 08:16:15Z.
    expect(result.inputs[0]).toMatchObject({
      capturedAt: '2026-03-06T08:16:15.000000Z',
      capturedSource: 'newest-observation',
    });
    expect(
      await rows(
        bundle!,
        `SELECT event_type, event_reason, event_count, event_first::VARCHAR AS first, event_last::VARCHAR AS last,
           event_source, node, container, kind, name
         FROM events ORDER BY event_last, event_reason`,
      ),
    ).toEqual([
      {
        event_type: 'Normal',
        event_reason: 'Scheduled',
        event_count: 1,
        first: '2026-03-06 08:15:00+00',
        last: '2026-03-06 08:15:00+00',
        event_source: 'default-scheduler',
        node: null,
        container: null,
        kind: 'Pod',
        name: 'agent-7c9d8b6f5-x2x9q',
      },
      {
        event_type: 'Warning',
        event_reason: 'Failed',
        event_count: 4,
        first: '2026-03-06 08:15:01+00',
        last: '2026-03-06 08:15:55+00',
        event_source: 'kubelet',
        node: 'worker-3',
        container: null,
        kind: 'Pod',
        name: 'agent-7c9d8b6f5-x2x9q',
      },
      {
        event_type: 'Normal',
        event_reason: 'Pulled',
        event_count: 4,
        first: '2026-03-06 08:15:01+00',
        last: '2026-03-06 08:15:55+00',
        event_source: 'kubelet',
        node: 'worker-3',
        container: null,
        kind: 'Pod',
        name: 'agent-7c9d8b6f5-x2x9q',
      },
      {
        event_type: 'Warning',
        event_reason: 'BackOff',
        event_count: 6,
        first: '2026-03-06 08:15:05+00',
        last: '2026-03-06 08:16:10+00',
        event_source: 'kubelet',
        node: 'worker-3',
        // The message names the init container.
        container: 'fetch',
        kind: 'Pod',
        name: 'agent-7c9d8b6f5-x2x9q',
      },
    ]);
    const [ev] = await rows(bundle!, "SELECT body FROM events WHERE event_reason = 'BackOff'");
    expect(JSON.parse(ev!.body as string).metadata.annotations).toEqual({
      'kstory.dev/derived-from': 'kubectl describe',
    });
    bundle!.close();
  });

  it('reads kubectl 1.9: Created By, the FirstSeen/LastSeen/Count table, `kubelet, node` sources and sub-object paths', async () => {
    const text = `Name:           api-5b7d9-abcde
Namespace:      default
Node:           node-1/10.0.0.5
Start Time:     Mon, 05 Feb 2018 10:00:00 +0000
Labels:         app=api
Annotations:    <none>
Status:         Running
IP:             172.17.0.4
Created By:     ReplicaSet/api-5b7d9
Controlled By:  ReplicaSet/api-5b7d9
Containers:
  app:
    Container ID:   docker://bbb222
    Image:          example/api:2.0
    Image ID:       docker-pullable://example/api@sha256:4567
    Port:           <none>
    State:          Running
      Started:      Mon, 05 Feb 2018 10:20:00 +0000
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Mon, 05 Feb 2018 10:12:00 +0000
      Finished:     Mon, 05 Feb 2018 10:19:58 +0000
    Ready:          True
    Restart Count:  4
    Limits:
      memory:  64Mi
    Environment:  <none>
    Mounts:       <none>
Conditions:
  Type           Status
  Initialized    True 
  Ready          True 
  PodScheduled   True 
Volumes:         <none>
QoS Class:       Burstable
Node-Selectors:  <none>
Tolerations:     <none>
Events:
  FirstSeen  LastSeen  Count  From               SubObjectPath         Type    Reason     Message
  ---------  --------  -----  ----               -------------         ----    ------     -------
  25m        25m       1      default-scheduler                        Normal  Scheduled  Successfully assigned api-5b7d9-abcde to node-1
  24m        5m        5      kubelet, node-1    spec.containers{app}  Normal  Pulled     Container image "example/api:2.0" already present on machine
`;
    const { result, bundle } = await scratch.import([scratch.write('v19/pod.txt', text)]);
    expect(result.inputs[0]?.issues).toEqual([]);
    expect(await rows(bundle!, 'SELECT name, owner_kind, owner_name, phase FROM objects')).toEqual([
      { name: 'api-5b7d9-abcde', owner_kind: 'ReplicaSet', owner_name: 'api-5b7d9', phase: 'Running' },
    ]);
    expect(
      await rows(bundle!, 'SELECT restart_count, last_reason, last_exit_code, ready FROM containers'),
    ).toEqual([{ restart_count: 4, last_reason: 'OOMKilled', last_exit_code: 137, ready: true }]);
    // Started 10:00 + 25 minutes: described at 10:25.
    expect(result.inputs[0]?.capturedAt).toBe('2018-02-05T10:25:00.000000Z');
    expect(
      await rows(
        bundle!,
        'SELECT event_reason, event_count, event_first::VARCHAR AS f, event_last::VARCHAR AS l, node, container, event_source FROM events ORDER BY f',
      ),
    ).toEqual([
      {
        event_reason: 'Scheduled',
        event_count: 1,
        f: '2018-02-05 10:00:00+00',
        l: '2018-02-05 10:00:00+00',
        node: null,
        container: null,
        event_source: 'default-scheduler',
      },
      {
        event_reason: 'Pulled',
        event_count: 5,
        f: '2018-02-05 10:01:00+00',
        l: '2018-02-05 10:20:00+00',
        node: 'node-1',
        container: 'app',
        event_source: 'kubelet',
      },
    ]);
    bundle!.close();
  });

  it('reads messages that run over lines and rows whose spaces a paste squeezed', async () => {
    const text = `Name:         batch-1
Namespace:    jobs
Node:         <none>
Labels:       <none>
Annotations:  <none>
Status:       Pending
IP:
IPs:          <none>
Containers:
  main:
    Image:        example/batch:1
    Port:         <none>
    Host Port:    <none>
    Environment:  <none>
    Mounts:       <none>
Conditions:
  Type           Status
  PodScheduled   False
Volumes:         <none>
QoS Class:       BestEffort
Node-Selectors:  disk=ssd
Tolerations:     <none>
Events:
  Type     Reason            Age                  From               Message
  ----     ------            ----                 ----               -------
  Warning  FailedScheduling  2m (x12 over 40m)    default-scheduler  0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.
preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.
Warning FailedScheduling 30s default-scheduler 0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector.
`;
    const file = scratch.write('squeezed/pod.txt', text);
    const when = new Date('2026-04-01T12:00:00Z');
    utimesSync(file, when, when);
    const { result, bundle } = await scratch.import([file]);
    // Nothing in it carries a time: the file's, and said so; the events do not pretend otherwise.
    expect(result.inputs[0]).toMatchObject({
      capturedAt: '2026-04-01T12:00:00.000Z',
      capturedSource: 'file-time',
      issueCount: 0,
    });
    expect(
      await rows(
        bundle!,
        'SELECT event_count, event_first::VARCHAR AS f, event_last::VARCHAR AS l, event_source, event_message FROM events ORDER BY l',
      ),
    ).toEqual([
      {
        event_count: 12,
        f: '2026-04-01 11:20:00+00',
        l: '2026-04-01 11:58:00+00',
        event_source: 'default-scheduler',
        event_message:
          "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.\npreemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
      },
      {
        event_count: 1,
        f: '2026-04-01 11:59:30+00',
        l: '2026-04-01 11:59:30+00',
        event_source: 'default-scheduler',
        event_message: "0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector.",
      },
    ]);
    const [pod] = await rows(bundle!, 'SELECT body FROM objects');
    expect(JSON.parse(pod!.body as string).spec.nodeSelector).toEqual({ disk: 'ssd' });
    bundle!.close();
  });
});

// kubectl 1.29: a node whose kubelet stopped posting, then a deployment, its replica set, a failed
// job, a stateful set, a pending claim and a service, in one file as `kubectl describe` prints them.
const CLUSTER = `Name:               worker-2
Roles:              <none>
Labels:             kubernetes.io/hostname=worker-2
                    kubernetes.io/os=linux
Annotations:        node.alpha.kubernetes.io/ttl: 0
CreationTimestamp:  Mon, 02 Mar 2026 08:00:00 +0000
Taints:             node.kubernetes.io/unreachable:NoExecute
                    node.kubernetes.io/unreachable:NoSchedule
Unschedulable:      false
Lease:
  HolderIdentity:  worker-2
  AcquireTime:     <unset>
  RenewTime:       Tue, 03 Mar 2026 14:02:10 +0000
Conditions:
  Type             Status    LastHeartbeatTime                 LastTransitionTime                Reason              Message
  ----             ------    -----------------                 ------------------                ------              -------
  MemoryPressure   Unknown   Tue, 03 Mar 2026 14:02:05 +0000   Tue, 03 Mar 2026 14:03:00 +0000   NodeStatusUnknown   Kubelet stopped posting node status.
  Ready            Unknown   Tue, 03 Mar 2026 14:02:05 +0000   Tue, 03 Mar 2026 14:03:00 +0000   NodeStatusUnknown   Kubelet stopped posting node status.
Addresses:
  InternalIP:  10.1.0.12
  Hostname:    worker-2
Capacity:
  cpu:                4
  memory:             16303916Ki
  pods:               110
Allocatable:
  cpu:                3800m
  memory:             15152940Ki
  pods:               110
System Info:
  Machine ID:                 m-1
  Kernel Version:             6.1.0
  OS Image:                   Debian GNU/Linux 12 (bookworm)
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  containerd://1.7.13
  Kubelet Version:            v1.29.2
  Kube-Proxy Version:         v1.29.2
PodCIDR:                      10.42.2.0/24
PodCIDRs:                     10.42.2.0/24
Non-terminated Pods:          (2 in total)
  Namespace                   Name                    CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----                    ------------  ----------  ---------------  -------------  ---
  kube-system                 kube-proxy-7xk2p        0 (0%)        0 (0%)      0 (0%)           0 (0%)         29h
  shop                        web-6d5f7c8b9d-qwert    250m (6%)     1 (26%)     256Mi (1%)       512Mi (3%)     3h
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests    Limits
  --------           --------    ------
  cpu                250m (6%)   1 (26%)
  memory             256Mi (1%)  512Mi (3%)
  ephemeral-storage  0 (0%)      0 (0%)
Events:
  Type    Reason        Age   From             Message
  ----    ------        ----  ----             -------
  Normal  NodeNotReady  3m    node-controller  Node worker-2 status is now: NodeNotReady


Name:                   web
Namespace:              shop
CreationTimestamp:      Tue, 03 Mar 2026 10:00:00 +0000
Labels:                 app=web
Annotations:            deployment.kubernetes.io/revision: 3
Selector:               app=web,tier in (frontend)
Replicas:               3 desired | 1 updated | 3 total | 2 available | 1 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=web
           tier=frontend
  Containers:
   web:
    Image:      example/web:3.1
    Port:       8080/TCP
    Host Port:  0/TCP
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    False   ProgressDeadlineExceeded
OldReplicaSets:  web-7f9b6c5d4 (2/2 replicas created)
NewReplicaSet:   web-6d5f7c8b9d (1/1 replicas created)
Events:          <none>


Name:             nightly-report
Namespace:        shop
Selector:         batch.kubernetes.io/controller-uid=1234
Labels:           job-name=nightly-report
Annotations:      <none>
Controlled By:    CronJob/nightly
Parallelism:      1
Completions:      1
Completion Mode:  NonIndexed
Suspend:          false
Backoff Limit:    2
Start Time:       Tue, 03 Mar 2026 13:00:00 +0000
Pods Statuses:    0 Active (0 Ready) / 0 Succeeded / 3 Failed
Pod Template:
  Labels:  job-name=nightly-report
  Containers:
   report:
    Image:      example/report:1
    Port:       <none>
    Host Port:  <none>
    Command:
      /bin/report
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Events:
  Type     Reason                Age   From            Message
  ----     ------                ----  ----            -------
  Normal   SuccessfulCreate      65m   job-controller  Created pod: nightly-report-a1b2c
  Warning  BackoffLimitExceeded  58m   job-controller  Job has reached the specified backoff limit


Name:               db
Namespace:          shop
CreationTimestamp:  Tue, 03 Mar 2026 09:00:00 +0000
Selector:           app=db
Labels:             <none>
Annotations:        <none>
Replicas:           3 desired | 2 total
Update Strategy:    RollingUpdate
  Partition:        0
Pods Status:        2 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=db
  Containers:
   db:
    Image:        postgres:16
    Port:         5432/TCP
    Host Port:    0/TCP
    Environment:  <none>
    Mounts:
      /var/lib/postgresql/data from data (rw)
  Volumes:  <none>
Volume Claims:
  Name:          data
  StorageClass:  fast
  Labels:        <none>
  Annotations:   <none>
  Capacity:      10Gi
  Access Modes:  [ReadWriteOnce]
Events:
  Type     Reason            Age                From                    Message
  ----     ------            ----               ----                    -------
  Warning  FailedCreate      4m (x9 over 20m)   statefulset-controller  create Pod db-2 in StatefulSet db failed error: pods "db-2" is forbidden: exceeded quota: compute


Name:          data-db-2
Namespace:     shop
StorageClass:  fast
Status:        Pending
Volume:
Labels:        app=db
Annotations:   <none>
Finalizers:    [kubernetes.io/pvc-protection]
Capacity:
Access Modes:
VolumeMode:    Filesystem
Used By:       <none>
Events:
  Type     Reason              Age                  From                         Message
  ----     ------              ----                 ----                         -------
  Warning  ProvisioningFailed  1m (x26 over 15m)    persistentvolume-controller  storageclass.storage.k8s.io "fast" not found


Name:              web
Namespace:         shop
Labels:            app=web
Annotations:       <none>
Selector:          app=web
Type:              ClusterIP
IP Family Policy:  SingleStack
IP Families:       IPv4
IP:                10.96.10.20
IPs:               10.96.10.20
Port:              http  80/TCP
TargetPort:        8080/TCP
Endpoints:         10.42.1.5:8080,10.42.3.9:8080
Session Affinity:  None
Events:            <none>
`;

describe('kubectl describe of other kinds, back to back in one file', () => {
  it('reads each object as its kind, with the fields that tell its state', async () => {
    const { result, bundle } = await scratch.import([scratch.write('cluster/describe.txt', CLUSTER)]);
    expect(result.inputs[0]?.issues).toEqual([]);
    expect(
      await rows(
        bundle!,
        `SELECT kind, namespace, name, phase, owner_kind, owner_name, replicas_desired, replicas_current,
           replicas_available, unschedulable
         FROM objects ORDER BY kind, name`,
      ),
    ).toEqual([
      o('Deployment', 'shop', 'web', { replicas_desired: 3, replicas_current: 3, replicas_available: 2 }),
      o('Endpoints', 'shop', 'web'),
      o('Job', 'shop', 'nightly-report', {
        owner_kind: 'CronJob',
        owner_name: 'nightly',
        replicas_current: 0,
      }),
      o('Lease', 'kube-node-lease', 'worker-2'),
      o('Node', null, 'worker-2', { unschedulable: false }),
      o('PersistentVolumeClaim', 'shop', 'data-db-2', { phase: 'Pending' }),
      o('ReplicaSet', 'shop', 'web-6d5f7c8b9d', {
        owner_kind: 'Deployment',
        owner_name: 'web',
        replicas_desired: 1,
      }),
      o('ReplicaSet', 'shop', 'web-7f9b6c5d4', {
        owner_kind: 'Deployment',
        owner_name: 'web',
        replicas_desired: 2,
      }),
      o('Service', 'shop', 'web'),
      o('StatefulSet', 'shop', 'db', { replicas_desired: 3, replicas_current: 2, replicas_available: 2 }),
    ]);
    expect(
      await rows(
        bundle!,
        `SELECT kind, type, status, reason, message FROM conditions WHERE kind IN ('Node', 'Deployment') ORDER BY kind, type`,
      ),
    ).toEqual([
      {
        kind: 'Deployment',
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: null,
      },
      {
        kind: 'Deployment',
        type: 'Progressing',
        status: 'False',
        reason: 'ProgressDeadlineExceeded',
        message: null,
      },
      {
        kind: 'Node',
        type: 'MemoryPressure',
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
      },
      {
        kind: 'Node',
        type: 'Ready',
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
      },
    ]);
    const bodies = Object.fromEntries(
      (await rows(bundle!, 'SELECT kind, body FROM objects')).map((r) => [
        r.kind,
        JSON.parse(r.body as string),
      ]),
    );
    expect(bodies.Node.spec.taints).toEqual([
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
    ]);
    expect(bodies.Node.status.allocatable).toEqual({ cpu: '3800m', memory: '15152940Ki', pods: '110' });
    expect(bodies.Node.status.nodeInfo.kubeletVersion).toBe('v1.29.2');
    expect(JSON.parse(bodies.Node.metadata.annotations['kstory.dev/allocated-resources'])).toEqual({
      requests: { cpu: '250m', memory: '256Mi', 'ephemeral-storage': '0' },
      limits: { cpu: '1', memory: '512Mi', 'ephemeral-storage': '0' },
    });
    expect(bodies.Deployment.spec.selector).toEqual({
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend'] }],
    });
    expect(bodies.Deployment.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
    });
    expect(bodies.Job.spec).toMatchObject({ backoffLimit: 2, completions: 1, parallelism: 1 });
    expect(bodies.Job.status).toEqual({
      startTime: '2026-03-03T13:00:00Z',
      active: 0,
      ready: 0,
      succeeded: 0,
      failed: 3,
    });
    expect(bodies.PersistentVolumeClaim.spec).toEqual({ storageClassName: 'fast', volumeMode: 'Filesystem' });
    expect(bodies.PersistentVolumeClaim.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    expect(bodies.Service.spec.ports).toEqual([
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 },
    ]);
    expect(bodies.Endpoints.subsets).toEqual([{ addresses: [{ ip: '10.42.1.5' }, { ip: '10.42.3.9' }] }]);
    expect(bodies.StatefulSet.spec.template.spec.containers[0].volumeMounts).toEqual([
      { mountPath: '/var/lib/postgresql/data', name: 'data' },
    ]);
    bundle!.close();
  });

  it('dates the events of each object from the times the file shows', async () => {
    const { result, bundle } = await scratch.import([scratch.write('cluster2/describe.txt', CLUSTER)]);
    // The node's lease was renewed at 14:02:10; the job started at 13:00 and its first pod was made 65m
    // before the describe: 14:05, when one command printed them all, the claim without a time included.
    expect(result.inputs[0]?.capturedAt).toBe('2026-03-03T14:05:00.000000Z');
    expect(
      await rows(
        bundle!,
        `SELECT kind, name, event_reason, event_count, event_first::VARCHAR AS f, event_last::VARCHAR AS l
         FROM events ORDER BY kind, event_first`,
      ),
    ).toEqual([
      {
        kind: 'Job',
        name: 'nightly-report',
        event_reason: 'SuccessfulCreate',
        event_count: 1,
        f: '2026-03-03 13:00:00+00',
        l: '2026-03-03 13:00:00+00',
      },
      {
        kind: 'Job',
        name: 'nightly-report',
        event_reason: 'BackoffLimitExceeded',
        event_count: 1,
        f: '2026-03-03 13:07:00+00',
        l: '2026-03-03 13:07:00+00',
      },
      {
        kind: 'Node',
        name: 'worker-2',
        event_reason: 'NodeNotReady',
        event_count: 1,
        f: '2026-03-03 14:02:00+00',
        l: '2026-03-03 14:02:00+00',
      },
      {
        kind: 'PersistentVolumeClaim',
        name: 'data-db-2',
        event_reason: 'ProvisioningFailed',
        event_count: 26,
        f: '2026-03-03 13:50:00+00',
        l: '2026-03-03 14:04:00+00',
      },
      {
        kind: 'StatefulSet',
        name: 'db',
        event_reason: 'FailedCreate',
        event_count: 9,
        f: '2026-03-03 13:45:00+00',
        l: '2026-03-03 14:01:00+00',
      },
    ]);
    bundle!.close();
  });
});

function o(kind: string, namespace: string | null, name: string, extra: Record<string, unknown> = {}) {
  return {
    kind,
    namespace,
    name,
    phase: null,
    owner_kind: null,
    owner_name: null,
    replicas_desired: null,
    replicas_current: null,
    replicas_available: null,
    unschedulable: null,
    ...extra,
  };
}

// kubectl 1.13: `kubelet, node` sources in the Type/Reason/Age/From/Message table, a terminating
// pod; and a daemon set, a cron job and a released volume.
const MORE = `Name:                      cache-0
Namespace:                 shop
Node:                      worker-1/10.1.0.11
Start Time:                Wed, 11 Mar 2026 10:00:00 +0000
Labels:                    app=cache
Annotations:               <none>
Status:                    Terminating (lasts 2m)
Termination Grace Period:  30s
IP:                        10.42.1.20
Controlled By:             StatefulSet/cache
Containers:
  redis:
    Container ID:   docker://ddd444
    Image:          redis:7
    Image ID:       docker-pullable://redis@sha256:cdef
    Port:           6379/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Wed, 11 Mar 2026 10:00:05 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:         <none>
Conditions:
  Type           Status
  Ready          True 
Volumes:         <none>
QoS Class:       BestEffort
Node-Selectors:  <none>
Tolerations:     <none>
Events:
  Type    Reason     Age                 From               Message
  ----    ------     ----                ----               -------
  Normal  Scheduled  20m                 default-scheduler  Successfully assigned shop/cache-0 to worker-1
  Normal  Killing    2m (x2 over 3m)     kubelet, worker-1  Killing container with id docker://redis:Need to kill Pod

Name:           node-exporter
Selector:       app=node-exporter
Node-Selector:  kubernetes.io/os=linux
Labels:         app=node-exporter
Annotations:    deprecated.daemonset.template.generation: 1
Desired Number of Nodes Scheduled: 3
Current Number of Nodes Scheduled: 3
Number of Nodes Scheduled with Up-to-date Pods: 3
Number of Nodes Scheduled with Available Pods: 2
Number of Nodes Misscheduled: 0
Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=node-exporter
  Containers:
   node-exporter:
    Image:        prom/node-exporter:v1.8.0
    Port:         9100/TCP
    Host Port:    9100/TCP
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Events:           <none>

Name:                          nightly
Namespace:                     shop
Labels:                        <none>
Annotations:                   <none>
Schedule:                      0 2 * * *
Concurrency Policy:            Forbid
Suspend:                       False
Successful Job History Limit:  3
Failed Job History Limit:      1
Starting Deadline Seconds:     <unset>
Selector:                      <unset>
Parallelism:                   <unset>
Completions:                   <unset>
Pod Template:
  Labels:  <none>
  Containers:
   report:
    Image:      example/report:1
    Port:       <none>
    Host Port:  <none>
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Last Schedule Time:  Wed, 11 Mar 2026 02:00:00 +0000
Active Jobs:         nightly-29031240
Events:              <none>

Name:            pvc-3f1c
Labels:          <none>
Annotations:     pv.kubernetes.io/provisioned-by: ebs.csi.aws.com
Finalizers:      [kubernetes.io/pv-protection]
StorageClass:    gp3
Status:          Released
Claim:           shop/data-cache-0
Reclaim Policy:  Retain
Access Modes:    RWO
VolumeMode:      Filesystem
Capacity:        20Gi
Node Affinity:   <none>
Message:
Source:
    Type:              CSI (a Container Storage Interface (CSI) volume source)
    Driver:            ebs.csi.aws.com
    FSType:            ext4
    VolumeHandle:      vol-0abc
Events:                <none>
`;

describe('kubectl describe: more kinds and older layouts', () => {
  it('reads a terminating pod, a daemon set, a cron job and a released volume', async () => {
    const { result, bundle } = await scratch.import([scratch.write('more/describe.txt', MORE)]);
    expect(result.inputs[0]?.issues).toEqual([]);
    const bodies = Object.fromEntries(
      (await rows(bundle!, 'SELECT kind, body FROM objects')).map((r) => [
        r.kind,
        JSON.parse(r.body as string),
      ]),
    );
    // Scheduled 20 minutes after… the start at 10:00: described at 10:20; deleted 2 minutes before.
    expect(bodies.Pod.metadata.deletionTimestamp).toBe('2026-03-11T10:18:00.000000Z');
    expect(bodies.Pod.status.phase).toBeUndefined();
    expect(bodies.DaemonSet.status).toEqual({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      updatedNumberScheduled: 3,
      numberAvailable: 2,
      numberMisscheduled: 0,
      numberUnavailable: 1,
      numberReady: 2,
    });
    expect(bodies.DaemonSet.spec.template.spec.containers[0].ports).toEqual([
      { containerPort: 9100, protocol: 'TCP', hostPort: 9100 },
    ]);
    expect(bodies.CronJob.spec).toMatchObject({
      schedule: '0 2 * * *',
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 3,
    });
    expect(bodies.CronJob.status).toEqual({
      lastScheduleTime: '2026-03-11T02:00:00Z',
      active: [{ kind: 'Job', name: 'nightly-29031240', namespace: 'shop' }],
    });
    expect(bodies.PersistentVolume.spec).toMatchObject({
      claimRef: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-cache-0' },
      persistentVolumeReclaimPolicy: 'Retain',
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '20Gi' },
      csi: { driver: 'ebs.csi.aws.com', fsType: 'ext4', volumeHandle: 'vol-0abc' },
    });
    expect(bodies.PersistentVolume.status).toEqual({ phase: 'Released' });
    expect(
      await rows(
        bundle!,
        "SELECT event_count, event_source, node, event_first::VARCHAR AS f FROM events WHERE event_reason = 'Killing'",
      ),
    ).toEqual([{ event_count: 2, event_source: 'kubelet', node: 'worker-1', f: '2026-03-11 10:17:00+00' }]);
    bundle!.close();
  });
});

describe('kubectl describe pasted into a ticket', () => {
  it('is read inside a Markdown fence and indented as a quoted block', async () => {
    const pasted = [
      '```console',
      ...INIT_FAILING_POD.split('\n').map((l) => (l === '' ? l : `    ${l}`)),
      '```',
      '',
    ].join('\n');
    const { result, bundle } = await scratch.import([scratch.write('ticket/paste.md', pasted)]);
    expect(result.inputs[0]?.formats).toEqual({ 'kubectl-describe': 1 });
    expect(await rows(bundle!, 'SELECT name, phase FROM objects')).toEqual([
      { name: 'agent-7c9d8b6f5-x2x9q', phase: 'Pending' },
    ]);
    expect(await rows(bundle!, 'SELECT count(*)::INTEGER AS n FROM events')).toEqual([{ n: 4 }]);
    bundle!.close();
  });
});

describe('kubectl describe whose indentation a paste lost', () => {
  it('is read by the keys kubectl prints at each level as the same objects and Events, and says so', async () => {
    for (const [name, text] of [
      ['pod', INIT_FAILING_POD],
      ['cluster', CLUSTER],
    ] as const) {
      const flat = text
        .split('\n')
        .map((l) => l.trimStart())
        .join('\n');
      const kept = await scratch.import([scratch.write(`indented/${name}.txt`, text)]);
      const lost = await scratch.import([scratch.write(`flat/${name}.txt`, flat)]);
      const read = async (bundle: typeof kept.bundle) => ({
        objects: await rows(bundle!, 'SELECT kind, name, body FROM objects ORDER BY kind, name'),
        events: await rows(
          bundle!,
          'SELECT kind, name, container, event_reason, event_count, event_message FROM events ORDER BY ALL',
        ),
      });
      expect(await read(lost.bundle)).toEqual(await read(kept.bundle));
      expect(lost.result.inputs[0]?.issues).toEqual(kept.result.inputs[0]?.issues);
      const notes = lost.result.inputs[0]?.notes?.map((n) => n.reason) ?? [];
      expect(notes.filter((n) => n.startsWith('a describe without its indentation')).length).toBeGreaterThan(
        0,
      );
      kept.bundle!.close();
      lost.bundle!.close();
    }
  });
});

describe('kubectl describe cut in the middle', () => {
  const at = (marker: string) => INIT_FAILING_POD.indexOf(marker);

  it('reads what a describe cut before its Events shows, and says where it ends', async () => {
    const head = INIT_FAILING_POD.slice(0, at('Conditions:'));
    const { result, bundle } = await scratch.import([scratch.write('cut/head.txt', head)]);
    expect(await rows(bundle!, 'SELECT name, phase FROM objects')).toEqual([
      { name: 'agent-7c9d8b6f5-x2x9q', phase: 'Pending' },
    ]);
    expect(result.inputs[0]?.notes?.map((n) => [n.line, n.reason])).toEqual([
      [
        head.trimEnd().split('\n').length,
        `the describe of Pod agent-7c9d8b6f5-x2x9q ends at line ${head.trimEnd().split('\n').length} before its Events: cut short (or printed with --show-events=false), what it shows is read`,
      ],
    ]);
    bundle!.close();
  });

  it('reads one cut before its Name: as the object its command names, else its Events alone', async () => {
    const tail = INIT_FAILING_POD.slice(at('Init Containers:'));
    const named = await scratch.import([
      scratch.write('cut/named.txt', `$ kubectl describe pod agent-7c9d8b6f5-x2x9q -n tools\n${tail}`),
    ]);
    expect(named.result.inputs[0]?.issues).toEqual([]);
    expect(named.result.inputs[0]?.notes?.map((n) => n.reason)).toEqual([
      'the describe of Pod agent-7c9d8b6f5-x2x9q begins at line 2 without its head (cut before "Name:"): what follows is read, its name from the command',
    ]);
    expect(
      await rows(
        named.bundle!,
        "SELECT namespace, name, body->>'$.status.initContainerStatuses[0].lastState.terminated.exitCode' AS exit FROM objects",
      ),
    ).toEqual([{ namespace: 'tools', name: 'agent-7c9d8b6f5-x2x9q', exit: '128' }]);
    expect(await rows(named.bundle!, 'SELECT count(*)::INTEGER AS n FROM events')).toEqual([{ n: 4 }]);
    named.bundle!.close();

    const alone = await scratch.import([scratch.write('cut/alone.txt', tail)]);
    expect(alone.result.inputs[0]?.formats).toEqual({ 'kubectl-describe': 1 });
    expect(alone.result.inputs[0]?.notes?.map((n) => n.reason)).toEqual([
      'a describe cut before its "Name:" (lines 1-67): only its Events are read; save it whole, or with the command that printed it',
    ]);
    // The scheduler's row names the pod and its namespace.
    expect(await rows(alone.bundle!, 'SELECT DISTINCT namespace, name FROM events')).toEqual([
      { namespace: 'tools', name: 'agent-7c9d8b6f5-x2x9q' },
    ]);
    alone.bundle!.close();
  });
});
