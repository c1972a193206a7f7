// `kstory record --since` and the regular-expression filters against the fake API server: a
// postmortem snapshot of a window (events, current and previous logs), the logs backlog of a
// continuous recording, and each filter left out at the source and written to the metadata.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RecordOptions, runRecord } from '../../src/record/run.ts';
import { openBundle } from '../../src/views/open.ts';
import type { RecordFilters } from '../../src/vocab/log-filter.ts';
import { kstory, ROOT } from '../support/cli.ts';
import { aPod, FakeApiServer } from '../support/fake-apiserver.ts';
import { useTempDir } from '../support/temp.ts';
import { spoolText, startRecording, until, writeKubeconfig } from './helpers.ts';

const tempDir = useTempDir('kstory-window-');
let api: FakeApiServer;

beforeEach(async () => {
  api = await FakeApiServer.start({ bookmarkIntervalMs: 100 });
});

afterEach(async () => {
  await api.close();
});

const MINUTE = 60_000;
const ago = (minutes: number) => new Date(Date.now() - minutes * MINUTE);
const iso = (minutes: number) =>
  ago(minutes)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z');

function anEvent(name: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    kind: 'Event',
    metadata: { name, namespace: 'shop' },
    type: 'Normal',
    message: name,
    ...fields,
  };
}

/** A pod with two containers (the app and a mesh sidecar), running and restarted `restarts` times. */
function aTwoContainerPod(name: string, restarts = 0): Record<string, unknown> {
  const status = (c: string) => ({
    name: c,
    ready: true,
    restartCount: restarts,
    containerID: `containerd://${name}-${c}-${restarts}`,
    state: { running: { startedAt: iso(5) } },
  });
  return aPod('shop', name, {
    spec: {
      nodeName: 'node-a',
      containers: [
        { name: 'app', image: 'registry.example.com/app:v1' },
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.0' },
      ],
    },
    status: { phase: 'Running', containerStatuses: [status('app'), status('istio-proxy')] },
  });
}

async function snapshot(output: string, overrides: Partial<RecordOptions>): Promise<void> {
  await runRecord({
    output,
    kubeconfig: writeKubeconfig(path.dirname(output), api),
    namespaces: [],
    include: ['pods', 'events'],
    exclude: [],
    once: true,
    logs: 'all',
    ...overrides,
  });
}

interface Recorded {
  pods: string[];
  events: string[];
  logs: string[];
  metadata: { window: { start: string | null }; filters: Record<string, unknown> };
}

async function recorded(output: string): Promise<Recorded> {
  const bundle = await openBundle([output]);
  try {
    const pods = await bundle.query<{ name: string }>('SELECT DISTINCT name FROM objects ORDER BY name');
    const events = await bundle.query<{ e: string }>(
      "SELECT DISTINCT event_message || ' (' || event_source || ')' AS e FROM events ORDER BY e",
    );
    const logs = await bundle.query<{ l: string }>(
      "SELECT name || '/' || container || (CASE WHEN log_previous THEN ' (previous)' ELSE '' END) || ': ' || log_line AS l FROM logs ORDER BY l",
    );
    return {
      pods: pods.map((r) => r.name),
      events: events.map((r) => r.e),
      logs: logs.map((r) => r.l),
      metadata: bundle.metadata,
    };
  } finally {
    bundle.close();
  }
}

