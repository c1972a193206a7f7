// The core says what is wrong with an option's value; the command line names the flag that gave it.

import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { buildProgram, reportError } from '../../src/cli/main.ts';
import { forOption, KstoryError } from '../../src/errors.ts';
import { kstory } from '../support/cli.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

function stderrOf(action: () => void): string {
  const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    action();
    return write.mock.calls.map((c) => String(c[0])).join('');
  } finally {
    write.mockRestore();
  }
}

describe('errors about an option', () => {
  it('are printed after the flag of the command that ran', () => {
    const record = buildProgram().commands.find((c) => c.name() === 'record')!;
    const text = stderrOf(() =>
      reportError(new KstoryError('/x/audit.log does not exist', { option: 'auditLog' }), record),
    );
    expect(text).toBe('kstory: error: --audit-log /x/audit.log does not exist\n');
    const bare = stderrOf(() => reportError(new KstoryError('bad', { option: 'colour' }), new Command('x')));
    expect(bare).toBe('kstory: error: colour bad\n');
  });

  it('keep the option a reader of a value names, and leave others alone', () => {
    const tagged = (() => {
      try {
        forOption('subject', () => {
          throw new KstoryError('"x" is not namespace/kind/name', { hint: 'h' });
        });
      } catch (error) {
        return error as KstoryError;
      }
    })();
    expect(tagged).toMatchObject({ option: 'subject', message: '"x" is not namespace/kind/name', hint: 'h' });
    expect(() =>
      forOption('subject', () => {
        throw new TypeError('boom');
      }),
    ).toThrow(TypeError);
    expect(forOption('subject', () => 42)).toBe(42);
  });

  it('name the flag end to end, from analyze, import and simulate', () => {
    const subject = kstory(['analyze', 'fixtures/healthy-cluster.parquet', '--subject', 'checkout']);
    expect(subject.code).toBe(2);
    expect(subject.stderr).toContain('--subject "checkout" is not namespace/kind/name');
    const at = kstory(['import', 'fixtures/README.md', '-o', '/nonexistent/x.parquet', '--at', 'noon']);
    expect(at.code).toBe(2);
    expect(at.stderr).toContain('--at noon: not an RFC 3339 timestamp');
    const output = path.join(tempDir(), 'x.parquet');
    const start = kstory(['simulate', 'healthy-cluster', '-o', output, '--start', 'noon']);
    expect(start.code).toBe(2);
    expect(start.stderr).toContain('--start noon: not an RFC 3339 time');
  });
});
