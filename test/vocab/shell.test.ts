// Quoting for a POSIX shell, and the bundles filled into the commands remediation suggests.

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fillBundleArguments, shellQuote } from '../../src/vocab/shell.ts';

describe('shellQuote', () => {
  it('leaves plain paths alone and quotes the rest so that a shell reads them back unchanged', () => {
    expect(shellQuote('/tmp/incident.parquet')).toBe('/tmp/incident.parquet');
    for (const word of ["it's here.parquet", 'a b/$(rm -rf x)`y`.parquet', 'dir/*.parquet', '']) {
      const echoed = execFileSync('sh', ['-c', `printf %s ${shellQuote(word)}`], { encoding: 'utf8' });
      expect(echoed).toBe(word);
    }
  });
});

describe('fillBundleArguments', () => {
  const step = "kstory describe pod -n shop web --at '10:00' -b <bundle> shows its events.";

  it('gives -b once per bundle, quoted', () => {
    expect(fillBundleArguments(step, ['/data/incident.parquet'])).toBe(
      "kstory describe pod -n shop web --at '10:00' -b /data/incident.parquet shows its events.",
    );
    expect(fillBundleArguments(step, ['rec one.parquet', 'audit.parquet'])).toBe(
      "kstory describe pod -n shop web --at '10:00' -b 'rec one.parquet' -b audit.parquet shows its events.",
    );
  });

  it('fills a bare placeholder with the bundles as arguments, and leaves text without one alone', () => {
    expect(fillBundleArguments('kstory serve <bundle>', ['a.parquet', "b's.parquet"])).toBe(
      "kstory serve a.parquet 'b'\\''s.parquet'",
    );
    expect(fillBundleArguments('Check the node.', ['a.parquet'])).toBe('Check the node.');
    expect(fillBundleArguments(step, [])).toBe(step);
  });
});
