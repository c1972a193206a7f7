// `kstory record` against the fake API server: list then watch, relist after 410 Gone, resuming
// after dropped connections, --once, namespace and resource filters, and Secret redaction.

import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runRecord } from '../../src/record/run.ts';
import { TOOL_VERSION } from '../../src/version.ts';
import { openBundle } from '../../src/views/open.ts';
import { aPod, FakeApiServer } from '../support/fake-apiserver.ts';
import { useTempDir } from '../support/temp.ts';
import { spoolText, startRecording, TEST_TOKEN, until, writeKubeconfig } from './helpers.ts';

const tempDir = useTempDir('kstory-record-');
/** pods, events, secrets, configmaps, namespaces, nodes, deployments: bindings cannot be watched. */
const WATCHABLE = 7;
const SECRET_VALUE = 'hunter2-very-secret-value';

let api: FakeApiServer;

beforeEach(async () => {
  api = await FakeApiServer.start({ bookmarkIntervalMs: 100 });
  api.apply({ kind: 'Namespace', metadata: { name: 'shop' } });
  api.apply({
    kind: 'Node',
    metadata: { name: 'node-a' },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  });
  api.apply(aPod('shop', 'web-1'));
  api.apply(aPod('ops', 'agent-1'));
  api.apply({
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'shop' },
    type: 'Opaque',
    data: { password: Buffer.from(SECRET_VALUE).toString('base64') },
    stringData: { token: SECRET_VALUE },
  });
  api.apply({
    kind: 'Event',
    metadata: { name: 'web-1.1', namespace: 'shop' },
    involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container app',
    type: 'Warning',
    count: 3,
    firstTimestamp: '2026-03-01T10:00:00Z',
    lastTimestamp: '2026-03-01T10:01:00Z',
    source: { component: 'kubelet', host: 'node-a' },
  });
});

afterEach(async () => {
  await api.close();
});

interface ObjectRowView {
  kind: string;
  namespace: string | null;
  name: string;
  watch_event: string;
  origin: string;
}

async function objectRows(output: string): Promise<ObjectRowView[]> {
  const bundle = await openBundle([output]);
  try {
    return await bundle.query<ObjectRowView>(
      'SELECT kind, namespace, name, watch_event, origin FROM objects ORDER BY ts, kind, name',
    );
  } finally {
    bundle.close();
  }
}

