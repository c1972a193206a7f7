// Versions of one object that share a timestamp (a list and a watch event of the same second, a
// clock of millisecond precision) are taken in the order their resourceVersion gives, whatever
// order the file holds them in: the same bundle always gives the same findings.

import { describe, expect, it } from 'vitest';
import { Existence } from '../../src/analyze/existence.ts';
import { Relations } from '../../src/analyze/relations.ts';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { loadWorkingSet } from '../../src/analyze/working-set.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { openRows } from '../support/bundles.ts';
import { aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const SECOND = '2026-03-01T10:00:00Z';
const pod = { namespace: 'shop', kind: 'Pod', name: 'checkout-7d9f8-abcde', container: null };

/** Both orders of the same rows, each in a bundle of its own. */
async function inBothOrders(
  rows: BundleRow[],
  check: (bundle: Awaited<ReturnType<typeof openRows>>) => Promise<void>,
) {
  for (const [i, ordered] of [rows, [...rows].reverse()].entries()) {
    const bundle = await openRows(tempDir(), `order-${i}.parquet`, ordered);
    try {
      await check(bundle);
    } finally {
      bundle.close();
    }
  }
}

describe('versions of one second', () => {
  it('a deletion written after a list of the same second means the object is gone', async () => {
    await inBothOrders(
      [
        aPodRow({ ts: SECOND, watch_event: 'LISTED', resource_version: '900' }),
        aPodRow({ ts: SECOND, watch_event: 'DELETED', resource_version: '1000' }),
      ],
      async (bundle) => {
        await loadWorkingSet(bundle);
        const existence = new Existence();
        await existence.load(bundle, [pod]);
        expect(existence.gone(pod)).toBe(true);
      },
    );
  });

  it('the newest version names the controller', async () => {
    await inBothOrders(
      [
        aPodRow({ ts: SECOND, owner_name: 'checkout-old', resource_version: '99' }),
        aPodRow({ ts: SECOND, owner_name: 'checkout-new', resource_version: '100' }),
      ],
      async (bundle) => {
        const relations = await Relations.load(bundle);
        expect(relations.ancestry(pod)).toEqual([
          'shop/Pod/checkout-7d9f8-abcde',
          'shop/ReplicaSet/checkout-new',
        ]);
      },
    );
  });

  it('a container running again in a later version of the same second is not still crash-looping', async () => {
    const crashing = aPodRow({ ts: SECOND, resource_version: '500' });
    const recovered = aPodRow({
      ts: SECOND,
      resource_version: '501',
      containers: [{ name: 'app', ready: true, restart_count: 3, state: 'running' }],
    });
    const reports: string[] = [];
    await inBothOrders([crashing, recovered], async (bundle) => {
      const report = await analyzeBundle(bundle, { only: ['crash-loop-backoff'], all: true });
      reports.push(JSON.stringify(report.findings.map((f) => [f.subject, f.first, f.last, f.resolved])));
    });
    expect(reports[0]).toBe(reports[1]);
  });
});
