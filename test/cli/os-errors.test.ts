// OS errors a user can cause (permissions, a directory where a file goes, a full disk) are one line
// naming the path and what to do, exit 2 and no stack trace; an unreadable file of an import is
// skipped and said while the others are imported; a full disk keeps the spool for `bundle repair`.
// Permissions are tested as an unprivileged user: root reads everything, so as root the CLI is run
// with the uid of `nobody`.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kstory, ROOT } from '../support/cli.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir('kstory-oserr-');
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** The CLI as a user without privileges (root ignores file permissions). */
function kstoryUnprivileged(args: string[]) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/kstory.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', HOME: '/tmp' },
    timeout: 120_000,
    ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A directory the unprivileged user may write into. */
function openDir(): string {
  const dir = tempDir();
  chmodSync(dir, 0o777);
  return dir;
}

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'shop',
    uid: `uid-${name}`,
    resourceVersion: '1',
    creationTimestamp: '2026-03-01T10:00:00Z',
  },
  spec: { containers: [{ name: 'app', image: 'shop:1' }] },
  status: { phase: 'Running' },
});
const podList = (...names: string[]) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'List', items: names.map(pod) });

/** One line, a hint, and nothing that looks like a stack frame. */
function expectOneLineError(stderr: string, message: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^kstory: error: /);
  expect(lines[0]).toMatch(message);
  expect(lines.slice(1).every((l) => /^ {2}hint: /.test(l))).toBe(true);
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
}

describe('OS errors', () => {
  it('an unreadable file and directory of an import are skipped, counted and said; the rest is imported (exit 1)', () => {
    const dir = openDir();
    const input = path.join(dir, 'dump');
    mkdirSync(path.join(input, 'locked'), { recursive: true });
    writeFileSync(path.join(input, 'a-pods.json'), podList('a1', 'a2'));
    writeFileSync(path.join(input, 'b-pods.json'), podList('b1'));
    writeFileSync(path.join(input, 'locked', 'c-pods.json'), podList('c1'));
    for (const d of [dir, input]) chmodSync(d, 0o777);
    chmodSync(path.join(input, 'a-pods.json'), 0o644);
    chmodSync(path.join(input, 'b-pods.json'), 0o000);
    chmodSync(path.join(input, 'locked'), 0o000);
    const output = path.join(dir, 'out.parquet');
    const result = kstoryUnprivileged(['import', input, '-o', output, '--json', '--no-progress']);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.output.rows_by_source.object).toBe(2);
    expect(summary.partial).toBe('2 files could not be read');
    expect(summary.inputs[0].unreadable).toEqual([
      { file: path.join(input, 'b-pods.json'), reason: 'permission denied' },
      { file: path.join(input, 'locked'), reason: 'permission denied' },
    ]);
    const text = kstoryUnprivileged(['import', input, '-o', output, '--force', '--no-progress']);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(
      /skipped 2 files: cannot be read: permission denied \(b-pods\.json, locked\)/,
    );
    expect(text.stderr).toMatch(/hint: Check the permissions of .*b-pods\.json/);
    expect(text.stderr).toMatch(/the import is partial: 2 files could not be read/);
  });

  it('a symbolic link to nothing, to a folder outside, and a FIFO in an import folder are skipped, counted and said', () => {
    const dir = tempDir();
    const input = path.join(dir, 'node');
    mkdirSync(path.join(input, 'pods'), { recursive: true });
    mkdirSync(path.join(dir, 'elsewhere'));
    writeFileSync(path.join(input, 'pods', 'a-pods.json'), podList('a1'));
    writeFileSync(path.join(dir, 'elsewhere', 'b-pods.json'), podList('b1'));
    // A node's /var/log/containers copied alone: its links name files of a /var/log/pods not copied.
    symlinkSync('/var/log/pods/kstory-test-absent/app/0.log', path.join(input, 'gone.log'));
    symlinkSync(path.join(dir, 'elsewhere'), path.join(input, 'outside'));
    // A link to a file inside the input is that file, read once where it sits: not a loss.
    symlinkSync('pods/a-pods.json', path.join(input, 'again.json'));
    spawnSync('mkfifo', [path.join(input, 'pipe')]);
    const output = path.join(dir, 'out.parquet');
    const result = kstory(['import', input, '-o', output, '--json', '--no-progress']);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.output.rows_by_source.object).toBe(1);
    expect(summary.partial).toBe('3 files could not be read');
    expect(summary.inputs[0].unreadable).toEqual([
      {
        file: path.join(input, 'gone.log'),
        reason: 'a symbolic link to /var/log/pods/kstory-test-absent/app/0.log, which names nothing here',
      },
      {
        file: path.join(input, 'outside'),
        reason: `a symbolic link to ${realpathSync(path.join(dir, 'elsewhere'))}, not a file: not followed`,
      },
      { file: path.join(input, 'pipe'), reason: 'not a regular file' },
    ]);
    const text = kstory(['import', input, '-o', output, '--force', '--no-progress']);
    expect(text.code).toBe(1);
    const said = text.stderr.replace(/\s+/g, ' ');
    expect(said).toMatch(
      /cannot be read: a symbolic link to \/var\/log\/pods\/\S+ which names nothing here \(gone\.log\)/,
    );
    expect(said).toMatch(/cannot be read: not a regular file \(pipe\)/);
    expect(said).toMatch(/hint: Copy the files it names into the input \(cp -L follows links\)/);
    expect(said).toMatch(/the import is partial: 3 files could not be read/);
  });

  it('an unreadable bundle, an -o directory that cannot be written, -o naming a directory even with --force', () => {
    const dir = openDir();
    const bundle = path.join(dir, 'b.parquet');
    copyFileSync(path.join(ROOT, 'fixtures/bad-config-rollout.parquet'), bundle);
    chmodSync(bundle, 0o600);
    const unreadable = kstoryUnprivileged(['analyze', bundle]);
    expect(unreadable.code).toBe(2);
    expectOneLineError(unreadable.stderr, new RegExp(`cannot read ${bundle}: permission denied`));

    const locked = path.join(dir, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    chmodSync(locked, 0o555);
    const pods = path.join(dir, 'pods.json');
    writeFileSync(pods, podList('a1'), { mode: 0o644 });
    for (const args of [
      ['simulate', 'bad-config-rollout', '-o', path.join(locked, 'x.parquet')],
      ['import', pods, '-o', path.join(locked, 'x.parquet')],
      ['analyze', bundle, '-o', path.join(locked, 'x.md')],
      ['eval', '--corpus', 'simulated', '-o', path.join(locked, 'x.md')],
    ]) {
      const result = kstoryUnprivileged(args);
      expect(result.code).toBe(2);
      expectOneLineError(
        result.stderr,
        new RegExp(`cannot write into directory ${locked}: permission denied`),
      );
    }
    expect(readdirSync(locked)).toEqual([]);

    const asDirectory = kstory(['import', pods, '-o', locked, '--force']);
    expect(asDirectory.code).toBe(2);
    expectOneLineError(asDirectory.stderr, new RegExp(`-o ${locked} is a directory`));
    expect(existsSync(`${locked}.spool`)).toBe(false);
    // A report's -o too, before any analysis.
    const report = kstory(['analyze', bundle, '--markdown', '-o', locked]);
    expect(report.code).toBe(2);
    expectOneLineError(report.stderr, new RegExp(`-o ${locked} is a directory`));
    expect(report.stderr).toContain(`e.g. ${path.join(locked, 'report.md')}`);
  });
});

