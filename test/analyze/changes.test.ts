// Changes that explain no failure, grouped: the pods of one Deployment one person deleted are one
// change, not one line per pod; different authors, owners or wordings stay apart.

import { describe, expect, it } from 'vitest';
import { groupChanges } from '../../src/analyze/changes.ts';
import type { ReportFinding } from '../../src/analyze/report.ts';

function deleted(id: number, name: string, actor: string, owner: string | null, at: string): ReportFinding {
  const text = `${actor} deleted Pod shop/${name}: deleted (with kubectl/v1.30.0)`;
  return {
    id,
    pattern: 'object-deleted',
    severity: 'info',
    variant: null,
    subject: { namespace: 'shop', kind: 'Pod', name, container: null },
    first: at,
    last: at,
    signals: { deleted: { first: at, last: at, occurrences: 1, value: null, text } },
    summary: `${text} (at ${at}).`,
    owner,
    incident: null,
  } as unknown as ReportFinding;
}

describe('groupChanges', () => {
  it('tells the pods of a workload one author deleted as one change, with how many and when', () => {
    const checkout = 'Deployment shop/checkout';
    const findings = [
      deleted(0, 'checkout-1', 'alice', checkout, '2026-03-02T09:00:01.000000Z'),
      deleted(1, 'checkout-2', 'alice', checkout, '2026-03-02T09:00:30.000000Z'),
      deleted(2, 'checkout-3', 'alice', checkout, '2026-03-02T09:00:12.000000Z'),
      deleted(3, 'checkout-4', 'bob', checkout, '2026-03-02T09:05:00.000000Z'),
      deleted(4, 'cart-1', 'alice', 'Deployment shop/cart', '2026-03-02T09:00:02.000000Z'),
      // In an incident: not a change that explains no failure.
      { ...deleted(5, 'checkout-5', 'alice', checkout, '2026-03-02T09:00:03.000000Z'), incident: 1 },
    ];
    const changes = groupChanges(findings);
    expect(changes.map((c) => c.findings)).toEqual([[0, 2, 1], [4], [3]]);
    expect(changes[0]).toMatchObject({
      kind: 'Pod',
      namespace: 'shop',
      owner: checkout,
      objects: ['checkout-1', 'checkout-2', 'checkout-3'],
      first: '2026-03-02T09:00:01.000000Z',
      last: '2026-03-02T09:00:30.000000Z',
    });
    expect(changes[0]!.summary).toBe(
      'alice deleted 3 Pods of Deployment shop/checkout: deleted (with kubectl/v1.30.0), between 2026-03-02 09:00:01Z and 2026-03-02 09:00:30Z.',
    );
    // One object: its own words.
    expect(changes[1]!.summary).toBe(findings[4]!.summary);
  });

  it('groups pods nothing owns by namespace', () => {
    const changes = groupChanges([
      deleted(0, 'debug-a', 'carol', null, '2026-03-02T09:00:01.000000Z'),
      deleted(1, 'debug-b', 'carol', null, '2026-03-02T09:00:02.000000Z'),
    ]);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.summary).toMatch(/^carol deleted 2 Pods in namespace shop: deleted/);
  });
});
