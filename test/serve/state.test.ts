// The state-at-T engine on a small bundle: the last version of each object at an instant,
// deletions, re-creations under the same name, events as they stood, changes between instants,
// and resources named by the API table, a CRD, or a guess.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/reader.ts';
import { eventRow, objectRow } from '../../src/kube/to-row.ts';
import { instantFromIso, parseInstant } from '../../src/serve/instant.ts';
import { selectObjects, tableOf, tableText } from '../../src/serve/query.ts';
import { BundleState } from '../../src/serve/state.ts';
import { openRows } from '../support/bundles.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir('kstory-serve-state-');
const at = (iso: string) => instantFromIso(iso);

function pod(name: string, rv: string, phase: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      uid: `uid-${name}`,
      resourceVersion: rv,
      creationTimestamp: '2026-03-01T10:00:00Z',
      labels: { app: name.split('-')[0] ?? name },
    },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'app:1' }] },
    status: { phase },
    ...extra,
  };
}

let bundle: Bundle;
let state: BundleState;

beforeAll(async () => {
  const rows = [
    objectRow(pod('web-1', '10', 'Pending'), { ts: '2026-03-01T10:00:00Z', watchEvent: 'LISTED' }),
    objectRow(pod('web-1', '11', 'Running'), { ts: '2026-03-01T10:05:00Z', watchEvent: 'MODIFIED' }),
    objectRow(pod('db-1', '12', 'Running'), { ts: '2026-03-01T10:00:00Z', watchEvent: 'LISTED' }),
    objectRow(pod('db-1', '20', 'Running'), { ts: '2026-03-01T10:10:00Z', watchEvent: 'DELETED' }),
    // Re-created under the same name: a new object.
    objectRow(
      {
        ...pod('db-1', '30', 'Pending'),
        metadata: { ...pod('db-1', '30', 'Pending').metadata, uid: 'uid-db-1-b' },
      },
      { ts: '2026-03-01T10:20:00Z', watchEvent: 'ADDED' },
    ),
    objectRow(
      {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w', namespace: 'shop', creationTimestamp: '2026-03-01T10:00:00Z' },
        spec: { size: 3 },
      },
      { ts: '2026-03-01T10:00:00Z', watchEvent: 'LISTED' },
    ),
    objectRow(
      {
        apiVersion: 'acme.io/v1',
        kind: 'Gadget',
        metadata: { name: 'g', creationTimestamp: '2026-03-01T10:00:00Z' },
        status: { health: 'Degraded' },
      },
      { ts: '2026-03-01T10:00:00Z', watchEvent: 'LISTED' },
    ),
    objectRow(
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'gadgets.acme.io', creationTimestamp: '2026-03-01T09:00:00Z' },
        spec: {
          group: 'acme.io',
          scope: 'Cluster',
          names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', shortNames: ['gd'] },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              additionalPrinterColumns: [{ name: 'Health', type: 'string', jsonPath: '.status.health' }],
            },
          ],
        },
      },
      { ts: '2026-03-01T10:00:00Z', watchEvent: 'LISTED' },
    ),
    eventRow(
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'web-1.a', namespace: 'shop', uid: 'ev-1', resourceVersion: '100' },
        involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
        reason: 'BackOff',
        message: 'Back-off restarting',
        type: 'Warning',
        count: 1,
        firstTimestamp: '2026-03-01T10:03:00Z',
        lastTimestamp: '2026-03-01T10:03:00Z',
      },
      {},
    ),
    eventRow(
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'web-1.a', namespace: 'shop', uid: 'ev-1', resourceVersion: '101' },
        involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
        reason: 'BackOff',
        message: 'Back-off restarting',
        type: 'Warning',
        count: 4,
        firstTimestamp: '2026-03-01T10:03:00Z',
        lastTimestamp: '2026-03-01T10:08:00Z',
      },
      {},
    ),
  ];
  bundle = await openRows(tempDir(), 'state.parquet', rows, {
    cluster: { name: 'test-cluster', server_version: 'v1.31.0' },
    window: { start: '2026-03-01T10:00:00Z', end: '2026-03-01T10:30:00Z' },
  });
  state = await BundleState.open(bundle);
});

afterAll(() => bundle?.close());

function pods() {
  return state.catalogue.resolve('pods')[0]!;
}

