// `kstory patterns new`: a pattern file that loads, whose tests fail until it is filled in and its
// bundles exist, and that passes them once it is; through the real CLI.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPatternFile } from '../../src/patterns/load.ts';
import { scaffoldPattern } from '../../src/patterns/scaffold.ts';
import { kstory, ROOT } from '../support/cli.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const fixture = (name: string) => path.join(ROOT, 'fixtures', `${name}.parquet`);

describe('kstory patterns new', () => {
  it('writes a pattern that loads, whose tests fail until its bundles exist and it finds something', () => {
    const cwd = tempDir();
    const dir = path.join(cwd, 'my-patterns');
    const made = kstory(
      ['patterns', 'new', 'sidecar-crash', '--subject', 'container', '--dir', 'my-patterns'],
      {
        cwd,
      },
    );
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('wrote my-patterns/sidecar-crash.yaml');
    expect(made.stdout).toContain('my-patterns/fixtures/sidecar-crash.parquet, where it happens');
    expect(made.stdout).toContain('kstory patterns test sidecar-crash --patterns my-patterns');
    const file = path.join(dir, 'sidecar-crash.yaml');
    const pattern = loadPatternFile(file);
    expect(pattern.subject).toBe('container');
    expect(pattern.tests.map((t) => t.expect.match)).toEqual([true, false]);
    expect(kstory(['patterns', 'list', '--patterns', dir]).stdout).toMatch(
      /^sidecar-crash +medium +FILL-IN/m,
    );

    // Neither bundle exists: both tests fail, and say what to do.
    const unmade = kstory(['patterns', 'test', 'sidecar-crash', '--patterns', dir]);
    expect(unmade.code).toBe(1);
    expect(
      unmade.stdout.match(/^FAIL sidecar-crash #\d .*no such bundle: make it with kstory simulate/gm),
    ).toHaveLength(2);

    // The bundles exist, but the pattern still looks for FILL-IN: the positive test fails.
    mkdirSync(path.join(dir, 'fixtures'));
    copyFileSync(fixture('bad-command'), path.join(dir, 'fixtures/sidecar-crash.parquet'));
    copyFileSync(fixture('healthy-cluster'), path.join(dir, 'fixtures/sidecar-crash-healthy.parquet'));
    const unfilled = kstory(['patterns', 'test', 'sidecar-crash', '--patterns', dir]);
    expect(unfilled.code).toBe(1);
    expect(unfilled.stdout).toMatch(/^FAIL sidecar-crash #1 finds .*sidecar-crash\.parquet: nothing$/m);
    expect(unfilled.stdout).toContain('1 passed, 1 failed');

    // Filled in: it finds the crash loop, and nothing on the healthy cluster.
    const text = readFileSync(file, 'utf8').replace('{ reason: FILL-IN }', '{ reason: CrashLoopBackOff }');
    writeFileSync(file, text);
    const filled = kstory(['patterns', 'test', 'sidecar-crash', '--patterns', dir]);
    expect(filled.stdout).toContain('2 passed, 0 failed');
    expect(filled.code).toBe(0);
  });

  it('keeps an existing file unless --force, and refuses an id that is not one', () => {
    const dir = tempDir();
    expect(kstory(['patterns', 'new', 'quota-hit', '--dir', dir]).code).toBe(0);
    const again = kstory(['patterns', 'new', 'quota-hit', '--dir', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('quota-hit.yaml already exists');
    expect(kstory(['patterns', 'new', 'quota-hit', '--dir', dir, '--force']).code).toBe(0);
    const bad = kstory(['patterns', 'new', 'Quota_Hit', '--dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"Quota_Hit" is not a pattern id: lower-case words joined by dashes');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the project’s fixtures in a pattern of the built-in catalogue, and its schema beside it', () => {
    const scaffold = scaffoldPattern('volume-mount-denied', path.join(ROOT, 'patterns'), 'object');
    expect(scaffold.builtin).toBe(true);
    expect(scaffold.text).toContain('$schema=./pattern.schema.json');
    expect(scaffold.text).toContain('bundle: fixtures/volume-mount-denied.parquet');
    expect(scaffold.text).toContain('bundle: fixtures/healthy-cluster.parquet');
  });
});