describe('kstory record --once --since (a postmortem snapshot of a window)', () => {
  it('drops events older than the window and reads current and previous logs from its start', async () => {
    api.apply(aTwoContainerPod('web-1', 1));
    api.apply(aTwoContainerPod('web-2'));
    // Each Event's last occurrence decides: lastTimestamp, series.lastObservedTime, else eventTime.
    api.apply(
      anEvent('old-backoff', {
        involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
        reason: 'BackOff',
        firstTimestamp: iso(300),
        lastTimestamp: iso(180),
        source: { component: 'kubelet' },
      }),
    );
    api.apply(
      anEvent('recent-backoff', {
        involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
        reason: 'BackOff',
        firstTimestamp: iso(300),
        lastTimestamp: iso(30),
        source: { component: 'kubelet' },
      }),
    );
    api.apply(
      anEvent('series-still-going', {
        involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
        reason: 'Unhealthy',
        eventTime: `${iso(400).slice(0, 19)}.000000Z`,
        series: { count: 12, lastObservedTime: `${iso(20).slice(0, 19)}.000000Z` },
        reportingController: 'kubelet',
      }),
    );
    api.apply(
      anEvent('old-event-time', {
        involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
        reason: 'Scheduled',
        eventTime: `${iso(200).slice(0, 19)}.000000Z`,
        reportingController: 'default-scheduler',
      }),
    );
    // web-1 crashed in the window after running for hours; web-2 has been running all along.
    api.appendLog('shop', 'web-1', 'app', 'started long ago', ago(150));
    api.appendLog('shop', 'web-1', 'app', 'panic: crashed in the window', ago(40));
    api.restartContainer('shop', 'web-1', 'app');
    api.appendLog('shop', 'web-1', 'app', 'restarted in the window', ago(39));
    api.appendLog('shop', 'web-2', 'app', 'started long ago', ago(130));
    api.appendLog('shop', 'web-2', 'app', 'serving in the window', ago(10));

    const output = path.join(tempDir(), 'window.parquet');
    const since = ago(120);
    await snapshot(output, { since, filters: { containers: /^app$/ } });

    const r = await recorded(output);
    expect(r.events).toEqual(['recent-backoff (kubelet)', 'series-still-going (kubelet)']);
    expect(r.logs).toEqual([
      'web-1/app (previous): panic: crashed in the window',
      'web-1/app: restarted in the window',
      'web-2/app: serving in the window',
    ]);
    // Every log request, the previous one too, asked the API server for the window only.
    const sinceTime = `${since.toISOString().slice(0, 19)}Z`;
    const logRequests = api.requests.filter((q) => q.includes('/log?'));
    expect(logRequests.filter((q) => q.includes('previous=true'))).toHaveLength(1);
    expect(logRequests).toHaveLength(3);
    for (const q of logRequests)
      expect(new URL(q.slice(4), api.url).searchParams.get('sinceTime')).toBe(sinceTime);
    expect(r.metadata.window.start).toBe(since.toISOString());
    expect(r.metadata.filters).toMatchObject({ since: since.toISOString(), containers: '^app$' });
  });

  it('keeps the whole logs and every event without --since', async () => {
    api.apply(aTwoContainerPod('web-1'));
    api.apply(
      anEvent('old-backoff', {
        involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
        reason: 'BackOff',
        lastTimestamp: iso(600),
        source: { component: 'kubelet' },
      }),
    );
    api.appendLog('shop', 'web-1', 'app', 'a line from long ago', ago(500));
    const output = path.join(tempDir(), 'whole.parquet');
    await snapshot(output, { filters: { containers: /^app$/ } });
    const r = await recorded(output);
    expect(r.events).toEqual(['old-backoff (kubelet)']);
    expect(r.logs).toEqual(['web-1/app: a line from long ago']);
    expect(r.metadata.filters).not.toHaveProperty('since');
    expect(api.requests.some((q) => q.includes('sinceTime='))).toBe(false);
  });
});

describe('kstory record --since while recording', () => {
  it('starts followed logs that far back (the backlog), then follows', async () => {
    api.apply(aTwoContainerPod('web-1'));
    api.appendLog('shop', 'web-1', 'app', 'before the backlog', ago(30));
    api.appendLog('shop', 'web-1', 'app', 'in the backlog', ago(5));
    const dir = tempDir();
    const output = path.join(dir, 'backlog.parquet');
    const recording = startRecording(output, writeKubeconfig(dir, api), {
      include: ['pods'],
      logs: 'all',
      since: ago(15),
      filters: { excludeContainers: /istio/ },
    });
    await until(() => spoolText(output).includes('in the backlog'), 'the backlog line');
    api.appendLog('shop', 'web-1', 'app', 'while recording');
    await until(() => spoolText(output).includes('while recording'), 'the followed line');
    recording.stop();
    await recording.done;
    const r = await recorded(output);
    expect(r.logs).toEqual(['web-1/app: in the backlog', 'web-1/app: while recording']);
    // The window of a recording is still the time it ran: objects before it were not watched.
    expect(Date.parse(r.metadata.window.start ?? '')).toBeGreaterThan(Date.now() - 5 * MINUTE);
  });
});

