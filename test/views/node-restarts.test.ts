// The `node_restarts` view on a tiny bundle: containers of one node that ended together as a restart
// ends them, counted once each however many versions of their pods were seen, one row per restart
// (terminations apart by more than 30 seconds), whatever minute of the clock they fall in.

import { describe, expect, it } from 'vitest';
import type { BundleRow } from '../../src/bundle/row.ts';
import { viewsOver } from '../support/views.ts';

function pod(
  ts: string,
  name: string,
  node: string,
  last: { reason: string; exit: number; at: string },
): BundleRow {
  return {
    source: 'object',
    ts,
    kind: 'Pod',
    namespace: 'shop',
    name,
    node,
    phase: 'Running',
    containers: [
      {
        name: 'app',
        init: false,
        ready: true,
        restart_count: 2,
        state: 'running',
        last_reason: last.reason,
        last_exit_code: last.exit,
        last_finished_at: last.at,
      },
    ],
  };
}

describe('the node_restarts view', () => {
  it('counts the distinct containers of a node that ended together with reason Unknown or exit 255', async () => {
    const lost = { reason: 'Unknown', exit: 255, at: '2026-03-01T10:00:08Z' };
    const db = await viewsOver([
      pod('2026-03-01T10:00:30Z', 'a-1', 'n-1', lost),
      // A later version of the same pod: the same container, counted once.
      pod('2026-03-01T10:05:00Z', 'a-1', 'n-1', lost),
      pod('2026-03-01T10:00:31Z', 'b-1', 'n-1', { reason: 'Error', exit: 255, at: '2026-03-01T10:00:09Z' }),
      // An application's own error, another node's loss, another time: not this restart.
      pod('2026-03-01T10:00:32Z', 'c-1', 'n-1', { reason: 'Error', exit: 1, at: '2026-03-01T10:00:09Z' }),
      pod('2026-03-01T10:00:33Z', 'd-1', 'n-2', lost),
      pod('2026-03-01T10:00:34Z', 'e-1', 'n-1', { ...lost, at: '2026-03-01T11:30:00Z' }),
    ]);
    try {
      expect(
        await db.all(
          `SELECT strftime(ended_at, '%H:%M:%S') AS at, strftime(ts, '%H:%M:%S') AS seen, kind, namespace, name, containers::INTEGER AS containers, pods
           FROM node_restarts ORDER BY name, ended_at`,
        ),
      ).toEqual([
        {
          at: '10:00:08',
          seen: '10:00:30',
          kind: 'Node',
          namespace: null,
          name: 'n-1',
          containers: 2,
          pods: ['shop/a-1', 'shop/b-1'],
        },
        {
          at: '11:30:00',
          seen: '10:00:34',
          kind: 'Node',
          namespace: null,
          name: 'n-1',
          containers: 1,
          pods: ['shop/e-1'],
        },
        {
          at: '10:00:08',
          seen: '10:00:33',
          kind: 'Node',
          namespace: null,
          name: 'n-2',
          containers: 1,
          pods: ['shop/d-1'],
        },
      ]);
    } finally {
      db.close();
    }
  });

  it('tells restarts apart by the time between their terminations, not by calendar minute', async () => {
    const lost = (at: string) => ({ reason: 'Unknown', exit: 255, at });
    const db = await viewsOver([
      // One restart across a minute boundary: 10:00:55 and 10:01:05.
      pod('2026-03-01T10:02:00Z', 'a-1', 'n-1', lost('2026-03-01T10:00:55Z')),
      pod('2026-03-01T10:02:00Z', 'b-1', 'n-1', lost('2026-03-01T10:01:05Z')),
      // Two restarts in one minute, 45 seconds apart: the second ended containers the first restarted.
      pod('2026-03-01T10:22:00Z', 'c-1', 'n-1', lost('2026-03-01T10:20:05Z')),
      pod('2026-03-01T10:22:00Z', 'd-1', 'n-1', lost('2026-03-01T10:20:50Z')),
      pod('2026-03-01T10:22:00Z', 'e-1', 'n-1', lost('2026-03-01T10:20:51Z')),
    ]);
    try {
      expect(
        await db.all(
          `SELECT strftime(ended_at, '%H:%M:%S') AS at, containers::INTEGER AS containers, pods
           FROM node_restarts ORDER BY ended_at`,
        ),
      ).toEqual([
        { at: '10:00:55', containers: 2, pods: ['shop/a-1', 'shop/b-1'] },
        { at: '10:20:05', containers: 1, pods: ['shop/c-1'] },
        { at: '10:20:50', containers: 2, pods: ['shop/d-1', 'shop/e-1'] },
      ]);
    } finally {
      db.close();
    }
  });
});
