// `kubectl top` tables as usage samples, and `kubectl get` rows printed without their header read
// with columns inferred from the command or from their values, said in the import's notes.
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { parseCommand } from '../../src/import/kubectl-text/command.ts';
import { numberedLines } from '../../src/import/kubectl-text/lines.ts';
import { headerlessTable } from '../../src/import/kubectl-text/tables.ts';
import { topColumns } from '../../src/import/kubectl-text/top.ts';
import { rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const TRANSCRIPT = `ops@jump:~$ kubectl describe pod ledger-0 -n books
Name:             ledger-0
Namespace:        books
Node:             pool-b-2/10.8.0.12
Start Time:       Wed, 04 Mar 2026 07:00:00 +0000
Labels:           app=ledger
Status:           Running
IP:               10.9.4.4
Containers:
  ledger:
    Container ID:   containerd://abc123
    Image:          example/ledger:3.1
    State:          Running
      Started:      Wed, 04 Mar 2026 07:00:05 +0000
    Ready:          True
    Restart Count:  0
    Limits:
      cpu:     1
      memory:  512Mi
    Requests:
      cpu:     250m
      memory:  256Mi
  shipper:
    Container ID:   containerd://def456
    Image:          example/shipper:1.0
    State:          Running
      Started:      Wed, 04 Mar 2026 07:00:06 +0000
    Ready:          True
    Restart Count:  0
Conditions:
  Type              Status
  Ready             True
Events:             <none>
ops@jump:~$ kubectl top pods -n books --containers
POD        NAME      CPU(cores)   MEMORY(bytes)
ledger-0   ledger    870m         498Mi
ledger-0   shipper   3m           21Mi
ops@jump:~$ kubectl top pod -A --no-headers
books   ledger-0   873m   519Mi
ops@jump:~$ kubectl top nodes
NAME       CPU(cores)   CPU%        MEMORY(bytes)   MEMORY%
pool-b-1   310m         15%         2012Mi          26%
pool-b-2   1890m        94%         7420Mi          97%
pool-b-3   <unknown>    <unknown>   <unknown>       <unknown>
`;

// `kubectl get pods -A --no-headers` pasted alone: a pod's values say the columns.
const BARE_ROWS = `books      ledger-0             1/1   Running            0             3h
books      importer-6c9d7-2xkq  0/1   CrashLoopBackOff   12 (90s ago)  41m
`;

describe('kubectl top and rows without a header', () => {
  it('reads usage per pod, container and node; a container near its limit and a node near its memory are said', async () => {
    const transcript = scratch.write('top/session.txt', TRANSCRIPT);
    const bare = scratch.write('top/pods-no-headers.txt', BARE_ROWS);
    const { result, bundle } = await scratch.import([transcript, bare]);
    const notes = result.inputs.flatMap((s) => s.notes.map((n) => `${n.line}: ${n.reason}`));
    expect(notes).toEqual([
      '39: columns of "kubectl top pod -A --no-headers" inferred from the command (printed without its header): NAMESPACE NAME CPU(cores) MEMORY(bytes)',
      '44: kubectl top printed <unknown> for node pool-b-3: metrics-server had no usage for it',
      '1: a table printed without its header: columns inferred from what the values look like (Pod rows; no command or header says): NAMESPACE NAME READY STATUS RESTARTS AGE',
    ]);
    expect(result.inputs.flatMap((s) => s.issues)).toEqual([]);
    expect(
      await rows(
        bundle!,
        `SELECT metric_name AS m, coalesce(namespace, '') || '/' || name || coalesce('/' || container, '') AS s,
                round(metric_value, 3) AS v
         FROM metrics ORDER BY m, s`,
      ),
    ).toEqual([
      { m: 'container_cpu_usage_cores', s: 'books/ledger-0/ledger', v: 0.87 },
      { m: 'container_cpu_usage_cores', s: 'books/ledger-0/shipper', v: 0.003 },
      { m: 'container_memory_working_set_bytes', s: 'books/ledger-0/ledger', v: 498 * 2 ** 20 },
      { m: 'container_memory_working_set_bytes', s: 'books/ledger-0/shipper', v: 21 * 2 ** 20 },
      { m: 'node_cpu_usage_cores', s: '/pool-b-1', v: 0.31 },
      { m: 'node_cpu_usage_cores', s: '/pool-b-2', v: 1.89 },
      { m: 'node_cpu_usage_ratio', s: '/pool-b-1', v: 0.15 },
      { m: 'node_cpu_usage_ratio', s: '/pool-b-2', v: 0.94 },
      { m: 'node_memory_usage_ratio', s: '/pool-b-1', v: 0.26 },
      { m: 'node_memory_usage_ratio', s: '/pool-b-2', v: 0.97 },
      { m: 'node_memory_working_set_bytes', s: '/pool-b-1', v: 2012 * 2 ** 20 },
      { m: 'node_memory_working_set_bytes', s: '/pool-b-2', v: 7420 * 2 ** 20 },
      { m: 'pod_cpu_usage_cores', s: 'books/ledger-0', v: 0.873 },
      { m: 'pod_memory_working_set_bytes', s: 'books/ledger-0', v: 519 * 2 ** 20 },
    ]);

    const report = await analyzeBundle(bundle!);
    // The describe's limit and top's working set: 498Mi of 512Mi.
    expect(
      report.findings
        .filter((f) => f.pattern === 'memory-near-limit')
        .map((f) => `${f.subject.name}/${f.subject.container}`),
    ).toEqual(['ledger-0/ledger']);
    expect(report.unexplained_trouble.map((t) => `${t.subject.name} ${t.reason}`)).toEqual(
      expect.arrayContaining(['pool-b-2 MemoryUsage=97%', 'importer-6c9d7-2xkq CrashLoopBackOff']),
    );
    bundle!.close();
  });
});

describe('columns of rows without a header', () => {
  const lines = (text: string) => numberedLines(text);

  it('follows the command: its kind, -A, -o wide', () => {
    const wide = headerlessTable(
      lines('web-1   0/1   Pending   0   2m   <none>   <none>   <none>   <none>\n'),
      parseCommand('kubectl get po -o wide --no-headers')!,
    );
    expect(wide?.inferred).toBe('command');
    expect(wide?.headers).toEqual([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    expect(topColumns(parseCommand('kubectl top pods -A --containers --no-headers')!)).toEqual([
      'NAMESPACE',
      'POD',
      'NAME',
      'CPU(cores)',
      'MEMORY(bytes)',
    ]);
    expect(topColumns(parseCommand('kubectl top no --no-headers')!)).toEqual([
      'NAME',
      'CPU(cores)',
      'CPU%',
      'MEMORY(bytes)',
      'MEMORY%',
    ]);
  });

  it('tells pods and nodes by their values alone, and nothing else', () => {
    const nodes = headerlessTable(
      lines(
        'cp-1   Ready                      control-plane   40d   v1.30.2\nw-1    NotReady,SchedulingDisabled   <none>   40d   v1.30.2\n',
      ),
      null,
    );
    expect(nodes?.inferred).toBe('values');
    expect(nodes?.headers).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(nodes?.rows[1]?.cells.STATUS).toBe('NotReady,SchedulingDisabled');
    const pods = headerlessTable(lines('api-7f9   0/2   Init:CrashLoopBackOff   4 (20s ago)   9m\n'), null);
    expect(pods?.headers).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(headerlessTable(lines('starting server on :8080\nready   to   serve\n'), null)).toBeNull();
    expect(headerlessTable(lines('2026-03-04 07:00:00  INFO  started  ok  1\n'), null)).toBeNull();
  });
});
