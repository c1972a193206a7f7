// `kstory record` as a user runs it (bin/kstory.js → dist/, so `npm run build` first): --once,
// SIGTERM finishing the bundle, and kill -9 followed by `kstory bundle repair`.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/views/open.ts';
import { ROOT } from '../support/cli.ts';
import { aPod, FakeApiServer } from '../support/fake-apiserver.ts';
import { useTempDir } from '../support/temp.ts';
import { spoolText, until, writeKubeconfig } from './helpers.ts';

const tempDir = useTempDir('kstory-record-cli-');
let api: FakeApiServer;
const children: ChildProcess[] = [];

beforeAll(async () => {
  api = await FakeApiServer.start({ bookmarkIntervalMs: 200 });
  api.apply({ kind: 'Namespace', metadata: { name: 'shop' } });
  for (let i = 0; i < 3; i++) api.apply(aPod('shop', `web-${i}`));
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

afterAll(async () => {
  await api.close();
});

interface Run {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** The CLI in a child process; asynchronous, because the API server answers from this process. */
function startKstory(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  return startProcess(process.execPath, [path.join(ROOT, 'bin/kstory.js'), ...args], env);
}

/** `kstory record` of the fake API server's pods into `output`, then `extra` flags. */
function recordPods(dir: string, output: string, ...extra: string[]): string[] {
  return ['record', '-o', output, '--kubeconfig', writeKubeconfig(dir, api), '--include', 'pods', ...extra];
}

function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    timeout: 90_000,
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited };
}

describe('kstory record on the command line', () => {
  it('--once writes a snapshot bundle and prints a JSON summary', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'once.parquet');
    const { exited } = startKstory([
      'record',
      '--once',
      '-o',
      output,
      '--kubeconfig',
      writeKubeconfig(dir, api),
      '--include',
      'pods',
      '--json',
    ]);
    const result = await exited;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      rows: number;
      resources: string[];
      rows_by_source: Record<string, number>;
    };
    expect(summary.resources).toEqual(['pods']);
    // Three pods, the start and stop markers.
    expect(summary.rows_by_source).toEqual({ object: 3, marker: 2 });
  });

  it('explains itself in --help and refuses contradictory or missing configuration', async () => {
    const help = await startKstory(['record', '--help']).exited;
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('kstory record -o now.parquet --once --context prod-eu');
    const both = await startKstory(['record', '-o', 'x.parquet', '--once', '--duration', '5m']).exited;
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--once and --duration cannot be used together');
    const badDuration = await startKstory(['record', '-o', 'x.parquet', '--duration', '5 minutes']).exited;
    expect(badDuration.code).toBe(2);
    expect(badDuration.stderr).toContain('expected a duration such as 90s, 15m or 2h');
    const home = tempDir();
    const env = { HOME: home, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' };
    const none = await startKstory(['record', '--once', '-o', path.join(home, 'x.parquet')], env).exited;
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no Kubernetes configuration found');
    expect(none.stderr).toContain('hint: Set KUBECONFIG');
  });

  it('refuses an unknown context with a hint, exit 2', async () => {
    const dir = tempDir();
    const { exited } = startKstory([
      'record',
      '--once',
      '-o',
      path.join(dir, 'x.parquet'),
      '--kubeconfig',
      writeKubeconfig(dir, api),
      '--context',
      'prod',
    ]);
    const result = await exited;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('context "prod" is not in the kubeconfig');
    expect(result.stderr).toContain('Known contexts: fake');
  });

  it('finishes the bundle on SIGTERM', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'term.parquet');
    const run = startKstory(recordPods(dir, output));
    await until(() => spoolText(output).includes('web-2'), 'the listed pods in the spool');
    api.apply(aPod('shop', 'during-term'));
    await until(() => spoolText(output).includes('during-term'), 'the watched pod in the spool');
    run.child.kill('SIGTERM');
    const result = await run.exited;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('SIGTERM: finishing the bundle');
    expect(existsSync(`${output}.spool`)).toBe(false);
    const bundle = await openBundle([output]);
    try {
      const rows = await bundle.query<{ name: string; watch_event: string }>(
        "SELECT name, watch_event FROM objects WHERE name = 'during-term'",
      );
      expect(rows).toEqual([{ name: 'during-term', watch_event: 'ADDED' }]);
      expect(bundle.metadata.repaired).toBe(false);
    } finally {
      bundle.close();
    }
  });

  // A terminal of 40 columns: `script` runs the recorder on a pseudo-terminal and copies what it
  // draws. A status line wider than the terminal would wrap, and each redraw would leave a copy.
  it.skipIf(!existsSync('/usr/bin/script'))(
    'shows its live status on a terminal on one line cut to the width, and clears it before the summary',
    async () => {
      const dir = tempDir();
      const output = path.join(dir, 'tty.parquet');
      const command = [
        'stty cols 40 rows 24;',
        'exec',
        process.execPath,
        path.join(ROOT, 'bin/kstory.js'),
        ...recordPods(dir, output, '--duration', '3s'),
      ].join(' ');
      const { code, stdout: screen } = await startProcess('/usr/bin/script', ['-qfec', command, '/dev/null'])
        .exited;
      expect(code).toBe(0);
      const drawn = [...screen.matchAll(/\r\x1b\[2K([^\r\n]*)/g)].map((m) => m[1] ?? '');
      const statuses = drawn.filter((line) => line.startsWith('recording '));
      expect(statuses.length).toBeGreaterThan(0);
      for (const status of statuses) {
        expect(status.length).toBeLessThanOrEqual(39);
        expect(status).toMatch(/^recording \d+s \| .*…$/);
      }
      // The summary starts on a cleared line, after the last status.
      expect(screen).toMatch(/\r\x1b\[2K(\x1b\[\d+m)?recorded(\x1b\[\d+m)? \d+ rows/);
      expect(existsSync(output)).toBe(true);
    },
  );

  it('leaves a spool after kill -9 that `kstory bundle repair` turns into a bundle', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'killed.parquet');
    const run = startKstory(recordPods(dir, output));
    api.apply(aPod('shop', 'before-kill'));
    await until(() => spoolText(output).includes('before-kill'), 'the pod in the spool');
    run.child.kill('SIGKILL');
    expect((await run.exited).signal).toBe('SIGKILL');
    expect(existsSync(output)).toBe(false);

    const repair = startKstory(['bundle', 'repair', output]);
    const repaired = await repair.exited;
    expect(repaired.code).toBe(0);
    const bundle = await openBundle([output]);
    try {
      const rows = await bundle.query<{ n: number }>(
        "SELECT count(*)::INTEGER AS n FROM objects WHERE name = 'before-kill'",
      );
      expect(rows).toEqual([{ n: 1 }]);
      expect(bundle.metadata.repaired).toBe(true);
      expect(bundle.metadata.producer).toBe('record');
    } finally {
      bundle.close();
    }
  });

  it('continues a killed recording with --resume, marking the downtime as a gap', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'resumed.parquet');
    const first = startKstory(recordPods(dir, output));
    await until(() => spoolText(output).includes('web-0'), 'the listed pods in the spool');
    api.apply(aPod('shop', 'before-crash'));
    await until(() => spoolText(output).includes('before-crash'), 'the pod in the spool');
    first.child.kill('SIGKILL');
    await first.exited;
    // Changed while nothing was recording: seen only through the relist of the resumed recording.
    api.apply(aPod('shop', 'while-down-2'));

    const second = await startKstory(recordPods(dir, output, '--resume', '--duration', '1s')).exited;
    expect(second.stderr).toContain('recorded');
    expect(second.code).toBe(0);
    const bundle = await openBundle([output]);
    try {
      const rows = await bundle.query<{ name: string; watch_event: string }>(
        "SELECT name, watch_event FROM objects WHERE name IN ('before-crash', 'while-down-2') ORDER BY ts",
      );
      expect(rows).toEqual([
        { name: 'before-crash', watch_event: 'ADDED' },
        { name: 'before-crash', watch_event: 'LISTED' },
        { name: 'while-down-2', watch_event: 'LISTED' },
      ]);
      const starts = await bundle.query<{ marker_detail: string | null }>(
        "SELECT marker_detail FROM markers WHERE marker = 'recording-start' ORDER BY ts",
      );
      expect(starts).toEqual([{ marker_detail: null }, { marker_detail: 'resumed' }]);
      expect(bundle.metadata.gaps).toEqual([
        expect.objectContaining({ scope: '*', reason: expect.stringContaining('interrupted, then resumed') }),
      ]);
      const [gap] = bundle.metadata.gaps;
      expect(
        bundle.metadata.window.start !== null &&
          gap !== undefined &&
          bundle.metadata.window.start < gap.start,
      ).toBe(true);
    } finally {
      bundle.close();
    }
  });
});
