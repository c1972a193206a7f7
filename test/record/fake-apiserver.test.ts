// Proves the test API server faithful: the real kubectl lists, watches and reads logs from it.

import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aPod, FakeApiServer } from '../support/fake-apiserver.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir('kstory-fake-api-');
let api: FakeApiServer;
let home: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  api = await FakeApiServer.start({ bookmarkIntervalMs: 200 });
  home = tempDir();
  // An empty kubeconfig, so that nothing of the user's own configuration is read.
  writeFileSync(path.join(home, 'config'), 'apiVersion: v1\nkind: Config\n');
});

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

afterAll(async () => {
  await api.close();
});

function kubectlArgs(args: string[]): string[] {
  return ['--server', api.url, '--cache-dir', path.join(home, 'cache'), '--request-timeout', '10s', ...args];
}

function kubectlEnv(): NodeJS.ProcessEnv {
  return { ...process.env, KUBECONFIG: path.join(home, 'config'), HOME: home };
}

/** Run kubectl to the end. Asynchronously: the server answers from this very process. */
function kubectl(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('kubectl', kubectlArgs(args), { env: kubectlEnv(), timeout: 50_000 });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Start kubectl in the background; resolves once its output satisfies `ready`. */
function kubectlUntil(args: string[], ready: (stdout: string) => boolean): Promise<string> {
  const child = spawn('kubectl', kubectlArgs(args), { env: kubectlEnv() });
  children.push(child);
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`kubectl ${args.join(' ')} timed out:\n${stdout}\n${stderr}`)),
      50_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (ready(stdout)) {
        clearTimeout(timer);
        resolve(stdout);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('exit', () => {
      clearTimeout(timer);
      if (!ready(stdout)) reject(new Error(`kubectl exited early:\n${stdout}\n${stderr}`));
    });
  });
}

describe('fake API server driven by the real kubectl', () => {
  it('serves paged lists that kubectl reassembles', async () => {
    for (let i = 0; i < 7; i++) api.apply(aPod('shop', `web-${i}`));
    api.apply(aPod('ops', 'agent-1'));
    const result = await kubectl(['get', 'pods', '-A', '-o', 'json', '--chunk-size', '3']);
    expect(result.stderr).toBe('');
    const list = JSON.parse(result.stdout) as {
      items: { kind: string; metadata: { namespace: string; name: string } }[];
    };
    expect(list.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      'ops/agent-1',
      ...[0, 1, 2, 3, 4, 5, 6].map((i) => `shop/web-${i}`),
    ]);
    expect(list.items.every((p) => p.kind === 'Pod')).toBe(true);
    expect(
      api.requests.filter((r) => r.startsWith('GET /api/v1/pods?') && r.includes('continue=')).length,
    ).toBe(2);
  });

  it('resolves resources through discovery (short names, groups) and reports 404s as kubectl expects', async () => {
    api.apply({ kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 2 } });
    expect((await kubectl(['get', 'deploy', '-n', 'shop', '-o', 'name'])).stdout.trim()).toBe(
      'deployment.apps/web',
    );
    // kubectl asks whether the namespace exists before it reports a missing object.
    api.apply({ kind: 'Namespace', metadata: { name: 'shop' } });
    const missing = await kubectl(['get', 'pod', 'nope', '-n', 'shop']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('pods "nope" not found');
  });

  it('streams watch events that kubectl get -w prints', async () => {
    const seen = kubectlUntil(['get', 'pods', '-n', 'shop', '-w', '-o', 'name'], (out) =>
      out.includes('pod/late-1'),
    );
    // Wait until kubectl's watch is open, then change the store.
    for (let i = 0; i < 1200 && api.openWatches === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(api.openWatches).toBeGreaterThan(0);
    api.apply(aPod('shop', 'late-1'));
    expect(await seen).toContain('pod/web-0');
  });

  it('serves logs: plain, with timestamps, previous and followed', async () => {
    api.appendLog('shop', 'web-0', 'app', 'starting', new Date('2026-03-01T10:00:00Z'));
    api.appendLog('shop', 'web-0', 'app', 'panic: out of memory', new Date('2026-03-01T10:00:01Z'));
    api.restartContainer('shop', 'web-0', 'app');
    api.appendLog('shop', 'web-0', 'app', 'starting again', new Date('2026-03-01T10:00:05Z'));
    expect((await kubectl(['logs', '-n', 'shop', 'web-0'])).stdout).toBe('starting again\n');
    expect((await kubectl(['logs', '-n', 'shop', 'web-0', '--previous', '--timestamps'])).stdout).toBe(
      '2026-03-01T10:00:00.000Z starting\n2026-03-01T10:00:01.000Z panic: out of memory\n',
    );
    const followed = kubectlUntil(['logs', '-n', 'shop', 'web-0', '-f', '-c', 'app'], (out) =>
      out.includes('ready'),
    );
    for (let i = 0; i < 1200 && !api.requests.some((r) => r.includes('follow=true')); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    api.appendLog('shop', 'web-0', 'app', 'ready');
    expect(await followed).toBe('starting again\nready\n');
  });
});
