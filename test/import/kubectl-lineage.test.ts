// Ownership trees of kubectl plugins (kubectl lineage, kubectl tree): rows read as objects with their
// owners, Event rows as Events about their parent, the tree dated by the objects the rest of the
// import knows; a Job whose only pod ended in Error is a failing Job to the analysis.
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { numberedLines } from '../../src/import/kubectl-text/lines.ts';
import { parseTree } from '../../src/import/kubectl-text/tree-table.ts';
import { rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

/** Rows padded into columns three spaces apart, as Go's tabwriter prints them. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return `${rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3)))
        .join('')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

const tree = (text: string) => {
  const parsed = parseTree(numberedLines(text));
  return parsed?.nodes.map((n) => [
    n.parent,
    n.namespace ?? null,
    `${n.kind}/${n.name}`,
    n.ready,
    n.status,
    n.age,
    n.relationships.join(' '),
  ]);
};

describe('ownership trees read as rows', () => {
  it('reads kubectl lineage: each row under the row it hangs from, its cells under their columns', () => {
    const text = table([
      ['NAME', 'READY', 'STATUS', 'AGE'],
      ['Deployment/web', '1/2', '', '5d'],
      ['└── ReplicaSet/web-6d4f', '1/2', '', '5d'],
      ['    ├── Pod/web-6d4f-a1', '1/1', 'Running', '5d'],
      ['    │   └── Service/web', '-', '', '9d'],
      ['    └── Pod/web-6d4f-b2', '0/1', 'CrashLoopBackOff', '2h'],
      [
        '        └── Event/web-6d4f-b2.18a2',
        '-',
        'BackOff: Back-off restarting failed container app (x40)',
        '2h',
      ],
    ]);
    expect(tree(text)).toEqual([
      [null, null, 'Deployment/web', '1/2', '', '5d', ''],
      [0, null, 'ReplicaSet/web-6d4f', '1/2', '', '5d', ''],
      [1, null, 'Pod/web-6d4f-a1', '1/1', 'Running', '5d', ''],
      [2, null, 'Service/web', '-', '', '9d', ''],
      [1, null, 'Pod/web-6d4f-b2', '0/1', 'CrashLoopBackOff', '2h', ''],
      [
        4,
        null,
        'Event/web-6d4f-b2.18a2',
        '-',
        'BackOff: Back-off restarting failed container app (x40)',
        '2h',
        '',
      ],
    ]);
  });

  it('reads lineage -o wide across namespaces (blank for cluster-scoped) and kubectl tree', () => {
    const wide = table([
      ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'AGE', 'RELATIONSHIPS'],
      ['', 'Node/worker-1', 'True', 'KubeletReady', '30d', '-'],
      ['', '├── CSINode/worker-1', '-', '', '30d', '[OwnerReference]'],
      ['kube-system', '└── Pod/proxy-x', '1/1', 'Running', '30d', '[PodNode]'],
    ]);
    expect(tree(wide)).toEqual([
      [null, '', 'Node/worker-1', 'True', 'KubeletReady', '30d', ''],
      [0, '', 'CSINode/worker-1', '-', '', '30d', 'OwnerReference'],
      [0, 'kube-system', 'Pod/proxy-x', '1/1', 'Running', '30d', 'PodNode'],
    ]);
    const plugin = table([
      ['NAMESPACE', 'NAME', 'READY', 'REASON', 'AGE'],
      ['shop', 'StatefulSet/db', '-', '', '4d'],
      ['shop', '├─ControllerRevision/db-7f9', '-', '', '4d'],
      ['shop', '└─Pod/db-0', 'False', 'ContainersNotReady', '4d'],
    ]);
    expect(tree(plugin)).toEqual([
      [null, 'shop', 'StatefulSet/db', '-', '', '4d', ''],
      [0, 'shop', 'ControllerRevision/db-7f9', '-', '', '4d', ''],
      [0, 'shop', 'Pod/db-0', 'False', 'ContainersNotReady', '4d', ''],
    ]);
  });

  it('reads rows that no longer line up (pasted), and leaves tables of other commands alone', () => {
    const pasted = 'NAME READY STATUS AGE\nJob/export - 3h\n└── Pod/export-k2 0/1 Error 3h\n';
    expect(tree(pasted)).toEqual([
      [null, null, 'Job/export', '-', '', '3h', ''],
      [0, null, 'Pod/export-k2', '0/1', 'Error', '3h', ''],
    ]);
    expect(
      tree(
        'NAME                READY   STATUS    RESTARTS   AGE\npod/web-1   1/1     Running   0          5m\n',
      ),
    ).toBe(undefined);
  });
});

const DESCRIBE_JOB = `Name:             nightly-report
Namespace:        shop
Selector:         batch.kubernetes.io/controller-uid=1f0c
Labels:           job-name=nightly-report
Annotations:      <none>
Parallelism:      1
Completions:      1
Completion Mode:  NonIndexed
Suspend:          false
Backoff Limit:    0
Start Time:       Tue, 10 Mar 2026 09:00:00 +0000
Pods Statuses:    1 Active (1 Ready) / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  job-name=nightly-report
  Containers:
   report:
    Image:        example/report:1.0
    Port:         <none>
    Host Port:    <none>
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Events:
  Type    Reason            Age   From            Message
  ----    ------            ----  ----            -------
  Normal  SuccessfulCreate  20s   job-controller  Created pod: nightly-report-q8x2z
`;

describe('ownership trees imported', () => {
  it('gives pods their owner, containers and later status, Events their object; failed Jobs are found', async () => {
    const dir = 'jobs/';
    scratch.write(`${dir}describe-job.txt`, DESCRIBE_JOB);
    // Printed three days after the describe: the Job's pod has failed since.
    scratch.write(
      `${dir}report-lineage.txt`,
      `$ kubectl lineage job nightly-report -n shop\n${table([
        ['NAME', 'READY', 'STATUS', 'AGE'],
        ['Job/nightly-report', '-', '', '3d'],
        ['└── Pod/nightly-report-q8x2z', '0/1', 'Error', '3d'],
      ])}`,
    );
    scratch.write(
      `${dir}migrate-lineage.txt`,
      table([
        ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'AGE'],
        ['shop', 'Job/db-migrate', '-', '', '1h'],
        [
          'shop',
          '└── Event/db-migrate.18b0c',
          '-',
          'BackoffLimitExceeded: Job has reached the specified backoff limit',
          '50m',
        ],
        ['', 'ClusterRole/unrelated', '-', '', '9d'],
      ]),
    );
    const { result, bundle } = await scratch.import([scratch.path(dir)]);
    expect(result.inputs[0]?.formats).toEqual({
      'kubectl-describe': 1,
      'kubectl-lineage': 1,
      'kubectl-transcript': 1,
    });
    expect(result.inputs[0]?.issues).toEqual([]);
    expect(result.inputs[0]?.capturedAt).toBe('2026-03-13T09:00:00.000000Z');
    expect(
      await rows(
        bundle!,
        `SELECT ts::VARCHAR AS ts, pod, owner_kind, owner_name, name, state, reason
         FROM containers WHERE pod = 'nightly-report-q8x2z' ORDER BY ts`,
      ),
    ).toEqual([
      {
        // Created when the tree says; its status is the tree's, printed three days later.
        ts: '2026-03-10 09:00:00+00',
        pod: 'nightly-report-q8x2z',
        owner_kind: 'Job',
        owner_name: 'nightly-report',
        name: 'report',
        state: 'terminated',
        reason: 'Error',
      },
    ]);
    expect(
      await rows(bundle!, `SELECT kind, namespace, name, event_reason FROM events ORDER BY event_reason`),
    ).toEqual([
      { kind: 'Job', namespace: 'shop', name: 'db-migrate', event_reason: 'BackoffLimitExceeded' },
      { kind: 'Job', namespace: 'shop', name: 'nightly-report', event_reason: 'SuccessfulCreate' },
    ]);
    expect(
      await rows(bundle!, `SELECT kind, namespace, name FROM objects WHERE kind = 'ClusterRole'`),
    ).toEqual([{ kind: 'ClusterRole', namespace: null, name: 'unrelated' }]);

    const report = await analyzeBundle(bundle!);
    const jobs = report.findings
      .filter((f) => f.pattern === 'job-failed')
      .map((f) => `${f.subject.name} ${f.variant}`)
      .sort();
    expect(jobs).toEqual(['db-migrate backoff-limit-exceeded', 'nightly-report pod-failed']);
    bundle!.close();
  });

  it('reads trees of dependencies, and counts rows it cannot read: a Helm release, an Event with no object above it', async () => {
    scratch.write(
      'helm/lineage.txt',
      table([
        ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'AGE'],
        ['shop', 'web', 'True', 'Deployed', '2d'],
        ['shop', '├── Deployment/web', '1/1', '', '2d'],
        ['shop', '└── Service/web', '-', '', '2d'],
      ]),
    );
    scratch.write(
      'helm/event.txt',
      table([
        ['NAME', 'READY', 'STATUS', 'AGE'],
        ['Event/web.18a', '-', 'Killing: Stopping container app', '2d'],
      ]),
    );
    // What a pod depends on (lineage --dependencies): the owners are below what they own.
    scratch.write(
      'helm/dependencies.txt',
      table([
        ['NAME', 'READY', 'STATUS', 'AGE'],
        ['Pod/api-5d8-x1', '1/1', 'Running', '2d'],
        ['└── ReplicaSet/api-5d8', '1/1', '', '2d'],
        ['    └── Deployment/api', '1/1', '', '2d'],
      ]),
    );
    const { result, bundle } = await scratch.import([scratch.path('helm')]);
    const issues = result.inputs.flatMap((i) =>
      i.issues.map((x) => `${x.file.split('/').pop()}:${x.line} ${x.reason}`),
    );
    expect(issues.sort()).toEqual([
      'event.txt:2 an Event row with no object above it: not imported',
      'lineage.txt:2 a row that names no object ("web"): not imported',
    ]);
    expect(
      await rows(bundle!, `SELECT kind, name, owner_kind, owner_name FROM objects ORDER BY kind, name`),
    ).toEqual([
      { kind: 'Deployment', name: 'api', owner_kind: null, owner_name: null },
      { kind: 'Deployment', name: 'web', owner_kind: null, owner_name: null },
      { kind: 'Pod', name: 'api-5d8-x1', owner_kind: 'ReplicaSet', owner_name: 'api-5d8' },
      { kind: 'ReplicaSet', name: 'api-5d8', owner_kind: 'Deployment', owner_name: 'api' },
      { kind: 'Service', name: 'web', owner_kind: null, owner_name: null },
    ]);
    bundle!.close();
  });
});
