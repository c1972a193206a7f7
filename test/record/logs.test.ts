// Container logs while recording: followed with timestamps, no line twice across a restart, the
// errors policy, streams taking turns when there are fewer than containers, failed streams retried
// with back-off, deleted pods no longer followed, and --once snapshots with the previous log.

import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/record/client.ts';
import { LogCollector } from '../../src/record/logs.ts';
import { type RecordStatus, runRecord } from '../../src/record/run.ts';
import { openBundle } from '../../src/views/open.ts';
import { aPod, FakeApiServer } from '../support/fake-apiserver.ts';
import { useTempDir } from '../support/temp.ts';
import { spoolText, startRecording, until, writeKubeconfig } from './helpers.ts';

const tempDir = useTempDir('kstory-logs-');
let api: FakeApiServer;

beforeEach(async () => {
  api = await FakeApiServer.start({ bookmarkIntervalMs: 100 });
});

afterEach(async () => {
  await api.close();
});

function withStatus(namespace: string, name: string, restartCount: number, containerID: string) {
  return aPod(namespace, name, {
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          ready: true,
          restartCount,
          containerID,
          state: { running: { startedAt: '2026-03-01T10:00:00Z' } },
        },
      ],
    },
  });
}

/** Restarted, and waiting in CrashLoopBackOff before the next start. */
function backingOff(namespace: string, name: string, restartCount: number, containerID: string) {
  return aPod(namespace, name, {
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount,
          containerID,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 2, reason: 'Error' } },
        },
      ],
    },
  });
}

interface LogView {
  name: string;
  line: string;
  previous: boolean;
}

async function logRows(output: string): Promise<LogView[]> {
  const bundle = await openBundle([output]);
  try {
    return await bundle.query<LogView>(
      'SELECT name, log_line AS line, log_previous AS previous FROM logs ORDER BY ts, name',
    );
  } finally {
    bundle.close();
  }
}

const follows = () => api.requests.filter((r) => r.includes('/log?') && r.includes('follow=true'));
const previousFetches = () => api.requests.filter((r) => r.includes('/log?') && r.includes('previous=true'));

