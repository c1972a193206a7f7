// `kstory patterns`: the catalogue as a user lists it, and the user's own patterns tested against
// their own bundles through the real CLI.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { kstory, ROOT } from '../support/cli.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

/** A user pattern: Pods with a container waiting in CrashLoopBackOff. */
function userPatterns(tests: unknown[]): string {
  const dir = path.join(tempDir(), 'my-patterns');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'my-crash.yaml'),
    stringify({
      id: 'my-crash',
      title: 'My crash',
      status: 'experimental',
      severity: 'high',
      description: 'A container waiting in CrashLoopBackOff.',
      subject: 'container',
      detect: {
        signals: { backoff: { from: 'containers', where: { reason: 'CrashLoopBackOff' } } },
        condition: 'backoff',
      },
      confidence: { base: 0.5 },
      narrative: { summary: 'Container {{container}} of {{namespace}}/{{name}} crashes.' },
      remediation: ['Fix it.'],
      tests,
    }),
  );
  return dir;
}

const fixture = (name: string) => path.join(ROOT, 'fixtures', `${name}.parquet`);

describe('kstory patterns', () => {
  it('lists the built-in catalogue and the user’s patterns', () => {
    const dir = userPatterns([]);
    const { code, stdout } = kstory(['patterns', 'list', '--patterns', dir]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^crash-loop-backoff +high +Container restarting in CrashLoopBackOff$/m);
    expect(stdout).toMatch(/^my-crash +high +My crash$/m);
  });

  it('runs a user pattern’s tests: passing ones exit 0, a failing one exits 1 and says why', () => {
    const passing = userPatterns([
      { bundle: fixture('bad-command'), expect: { match: true, subject: 'shop/Deployment/notifier' } },
      { bundle: fixture('healthy-cluster'), expect: { match: false } },
    ]);
    const ok = kstory(['patterns', 'test', 'my-crash', '--patterns', passing]);
    expect(ok.stdout).toContain('2 passed, 0 failed');
    expect(ok.code).toBe(0);

    const failing = userPatterns([{ bundle: fixture('healthy-cluster'), expect: { match: true } }]);
    const bad = kstory(['patterns', 'test', 'my-crash', '--patterns', failing]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAIL my-crash #1 finds .*healthy-cluster\.parquet: nothing/);
  });

  it('refuses an unknown pattern id and, with --require, a pattern without a negative test', () => {
    const unknown = kstory(['patterns', 'test', 'no-such-pattern']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown pattern id "no-such-pattern"');
    const dir = userPatterns([{ bundle: fixture('bad-command'), expect: { match: true } }]);
    const required = kstory(['patterns', 'test', 'my-crash', '--require', '--patterns', dir]);
    expect(required.code).toBe(2);
    expect(required.stderr).toMatch(/my-crash\.yaml.*needs at least one negative test/);
  });
});
