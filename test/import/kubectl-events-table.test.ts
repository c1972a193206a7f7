// The Events table of a `kubectl describe` pasted without the rest (what a ticket often holds): read
// as the Events of the object its command names, else of the pod a Scheduled row assigns, else of
// an unnamed object said as such, in kubectl's layouts from before 1.10 (tabs) to today; and what
// analysis then makes of them. Rows written here by hand as kubectl's describers print them.
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

// kubectl 1.20: indented as pasted under a note, `kubelet, node` sources, the scheduler naming the pod.
const CRASHING_POD_EVENTS = `   Events:
     Type     Reason     Age                  From               Message
     ----     ------     ----                 ----               -------
     Normal   Scheduled  20m                  default-scheduler  Successfully assigned shop/cart-5d9f7b-abcde to node-2
     Normal   Pulled     18m (x5 over 20m)    kubelet, node-2    Container image "registry.example.com/cart:2.4" already present on machine
     Normal   Created    18m (x5 over 20m)    kubelet, node-2    Created container cart
     Normal   Started    18m (x5 over 20m)    kubelet, node-2    Started container cart
     Warning  BackOff    2m10s (x80 over 19m)  kubelet, node-2    Back-off restarting failed container
`;

// kubectl 1.27: no Scheduled row left, the pod not named anywhere.
const UNNAMED_EVENTS = `Events:
  Type     Reason   Age                  From     Message
  ----     ------   ----                 ----     -------
  Normal   BackOff  4m (x300 over 70m)   kubelet  Back-off pulling image "registry.example.com/tools:9.9"
  Warning  Failed   61s (x20 over 70m)   kubelet  Failed to pull image "registry.example.com/tools:9.9": rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.com/tools:9.9": not found
`;

// kubectl 1.6: the FirstSeen/LastSeen/Count table with tabs, a pod's own events without a SubobjectPath.
const OLD_TABBED_EVENTS = [
  'Events:',
  '  FirstSeen\tLastSeen\tCount\tFrom\t\t\tSubObjectPath\tType\t\tReason\t\tMessage',
  '  ---------\t--------\t-----\t----\t\t\t-------------\t--------\t------\t\t-------',
  '  12m\t\t12m\t\t1\t{default-scheduler }\t\t\tNormal\t\tScheduled\tSuccessfully assigned api-1 to node-7',
  '  11m\t\t1m\t\t9\t{kubelet node-7}\t\t\tWarning\t\tFailedMount\tMountVolume.SetUp failed for volume "settings" : configmaps "api-settings" not found',
  '',
].join('\n');

