// The names a bundle gives the label masker: every audit user and node once, in one order whatever
// order the bundle's rows and DuckDB's threads give, so that every run learns them alike.

import { describe, expect, it } from 'vitest';
import type { BundleRow } from '../../src/bundle/row.ts';
import { LabelMasker } from '../../src/labels/mask.ts';
import { openRows } from '../support/bundles.ts';
import { aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

const USERS = ['zoe@corp.example.org', 'mallory', 'ken', 'dora', 'carol', 'bob', 'alice'];
const NODES = ['worker-zeta', 'worker-eta', 'worker-delta', 'worker-beta', 'worker-alpha'];

const auditRow = (user: string, i: number): BundleRow => ({
  source: 'audit',
  ts: `2026-03-01T10:${String(10 + i).padStart(2, '0')}:00Z`,
  kind: 'ConfigMap',
  namespace: 'shop',
  name: 'checkout-config',
  audit_verb: 'update',
  audit_user: user,
  audit_code: 200,
  audit_resource: 'configmaps',
});

describe('LabelMasker.namesOf', () => {
  it('reads each user and node once, users first, each sorted', async () => {
    // Written in reverse order, with repeats, so that only sorting gives the order expected.
    const rows = [
      ...USERS.flatMap((u, i) => [auditRow(u, i), auditRow(u, i + 20)]),
      ...NODES.map((node, i) => aPodRow({ name: `web-${i}`, uid: `uid-${i}`, node })),
    ];
    const bundle = await openRows(tempDir(), 'names.parquet', rows);
    try {
      const names = await LabelMasker.namesOf(bundle);
      expect(names).toEqual([
        ...[...USERS].sort().map((user) => ({ user, node: null })),
        ...[...NODES].sort().map((node) => ({ user: null, node })),
      ]);
    } finally {
      bundle.close();
    }
  });
});