describe('kstory record filters (multi-tenant clusters)', () => {
  beforeEach(() => {
    for (const name of ['team-a-web', 'team-b-web', 'infra-dns']) {
      api.apply(aTwoContainerPod(name));
      for (const container of ['app', 'istio-proxy']) {
        api.appendLog('shop', name, container, 'GET /healthz 200', ago(2));
        api.appendLog('shop', name, container, 'ERROR upstream timed out', ago(1));
      }
    }
    api.apply(
      anEvent('a-backoff', {
        involvedObject: { kind: 'Pod', namespace: 'shop', name: 'team-a-web' },
        reason: 'BackOff',
        lastTimestamp: iso(3),
        source: { component: 'kubelet', host: 'node-a' },
      }),
    );
    api.apply(
      anEvent('b-scheduled', {
        involvedObject: { kind: 'Pod', namespace: 'shop', name: 'team-b-web' },
        reason: 'Scheduled',
        eventTime: `${iso(3).slice(0, 19)}.000000Z`,
        reportingComponent: 'default-scheduler',
      }),
    );
    api.apply(
      anEvent('web-scaled', {
        involvedObject: { kind: 'Deployment', namespace: 'shop', name: 'team-a-web' },
        reason: 'ScalingReplicaSet',
        lastTimestamp: iso(3),
        source: { component: 'deployment-controller' },
      }),
    );
  });

  const ALL_PODS = ['infra-dns', 'team-a-web', 'team-b-web'];
  const ALL_EVENTS = [
    'a-backoff (kubelet)',
    'b-scheduled (default-scheduler)',
    'web-scaled (deployment-controller)',
  ];
  const logsOf = (pods: string[], containers: string[], lines: string[]) =>
    pods.flatMap((p) => containers.flatMap((c) => lines.map((l) => `${p}/${c}: ${l}`))).sort();
  const LINES = ['ERROR upstream timed out', 'GET /healthz 200'];
  const BOTH = ['app', 'istio-proxy'];

  const cases: {
    flag: string;
    filters: RecordFilters;
    metadata: Record<string, string>;
    pods: string[];
    events: string[];
    logs: string[];
  }[] = [
    {
      flag: '--pods',
      filters: { pods: /^team-/ },
      metadata: { pods: '^team-' },
      pods: ['team-a-web', 'team-b-web'],
      events: ALL_EVENTS,
      logs: logsOf(['team-a-web', 'team-b-web'], BOTH, LINES),
    },
    {
      flag: '--exclude-pods',
      filters: { excludePods: /team-b|infra/ },
      metadata: { exclude_pods: 'team-b|infra' },
      pods: ['team-a-web'],
      // Events about a pod left out go with it; those about other objects stay.
      events: ['a-backoff (kubelet)', 'web-scaled (deployment-controller)'],
      logs: logsOf(['team-a-web'], BOTH, LINES),
    },
    {
      flag: '--containers',
      filters: { containers: /^app$/ },
      metadata: { containers: '^app$' },
      pods: ALL_PODS,
      events: ALL_EVENTS,
      logs: logsOf(ALL_PODS, ['app'], LINES),
    },
    {
      flag: '--exclude-containers',
      filters: { excludeContainers: /istio/ },
      metadata: { exclude_containers: 'istio' },
      pods: ALL_PODS,
      events: ALL_EVENTS,
      logs: logsOf(ALL_PODS, ['app'], LINES),
    },
    {
      flag: '--event-sources',
      filters: { eventSources: /^(kubelet|default-scheduler)$/ },
      metadata: { event_sources: '^(kubelet|default-scheduler)$' },
      pods: ALL_PODS,
      events: ['a-backoff (kubelet)', 'b-scheduled (default-scheduler)'],
      logs: logsOf(ALL_PODS, BOTH, LINES),
    },
    {
      flag: '--exclude-event-sources',
      filters: { excludeEventSources: /kubelet/ },
      metadata: { exclude_event_sources: 'kubelet' },
      pods: ALL_PODS,
      events: ['b-scheduled (default-scheduler)', 'web-scaled (deployment-controller)'],
      logs: logsOf(ALL_PODS, BOTH, LINES),
    },
    {
      flag: '--log-match',
      filters: { logMatch: /error/i },
      metadata: { log_match: '(?i)error' },
      pods: ALL_PODS,
      events: ALL_EVENTS,
      logs: logsOf(ALL_PODS, BOTH, ['ERROR upstream timed out']),
    },
    {
      flag: '--log-exclude',
      filters: { logExclude: /healthz/ },
      metadata: { log_exclude: 'healthz' },
      pods: ALL_PODS,
      events: ALL_EVENTS,
      logs: logsOf(ALL_PODS, BOTH, ['ERROR upstream timed out']),
    },
  ];

  it('records everything without filters', async () => {
    const output = path.join(tempDir(), 'all.parquet');
    await snapshot(output, {});
    const r = await recorded(output);
    expect(r.pods).toEqual(ALL_PODS);
    expect(r.events).toEqual(ALL_EVENTS);
    expect(r.logs).toEqual(logsOf(ALL_PODS, BOTH, LINES));
  });

  it.each(cases)('$flag keeps what it selects, at the source, and says so in the metadata', async (c) => {
    const output = path.join(tempDir(), 'filtered.parquet');
    await snapshot(output, { filters: c.filters });
    const r = await recorded(output);
    expect(r.pods).toEqual(c.pods);
    expect(r.events).toEqual(c.events);
    expect(r.logs).toEqual(c.logs);
    expect(r.metadata.filters).toMatchObject(c.metadata);
    // Logs of what is left out are never asked for.
    const asked = api.requests.filter((q) => q.includes('/log?'));
    const wanted = new Set(c.logs.map((l) => l.slice(0, l.indexOf(':'))));
    expect(asked).toHaveLength(wanted.size);
  });
});

