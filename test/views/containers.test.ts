// The `containers`, `conditions` and `pods` views on a tiny bundle: nested entries unnested beside
// their object's identity.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/bundle/duckdb.ts';
import { aPodRow } from '../support/rows.ts';
import { viewsOver } from '../support/views.ts';

describe('the containers, conditions and pods views', () => {
  let db: Database;
  beforeAll(async () => {
    db = await viewsOver([
      aPodRow({
        containers: [
          { name: 'init-db', init: true, state: 'terminated', reason: 'Completed', exit_code: 0 },
          { name: 'app', image: 'shop:2', state: 'waiting', reason: 'CrashLoopBackOff', restart_count: 4 },
        ],
      }),
      // A workload's pod template containers are not running containers.
      {
        source: 'object',
        ts: '2026-03-01T10:00:00Z',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'checkout',
        containers: [{ name: 'app', image: 'shop:2' }],
        conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }],
      },
      {
        source: 'event',
        ts: '2026-03-01T10:00:00Z',
        kind: 'Pod',
        namespace: 'shop',
        name: 'checkout-7d9f8-abcde',
      },
    ]);
  });
  afterAll(() => db.close());

  it('gives one row per container of each pod version, with the pod it belongs to', async () => {
    expect(
      await db.all(
        'SELECT pod, node, owner_name, phase, name, "init", state, reason, restart_count FROM containers ORDER BY name',
      ),
    ).toEqual([
      {
        pod: 'checkout-7d9f8-abcde',
        node: 'node-a',
        owner_name: 'checkout-7d9f8',
        phase: 'Running',
        name: 'app',
        init: null,
        state: 'waiting',
        reason: 'CrashLoopBackOff',
        restart_count: 4,
      },
      {
        pod: 'checkout-7d9f8-abcde',
        node: 'node-a',
        owner_name: 'checkout-7d9f8',
        phase: 'Running',
        name: 'init-db',
        init: true,
        state: 'terminated',
        reason: 'Completed',
        restart_count: null,
      },
    ]);
  });

  it('gives one row per condition of any kind', async () => {
    expect(await db.all('SELECT kind, name, type, status, reason FROM conditions ORDER BY kind')).toEqual([
      {
        kind: 'Deployment',
        name: 'checkout',
        type: 'Available',
        status: 'False',
        reason: 'MinimumReplicasUnavailable',
      },
      {
        kind: 'Pod',
        name: 'checkout-7d9f8-abcde',
        type: 'Ready',
        status: 'False',
        reason: 'ContainersNotReady',
      },
    ]);
  });

  it('keeps Pods only in pods, and object rows only in objects', async () => {
    expect(await db.all('SELECT kind, name FROM pods')).toEqual([
      { kind: 'Pod', name: 'checkout-7d9f8-abcde' },
    ]);
    expect(await db.all('SELECT kind FROM objects ORDER BY kind')).toEqual([
      { kind: 'Deployment' },
      { kind: 'Pod' },
    ]);
  });
});