describe('kstory record (continuous)', () => {
  it('lists, then writes watch events as ADDED, MODIFIED and DELETED rows', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'live.parquet');
    const recording = startRecording(output, writeKubeconfig(dir, api));
    await until(() => api.openWatches === WATCHABLE, 'every watch to open');
    api.apply(aPod('shop', 'web-2'));
    api.apply(aPod('shop', 'web-1', { status: { phase: 'Failed', reason: 'Evicted' } }));
    api.delete('Pod', 'shop', 'web-1');
    // Rows reach the spool within a second: wait for the last of them there.
    await until(() => spoolText(output).includes('"DELETED"'), 'the DELETED row in the spool');
    // Not even the spool on disk ever holds a Secret value.
    expect(spoolText(output)).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
    expect(spoolText(output)).not.toContain(SECRET_VALUE);
    recording.stop();
    const result = await recording.done;

    const pods = (await objectRows(output)).filter((r) => r.kind === 'Pod');
    expect(pods.map((r) => `${r.watch_event} ${r.namespace}/${r.name}`)).toEqual([
      'LISTED ops/agent-1',
      'LISTED shop/web-1',
      'ADDED shop/web-2',
      'MODIFIED shop/web-1',
      'DELETED shop/web-1',
    ]);
    expect(pods.at(-1)?.origin).toBe('watch:pods');
    expect(result.resources).toEqual([
      'configmaps',
      'deployments.apps',
      'events',
      'namespaces',
      'nodes',
      'pods',
      'secrets',
    ]);
    expect(result.gaps).toEqual([]);
    // Every request carried the kubeconfig's credentials.
    expect(api.authorizations.every((a) => a === `Bearer ${TEST_TOKEN}`)).toBe(true);

    const bundle = await openBundle([output]);
    try {
      const events = await bundle.query<{ event_reason: string; name: string; ts: string }>(
        "SELECT event_reason, name, strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS ts FROM events",
      );
      // An event is dated by its own lastTimestamp, not by when the recorder saw it.
      expect(events).toEqual([{ event_reason: 'BackOff', name: 'web-1', ts: '2026-03-01T10:01:00Z' }]);
      const markers = await bundle.query<{ marker: string }>('SELECT marker FROM markers ORDER BY ts');
      expect(markers.map((m) => m.marker)).toEqual(['recording-start', 'recording-stop']);
      expect(bundle.metadata.producer).toBe('record');
      expect(bundle.metadata.cluster).toEqual({ name: 'fake', server_version: 'v1.31.0-fake' });
    } finally {
      bundle.close();
    }
  });

  it('relists after 410 Gone: vanished objects become DELETED rows and the period a gap', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'gone.parquet');
    const recording = startRecording(output, writeKubeconfig(dir, api));
    await until(() => api.openWatches === WATCHABLE, 'every watch to open');
    // While the watches are cut, web-1 goes and web-3 comes, unseen; then history is compacted,
    // so resuming from the last resourceVersion is refused with 410.
    api.dropWatches();
    api.deleteQuietly('Pod', 'shop', 'web-1');
    api.apply(aPod('shop', 'web-3'));
    api.compact();
    await until(
      () => recording.logs.some((l) => l.startsWith('watch:pods: watch expired')),
      'the pods relist',
    );
    await until(() => api.openWatches === WATCHABLE, 'every watch to reopen');
    api.apply(aPod('shop', 'web-4'));
    await until(() => spoolText(output).includes('web-4'), 'a change after the relist');
    recording.stop();
    const result = await recording.done;

    const pods = (await objectRows(output)).filter((r) => r.kind === 'Pod');
    const afterList = pods.filter((r) => r.watch_event !== 'LISTED');
    expect(afterList.map((r) => `${r.watch_event} ${r.name} ${r.origin}`)).toEqual([
      'DELETED web-1 relist:pods',
      'ADDED web-3 relist:pods',
      'ADDED web-4 watch:pods',
    ]);
    const podGap = result.gaps.find((g) => g.scope === 'watch:pods');
    expect(podGap?.reason).toContain('410 Gone');
    expect(podGap && podGap.end !== null && podGap.start <= podGap.end).toBe(true);
    const bundle = await openBundle([output]);
    try {
      const markers = await bundle.query<{ marker: string; marker_detail: string }>(
        "SELECT marker, marker_detail FROM markers WHERE origin = 'watch:pods' OR marker_detail LIKE 'watch:pods:%' ORDER BY marker",
      );
      expect(markers).toEqual([
        { marker: 'gap', marker_detail: expect.stringContaining('watch:pods: watch expired (410 Gone)') },
        { marker: 'relist', marker_detail: '1 added, 0 modified, 1 deleted' },
      ]);
      expect(bundle.metadata.gaps.map((g) => g.scope)).toContain('watch:pods');
    } finally {
      bundle.close();
    }
  });

  it('writes an object seen only through the watch as DELETED with its last state when a relist misses it', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'gone-watched.parquet');
    const recording = startRecording(output, writeKubeconfig(dir, api), { include: ['pods'] });
    await until(() => api.openWatches === 1, 'the pods watch');
    api.apply(aPod('shop', 'watched-1', { status: { phase: 'Running', reason: 'FromTheWatch' } }));
    await until(() => spoolText(output).includes('watched-1'), 'the watched pod in the spool');
    api.dropWatches();
    api.deleteQuietly('Pod', 'shop', 'watched-1');
    api.compact();
    await until(() => recording.logs.some((l) => l.startsWith('watch:pods: watch expired')), 'the relist');
    recording.stop();
    await recording.done;
    const bundle = await openBundle([output]);
    try {
      const rows = await bundle.query<{ watch_event: string; status_reason: string; origin: string }>(
        "SELECT watch_event, status_reason, origin FROM objects WHERE name = 'watched-1' ORDER BY ts",
      );
      expect(rows).toEqual([
        { watch_event: 'ADDED', status_reason: 'FromTheWatch', origin: 'watch:pods' },
        { watch_event: 'DELETED', status_reason: 'FromTheWatch', origin: 'relist:pods' },
      ]);
    } finally {
      bundle.close();
    }
  });

  it('resumes from the last resourceVersion after a dropped connection, missing nothing', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'dropped.parquet');
    const recording = startRecording(output, writeKubeconfig(dir, api));
    await until(() => api.openWatches === WATCHABLE, 'every watch to open');
    api.dropWatches();
    // Changes while the connection is down reach the recorder when it resumes.
    api.apply(aPod('shop', 'while-down'));
    api.delete('Pod', 'ops', 'agent-1');
    await until(() => spoolText(output).includes('"DELETED"'), 'the replayed DELETED row');
    recording.stop();
    const result = await recording.done;

    const pods = (await objectRows(output)).filter((r) => r.kind === 'Pod' && r.watch_event !== 'LISTED');
    expect(pods.map((r) => `${r.watch_event} ${r.name} ${r.origin}`)).toEqual([
      'ADDED while-down watch:pods',
      'DELETED agent-1 watch:pods',
    ]);
    expect(result.gaps).toEqual([]);
    expect(result.relists).toBe(0);
    // The watch resumed from a resourceVersion rather than listing again.
    const podLists = api.requests.filter((r) => r.startsWith('GET /api/v1/pods?limit='));
    expect(podLists).toHaveLength(1);
  });

  it('reopens watches the server ends (timeoutSeconds) from their resourceVersion, without a gap', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'timeout.parquet');
    const recording = startRecording(output, writeKubeconfig(dir, api), {
      include: ['pods'],
      watch: { backoffInitialMs: 50, backoffMaxMs: 200, watchTimeoutSeconds: 1 },
    });
    const podWatches = () => api.requests.filter((r) => r.startsWith('GET /api/v1/pods?watch=1'));
    await until(() => podWatches().length >= 2, 'the pods watch to be reopened');
    api.apply(aPod('shop', 'after-reopen'));
    await until(() => spoolText(output).includes('after-reopen'), 'the pod in the spool');
    recording.stop();
    const result = await recording.done;
    expect(result.gaps).toEqual([]);
    expect(result.relists).toBe(0);
    // The second watch starts where the first left off, not from scratch.
    const versions = podWatches().map((r) =>
      new URL(r.slice(4), 'http://x').searchParams.get('resourceVersion'),
    );
    expect(versions.every((v) => v !== null && v !== '' && v !== '0')).toBe(true);
  });

  it('watches literal namespaces one by one and keeps cluster-scoped objects', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'ns.parquet');
    const recording = startRecording(output, writeKubeconfig(dir, api), {
      namespaces: ['shop'],
      include: ['pods', 'nodes'],
    });
    await until(() => api.openWatches === 2, 'the pods and nodes watches');
    api.apply(aPod('ops', 'not-mine'));
    api.apply(aPod('shop', 'mine'));
    await until(() => spoolText(output).includes('"mine"'), 'the shop pod in the spool');
    recording.stop();
    await recording.done;
    expect(api.requests.some((r) => r.startsWith('GET /api/v1/namespaces/shop/pods?watch=1'))).toBe(true);
    expect(api.requests.some((r) => r.startsWith('GET /api/v1/pods?'))).toBe(false);
    const rows = await objectRows(output);
    expect(rows.map((r) => `${r.kind} ${r.namespace ?? '-'}/${r.name}`).sort()).toEqual([
      'Node -/node-a',
      'Pod shop/mine',
      'Pod shop/web-1',
    ]);
  });

  it('records a gap for a watch still down when the recording stops', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'down.parquet');
    const recording = startRecording(output, writeKubeconfig(dir, api), { include: ['pods'] });
    await until(() => api.openWatches === 1, 'the pods watch to open');
    // Every request now fails: the watch retries, and its failures are reported, not swallowed.
    const port = api.port;
    await api.close();
    await until(
      () => recording.logs.some((l) => l.includes('watch:pods') && l.includes('retrying')),
      'a retry warning',
    );
    recording.stop();
    const result = await recording.done;
    expect(result.gaps).toEqual([
      expect.objectContaining({
        scope: 'watch:pods',
        reason: expect.stringContaining('watch not connected'),
      }),
    ]);
    expect(result.watchErrors['watch:pods']?.count).toBeGreaterThan(0);
    // Restart a server for afterEach to close.
    api = await FakeApiServer.start();
    expect(port).toBeGreaterThan(0);
  });
});

