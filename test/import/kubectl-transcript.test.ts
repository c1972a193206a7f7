// kubectl output kept with the command that printed it: terminal transcripts, recorded tool calls
// (JSON header lines, stdout:/stderr:), command lines followed by their output, and `kubectl get`
// tables on their own; each section read as what it holds, errors said, manifests named and skipped.
import { utimesSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { parseCommand } from '../../src/import/kubectl-text/command.ts';
import { promptCommand } from '../../src/import/kubectl-text/sections.ts';
import { timespanMs, toldTime } from '../../src/import/kubectl-text/told-time.ts';
import { rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const TRANSCRIPT = `Notes from the on-call shift, web was flapping.

ops@bastion:~$ kubectl get pods -n shop -o wide
NAME    READY   STATUS             RESTARTS       AGE   IP           NODE       NOMINATED NODE   READINESS GATES
web-1   0/1     CrashLoopBackOff   5 (2m ago)     30m   10.42.1.7    worker-1   <none>           <none>
web-2   1/1     Running            0              30m   10.42.2.9    worker-2   <none>           <none>
web-3   0/1     Pending            0              30m   <none>       <none>     <none>           <none>
ops@bastion:~$ kubectl -n shop describe pod web-1
Name:             web-1
Namespace:        shop
Priority:         0
Service Account:  default
Node:             worker-1/10.1.0.11
Start Time:       Tue, 10 Mar 2026 09:00:00 +0000
Labels:           app=web
Annotations:      <none>
Status:           Running
IP:               10.42.1.7
IPs:
  IP:  10.42.1.7
Containers:
  app:
    Container ID:   containerd://ccc333
    Image:          example/web:4.2
    Image ID:       example/web@sha256:89ab
    Port:           8080/TCP
    Host Port:      0/TCP
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       Error
      Exit Code:    1
      Started:      Tue, 10 Mar 2026 09:27:40 +0000
      Finished:     Tue, 10 Mar 2026 09:28:00 +0000
    Ready:          False
    Restart Count:  5
    Environment:    <none>
    Mounts:         <none>
Conditions:
  Type              Status
  Ready             False
Volumes:            <none>
QoS Class:          BestEffort
Node-Selectors:     <none>
Tolerations:        <none>
Events:
  Type     Reason   Age                 From     Message
  ----     ------   ----                ----     -------
  Warning  BackOff  10s (x12 over 29m)  kubelet  Back-off restarting failed container app in pod web-1_shop(aaaa)
ops@bastion:~$ kubectl logs web-1 -n shop -c app --previous
starting web 4.2
panic: config key "db.url" missing
ops@bastion:~$ systemctl status kubelet
● kubelet.service - kubelet: The Kubernetes Node Agent
     Active: active (running)
ops@bastion:~$ 
`;

describe('terminal transcripts', () => {
  it("reads each command's output as what it is: a table, a describe, a previous log; says what it skips", async () => {
    const file = scratch.write('shift/notes.txt', TRANSCRIPT);
    const { result, bundle } = await scratch.import([file]);
    const [stats] = result.inputs;
    expect(stats?.formats).toEqual({ 'kubectl-transcript': 1 });
    expect(stats?.issues.map((i) => [i.line, i.reason])).toEqual([
      [53, 'output of "systemctl status kubelet" not read: only kubectl\'s output is'],
    ]);
    // Started at 09:00, backing off for 29m since: the describe ran at 09:29 or later; the table
    // printed before it in the same session is dated from it.
    expect(stats?.capturedAt).toBe('2026-03-10T09:29:00.000000Z');
    expect(
      await rows(
        bundle!,
        `SELECT name, phase, node, created_at::VARCHAR AS created, body->>'$.metadata.annotations."kstory.dev/derived-from"' AS source
         FROM objects ORDER BY name, source`,
      ),
    ).toEqual([
      { name: 'web-1', phase: 'Running', node: 'worker-1', created: null, source: 'kubectl describe' },
      {
        name: 'web-1',
        phase: null,
        node: 'worker-1',
        created: '2026-03-10 08:59:00+00',
        source: 'kubectl get -o wide',
      },
      {
        name: 'web-2',
        phase: 'Running',
        node: 'worker-2',
        created: '2026-03-10 08:59:00+00',
        source: 'kubectl get -o wide',
      },
      {
        name: 'web-3',
        phase: 'Pending',
        node: null,
        created: '2026-03-10 08:59:00+00',
        source: 'kubectl get -o wide',
      },
    ]);
    const [row] = await rows(bundle!, "SELECT body FROM objects WHERE name = 'web-1' AND phase IS NULL");
    expect(JSON.parse(row!.body as string).metadata.annotations['kstory.dev/kubectl-get']).toBe(
      'STATUS=CrashLoopBackOff READY=0/1 RESTARTS=5 (2m ago)',
    );
    // A running pod with all its containers ready (1/1) is Ready, as its Service's Endpoints see it.
    expect(
      await rows(
        bundle!,
        `SELECT name, c.status AS ready FROM (SELECT name, unnest(conditions) AS c FROM objects
         WHERE body->>'$.metadata.annotations."kstory.dev/derived-from"' = 'kubectl get -o wide')
         WHERE c.type = 'Ready'`,
      ),
    ).toEqual([{ name: 'web-2', ready: 'True' }]);
    expect(
      await rows(bundle!, 'SELECT namespace, name, container, log_previous, log_line FROM logs ORDER BY ts'),
    ).toEqual([
      {
        namespace: 'shop',
        name: 'web-1',
        container: 'app',
        log_previous: true,
        log_line: 'starting web 4.2',
      },
      {
        namespace: 'shop',
        name: 'web-1',
        container: 'app',
        log_previous: true,
        log_line: 'panic: config key "db.url" missing',
      },
    ]);
    bundle!.close();
  });

  it('reads rows a filter left without their header, with the columns the command prints', async () => {
    const file = scratch.write(
      'grep/pods.txt',
      `$ kubectl get pods -A -o wide | grep api
shop     api-7d9f-x1   0/1   ImagePullBackOff   0     4m    10.42.3.3   worker-3   <none>   <none>
billing  api-55c4-q9   1/1   Running            2 (1h ago)   2d   10.42.1.4   worker-1   <none>   <none>
`,
    );
    const { result, bundle } = await scratch.import([file]);
    expect(result.inputs[0]?.issues).toEqual([]);
    expect(await rows(bundle!, 'SELECT namespace, name, node FROM objects ORDER BY namespace')).toEqual([
      { namespace: 'billing', name: 'api-55c4-q9', node: 'worker-1' },
      { namespace: 'shop', name: 'api-7d9f-x1', node: 'worker-3' },
    ]);
    bundle!.close();
  });
});

describe('prompts as shells print them', () => {
  it('reads the command after a time, a virtualenv or a zsh theme, and the output after it', () => {
    for (const [line, command] of [
      ['[12:01:02] $ kubectl describe pod web-1', 'kubectl describe pod web-1'],
      ['[2026-03-10 12:01:02] ops@bastion:~$ kubectl get pods', 'kubectl get pods'],
      ['12:01:02 $ kubectl get nodes', 'kubectl get nodes'],
      ['(venv) ops@bastion:~/src$ kubectl get pods -A', 'kubectl get pods -A'],
      ['➜  ~ kubectl get events', 'kubectl get events'],
      ['➜  infra git:(main) ✗ kubectl logs web-1', 'kubectl logs web-1'],
      ['❯ kubectl top pods', 'kubectl top pods'],
    ] as const) {
      expect(promptCommand(line)).toBe(command);
    }
    // A time before anything but a prompt is a log line.
    expect(promptCommand('[12:01:02] $ ls')).toBeNull();
    expect(promptCommand('[12:01:02] starting web')).toBeNull();
  });

  it('reads a transcript whose prompts carry the time, where it was taken for a JSON array', async () => {
    const file = scratch.write(
      'timed/notes.txt',
      `[09:30:02] $ kubectl get pods -n shop
NAME    READY   STATUS             RESTARTS   AGE
web-1   0/1     CrashLoopBackOff   5          30m
[09:30:09] $ kubectl describe pod web-1 -n shop
Name:             web-1
Namespace:        shop
Node:             worker-1/10.1.0.11
Start Time:       Tue, 10 Mar 2026 09:00:00 +0000
Status:           Running
Containers:
  app:
    Image:          example/web:4.2
    State:          Waiting
      Reason:       CrashLoopBackOff
    Ready:          False
    Restart Count:  5
Events:
  Type     Reason   Age                 From     Message
  ----     ------   ----                ----     -------
  Warning  BackOff  10s (x12 over 29m)  kubelet  Back-off restarting failed container app in pod web-1_shop(aaaa)
`,
    );
    const { result, bundle } = await scratch.import([file]);
    expect(result.inputs[0]?.formats).toEqual({ 'kubectl-transcript': 1 });
    expect(result.inputs[0]?.issues).toEqual([]);
    expect(await rows(bundle!, "SELECT event_reason FROM events WHERE name = 'web-1'")).toEqual([
      { event_reason: 'BackOff' },
    ]);
    bundle!.close();
  });
});

describe('transcripts captured on different days', () => {
  it('dates the ages of each section from the time the commands around it told, not from the newest time imported', async () => {
    const weekLater = scratch.write(
      'days/nodes.txt',
      `ops@cp-1:~$ kubectl describe node cp-1
Name:               cp-1
Roles:              control-plane
CreationTimestamp:  Thu, 07 Nov 2024 21:11:47 +0000
Taints:             <none>
Unschedulable:      false
Conditions:
  Type    Status  LastHeartbeatTime                 LastTransitionTime                Reason        Message
  ----    ------  -----------------                 ------------------                ------        -------
  Ready   True    Thu, 14 Nov 2024 20:23:04 +0000   Thu, 07 Nov 2024 21:11:51 +0000   KubeletReady  kubelet is posting ready status
Events:              <none>
`,
    );
    const earlier = scratch.write(
      'days/kubelet.txt',
      `ops@cp-1:~$ date
Wed Oct 23 17:10:00 UTC 2024
ops@cp-1:~$ kubectl get pods -n kube-system
NAME          READY   STATUS    RESTARTS   AGE
coredns-a1    0/1     Pending   0          2h
ops@cp-1:~$ systemctl status kubelet
● kubelet.service - kubelet: The Kubernetes Node Agent
     Active: active (running) since Wed 2024-10-23 17:14:52 UTC; 4min 19s ago
ops@cp-1:~$ kubectl get pods -n kube-system
NAME          READY   STATUS    RESTARTS   AGE
coredns-b2    0/1     Pending   0          19s
`,
    );
    const { result, bundle } = await scratch.import([weekLater, earlier]);
    const kubelet = result.inputs.find((i) => i.input.endsWith('kubelet.txt'))!;
    // systemctl's output is not read, but the time it tells orders what follows; date's is read for it.
    expect(kubelet.issues.map((i) => [i.line, i.reason])).toEqual([
      [6, 'output of "systemctl status kubelet" not read: only kubectl\'s output is'],
    ]);
    expect(
      await rows(
        bundle!,
        "SELECT name, created_at::VARCHAR AS created FROM objects WHERE kind = 'Pod' ORDER BY name",
      ),
    ).toEqual([
      { name: 'coredns-a1', created: '2024-10-23 15:10:00+00' },
      { name: 'coredns-b2', created: '2024-10-23 17:18:52+00' },
    ]);
    bundle!.close();
  });
});

describe('times other commands print', () => {
  it('reads date in the C locale and ISO 8601, and systemctl status as since plus ago', () => {
    const told = (text: string) => toldTime([{ line: 1, text }]);
    expect(told('Thu Nov  7 20:23:18 CET 2024')).toBe('2024-11-07T19:23:18Z');
    expect(told('2024-11-14T20:23:18+01:00')).toBe('2024-11-14T19:23:18Z');
    expect(
      told('   Active: failed (Result: exit-code) since Mon 2024-10-21 09:00:00 UTC; 2 days 3h ago'),
    ).toBe('2024-10-23T12:00:00Z');
    expect(timespanMs('1 month 2 weeks')).toBe(2_629_800_000 + 2 * 604_800_000);
    expect(told('Thu Nov 14 20:23:18 XYZT 2024')).toBeNull();
    expect(told('kubelet is posting ready status')).toBeNull();
  });
});

describe('recorded tool calls', () => {
  it('reads the output a header names: a describe, a previous log, YAML after the echoed command', async () => {
    const dir = 'recorded/';
    scratch.write(
      `${dir}describe.txt`,
      `${JSON.stringify({ tool_name: 'kubectl_describe', params: { kind: 'pvc', name: 'data-0', namespace: 'db' } })}
stdout:
Name:          data-0
Namespace:     db
StorageClass:  gold
Status:        Pending
Volume:
Labels:        <none>
Annotations:   <none>
Finalizers:    [kubernetes.io/pvc-protection]
Capacity:
Access Modes:
VolumeMode:    Filesystem
Used By:       db-0
Events:
  Type     Reason              Age                From                         Message
  ----     ------              ----               ----                         -------
  Warning  ProvisioningFailed  5s (x9 over 2m)    persistentvolume-controller  storageclass.storage.k8s.io "gold" not found

stderr:
`,
    );
    scratch.write(
      `${dir}logs.txt`,
      `${JSON.stringify({ toolset_name: 'k8s', tool_name: 'run_command' })}
${JSON.stringify({ status: 'success', invocation: 'kubectl logs db-0 -n db -c postgres --previous' })}
2026-03-10T08:59:58.123Z FATAL: could not open file "pg_wal/000001": No such file or directory
`,
    );
    scratch.write(
      `${dir}yaml.txt`,
      `${JSON.stringify({ tool_name: 'run_command', params: { command: 'kubectl get pod db-0 -n db -o yaml' } })}
kubectl get pod db-0 -n db -o yaml
apiVersion: v1
kind: Pod
metadata:
  name: db-0
  namespace: db
  uid: 5f0c
  resourceVersion: "77"
  creationTimestamp: "2026-03-10T08:50:00Z"
spec:
  containers:
  - name: postgres
    image: postgres:16
status:
  phase: Running
`,
    );
    scratch.write(
      `${dir}failed.txt`,
      `${JSON.stringify({ tool_name: 'kubectl_top_pods', params: {} })}
${JSON.stringify({ status: 'error', error: 'Metrics API not available', invocation: 'kubectl top pods -A' })}
error: Metrics API not available
`,
    );
    scratch.write(
      `${dir}finding.txt`,
      `${JSON.stringify({ tool_name: 'fetch_alert', params: { id: '7' } })}\nseverity: high\n`,
    );
    const { result, bundle } = await scratch.import([scratch.path(dir)]);
    const [stats] = result.inputs;
    expect(stats?.formats).toEqual({ 'kubectl-transcript': 5 });
    expect(stats?.issues.map((i) => `${i.file.split('/').pop()}:${i.line} ${i.reason}`)).toEqual([
      'failed.txt:3 "kubectl top pods -A" failed: error: Metrics API not available',
      'finding.txt:1 recorded output of the tool fetch_alert, not of a kubectl command: not read',
    ]);
    expect(await rows(bundle!, 'SELECT kind, name, phase FROM objects ORDER BY kind')).toEqual([
      { kind: 'PersistentVolumeClaim', name: 'data-0', phase: 'Pending' },
      { kind: 'Pod', name: 'db-0', phase: 'Running' },
    ]);
    expect(await rows(bundle!, 'SELECT name, container, log_previous, ts::VARCHAR AS ts FROM logs')).toEqual([
      { name: 'db-0', container: 'postgres', log_previous: true, ts: '2026-03-10 08:59:58.123+00' },
    ]);
    expect(await rows(bundle!, 'SELECT event_reason, event_count FROM events')).toEqual([
      { event_reason: 'ProvisioningFailed', event_count: 9 },
    ]);
    bundle!.close();
  });
});

describe('kubectl get tables on their own', () => {
  it('reads events rows that lost their header, -o wide, -A, and of kubectl before 1.14', async () => {
    const wide = scratch.write(
      'headerless/wide.txt',
      `12m   Normal    Scheduled   pod/web-1                         default-scheduler   Successfully assigned shop/web-1 to worker-1   12m   1    web-1.17a2b3c4d5e6f708
10m   Warning   BackOff     pod/web-1   spec.containers{app}   kubelet, worker-1   Back-off restarting failed container           11m   14   web-1.17a2b3c4d5e6f709
`,
    );
    const all = scratch.write(
      'headerless/all.txt',
      `shop      3m (x9 over 12m)   Warning   FailedScheduling   pod/web-2   0/3 nodes are available: 3 Insufficient memory.
billing   5m                 Normal    Pulled             pod/api-1   Container image "example/api:2" already present on machine
`,
    );
    const old = scratch.write(
      'headerless/old.txt',
      `2m    20m   7    db-0   Pod   spec.containers{db}   Warning   Unhealthy   kubelet, worker-3   Liveness probe failed: connection refused
`,
    );
    const { result, bundle } = await scratch.import([wide, all, old], { at: '2026-03-10T10:00:00Z' });
    for (const input of result.inputs) expect(input.formats).toEqual({ 'kubectl-get': 1 });
    expect(result.inputs[0]?.notes?.map((n) => n.reason)).toEqual([
      'a table printed without its header: columns inferred from what the values look like (Event rows; no command or header says): LAST SEEN TYPE REASON OBJECT SUBOBJECT SOURCE MESSAGE FIRST SEEN COUNT NAME',
    ]);
    expect(
      await rows(
        bundle!,
        `SELECT namespace, kind, name, container, event_reason, event_count, event_message
         FROM events ORDER BY name, event_reason`,
      ),
    ).toEqual([
      {
        namespace: 'billing',
        kind: 'Pod',
        name: 'api-1',
        container: null,
        event_reason: 'Pulled',
        event_count: 1,
        event_message: 'Container image "example/api:2" already present on machine',
      },
      {
        namespace: 'default',
        kind: 'Pod',
        name: 'db-0',
        container: 'db',
        event_reason: 'Unhealthy',
        event_count: 7,
        event_message: 'Liveness probe failed: connection refused',
      },
      {
        namespace: 'default',
        kind: 'Pod',
        name: 'web-1',
        container: 'app',
        event_reason: 'BackOff',
        event_count: 14,
        event_message: 'Back-off restarting failed container',
      },
      {
        namespace: 'default',
        kind: 'Pod',
        name: 'web-1',
        container: null,
        event_reason: 'Scheduled',
        event_count: 1,
        event_message: 'Successfully assigned shop/web-1 to worker-1',
      },
      {
        namespace: 'shop',
        kind: 'Pod',
        name: 'web-2',
        container: null,
        event_reason: 'FailedScheduling',
        event_count: 9,
        event_message: '0/3 nodes are available: 3 Insufficient memory.',
      },
    ]);
    bundle!.close();
  });

  it('reads events tables of kubectl 1.14 on and of 1.9, dated back from the rest of the import', async () => {
    const dir = 'events/';
    scratch.write(
      `${dir}events-new.txt`,
      `NAMESPACE   LAST SEEN            TYPE      REASON             OBJECT                MESSAGE
shop        4m (x12 over 30m)    Warning   BackOff            pod/web-1             Back-off restarting failed container app in pod web-1_shop(aaaa)
shop        5m (x3 over 25m)     Normal    Killing            pod/web-1             Container app failed liveness probe, will be restarted
shop        5m (x4 over 30m)     Normal    Pulled             pod/web-1             Container image "example/web:4.2" already present on machine
shop        2m                   Normal    ScalingReplicaSet  deployment/web        Scaled up replica set web-5c4 to 3
            10m                  Warning   NodeNotReady       node/worker-4         Node worker-4 status is now: NodeNotReady
`,
    );
    scratch.write(
      `${dir}events-old.txt`,
      `LASTSEEN   FIRSTSEEN   COUNT     NAME      KIND      SUBOBJECT                TYPE      REASON    SOURCE              MESSAGE
1m         1h          20        db-0      Pod       spec.containers{postgres}   Warning   BackOff   kubelet, worker-2   Back-off restarting failed container
`,
    );
    // A pod whose times say when the rest was taken.
    scratch.write(
      `${dir}pod.json`,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web-1', namespace: 'shop', uid: 'u1', creationTimestamp: '2026-03-10T10:00:00Z' },
        spec: { containers: [{ name: 'app', image: 'example/web:4.2' }] },
        status: { phase: 'Running' },
      }),
    );
    const { result, bundle } = await scratch.import([scratch.path(dir)]);
    expect(result.inputs[0]?.formats).toEqual({ 'kube-json': 1, 'kubectl-get': 2 });
    expect(result.inputs[0]?.issues).toEqual([]);
    expect(
      await rows(
        bundle!,
        `SELECT kind, namespace, name, container, node, event_reason, event_count,
           event_first::VARCHAR AS f, event_last::VARCHAR AS l
         FROM events ORDER BY kind, name, event_reason`,
      ),
    ).toEqual([
      {
        kind: 'Deployment',
        namespace: 'shop',
        name: 'web',
        container: null,
        node: null,
        event_reason: 'ScalingReplicaSet',
        event_count: 1,
        f: '2026-03-10 09:58:00+00',
        l: '2026-03-10 09:58:00+00',
      },
      {
        kind: 'Node',
        namespace: null,
        name: 'worker-4',
        container: null,
        node: null,
        event_reason: 'NodeNotReady',
        event_count: 1,
        f: '2026-03-10 09:50:00+00',
        l: '2026-03-10 09:50:00+00',
      },
      {
        kind: 'Pod',
        namespace: 'default',
        name: 'db-0',
        container: 'postgres',
        node: 'worker-2',
        event_reason: 'BackOff',
        event_count: 20,
        f: '2026-03-10 09:00:00+00',
        l: '2026-03-10 09:59:00+00',
      },
      // The default table prints no SUBOBJECT: the kubelet's message names the container, when it does.
      {
        kind: 'Pod',
        namespace: 'shop',
        name: 'web-1',
        container: 'app',
        node: null,
        event_reason: 'BackOff',
        event_count: 12,
        f: '2026-03-10 09:30:00+00',
        l: '2026-03-10 09:56:00+00',
      },
      {
        kind: 'Pod',
        namespace: 'shop',
        name: 'web-1',
        container: 'app',
        node: null,
        event_reason: 'Killing',
        event_count: 3,
        f: '2026-03-10 09:35:00+00',
        l: '2026-03-10 09:55:00+00',
      },
      {
        kind: 'Pod',
        namespace: 'shop',
        name: 'web-1',
        container: null,
        node: null,
        event_reason: 'Pulled',
        event_count: 4,
        f: '2026-03-10 09:30:00+00',
        l: '2026-03-10 09:55:00+00',
      },
    ]);
    bundle!.close();
  });

  it('reads a Deployment table of kubectl before 1.15 (DESIRED CURRENT, no READY) without taking its ready replicas for 0', async () => {
    const file = scratch.write(
      'old-deploy/deploy.txt',
      `NAME       DESIRED   CURRENT   UP-TO-DATE   AVAILABLE   AGE
web        3         3         3            3           45d
api        2         2         2            1           45d
`,
    );
    const { result, bundle } = await scratch.import([file]);
    expect(result.inputs[0]?.formats).toEqual({ 'kubectl-get': 1 });
    expect(result.inputs[0]?.issues).toEqual([]);
    expect(
      await rows(
        bundle!,
        `SELECT kind, name, replicas_desired AS desired, replicas_current AS current,
                replicas_ready AS ready, replicas_available AS available, replicas_updated AS updated
         FROM objects ORDER BY name`,
      ),
    ).toEqual([
      { kind: 'Deployment', name: 'api', desired: 2, current: 2, ready: null, available: 1, updated: 2 },
      { kind: 'Deployment', name: 'web', desired: 3, current: 3, ready: null, available: 3, updated: 3 },
    ]);
    const report = await analyzeBundle(bundle!, { all: true });
    // No pattern reads an unknown READY as none ready; the replica short of available is said.
    expect(report.findings.map((f) => f.pattern)).not.toContain('workload-replicas-mismatch');
    expect(report.unexplained_trouble.map((t) => `${t.reason} ${t.subject.name}: ${t.message}`)).toEqual([
      'ReplicasUnavailable api: 1 of 2 replicas available',
    ]);
    bundle!.close();
  });

  it("says when the times are the file's, having nothing better", async () => {
    const file = scratch.write(
      'nodes/nodes.txt',
      `NAME       STATUS                        ROLES           AGE   VERSION
cp-1       Ready                         control-plane   40d   v1.30.1
worker-1   NotReady,SchedulingDisabled   <none>          40d   v1.30.1
`,
    );
    const when = new Date('2026-05-01T00:00:00Z');
    utimesSync(file, when, when);
    const { result, bundle } = await scratch.import([file]);
    expect(result.inputs[0]).toMatchObject({
      capturedSource: 'file-time',
      capturedAt: '2026-05-01T00:00:00.000Z',
    });
    expect(
      await rows(
        bundle!,
        "SELECT name, unschedulable, status FROM objects o JOIN conditions c USING (name) WHERE c.type = 'Ready' ORDER BY name",
      ),
    ).toEqual([
      { name: 'cp-1', unschedulable: false, status: 'True' },
      { name: 'worker-1', unschedulable: true, status: 'False' },
    ]);
    bundle!.close();
  });
});