/** A 2 MB tmpfs: a disk that really fills. Mounting needs root; elsewhere the test says it skipped. */
function smallDisk(): string | null {
  if (!isRoot) return null;
  const dir = tempDir();
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]);
  return mounted.status === 0 ? dir : null;
}

describe('a full disk', () => {
  const disk = smallDisk();
  afterAll(() => {
    if (disk) spawnSync('umount', ['-l', disk]);
  });
  // A log at level Request is read line by line into the spool's NDJSON, which must keep what it
  // holds; one at level Metadata is read whole in DuckDB and encoded straight into the bundle.
  // The padding is random so that neither path's compression fits the log into the disk.
  it.skipIf(disk === null).each(['Request', 'Metadata'])(
    'stops with what to free and loses nothing: the spool is repaired, or the import written elsewhere (audit level %s)',
    (level) => {
      const dir = tempDir();
      const input = path.join(dir, 'audit.log');
      const lines: string[] = [];
      for (let i = 0; i < 6000; i++) {
        lines.push(
          JSON.stringify({
            kind: 'Event',
            apiVersion: 'audit.k8s.io/v1',
            level,
            auditID: `id-${i}`,
            stage: 'ResponseComplete',
            verb: 'get',
            user: { username: 'bob' },
            objectRef: { resource: 'configmaps', namespace: 'shop', name: `cfg-${i}`, apiVersion: 'v1' },
            requestURI: `/api/v1/namespaces/shop/configmaps/cfg-${i}?padding=${randomBytes(300).toString('hex')}`,
            stageTimestamp: `2026-03-01T10:${String(Math.floor(i / 100) % 60).padStart(2, '0')}:00.000001Z`,
          }),
        );
      }
      writeFileSync(input, `${lines.join('\n')}\n`);
      const filler = path.join(disk!, 'filler');
      writeFileSync(filler, Buffer.alloc(512 << 10));
      const output = path.join(disk!, `out-${level}.parquet`);
      const full = kstory(['import', input, '-o', output, '--no-progress']);
      expect(full.code).toBe(2);
      expectOneLineError(full.stderr, /no space left on the device/);
      const spool = `${output}.spool`;
      if (level === 'Metadata') {
        // The log read whole never reaches the spool: a disk full while its bundle is written
        // leaves nothing behind, and the same import written where there is room gives the bundle.
        expect(readdirSync(disk!)).toEqual(['filler']);
        rmSync(filler);
        const elsewhere = kstory(['import', input, '-o', path.join(dir, 'out.parquet'), '--no-progress']);
        expect(elsewhere.code).toBe(0);
        expect(existsSync(path.join(dir, 'out.parquet'))).toBe(true);
        return;
      }
      expect(full.stderr).toContain(`kept in ${spool}`);
      expect(full.stderr).toMatch(/Free about [\d.]+ MB on its file system/);
      expect(full.stderr).toContain(`kstory bundle repair ${spool}`);
      const spooled = readdirSync(spool)
        .filter((f) => f.endsWith('.ndjson'))
        .reduce((n, f) => n + readFileSync(path.join(spool, f), 'utf8').split('\n').length - 1, 0);
      if (level === 'Request') expect(spooled).toBeGreaterThan(500);

      rmSync(filler);
      const repaired = kstory(['bundle', 'repair', spool, '-o', path.join(dir, 'repaired.parquet')]);
      expect(repaired.stderr).toBe('');
      expect(repaired.code).toBe(0);
      const rowsRepaired = Number(/repaired ([\d,]+) rows/.exec(repaired.stdout)?.[1]?.replace(/,/g, ''));
      expect(rowsRepaired).toBeGreaterThanOrEqual(level === 'Request' ? spooled - 1 : 1);
      rmSync(spool, { recursive: true, force: true });
      for (const f of readdirSync(disk!)) rmSync(path.join(disk!, f), { recursive: true, force: true });
    },
  );
});
