// The pure pieces of serve's output: the API server's age format, a pod's STATUS column, CRD
// column paths, kubectl's table and describe alignment, the unified diff and terminal escaping.

import { describe, expect, it } from 'vitest';
import { DescribeWriter } from '../../src/report/describe/writer.ts';
import { escapeControl } from '../../src/report/escape.ts';
import { renderKubeTable } from '../../src/report/kube-table.ts';
import { unifiedDiff } from '../../src/report/line-diff.ts';
import { evaluateJsonPath, parseJsonPath } from '../../src/serve/columns/custom.ts';
import { humanDuration } from '../../src/serve/columns/format.ts';
import { podSummary } from '../../src/serve/columns/pods.ts';

describe('humanDuration', () => {
  it.each([
    [45_000, '45s'],
    [119_000, '119s'],
    [150_000, '2m30s'],
    [600_000, '10m'],
    [3 * 3_600_000 + 600_000, '3h10m'],
    [10 * 3_600_000, '10h'],
    [3 * 86_400_000 + 4 * 3_600_000, '3d4h'],
    [40 * 86_400_000, '40d'],
    [(2 * 365 + 10) * 86_400_000, '2y10d'],
    [-500, '0s'],
  ])('%d ms is %s', (ms, text) => expect(humanDuration(ms)).toBe(text));
});

const running = { running: { startedAt: '2026-03-01T10:00:00Z' } };
function aPod(
  status: Record<string, unknown>,
  spec: Record<string, unknown> = {},
  metadata: Record<string, unknown> = {},
) {
  return { metadata: { name: 'p', ...metadata }, spec: { containers: [{ name: 'app' }], ...spec }, status };
}

describe('pod STATUS', () => {
  it('is the waiting reason of a crash-looping container, with the restarts and when the last was', () => {
    const s = podSummary(
      aPod({
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, finishedAt: '2026-03-01T10:05:00Z' } },
          },
        ],
      }),
    );
    expect(s).toEqual({
      reason: 'CrashLoopBackOff',
      ready: 0,
      total: 1,
      restarts: 4,
      lastRestart: '2026-03-01T10:05:00Z',
    });
  });

  it('shows init progress, exit codes without a reason, and Terminating', () => {
    const init = aPod(
      { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { running: {} } }] },
      { initContainers: [{ name: 'init' }] },
    );
    expect(podSummary(init).reason).toBe('Init:0/1');
    const exit = aPod({
      phase: 'Running',
      containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 3 } } }],
    });
    expect(podSummary(exit).reason).toBe('ExitCode:3');
    const ready = aPod({
      phase: 'Running',
      containerStatuses: [{ name: 'app', ready: true, state: running }],
    });
    expect(podSummary(ready)).toMatchObject({ reason: 'Running', ready: 1 });
    const deleting = aPod({ phase: 'Running' }, {}, { deletionTimestamp: '2026-03-01T10:00:00Z' });
    expect(podSummary(deleting).reason).toBe('Terminating');
  });
});

describe('CRD column paths', () => {
  const obj = {
    status: {
      conditions: [
        { type: 'Synced', status: 'True' },
        { type: 'Ready', status: 'False' },
      ],
      items: [{ n: 1 }, { n: 2 }],
    },
  };
  it('reads fields, indexes, wildcards and equality filters', () => {
    const read = (path: string) => evaluateJsonPath(parseJsonPath(path)!, obj);
    expect(read('.status.conditions[?(@.type=="Ready")].status')).toEqual(['False']);
    expect(read('.status.items[1].n')).toEqual([2]);
    expect(read('.status.items[*].n')).toEqual([1, 2]);
    expect(read('.status.missing')).toEqual([]);
    expect(parseJsonPath('.a[?(@.b > 1)]')).toBeNull();
  });
});

describe('kubectl layouts', () => {
  it('pads table columns by three, hides priority columns unless wide, escapes cells', () => {
    const columns = [
      { name: 'Name', type: 'string', format: 'name', description: '', priority: 0 },
      { name: 'Status', type: 'string', format: '', description: '', priority: 0 },
      { name: 'Node', type: 'string', format: '', description: '', priority: 1 },
    ];
    const table = {
      columns,
      rows: [
        { cells: ['web-1', 'Running', 'n1'], namespace: 'shop' },
        { cells: ['evil\u001b[2J', 'Error', 'n2'], namespace: 'shop' },
      ],
    };
    expect(renderKubeTable(table)).toBe(
      'NAME          STATUS\nweb-1         Running\nevil\\x1b[2J   Error\n',
    );
    expect(renderKubeTable(table, { wide: true, withNamespace: true }).split('\n')[0]).toBe(
      'NAMESPACE   NAME          STATUS    NODE',
    );
  });

  // Consecutive lines with a cell in a column align, whatever their indentation: kubectl's QoS
  // Class lines up with the volume fields above it.
  it('aligns describe fields in blocks as Go tabwriter does', () => {
    const w = new DescribeWriter();
    w.field(0, 'Name', 'web-1');
    w.field(0, 'Namespace', 'shop');
    w.line(0, 'Containers:');
    w.line(1, 'app:');
    w.field(2, 'Image', 'nginx');
    w.field(2, 'Restart Count', 3);
    w.field(0, 'QoS Class', 'Burstable');
    expect(w.toString()).toBe(
      [
        'Name:       web-1',
        'Namespace:  shop',
        'Containers:',
        '  app:',
        '    Image:          nginx',
        '    Restart Count:  3',
        'QoS Class:          Burstable',
        '',
      ].join('\n'),
    );
  });
});

describe('unifiedDiff', () => {
  it('prints hunks with context around each change', () => {
    const a = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const b = 'a\nb\nc\nD\ne\nf\ng\nh\n';
    expect(unifiedDiff(a, b, 'x', 'y', 1)).toBe('--- x\n+++ y\n@@ -3,3 +3,3 @@\n c\n-d\n+D\n e\n');
    expect(unifiedDiff(a, a, 'x', 'y')).toBe('');
    expect(unifiedDiff('', 'new\n', 'x', 'y')).toBe('--- x\n+++ y\n@@ -0,0 +1,1 @@\n+new\n');
  });
});

describe('escapeControl', () => {
  it('shows escape sequences and bidi overrides instead of letting them act', () => {
    expect(escapeControl('a\u001b[31mred\u202e')).toBe('a\\x1b[31mred\\u202e');
    expect(escapeControl('line1\nline2\ttab')).toBe('line1\nline2\ttab');
    expect(escapeControl('line1\nline2', { singleLine: true })).toBe('line1\\x0aline2');
  });
});
