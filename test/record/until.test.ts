// `kstory record --until` for CI: recording stops when the named resource reaches a terminal state
// (here a pod that finishes), the bundle and the resource's story are written, and the exit code
// says whether it succeeded; a resource that never finishes stops at --timeout with exit 1.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Story } from '../../src/story/schema.ts';
import { ROOT } from '../support/cli.ts';
import { aPod, FakeApiServer } from '../support/fake-apiserver.ts';
import { useTempDir } from '../support/temp.ts';
import { spoolText, until, writeKubeconfig } from './helpers.ts';

const tempDir = useTempDir('kstory-record-until-');
let api: FakeApiServer;

beforeAll(async () => {
  api = await FakeApiServer.start({ bookmarkIntervalMs: 200 });
  api.apply({ kind: 'Namespace', metadata: { name: 'ci' } });
  api.apply(aPod('ci', 'migrate'));
  api.apply(aPod('ci', 'server'));
});

afterAll(async () => {
  await api.close();
});

function record(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/kstory.js'), 'record', ...args, '--no-progress'],
    {
      cwd: ROOT,
      timeout: 60_000,
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('kstory record --until', () => {
  it('stops when the resource is done and writes its story', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'ci.parquet');
    const storyFile = path.join(dir, 'story.json');
    const run = record([
      '-o',
      output,
      '--kubeconfig',
      writeKubeconfig(dir, api),
      '--include',
      'pods',
      '--until',
      'pod/ci/migrate',
      '--timeout',
      '50s',
      '--story',
      storyFile,
    ]);
    await until(() => spoolText(output).includes('"migrate"'), 'the pod in the spool');
    api.apply(aPod('ci', 'migrate', { status: { phase: 'Succeeded', containerStatuses: [] } }));
    const { code, stderr } = await run;
    expect(stderr).toMatch(/pod\/ci\/migrate: completed \(Pod phase Succeeded\); story written to/);
    expect(code).toBe(0);
    expect(existsSync(output)).toBe(true);
    const story: Story = JSON.parse(readFileSync(storyFile, 'utf8'));
    expect(story.root).toMatchObject({ kind: 'Pod', namespace: 'ci', name: 'migrate' });
    expect(story.termination.state).toBe('completed');
    expect(story.events.some((e) => e.event_type === 'RESOURCE_UPDATE')).toBe(true);
  });

  it('stops at --timeout with exit 1 when the resource never finishes, and refuses --timeout alone', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'timeout.parquet');
    const storyFile = path.join(dir, 'story.json');
    const { code, stderr } = await record([
      '-o',
      output,
      '--kubeconfig',
      writeKubeconfig(dir, api),
      '--include',
      'pods',
      '--until',
      'Pod/ci/server',
      '--timeout',
      '3s',
      '--story',
      storyFile,
    ]);
    expect(stderr).toMatch(/Pod\/ci\/server: no terminal state before the timeout/);
    expect(code).toBe(1);
    expect(JSON.parse(readFileSync(storyFile, 'utf8')).termination.state).toBe('window-end');

    const alone = await record(['-o', path.join(dir, 'x.parquet'), '--timeout', '3s']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--timeout goes with --until/);
  });
});