describe('manifests', () => {
  it('are named and skipped: what was applied is not what the cluster held', async () => {
    const file = scratch.write(
      'manifests/deploy.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n',
    );
    const { result } = await scratch.import([file]);
    expect(result.bundle).toBeNull();
    expect(Object.keys(result.inputs[0]!.skippedFiles)).toEqual([
      'manifest (no uid, resourceVersion or status): what was applied, not cluster state',
    ]);
  });
});

describe('kubectl command lines', () => {
  it('say the verb, kinds, names, namespace, output, container and filters, as people type them', () => {
    expect(parseCommand('kubectl -n kube-system get po,svc -owide --show-labels | grep dns')).toMatchObject({
      verb: 'get',
      kinds: ['Pod', 'Service'],
      namespace: 'kube-system',
      output: 'wide',
      showLabels: true,
      filtered: true,
    });
    expect(parseCommand('sudo k3s kubectl logs deploy/api --previous=true -c app')).toMatchObject({
      verb: 'logs',
      kinds: ['Deployment'],
      names: ['api'],
      previous: true,
      container: 'app',
    });
    expect(parseCommand('oc logs -f api-1 app --namespace=shop')).toMatchObject({
      kinds: ['Pod'],
      names: ['api-1'],
      container: 'app',
      namespace: 'shop',
    });
    expect(parseCommand('kubectl describe PersistentVolumeClaim data --all-namespaces=true')).toMatchObject({
      verb: 'describe',
      kinds: ['PersistentVolumeClaim'],
      names: ['data'],
      allNamespaces: true,
    });
    expect(parseCommand('systemctl status kubelet')).toMatchObject({ verb: 'systemctl', kubectl: false });
  });
});

