// Values compiled at build time: read back only for the key they were computed for, and only when
// JSON gives them back as they were.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyOf, readCompiled, writeCompiled } from '../../src/vocab/compiled-file.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

describe('compiled files', () => {
  it('give back their value for the key they were written with, and nothing for another', () => {
    const file = path.join(tempDir(), 'value.json');
    const key = keyOf(['pattern text', Buffer.from('signal text')]);
    writeCompiled(file, key, { patterns: [{ id: 'oom-killed', boost: { oom: 0.2 } }] });
    expect(readCompiled(file, key)).toEqual({ patterns: [{ id: 'oom-killed', boost: { oom: 0.2 } }] });
    expect(readCompiled(file, keyOf(['pattern text', Buffer.from('signal text, edited')]))).toBeNull();
    expect(readCompiled(path.join(tempDir(), 'none.json'), key)).toBeNull();
  });

  it('keys the inputs apart, not only their concatenation', () => {
    expect(keyOf(['ab', 'c'])).not.toBe(keyOf(['a', 'bc']));
  });

  it('refuses a value JSON would change, and writes nothing', () => {
    const file = path.join(tempDir(), 'value.json');
    expect(() => writeCompiled(file, 'k', { at: new Date(0) })).toThrow(/does not survive JSON/);
    expect(() => writeCompiled(file, 'k', { detail: undefined })).toThrow(/does not survive JSON/);
    expect(existsSync(file)).toBe(false);
  });
});
