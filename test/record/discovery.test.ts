// What a recording watches: discovery against the fake API server, --include/--exclude forms,
// namespace scopes, the observation clock, and new CRDs picked up while recording.

import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/record/client.ts';
import { monotonicClock } from '../../src/record/clock.ts';
import { discoverResources, qualifiedName } from '../../src/record/discovery.ts';
import { namespaceScope } from '../../src/record/namespaces.ts';
import { openBundle } from '../../src/views/open.ts';
import { FakeApiServer, type FakeResource } from '../support/fake-apiserver.ts';
import { useTempDir } from '../support/temp.ts';
import { spoolText, startRecording, until, writeKubeconfig } from './helpers.ts';

const tempDir = useTempDir('kstory-discovery-');

const WIDGETS: FakeResource = {
  group: 'example.com',
  version: 'v1',
  resource: 'widgets',
  kind: 'Widget',
  namespaced: true,
  shortNames: ['wd'],
};
const EXTRA: FakeResource[] = [
  WIDGETS,
  { group: 'events.k8s.io', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
  { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', namespaced: true },
];

let api: FakeApiServer;
let client: KubeClient;

beforeEach(async () => {
  api = await FakeApiServer.start({ resources: EXTRA, unavailable: ['metrics.k8s.io/v1beta1'] });
  client = await KubeClient.connect({ kubeconfig: writeKubeconfig(tempDir(), api) });
});

afterEach(async () => {
  client.close();
  await api.close();
});

async function discovered(include: string[], exclude: string[] = []): Promise<string[]> {
  const result = await discoverResources(client, { include, exclude });
  return result.resources.map(qualifiedName);
}

describe('discoverResources', () => {
  it('finds every listable and watchable resource once, CRDs included, leases left out', async () => {
    const result = await discoverResources(client, { include: [], exclude: [] });
    expect(result.resources.map(qualifiedName)).toEqual([
      'configmaps',
      'deployments.apps',
      'events',
      'namespaces',
      'nodes',
      'pods',
      'secrets',
      'widgets.example.com',
    ]);
    // An aggregated API that is down is reported, not fatal.
    expect(result.failures).toEqual([
      { groupVersion: 'metrics.k8s.io/v1beta1', error: expect.stringContaining('503') },
    ]);
  });

  it('matches --include by plural, kind, short name, group-qualified name and glob', async () => {
    expect(await discovered(['po', 'Deployment', 'widgets.example.com'])).toEqual([
      'deployments.apps',
      'pods',
      'widgets.example.com',
    ]);
    expect(await discovered(['*.example.com'])).toEqual(['widgets.example.com']);
    // Leases are recorded only when asked for by name.
    expect(await discovered(['leases'])).toEqual(['leases.coordination.k8s.io']);
    expect(await discovered([], ['secrets', 'wd', 'config*'])).toEqual([
      'deployments.apps',
      'events',
      'namespaces',
      'nodes',
      'pods',
    ]);
  });
});

describe('namespaceScope', () => {
  it('watches literal namespaces one by one and globs cluster-wide', () => {
    const literal = namespaceScope(['shop', 'ops', 'shop']);
    expect(literal.watchEach).toEqual(['shop', 'ops']);
    const glob = namespaceScope(['prod-*', 'shop']);
    expect(glob.watchEach).toBeNull();
    expect([
      glob.accepts('prod-eu'),
      glob.accepts('shop'),
      glob.accepts('dev-eu'),
      glob.accepts(null),
    ]).toEqual([true, true, false, true]);
    expect(namespaceScope([]).accepts('anything')).toBe(true);
  });
});

describe('monotonicClock', () => {
  it('keeps rows of one millisecond in the order they were seen', () => {
    const clock = monotonicClock(() => Date.parse('2026-03-01T10:00:00.123Z'));
    expect([clock(), clock(), clock()]).toEqual([
      '2026-03-01T10:00:00.123000Z',
      '2026-03-01T10:00:00.123001Z',
      '2026-03-01T10:00:00.123002Z',
    ]);
  });
});

describe('rediscovery while recording', () => {
  it('starts watching a CRD created after the recording started', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'crd.parquet');
    const fresh = await FakeApiServer.start({ bookmarkIntervalMs: 100 });
    try {
      const recording = startRecording(output, writeKubeconfig(dir, fresh), { rediscoverMs: 100 });
      await until(() => fresh.openWatches === 7, 'the built-in watches');
      fresh.addResource({
        group: 'example.com',
        version: 'v1',
        resource: 'gadgets',
        kind: 'Gadget',
        namespaced: false,
      });
      await until(
        () => recording.logs.some((l) => l.startsWith('gadgets.example.com: new resource')),
        'the new CRD',
      );
      await until(() => fresh.openWatches === 8, 'the gadgets watch');
      fresh.apply({ kind: 'Gadget', metadata: { name: 'g1' }, spec: { size: 3 } });
      await until(() => spoolText(output).includes('"Gadget"'), 'the gadget in the spool');
      recording.stop();
      const result = await recording.done;
      expect(result.resources).toContain('gadgets.example.com');
      const bundle = await openBundle([output]);
      try {
        const rows = await bundle.query<{ api_version: string; name: string; watch_event: string }>(
          "SELECT api_version, name, watch_event FROM objects WHERE kind = 'Gadget'",
        );
        expect(rows).toEqual([{ api_version: 'example.com/v1', name: 'g1', watch_event: 'ADDED' }]);
      } finally {
        bundle.close();
      }
    } finally {
      await fresh.close();
    }
  });
});