describe('container logs while recording', () => {
  it('follows a container and its restarted successor without writing a line twice', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'logs.parquet');
    api.apply(withStatus('shop', 'web-1', 0, 'containerd://one'));
    const recording = startRecording(output, writeKubeconfig(dir, api), { include: ['pods'], logs: 'all' });
    await until(() => follows().length === 1, 'the log stream');
    api.appendLog('shop', 'web-1', 'app', 'hello');
    api.appendLog('shop', 'web-1', 'app', 'panic: out of memory');
    await until(() => spoolText(output).includes('panic: out of memory'), 'the followed lines');
    // The container dies and restarts: its log becomes the previous one, already read in full.
    api.restartContainer('shop', 'web-1', 'app');
    api.apply(withStatus('shop', 'web-1', 1, 'containerd://two'));
    await until(() => follows().length === 2, 'the stream of the new container');
    api.appendLog('shop', 'web-1', 'app', 'starting again');
    await until(() => spoolText(output).includes('starting again'), 'the new container line');
    recording.stop();
    await recording.done;

    expect(await logRows(output)).toEqual([
      { name: 'web-1', line: 'hello', previous: false },
      { name: 'web-1', line: 'panic: out of memory', previous: false },
      { name: 'web-1', line: 'starting again', previous: false },
    ]);
    expect(api.requests.some((r) => r.includes('previous=true'))).toBe(true);
  });

  it('writes a previous log once when two restarts are seen before it is fetched', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'restarts.parquet');
    api.apply(withStatus('shop', 'web-1', 0, 'containerd://one'));
    const recording = startRecording(output, writeKubeconfig(dir, api), { include: ['pods'], logs: 'all' });
    await until(() => follows().length === 1, 'the log stream');
    api.appendLog('shop', 'web-1', 'app', 'first instance');
    await until(() => spoolText(output).includes('first instance'), 'the followed line');
    // Two crashes in quick succession: the kubelet keeps the log of the last dead container only,
    // and both restarts reach the recorder before it asks for that log.
    api.restartContainer('shop', 'web-1', 'app');
    api.appendLog('shop', 'web-1', 'app', 'panic: second instance');
    api.restartContainer('shop', 'web-1', 'app');
    api.apply(backingOff('shop', 'web-1', 1, 'containerd://two'));
    api.apply(backingOff('shop', 'web-1', 2, 'containerd://three'));
    await until(() => api.requests.filter((r) => r.includes('previous=true')).length === 2, 'both fetches');
    api.apply(withStatus('shop', 'web-1', 2, 'containerd://three'));
    await until(() => follows().length === 2, 'the stream of the new container');
    api.appendLog('shop', 'web-1', 'app', 'third instance');
    await until(() => spoolText(output).includes('third instance'), 'the new container line');
    recording.stop();
    await recording.done;
    expect(await logRows(output)).toEqual([
      { name: 'web-1', line: 'first instance', previous: false },
      { name: 'web-1', line: 'panic: second instance', previous: true },
      { name: 'web-1', line: 'third instance', previous: false },
    ]);
  });

  it('writes no line twice when the previous log is answered after the next restart', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'late-previous.parquet');
    api.apply(withStatus('shop', 'web-1', 0, 'containerd://one'));
    const recording = startRecording(output, writeKubeconfig(dir, api), { include: ['pods'], logs: 'all' });
    await until(() => follows().length === 1, 'the log stream');
    api.appendLog('shop', 'web-1', 'app', 'first instance');
    await until(() => spoolText(output).includes('first instance'), 'the followed line');
    // The kubelet answers the previous log of the first instance only after the second died too:
    // what it sends then is the second instance's log, which was followed as it was written.
    const release = api.holdPreviousLogs();
    api.restartContainer('shop', 'web-1', 'app');
    api.apply(withStatus('shop', 'web-1', 1, 'containerd://two'));
    await until(
      () => previousFetches().length === 1 && follows().length === 2,
      'the fetch and the new stream',
    );
    api.appendLog('shop', 'web-1', 'app', 'panic: second instance');
    await until(() => spoolText(output).includes('panic: second instance'), 'the second followed line');
    api.restartContainer('shop', 'web-1', 'app');
    api.apply(withStatus('shop', 'web-1', 2, 'containerd://three'));
    await until(() => follows().length === 3, 'the stream of the third instance');
    release();
    // The second fetch is asked for once the first has been read whole.
    await until(() => previousFetches().length === 2, 'the previous log of the second instance');
    api.appendLog('shop', 'web-1', 'app', 'third instance');
    await until(() => spoolText(output).includes('third instance'), 'the third followed line');
    recording.stop();
    await recording.done;
    expect(await logRows(output)).toEqual([
      { name: 'web-1', line: 'first instance', previous: false },
      { name: 'web-1', line: 'panic: second instance', previous: false },
      { name: 'web-1', line: 'third instance', previous: false },
    ]);
  });

  it('keeps only error-looking lines with --logs errors', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'errors.parquet');
    api.apply(withStatus('shop', 'web-1', 0, 'containerd://one'));
    const recording = startRecording(output, writeKubeconfig(dir, api), {
      include: ['pods'],
      logs: 'errors',
    });
    await until(() => follows().length === 1, 'the log stream');
    api.appendLog('shop', 'web-1', 'app', 'GET /healthz 200');
    api.appendLog('shop', 'web-1', 'app', '{"level":"error","msg":"db timeout"}');
    api.appendLog('shop', 'web-1', 'app', 'marker-line ERROR at the end');
    await until(() => spoolText(output).includes('marker-line'), 'the last line');
    recording.stop();
    await recording.done;
    expect((await logRows(output)).map((r) => r.line)).toEqual([
      '{"level":"error","msg":"db timeout"}',
      'marker-line ERROR at the end',
    ]);
  });

  it('shares one stream between containers, each resuming where it left off', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'turns.parquet');
    api.apply(withStatus('shop', 'a', 0, 'containerd://a'));
    api.apply(withStatus('shop', 'b', 0, 'containerd://b'));
    const recording = startRecording(output, writeKubeconfig(dir, api), {
      include: ['pods'],
      logs: 'all',
      maxLogStreams: 1,
      logTurnMs: 100,
    });
    await until(() => follows().length >= 1, 'the first log stream');
    for (let i = 0; i < 3; i++) {
      api.appendLog('shop', 'a', 'app', `a-${i}`);
      api.appendLog('shop', 'b', 'app', `b-${i}`);
      await new Promise((r) => setTimeout(r, 150));
    }
    await until(
      () => spoolText(output).includes('a-2') && spoolText(output).includes('b-2'),
      'every line of both',
    );
    recording.stop();
    await recording.done;
    const lines = (await logRows(output)).map((r) => r.line).sort();
    expect(lines).toEqual(['a-0', 'a-1', 'a-2', 'b-0', 'b-1', 'b-2']);
    // Never more than one stream at a time: requests alternate between the two pods.
    expect(follows().length).toBeGreaterThanOrEqual(3);
  });
});