describe('kstory record flags on the command line', () => {
  it.each([
    ['--pods', '(team-a'],
    ['--exclude-pods', '[a-'],
    ['--containers', '*app'],
    ['--exclude-containers', '(?<x'],
    ['--event-sources', '+kubelet'],
    ['--exclude-event-sources', '(?'],
    ['--log-match', 'error)'],
    ['--log-exclude', '\\'],
  ])('refuses an invalid regular expression in %s, exit 2', (flag, value) => {
    const result = kstory(['record', '--once', '-o', 'x.parquet', flag, value]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`option '${flag} <regex>' argument '${value}' is invalid`);
    expect(result.stderr).toContain('expected a regular expression: Invalid regular expression');
  });

  it('refuses a --since that is neither a duration nor a time, or in the future', () => {
    const bad = kstory(['record', '--once', '-o', 'x.parquet', '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--since <time>' argument 'yesterday' is invalid");
    expect(bad.stderr).toContain('expected a duration back from now (30m, 2h, 1d) or an RFC 3339 time');
    const future = kstory(['record', '--once', '-o', 'x.parquet', '--since', '2999-01-01T00:00:00Z']);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('the time is in the future');
  });

  it('records a --since window with filters from the real CLI', async () => {
    api.apply(aTwoContainerPod('team-a-web'));
    api.apply(aTwoContainerPod('infra-dns'));
    api.appendLog('shop', 'team-a-web', 'app', 'error: old', ago(200));
    api.appendLog('shop', 'team-a-web', 'app', 'error: recent', ago(5));
    const dir = tempDir();
    const output = path.join(dir, 'cli.parquet');
    const kubeconfig = writeKubeconfig(dir, api);
    // Not spawnSync: the API server answers from this very process.
    const args = [
      ...['record', '--once', '--since', '2h', '-o', output, '--kubeconfig', kubeconfig],
      ...['--include', 'pods', '--exclude-pods', '^infra-', '--containers', '(?i)^APP$', '--json'],
    ];
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/kstory.js'), ...args], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const r = await recorded(output);
    expect(r.pods).toEqual(['team-a-web']);
    expect(r.logs).toEqual(['team-a-web/app: error: recent']);
    expect(r.metadata.filters).toMatchObject({ exclude_pods: '^infra-', containers: '(?i)^APP$' });
    const since = Date.parse(String(r.metadata.filters.since));
    expect(Math.abs(since - (Date.now() - 120 * MINUTE))).toBeLessThan(MINUTE);
  });
});