describe('objects at an instant', () => {
  it('shows the last version seen at or before the instant', async () => {
    const early = await state.objectsAt(pods(), at('2026-03-01T10:01:00Z'));
    expect(early.map((p) => [p.name, (p.object.status as { phase: string }).phase])).toEqual([
      ['db-1', 'Running'],
      ['web-1', 'Pending'],
    ]);
    const later = await state.objectsAt(pods(), at('2026-03-01T10:06:00Z'));
    expect(later.find((p) => p.name === 'web-1')?.object.status).toEqual({ phase: 'Running' });
  });

  it('leaves out an object after its deletion, and shows the one re-created under its name', async () => {
    expect((await state.objectsAt(pods(), at('2026-03-01T10:15:00Z'))).map((p) => p.name)).toEqual(['web-1']);
    const recreated = await state.objectsAt(pods(), at('2026-03-01T10:25:00Z'), { name: 'db-1' });
    expect((recreated[0]!.object.metadata as { uid: string }).uid).toBe('uid-db-1-b');
  });

  it('shows each Event as it stood: its count grows over time', async () => {
    const events = state.catalogue.resolve('events')[0]!;
    const at5 = await state.objectsAt(events, at('2026-03-01T10:05:00Z'));
    expect(at5.map((e) => e.object.count)).toEqual([1]);
    const at9 = await state.objectsAt(events, at('2026-03-01T10:09:00Z'));
    expect(at9.map((e) => e.object.count)).toEqual([4]);
  });

  it('filters by label and field selectors as the API server does', async () => {
    const t = at('2026-03-01T10:06:00Z');
    expect((await selectObjects(state, pods(), t, { labelSelector: 'app=web' })).map((p) => p.name)).toEqual([
      'web-1',
    ]);
    expect(
      (await selectObjects(state, pods(), t, { fieldSelector: 'metadata.name!=web-1' })).map((p) => p.name),
    ).toEqual(['db-1']);
    expect((await selectObjects(state, pods(), t, { fieldSelector: 'spec.nodeName=node-b' })).length).toBe(0);
    await expect(selectObjects(state, pods(), t, { fieldSelector: 'spec.bogus=1' })).rejects.toThrow(
      'field label not supported: spec.bogus',
    );
  });

  it('makes a selection once per snapshot: the pages of a list read the same one', async () => {
    const t = at('2026-03-01T10:06:00Z');
    const options = { namespace: 'shop', labelSelector: 'app in (web,db)' };
    const first = await selectObjects(state, pods(), t, options);
    expect(first.map((p) => p.name)).toEqual(['db-1', 'web-1']);
    expect(await selectObjects(state, pods(), t, { ...options })).toBe(first);
    // Another selection, or another instant, is its own.
    expect((await selectObjects(state, pods(), t, { ...options, namespace: 'other' })).length).toBe(0);
    const later = await selectObjects(state, pods(), at('2026-03-01T10:11:00Z'), options);
    expect(later.map((p) => p.name)).toEqual(['web-1']);
  });
});

describe('tables', () => {
  it('writes a Table from its rows kept as text, the same as the Table made afresh', async () => {
    const t = at('2026-03-01T10:09:00Z');
    const metadata = { resourceVersion: String(t), continue: 'token', remainingItemCount: 3 };
    for (const resource of [
      pods(),
      ...state.catalogue.resolve('events'),
      ...state.catalogue.resolve('gadgets'),
    ]) {
      const items = await state.objectsAt(resource, t);
      expect(items.length).toBeGreaterThan(0);
      for (const include of ['Metadata', 'None', 'Object'] as const) {
        const fresh = tableOf(resource, items, t, include, metadata);
        expect(JSON.parse(tableText(resource, items, t, include, metadata))).toEqual(fresh);
        // Kept rows are read again, not remade: the same text a second time.
        if (include !== 'Object')
          expect(tableText(resource, items, t, include, metadata)).toBe(JSON.stringify(fresh));
      }
    }
  });

  it('keeps rows per instant: ages are measured from the instant each list shows', async () => {
    const items = await state.objectsAt(pods(), at('2026-03-01T10:09:00Z'));
    const age = (iso: string) =>
      (JSON.parse(tableText(pods(), items, at(iso))) as { rows: { cells: unknown[] }[] }).rows[0]!.cells[4];
    expect(age('2026-03-01T10:09:00Z')).toBe('9m');
    expect(age('2026-03-01T10:29:00Z')).toBe('29m');
  });
});

describe('changes between instants', () => {
  it('types each version as a watch would: ADDED, MODIFIED, DELETED', async () => {
    const changes = await state.changes(pods(), at('2026-03-01T10:00:00Z'), at('2026-03-01T10:30:00Z'));
    expect(changes.map((c) => `${c.type} ${c.item.name}`)).toEqual([
      'MODIFIED web-1',
      'DELETED db-1',
      'ADDED db-1',
    ]);
  });
});

describe('resources', () => {
  it('names built-in kinds after the API, custom ones after their CRD, others by a guess', () => {
    const cat = state.catalogue;
    expect(cat.resolve('po')[0]?.resource).toBe('pods');
    const gadget = cat.resolve('gd')[0]!;
    expect(gadget).toMatchObject({ resource: 'gadgets', namespaced: false, origin: 'crd', group: 'acme.io' });
    expect(gadget.printerColumns?.[0]?.name).toBe('Health');
    expect(cat.resolve('widgets')[0]).toMatchObject({ kind: 'Widget', namespaced: true, origin: 'guessed' });
    expect(cat.resolve('gadgets.acme.io')[0]?.kind).toBe('Gadget');
    expect(cat.resolve('gadgets.other.io')).toEqual([]);
  });
});

describe('instants', () => {
  const window = { start: at('2026-03-01T10:00:00Z'), end: at('2026-03-01T10:30:00Z') };
  it('reads start, end, times, durations back from the end and offsets from the start', () => {
    expect(parseInstant('start', window)).toBe(window.start);
    expect(parseInstant('end', window)).toBe(window.end);
    expect(parseInstant('2026-03-01T10:12:00Z', window)).toBe(at('2026-03-01T10:12:00Z'));
    expect(parseInstant('10m', window)).toBe(at('2026-03-01T10:20:00Z'));
    expect(parseInstant('+10m', window)).toBe(at('2026-03-01T10:10:00Z'));
  });

  it('refuses an instant outside the recording, naming the window', () => {
    expect(() => parseInstant('2026-03-01T11:00:00Z', window)).toThrow(
      '--at 2026-03-01T11:00:00Z is outside the recording (2026-03-01T10:00:00Z → 2026-03-01T10:30:00Z)',
    );
  });
});