describe('the Events table of a describe, alone', () => {
  it('is about the pod a Scheduled row assigns: its namespace, node, and the container a kubelet row names', async () => {
    const file = scratch.write('alone/events.txt', CRASHING_POD_EVENTS);
    const { result, bundle } = await scratch.import([file], { at: '2026-03-06T10:00:00Z' });
    expect(result.inputs[0]?.formats).toEqual({ 'kubectl-describe': 1 });
    expect(result.inputs[0]?.notes).toEqual([]);
    expect(
      await rows(
        bundle!,
        `SELECT event_reason, event_count, event_last::VARCHAR AS last, namespace, kind, name, node, container
         FROM events ORDER BY event_last, event_reason`,
      ),
    ).toEqual([
      expect.objectContaining({ event_reason: 'Scheduled', kind: 'Pod', name: 'cart-5d9f7b-abcde' }),
      expect.objectContaining({ event_reason: 'Created', container: 'cart', node: 'node-2' }),
      expect.objectContaining({ event_reason: 'Pulled', container: null }),
      expect.objectContaining({ event_reason: 'Started', container: 'cart' }),
      {
        event_reason: 'BackOff',
        event_count: 80,
        last: '2026-03-06 09:57:50+00',
        namespace: 'shop',
        kind: 'Pod',
        name: 'cart-5d9f7b-abcde',
        node: 'node-2',
        // kubelet before 1.26 did not name the container here, and the pod may have others.
        container: null,
      },
    ]);
    const report = await analyzeBundle(bundle!);
    const top = report.incidents[0]!;
    expect(report.findings[top.root]).toMatchObject({
      pattern: 'crash-loop-backoff',
      subject: { namespace: 'shop', name: 'cart-5d9f7b-abcde' },
    });
    bundle!.close();
  });

  it('is about an unnamed pod when nothing names it, which the import says', async () => {
    const file = scratch.write('unnamed/events.txt', UNNAMED_EVENTS);
    const { result, bundle } = await scratch.import([file], { at: '2026-03-06T10:00:00Z' });
    expect(result.inputs[0]?.issues).toEqual([]);
    expect(result.inputs[0]?.notes).toEqual([
      expect.objectContaining({
        line: 1,
        reason: expect.stringMatching(
          /^an Events table whose object the text does not name: read as about Pod \(unnamed\)/,
        ),
      }),
    ]);
    expect(await rows(bundle!, 'SELECT DISTINCT namespace, kind, name FROM events')).toEqual([
      { namespace: 'default', kind: 'Pod', name: '(unnamed)' },
    ]);
    const report = await analyzeBundle(bundle!);
    expect(report.findings[report.incidents[0]!.root]?.pattern).toBe('image-pull-backoff');
    bundle!.close();
  });

  it('reads the tabbed table of kubectl before 1.10 and rows pasted without their header', async () => {
    const old = await scratch.import([scratch.write('old/events.txt', OLD_TABBED_EVENTS)], {
      at: '2026-03-06T10:00:00Z',
    });
    expect(
      await rows(
        old.bundle!,
        'SELECT event_reason, event_count, event_source, node, name FROM events ORDER BY 1',
      ),
    ).toEqual([
      { event_reason: 'FailedMount', event_count: 9, event_source: 'kubelet', node: 'node-7', name: 'api-1' },
      {
        event_reason: 'Scheduled',
        event_count: 1,
        event_source: 'default-scheduler',
        node: null,
        name: 'api-1',
      },
    ]);
    old.bundle!.close();
    // The same rows without `Events:` and the header, as a grep leaves them.
    const headless = OLD_TABBED_EVENTS.split('\n').slice(3).join('\n');
    const bare = await scratch.import([scratch.write('bare/events.txt', headless)], {
      at: '2026-03-06T10:00:00Z',
    });
    expect(
      await rows(bare.bundle!, 'SELECT count(*)::INTEGER AS n, any_value(name) AS name FROM events'),
    ).toEqual([{ n: 2, name: 'api-1' }]);
    bare.bundle!.close();
  });

  it('is about the object of the describe command that printed it', async () => {
    const transcript = `user@host:~$ kubectl describe pod tools-0 -n ops | tail -4\n${UNNAMED_EVENTS}`;
    const { result, bundle } = await scratch.import([scratch.write('cmd/t.txt', transcript)], {
      at: '2026-03-06T10:00:00Z',
    });
    expect(result.inputs[0]?.notes).toEqual([]);
    expect(await rows(bundle!, 'SELECT DISTINCT namespace, kind, name FROM events')).toEqual([
      { namespace: 'ops', kind: 'Pod', name: 'tools-0' },
    ]);
    bundle!.close();
  });
});

// kubectl 1.24 describing a pod of one container whose probe fails: no row names the container.
const ONE_CONTAINER_POD = `Name:         api-7f9c6d5b8-q4x2z
Namespace:    shop
Priority:     0
Node:         node-3/10.0.0.13
Start Time:   Fri, 06 Mar 2026 09:00:00 +0000
Labels:       app=api
              pod-template-hash=7f9c6d5b8
Status:       Running
IP:           10.42.3.9
Controlled By:  ReplicaSet/api-7f9c6d5b8
Containers:
  api:
    Container ID:   containerd://abc123
    Image:          registry.example.com/api:1.8
    Port:           8080/TCP
    State:          Running
      Started:      Fri, 06 Mar 2026 09:00:05 +0000
    Ready:          False
    Restart Count:  0
    Readiness:      http-get http://:8080/ready delay=0s timeout=1s period=10s #success=1 #failure=3
QoS Class:       BestEffort
Events:
  Type     Reason     Age                 From               Message
  ----     ------     ----                ----               -------
  Normal   Scheduled  30m                 default-scheduler  Successfully assigned shop/api-7f9c6d5b8-q4x2z to node-3
  Warning  Unhealthy  10s (x170 over 29m)  kubelet            Readiness probe failed: HTTP probe failed with statuscode: 503
`;

describe('Events of a described pod of one container', () => {
  it('are about that container when a kubelet row names none, as the field path kubectl does not print said', async () => {
    const { bundle } = await scratch.import([scratch.write('one/describe.txt', ONE_CONTAINER_POD)]);
    expect(await rows(bundle!, 'SELECT event_reason, container FROM events ORDER BY 1')).toEqual([
      { event_reason: 'Scheduled', container: null },
      { event_reason: 'Unhealthy', container: 'api' },
    ]);
    bundle!.close();
  });
});
