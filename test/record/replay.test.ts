// A simulated incident replayed through the fake API server and recorded by the real `kstory record`
// (bin/kstory.js → dist/, so `npm run build` first): the recording holds the same objects with the
// same histories and final states, the same Events, and `kstory analyze` tells the same story.
// The replay is time-compressed; the recorder's clock follows the scenario's (test/support/fake-clock.js).

import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/views/open.ts';
import { BundleReplay } from '../support/bundle-replay.ts';
import { ROOT } from '../support/cli.ts';
import { FakeApiServer } from '../support/fake-apiserver.ts';
import { useTempDir } from '../support/temp.ts';
import { spoolText, until, writeKubeconfig } from './helpers.ts';

const tempDir = useTempDir('kstory-replay-');
/** A bad ConfigMap edit → crash loops → a Service without endpoints → a stuck rollout, 30 minutes. */
const SOURCE = path.join(ROOT, 'fixtures/bad-config-rollout.parquet');
/** 30 simulated minutes in 36 s. The recorder dates objects when it receives them: at 300× a 50 ms
 * stall of a loaded machine moved a change by 15 simulated seconds and reordered the story. It runs
 * beside another test file, and waiting costs the run little: the other file uses the cores. */
const SPEED = 50;

const children: ChildProcess[] = [];
let api: FakeApiServer | null = null;

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await api?.close();
  api = null;
});

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

function run(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; node?: string[] } = {},
): { child: ChildProcess; exited: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(
    process.execPath,
    [...(options.node ?? []), path.join(ROOT, 'bin/kstory.js'), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
    },
  );
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exited };
}

interface ObjectHistory {
  versions: number;
  events: string[];
  last: Record<string, unknown>;
}

/** Every object's history: its watch events in order and its final state (resourceVersion aside,
 * which the replaying server assigns anew). */
async function histories(file: string): Promise<Map<string, ObjectHistory>> {
  const bundle = await openBundle([file]);
  try {
    const rows = await bundle.query<{ key: string; watch_event: string; body: string }>(
      `SELECT kind || ' ' || coalesce(namespace, '-') || '/' || name || ' ' || uid AS key, watch_event,
              CAST(body AS VARCHAR) AS body
       FROM objects ORDER BY ts, try_cast(resource_version AS BIGINT)`,
    );
    const out = new Map<string, ObjectHistory>();
    for (const row of rows) {
      const body = JSON.parse(row.body) as { metadata: Record<string, unknown> };
      delete body.metadata.resourceVersion;
      const h = out.get(row.key) ?? { versions: 0, events: [], last: {} };
      h.versions++;
      h.events.push(row.watch_event);
      h.last = body;
      out.set(row.key, h);
    }
    return out;
  } finally {
    bundle.close();
  }
}

/** Every Event: what it is about, its reason and its final count. */
async function eventSummary(file: string): Promise<string[]> {
  const bundle = await openBundle([file]);
  try {
    const rows = await bundle.query<{ e: string }>(
      `SELECT kind || ' ' || coalesce(namespace, '-') || '/' || name || ' ' || event_reason || ' ×' || max(event_count) AS e
       FROM events GROUP BY event_uid, kind, namespace, name, event_reason ORDER BY e`,
    );
    return rows.map((r) => r.e);
  } finally {
    bundle.close();
  }
}

interface AnalysisReport {
  incidents: { title: string; severity: string; root: number }[];
  findings: {
    id: number;
    pattern: string;
    subject: { namespace: string | null; kind: string; name: string };
  }[];
}

async function topIncident(file: string): Promise<{ title: string; severity: string; root: string }> {
  const { exited } = run(['analyze', file, '--json']);
  const result = await exited;
  expect(result.stderr).toBe('');
  const report = JSON.parse(result.stdout) as AnalysisReport;
  const top = report.incidents[0];
  const root = report.findings.find((f) => f.id === top?.root);
  return {
    title: top?.title ?? '(no incident)',
    severity: top?.severity ?? '',
    root: root
      ? `${root.pattern} ${root.subject.namespace ?? '-'}/${root.subject.kind}/${root.subject.name}`
      : '',
  };
}