describe('failed log streams', () => {
  /** A collector whose retries wait for the test: each asks for its delay and runs when fired. */
  async function collector(dir: string, overrides: { maxMs?: number } = {}) {
    const client = await KubeClient.connect({ kubeconfig: writeKubeconfig(dir, api) });
    const retries: { ms: number; fire: () => void }[] = [];
    const stop = new AbortController();
    const warnings: string[] = [];
    const logs = new LogCollector({
      client,
      policy: 'all',
      follow: true,
      maxStreams: 4,
      since: null,
      signal: stop.signal,
      emit: () => {},
      log: (line) => warnings.push(line),
      // No jitter: the delays are exactly the back-off's.
      retry: { maxMs: overrides.maxMs, random: () => 1, schedule: (fire, ms) => retries.push({ ms, fire }) },
    });
    const close = async () => {
      stop.abort();
      await logs.drain();
      client.close();
    };
    return { logs, retries, warnings, close };
  }

  const logRequests = (pod: string) => api.requests.filter((r) => r.includes(`/pods/${pod}/log?`));

  it('are retried after 2 s, then twice as long each time, up to the cap', async () => {
    // The pod is running as the recorder saw it, but the API server no longer has it: 404 each time.
    const { logs, retries, warnings, close } = await collector(tempDir(), { maxMs: 30_000 });
    try {
      logs.observePod({
        ...withStatus('shop', 'gone-1', 0, 'containerd://one'),
        metadata: { namespace: 'shop', name: 'gone-1', uid: 'u-1' },
      });
      for (let attempt = 1; attempt <= 6; attempt++) {
        await until(() => retries.length === attempt, `failure ${attempt}`);
        expect(logRequests('gone-1').length).toBe(attempt);
        retries[attempt - 1]?.fire();
      }
      await until(() => retries.length === 7, 'failure 7');
      expect(retries.map((r) => r.ms)).toEqual([2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
      // Said once, not at every attempt.
      expect(warnings).toEqual([
        'warning: logs of shop/gone-1/app: GET /api/v1/namespaces/shop/pods/gone-1/log?container=app&timestamps=true&follow=true: 404 pods "gone-1" not found',
      ]);
    } finally {
      await close();
    }
  });

  it('stop once the pod is deleted', async () => {
    const { logs, retries, close } = await collector(tempDir());
    try {
      const pod = {
        ...withStatus('shop', 'gone-2', 0, 'containerd://one'),
        metadata: { namespace: 'shop', name: 'gone-2', uid: 'u-2' },
      };
      logs.observePod(pod);
      await until(() => retries.length === 1, 'the first failure');
      expect(logs.containerCount).toBe(1);
      logs.podDeleted(pod);
      expect(logs.containerCount).toBe(0);
      // The retry that was waiting asks for nothing: no stream opens, no other retry is planned.
      retries[0]?.fire();
      expect(logs.streams).toBe(0);
      expect(retries.length).toBe(1);
      expect(logRequests('gone-2').length).toBe(1);
    } finally {
      await close();
    }
  });

  it('are no longer followed by a recording once the pod is deleted', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'deleted.parquet');
    api.apply(withStatus('shop', 'web-1', 0, 'containerd://one'));
    api.apply(withStatus('shop', 'web-2', 0, 'containerd://two'));
    const statuses: RecordStatus[] = [];
    const recording = startRecording(output, writeKubeconfig(dir, api), {
      include: ['pods'],
      logs: 'all',
      onStatus: (status) => statuses.push(status),
      statusIntervalMs: 20,
    });
    await until(() => follows().length === 2, 'both log streams');
    await until(() => statuses.at(-1)?.logContainers === 2, 'both containers followed');
    api.delete('Pod', 'shop', 'web-1');
    await until(() => statuses.at(-1)?.logContainers === 1, 'the deleted pod forgotten');
    recording.stop();
    await recording.done;
  });
});

describe('container logs with --once', () => {
  it('reads current and previous logs as they are now', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'once.parquet');
    api.apply(withStatus('shop', 'crashy', 2, 'containerd://three'));
    api.appendLog('shop', 'crashy', 'app', 'fatal: config missing', new Date('2026-03-01T10:00:00Z'));
    api.restartContainer('shop', 'crashy', 'app');
    api.appendLog('shop', 'crashy', 'app', 'starting', new Date('2026-03-01T10:00:05Z'));
    await runRecord({
      output,
      kubeconfig: writeKubeconfig(dir, api),
      namespaces: [],
      include: ['pods'],
      exclude: [],
      once: true,
      logs: 'all',
    });
    expect(await logRows(output)).toEqual([
      { name: 'crashy', line: 'fatal: config missing', previous: true },
      { name: 'crashy', line: 'starting', previous: false },
    ]);
    expect(api.requests.some((r) => r.includes('follow=true'))).toBe(false);
  });
});
