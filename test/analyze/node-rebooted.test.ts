// A node that restarted, as a snapshot keeps it: its containers' last termination, reason Unknown
// at one moment. One incident rooted at the node, the pods' troubles while it came back under it,
// instead of one per pod; a container or two lost alone is no reboot.

import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { openRows } from '../support/bundles.ts';
import { aLogRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const BOOT = '2026-03-01T10:00:08Z';

/** A pod on node-7 running again after its container was lost at BOOT. */
function restartedPod(name: string): BundleRow {
  return aPodRow({
    ts: '2026-03-01T10:00:40Z',
    name,
    uid: `uid-${name}`,
    node: 'node-7',
    owner_kind: null,
    owner_name: null,
    containers: [
      {
        name: 'app',
        image: 'registry.example.com/app:1',
        init: false,
        ready: true,
        restart_count: 4,
        state: 'running',
        last_reason: 'Unknown',
        last_exit_code: 255,
        last_finished_at: BOOT,
      },
    ],
    conditions: [{ type: 'Ready', status: 'True' }],
  });
}

/** The first pod's application could not reach its dependency while the node came back. */
const refused = ['10:00:12', '10:00:15', '10:00:20'].map((at) =>
  aLogRow({
    ts: `2026-03-01T${at}Z`,
    name: 'api-1',
    log_previous: false,
    log_line: 'dial tcp 10.0.0.5:5432: connect: connection refused',
  }),
);

async function analyze(name: string, rows: BundleRow[]) {
  const bundle = await openRows(tempDir(), `${name}.parquet`, rows, { snapshot: true });
  try {
    return await analyzeBundle(bundle);
  } finally {
    bundle.close();
  }
}

describe('a node that restarted', () => {
  it('is one incident: the node, with what its pods went through while it came back', async () => {
    const report = await analyze('rebooted', [
      ...['api-1', 'web-1', 'queue-1'].map(restartedPod),
      ...refused,
    ]);
    expect(report.incidents).toHaveLength(1);
    const [incident] = report.incidents;
    const root = report.findings[incident!.root]!;
    expect([root.pattern, root.subject.kind, root.subject.name, root.variant]).toEqual([
      'node-rebooted',
      'Node',
      'node-7',
      'containers-lost',
    ]);
    expect(root.severity).toBe('medium');
    const effects = incident!.chain.filter((step) => step.via).map((step) => report.findings[step.finding]!);
    expect(effects.map((f) => [f.pattern, f.subject.name])).toEqual([['app-errors-in-logs', 'api-1']]);
  });

  it('is not said of a container or two that ended so', async () => {
    const report = await analyze('two', [restartedPod('api-1'), restartedPod('web-1')]);
    expect(report.findings.filter((f) => f.pattern === 'node-rebooted')).toEqual([]);
  });
});
