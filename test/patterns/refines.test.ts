// `refines:` in a pattern names the patterns whose cause it names more specifically; the loader
// accepts only ids of the catalogue, and the catalogue's own declarations are kept.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_PATTERNS_DIR, loadPatterns } from '../../src/patterns/load.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A user pattern `id`, a copy of oom-killed declaring `refines`. */
function userPattern(id: string, refines: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kstory-refines-'));
  dirs.push(dir);
  const text = readFileSync(path.join(BUILTIN_PATTERNS_DIR, 'oom-killed.yaml'), 'utf8').replace(
    /^id: oom-killed$/m,
    `id: ${id}\nrefines: [${refines.join(', ')}]`,
  );
  writeFileSync(path.join(dir, `${id}.yaml`), text);
  return dir;
}

describe('refines', () => {
  it('is empty unless declared, and kept when it names patterns of the catalogue', () => {
    const patterns = loadPatterns({
      userDirs: [userPattern('oom-killed-sidecar', ['oom-killed', 'crash-loop-backoff'])],
    });
    expect(patterns.find((p) => p.id === 'oom-killed')?.refines).toEqual([]);
    expect(patterns.find((p) => p.id === 'oom-killed-sidecar')?.refines).toEqual([
      'oom-killed',
      'crash-loop-backoff',
    ]);
  });

  it('refuses an id the catalogue lacks, or the pattern itself, naming the file and the field', () => {
    const unknown = userPattern('oom-killed-sidecar', ['oom-killled']);
    expect(() => loadPatterns({ userDirs: [unknown] })).toThrow(
      `${path.join(unknown, 'oom-killed-sidecar.yaml')}: field refines.0: "oom-killled" is not a pattern of the catalogue`,
    );
    const itself = userPattern('oom-killed-sidecar', ['oom-killed', 'oom-killed-sidecar']);
    expect(() => loadPatterns({ userDirs: [itself] })).toThrow(
      /field refines\.1: "oom-killed-sidecar" is not another pattern of the catalogue/,
    );
  });
});