describe('a simulated incident replayed through the fake API server', () => {
  it('is recorded by kstory record with the same objects, events and top incident', async () => {
    const replay = await BundleReplay.load(SOURCE);
    api = await FakeApiServer.start({ bookmarkIntervalMs: 500 });
    replay.seed(api);
    const server = api;
    const watchable = server.resources.filter((r) => (r.verbs ?? ['watch']).includes('watch')).length;
    const dir = tempDir();
    const output = path.join(dir, 'replayed.parquet');
    const recorder = run(
      [
        'record',
        ...['-o', output, '--kubeconfig', writeKubeconfig(dir, server)],
        // The source's logs begin ten minutes before its window: the backlog --since asks for.
        ...['--logs', 'all', '--log-streams', '64', '--since', '10m', '--json'],
      ],
      {
        node: ['--import', path.join(ROOT, 'test/support/fake-clock.js')],
        env: {
          KSTORY_FAKE_CLOCK_START: new Date(replay.start).toISOString(),
          KSTORY_FAKE_CLOCK_SPEED: String(SPEED),
        },
      },
    );
    // Starting a process and opening every watch takes seconds, more on a loaded machine.
    await until(() => server.openWatches === watchable, 'every watch to open', 60_000);
    // The scenario's clock starts in the recorder and in the replay at once.
    recorder.child.kill('SIGUSR2');
    await replay.play(server, { speed: SPEED });
    // Stopped once it has written the last change the server published, as an operator would.
    const last = `"resource_version":"${server.resourceVersion}"`;
    await until(() => spoolText(output).includes(last), 'the last change in the spool', 60_000);
    recorder.child.kill('SIGTERM');
    const recorded = await recorder.exited;
    expect(recorded.code).toBe(0);
    expect(JSON.parse(recorded.stdout).gaps).toEqual([]);

    // The same objects, each with the same history of watch events and the same final state.
    const source = await histories(SOURCE);
    const copy = await histories(output);
    expect([...copy.keys()].sort()).toEqual([...source.keys()].sort());
    for (const [key, h] of source) {
      expect({ key, events: copy.get(key)?.events }).toEqual({ key, events: h.events });
      expect({ key, last: copy.get(key)?.last }).toEqual({ key, last: h.last });
    }
    // The same Events, with the same final counts.
    expect(await eventSummary(output)).toEqual(await eventSummary(SOURCE));
    // The logs that explain the crash reached the recording; each crash had the previous container's
    // log fetched (its lines were already followed, so nothing is written twice).
    expect(server.requests.filter((r) => r.includes('previous=true')).length).toBeGreaterThan(5);
    const bundle = await openBundle([output]);
    try {
      const [logs] = await bundle.query<{ panics: number }>(
        `SELECT count(*) FILTER (WHERE log_line LIKE '%invalid configuration%')::INTEGER AS panics FROM logs`,
      );
      expect(logs?.panics).toBeGreaterThan(0);
      // Each line written twice, with where each copy came from: the failure says which path repeated it.
      const duplicates = await bundle.query<{ line: string; copies: string }>(
        `SELECT strftime(ts, '%H:%M:%S.%f') || ' ' || name || '/' || container || ' ' || log_line AS line,
                string_agg(coalesce(origin, '?') || (CASE WHEN log_previous THEN ' previous' ELSE '' END), ', ') AS copies
         FROM logs GROUP BY ts, name, container, log_line HAVING count(*) > 1 ORDER BY 1`,
      );
      expect(duplicates).toEqual([]);
      expect(bundle.metadata.window.start).toBe(new Date(replay.start).toISOString());
    } finally {
      bundle.close();
    }

    const [expected, actual] = await Promise.all([topIncident(SOURCE), topIncident(output)]);
    expect(expected.title).toContain('ConfigMap or Secret changed');
    expect(actual).toEqual(expected);
  }, 180_000);
});
