// The CLI: help, version, bundle info and repair, and the error boundary (one line plus a hint and
// exit 2 for known errors; "internal error" with a stack otherwise). Through bin/kstory.js where the
// process is the point (exit code and stderr, a closed pipe, colour, one run per command); in this
// process otherwise.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BundleWriter } from '../../src/bundle/writer.ts';
import { reportError } from '../../src/cli/main.ts';
import { KstoryError } from '../../src/errors.ts';
import { kstory, ROOT } from '../support/cli.ts';
import { kstoryInProcess as run } from '../support/cli-in-process.ts';
import { aLogRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
let bundlePath: string;
const ANSI = /\u001b\[/;

beforeAll(async () => {
  bundlePath = path.join(tempDir(), 'incident.parquet');
  const writer = await BundleWriter.create({
    output: bundlePath,
    metadata: {
      producer: 'test',
      cluster: { name: 'prod-eu', server_version: 'v1.30.2' },
      redaction: ['secret-data'],
    },
  });
  writer.append(aPodRow());
  writer.append(aLogRow());
  writer.addGap({
    start: '2026-03-01T10:41:00Z',
    end: '2026-03-01T10:41:30Z',
    reason: 'watch dropped',
    scope: 'watch:pods',
  });
  await writer.finish();
});

describe('kstory', () => {
  it('prints help with the commands and exit codes', () => {
    const result = kstory(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: kstory');
    expect(result.stdout).toMatch(/bundle\s+inspect bundles/);
    expect(result.stdout).toContain('Exit codes: 0 ok');
  });

  it('prints its version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(await run('--version')).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('shows examples in each command’s help', async () => {
    const result = await run('bundle', 'info', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
  });

  it('stops quietly when its reader closes the pipe early (kstory ... | head)', () => {
    const result = spawnSync(
      'bash',
      ['-o', 'pipefail', '-c', `'${process.execPath}' bin/kstory.js --help | head -1`],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(result.stdout).toBe('Usage: kstory [options] [command]\n');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('exits 2 on an unknown command or a missing argument', () => {
    expect(kstory(['frobnicate']).code).toBe(2);
    const missing = kstory(['bundle', 'info']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'bundle'");
  });
});

describe('kstory bundle info', () => {
  it('describes a bundle as text, without colour when not on a terminal', () => {
    const result = kstory(['bundle', 'info', bundlePath]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('prod-eu, Kubernetes v1.30.2');
    expect(result.stdout).toMatch(/Rows\s+3, 2026-03-01 10:41:00Z → 2026-03-01 10:42:13Z/);
    expect(result.stdout).toMatch(/object\s+1/);
    expect(result.stdout).toContain('watch:pods: watch dropped');
    expect(result.stdout).not.toMatch(ANSI);
  });

  it('uses colour only when asked, and never with NO_COLOR', () => {
    expect(kstory(['bundle', 'info', bundlePath], { env: { FORCE_COLOR: '1' } }).stdout).toMatch(ANSI);
    expect(
      kstory(['bundle', 'info', bundlePath], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout,
    ).not.toMatch(ANSI);
  });

  it('prints JSON with --json', async () => {
    const result = await run('bundle', 'info', bundlePath, '--json');
    expect(result.code).toBe(0);
    const info = JSON.parse(result.stdout);
    expect(info.rows).toBe(3);
    expect(info.by_source.map((s: { source: string }) => s.source).sort()).toEqual([
      'log',
      'marker',
      'object',
    ]);
    expect(info.metadata.format_version).toBe('1.0');
    expect(info.gaps).toHaveLength(1);
  });

  it.each([
    ['a missing file', () => path.join(tempDir(), 'nope.parquet'), /no such file or directory/],
    ['a text file', () => writeTemp('notes.parquet', 'hello'), /not a Parquet file/],
    [
      'a truncated bundle',
      () => writeTemp('cut.parquet', readFileSync(bundlePath).subarray(0, 300)),
      /truncated Parquet file/,
    ],
  ])('reports %s in one line plus a hint, exit 2, no stack trace', async (_name, makePath, message) => {
    const result = await run('bundle', 'info', makePath());
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^kstory: error: /);
    expect(lines[0]).toMatch(message);
    expect(lines[1]).toMatch(/^ {2}hint: /);
  });
});

function writeTemp(name: string, content: string | Buffer): string {
  const file = path.join(tempDir(), name);
  writeFileSync(file, content);
  return file;
}

describe('a bundle damaged midway', () => {
  it('bundle info --verify finds the damaged row group and its rows (exit 1); analyze reads around it and says so', async () => {
    const damaged = path.join(tempDir(), 'damaged.parquet');
    const bytes = readFileSync(path.join(ROOT, 'fixtures/bad-config-rollout.parquet'));
    // A bad copy: 256 bytes in the middle of the file flipped (inside a column chunk, not the footer).
    for (let k = 0; k < 256; k++) bytes[(bytes.length >> 1) + k]! ^= 0xa5;
    writeFileSync(damaged, bytes);

    const verified = await run('bundle', 'info', damaged, '--verify');
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(
      /Verified +damaged: [\d,]+ of 22,873 rows in 2 row groups of 1 file read/,
    );
    expect(verified.stdout).toMatch(new RegExp(`${damaged} row group \\d \\(rows [\\d,]+–[\\d,]+\\): `));
    const json = JSON.parse((await run('bundle', 'info', damaged, '--verify', '--json')).stdout);
    expect(json.verification.damaged).toEqual([
      expect.objectContaining({ file: damaged, row_group: expect.any(Number), rows: expect.any(Number) }),
    ]);
    expect(json.verification.rows_read + json.verification.damaged[0].rows).toBe(22_873);

    // Analyze reads around the damaged row group and says what it left out.
    const analyzed = await run('analyze', damaged);
    expect(analyzed.code).toBe(0);
    expect(analyzed.stderr).toMatch(
      new RegExp(
        `^kstory: warning: ${damaged}: the file is damaged \\(.+\\); it could not be read whole: its [0-9]+ damaged rows are left out and the analysis is partial\n$`,
      ),
    );
    expect(analyzed.stdout.replace(/\s+/g, ' ')).toMatch(
      new RegExp(
        `The analysis is partial: ${damaged} row group \\d is damaged \\(.+\\): its [0-9]+ rows \\(from row [0-9]+\\) are left out\\.`,
      ),
    );
    const report = JSON.parse((await run('analyze', damaged, '--json')).stdout);
    expect(report.bundle.partial).toHaveLength(1);

    const intact = await run(
      'bundle',
      'info',
      path.join(ROOT, 'fixtures/bad-config-rollout.parquet'),
      '--verify',
    );
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/Verified +every part readable: 22,873 of 22,873 rows/);
  });
});

describe('kstory bundle repair', () => {
  it('turns the spool of a writer that stopped into a bundle', async () => {
    const output = path.join(tempDir(), 'stopped.parquet');
    const writer = await BundleWriter.create({ output, metadata: { producer: 'record' } });
    for (let i = 0; i < 25; i++) writer.append(aLogRow({ name: `pod-${i}` }));
    await writer.close();
    const result = kstory(['bundle', 'repair', output]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^repaired 25 rows into .*stopped\.parquet/);
    const info = JSON.parse((await run('bundle', 'info', output, '--json')).stdout);
    expect(info.metadata.repaired).toBe(true);
    expect((await run('bundle', 'info', output)).stdout).toContain('Repaired');
    // Its analysis says it is partial, and why, in every format.
    const why = `${output} was rebuilt by kstory bundle repair from the spool of a writer that did not finish`;
    expect((await run('analyze', output)).stdout.replace(/\s+/g, ' ')).toContain(
      `The analysis is partial: ${why}`,
    );
    expect((await run('analyze', output, '--markdown')).stdout).toContain(
      `> The analysis is partial: ${why}`,
    );
    expect(JSON.parse((await run('analyze', output, '--json')).stdout).bundle.partial).toEqual([
      `${why}: what came after its last flush is missing`,
    ]);
  });

  it('writes beside the spool or to -o, never to the path its spool.json names; replaces a file only with --force', async () => {
    const dir = tempDir();
    const victim = path.join(dir, 'precious.txt');
    writeFileSync(victim, 'not yours to replace');
    const output = path.join(dir, 'moved.parquet');
    const writer = await BundleWriter.create({ output, metadata: { producer: 'record' } });
    for (let i = 0; i < 3; i++) writer.append(aLogRow({ name: `pod-${i}` }));
    await writer.close();
    // A spool whose state names another file, as a crafted or moved spool would.
    const stateFile = path.join(`${output}.spool`, 'spool.json');
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    writeFileSync(stateFile, JSON.stringify({ ...state, output: victim }));

    const existing = path.join(dir, 'existing.parquet');
    writeFileSync(existing, 'an earlier bundle');
    const refused = await run('bundle', 'repair', `${output}.spool`, '-o', existing);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${existing} already exists`);
    expect(readFileSync(existing, 'utf8')).toBe('an earlier bundle');

    const repaired = await run('bundle', 'repair', `${output}.spool`);
    expect(repaired.stderr).toBe('');
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain(`into ${output}`);
    expect(readFileSync(victim, 'utf8')).toBe('not yours to replace');
    expect(readdirSync(dir).sort()).toEqual(['existing.parquet', 'moved.parquet', 'precious.txt']);
  });

  it('replaces an existing -o with --force, never a directory', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'stopped.parquet');
    const writer = await BundleWriter.create({ output, metadata: { producer: 'record' } });
    writer.append(aLogRow({ name: 'pod-1' }));
    await writer.close();
    const asDirectory = await run('bundle', 'repair', `${output}.spool`, '-o', dir, '--force');
    expect(asDirectory.code).toBe(2);
    expect(asDirectory.stderr).toContain(`-o ${dir} is a directory`);
    const existing = path.join(dir, 'existing.parquet');
    writeFileSync(existing, 'an earlier bundle');
    const forced = await run('bundle', 'repair', `${output}.spool`, '-o', existing, '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(existing).subarray(0, 4).toString()).toBe('PAR1');
  });

  it('says what to give when there is no spool', async () => {
    const result = await run('bundle', 'repair', bundlePath);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no spool found here/);
  });
});

describe('kstory import after an import that did not finish', () => {
  it('refuses the left spool with what to do; --force discards it and imports again', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'cut.parquet');
    const writer = await BundleWriter.create({ output, metadata: { producer: 'import' } });
    writer.append(aLogRow({ name: 'half-imported' }));
    await writer.close();
    const input = path.join(dir, 'pods.json');
    writeFileSync(
      input,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'p',
          namespace: 'shop',
          uid: 'u-1',
          resourceVersion: '1',
          creationTimestamp: '2026-03-01T10:00:00Z',
        },
        spec: { containers: [{ name: 'app', image: 'shop:1' }] },
      }),
    );
    const refused = await run('import', input, '-o', output, '--no-progress');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${output}.spool is left by an import that did not finish`);
    expect(refused.stderr).toContain('Go on from it with --resume');
    expect(refused.stderr).toContain('start over with --force');
    expect(refused.stderr).toContain(`kstory bundle repair ${output}.spool`);
    const forced = await run('import', input, '-o', output, '--no-progress', '--force', '--json');
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout).output.rows_by_source).toEqual({ object: 1, marker: 1 });
  });
});

describe('the error boundary', () => {
  it('prints an unexpected error as an internal error with its stack and how to report it', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(reportError(new TypeError('boom'))).toBe(2);
      const text = write.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toMatch(/kstory: internal error: TypeError: boom/);
      expect(text).toMatch(/\n\s+at /);
      expect(text).toMatch(/Please report it/);
    } finally {
      write.mockRestore();
    }
  });

  it('prints a known error without a stack', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(reportError(new KstoryError('bad thing', { hint: 'do this' }))).toBe(2);
      const text = write.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toBe('kstory: error: bad thing\n  hint: do this\n');
    } finally {
      write.mockRestore();
    }
  });
});