describe('kstory record --once', () => {
  it('lists every resource once, keeps Secret values out, and honours namespace globs', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'once.parquet');
    for (let i = 0; i < 12; i++) api.apply(aPod('shop', `many-${String(i).padStart(2, '0')}`));
    const result = await runRecord({
      output,
      kubeconfig: writeKubeconfig(dir, api),
      namespaces: ['sh*'],
      include: [],
      exclude: ['configmaps'],
      once: true,
      watch: { pageSize: 5 },
    });
    expect(result.resources).not.toContain('configmaps');
    // Paged: 13 pods in shop plus one in ops, five per page.
    expect(
      api.requests.filter((r) => r.startsWith('GET /api/v1/pods?') && r.includes('continue=')).length,
    ).toBe(2);
    expect(api.requests.some((r) => r.includes('watch=1'))).toBe(false);

    const bundle = await openBundle([output]);
    try {
      const pods = await bundle.query<{ namespace: string; n: number }>(
        "SELECT namespace, count(*)::INTEGER AS n FROM objects WHERE kind = 'Pod' GROUP BY namespace",
      );
      expect(pods).toEqual([{ namespace: 'shop', n: 13 }]);
      const nodes = await bundle.query<{ name: string; watch_event: string }>(
        "SELECT name, watch_event FROM objects WHERE kind = 'Node'",
      );
      expect(nodes).toEqual([{ name: 'node-a', watch_event: 'LISTED' }]);
      const leaked = await bundle.query<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM bundle WHERE CAST(body AS VARCHAR) LIKE '%${SECRET_VALUE}%'
           OR CAST(body AS VARCHAR) LIKE '%${Buffer.from(SECRET_VALUE).toString('base64')}%'`,
      );
      expect(leaked).toEqual([{ n: 0 }]);
      const [secret] = await bundle.query<{ body: string }>(
        "SELECT CAST(body AS VARCHAR) AS body FROM objects WHERE kind = 'Secret'",
      );
      expect(JSON.parse(secret?.body ?? '{}').data).toHaveProperty('password');
      expect(bundle.metadata.snapshot).toBe(true);
      expect(bundle.metadata.filters).toMatchObject({ namespaces: ['sh*'], exclude: ['configmaps'] });
    } finally {
      bundle.close();
    }
  });
  it('says who it is: every request carries kstory-record/<version>, logs included', async () => {
    const dir = tempDir();
    await runRecord({
      output: path.join(dir, 'agent.parquet'),
      kubeconfig: writeKubeconfig(dir, api),
      namespaces: [],
      include: [],
      exclude: [],
      once: true,
      logs: 'all',
    });
    expect(api.requests.some((r) => r.includes('/log?'))).toBe(true);
    expect(new Set(api.userAgents)).toEqual(new Set([`kstory-record/${TOOL_VERSION}`]));
  });
});