describe('kubectl logs --prefix', () => {
  it('sends each line to the container it names', async () => {
    const file = scratch.write(
      'prefix/logs.txt',
      `$ kubectl logs deploy/api -n shop --all-containers --prefix
[pod/api-6f7-abc/app] 2026-03-10T10:00:00Z listening on :8080
[pod/api-6f7-abc/proxy] 2026-03-10T10:00:01Z upstream connect error
    at retry (proxy.js:10)
[pod/api-6f7-abc/app] 2026-03-10T10:00:02Z ready
`,
    );
    const { result, bundle } = await scratch.import([file]);
    expect(result.inputs[0]?.issues).toEqual([]);
    expect(await rows(bundle!, 'SELECT container, log_line FROM logs ORDER BY ts')).toEqual([
      { container: 'app', log_line: 'listening on :8080' },
      { container: 'proxy', log_line: 'upstream connect error' },
      { container: 'proxy', log_line: '    at retry (proxy.js:10)' },
      { container: 'app', log_line: 'ready' },
    ]);
    bundle!.close();
  });
});

describe('kubectl rollout', () => {
  it("reads a Deployment's past revision (rollout history --revision) as the ReplicaSet of that revision", async () => {
    // As kubectl prints it: its prefix writer without a tab writer, tabs between keys and values.
    const file = scratch.write(
      'rollout/revision.txt',
      [
        '$ kubectl rollout history deployment/web -n shop --revision=3',
        'deployment.apps/web with revision #3',
        'Pod Template:',
        '  Labels:\tapp=web',
        '\tpod-template-hash=5d4f8c',
        '  Annotations:\tkubernetes.io/change-cause: kubectl set image deployment/web web=nginx:1.25',
        '  Containers:',
        '   web:',
        '    Image:\tnginx:1.25',
        '    Port:\t80/TCP',
        '    Host Port:\t0/TCP',
        '    Environment:\t<none>',
        '    Mounts:\t<none>',
        '  Volumes:\t<none>',
        '$ kubectl rollout history ds/agent -n shop --revision=2',
        'daemonset.apps/agent with revision #2',
        'Pod Template:',
        '  Labels:\tapp=agent',
        '  Containers:',
        '   agent:',
        '    Image:\tagent:2',
        '',
      ].join('\n'),
    );
    const { result, bundle } = await scratch.import([file]);
    expect(result.inputs[0]?.issues.map((i) => [i.line, i.reason])).toEqual([
      [
        16,
        'the pod template of revision 2 of DaemonSet agent: not read, its ControllerRevision is not named by the text',
      ],
    ]);
    const [row] = await rows(
      bundle!,
      `SELECT name, owner_kind, owner_name, json_extract(body, '$.metadata') AS metadata,
              json_extract(body, '$.spec.template') AS template FROM bundle WHERE kind = 'ReplicaSet'`,
    );
    expect(row?.name).toBe('web-5d4f8c');
    expect([row?.owner_kind, row?.owner_name]).toEqual(['Deployment', 'web']);
    expect(JSON.parse(String(row?.metadata)).annotations['deployment.kubernetes.io/revision']).toBe('3');
    expect(JSON.parse(String(row?.template))).toEqual({
      metadata: {
        labels: { app: 'web', 'pod-template-hash': '5d4f8c' },
        annotations: { 'kubernetes.io/change-cause': 'kubectl set image deployment/web web=nginx:1.25' },
      },
      spec: {
        containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }] }],
      },
    });
    bundle!.close();
  });

  it('reads the workload rollout status and history print: counts, the progress deadline, the revision', async () => {
    const file = scratch.write(
      'rollout/deploy.txt',
      `$ kubectl rollout history deployment/till -n pos
deployment.apps/till
REVISION  CHANGE-CAUSE
4         <none>
5         kubectl set image deployment/till till=example/till:7.2 --record=true
$ kubectl -n pos rollout status deploy/till
Waiting for deployment "till" rollout to finish: 1 out of 4 new replicas have been updated...
Waiting for deployment "till" rollout to finish: 1 old replicas are pending termination...
error: deployment "till" exceeded its progress deadline
$ kubectl rollout status ds/agent -n infra
Waiting for daemon set "agent" rollout to finish: 2 out of 6 new pods have been updated...
Waiting for daemon set "agent" rollout to finish: 4 of 6 updated pods are available...
error: timed out waiting for the condition
$ kubectl rollout status statefulset/queue -n infra --timeout 0s
error: timed out waiting for the condition
`,
    );
    const { result, bundle } = await scratch.import([file]);
    // kubectl gave up waiting: what rollout status says of the workload, not a command that failed.
    expect(result.inputs[0]?.issues).toEqual([]);
    // The counts rollout status did not print are unknown, not 0.
    expect(
      await rows(
        bundle!,
        `SELECT kind, name, replicas_desired AS desired, replicas_ready AS ready, replicas_available AS available
         FROM objects WHERE kind <> 'DaemonSet' AND replicas_updated IS NOT NULL`,
      ),
    ).toEqual([{ kind: 'Deployment', name: 'till', desired: 4, ready: null, available: null }]);
    const objects = await rows(
      bundle!,
      `SELECT kind, namespace, name, json_extract(body, '$.status') AS status,
              json_extract_string(body, '$.metadata.annotations') AS annotations
       FROM bundle WHERE source = 'object' ORDER BY kind, ts, status NULLS FIRST`,
    );
    expect(objects.map((o) => ({ ...o, status: JSON.parse(String(o.status ?? 'null')) }))).toEqual([
      {
        kind: 'DaemonSet',
        namespace: 'infra',
        name: 'agent',
        status: {
          desiredNumberScheduled: 6,
          updatedNumberScheduled: 6,
          numberAvailable: 4,
          numberUnavailable: 2,
        },
        annotations: expect.stringContaining(
          '"kstory.dev/printed-trouble":"RolloutTimedOut: kubectl rollout status timed out still waiting for daemon set \\"agent\\" rollout to finish: 4 of 6 updated pods are available"',
        ),
      },
      {
        kind: 'Deployment',
        namespace: 'pos',
        name: 'till',
        // History came first: the revision is what it says.
        status: null,
        annotations: expect.stringContaining('"deployment.kubernetes.io/revision":"5"'),
      },
      {
        // What only the status says, the deadline exceeded, is written though the history was read.
        kind: 'Deployment',
        namespace: 'pos',
        name: 'till',
        status: {
          updatedReplicas: 1,
          replicas: 2,
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'kubectl rollout status: deployment "till" exceeded its progress deadline',
            },
          ],
        },
        annotations: expect.stringContaining('kubectl rollout'),
      },
      {
        kind: 'StatefulSet',
        namespace: 'infra',
        name: 'queue',
        status: {},
        annotations: expect.stringContaining('"RolloutTimedOut: kubectl rollout status timed out"'),
      },
    ]);
    bundle!.close();
  });
});
