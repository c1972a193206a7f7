// The compiled catalogue the build writes beside the built loader: the patterns the files give, and
// never read once a file changed since it was compiled.

import { appendFileSync, cpSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_PATTERNS_DIR,
  compileCatalogue,
  loadPatterns,
  readCompiledCatalogue,
} from '../../src/patterns/load.ts';
import { ROOT } from '../support/cli.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

/** A copy of the built-in catalogue, compiled into a file of its own. */
function compiledCopy(): { dir: string; file: string } {
  const dir = path.join(tempDir(), 'patterns');
  cpSync(BUILTIN_PATTERNS_DIR, dir, { recursive: true });
  const file = path.join(tempDir(), 'catalogue.json');
  compileCatalogue(dir, file);
  return { dir, file };
}

describe('the compiled catalogue', () => {
  it('gives the patterns the files give', () => {
    const { dir, file } = compiledCopy();
    expect(readCompiledCatalogue(dir, file)).toStrictEqual(loadPatterns({ builtinDir: dir }));
  });

  it('is not read once a pattern or a shared signal changed, nor when one was added', () => {
    for (const change of [
      (dir: string) => appendFileSync(path.join(dir, 'oom-killed.yaml'), '\n# tuned\n'),
      (dir: string) => appendFileSync(path.join(dir, 'signals', 'container-ready-now.yaml'), '\n# tuned\n'),
      (dir: string) => cpSync(path.join(dir, 'oom-killed.yaml'), path.join(dir, 'oom-killed-again.yaml')),
    ]) {
      const { dir, file } = compiledCopy();
      expect(readCompiledCatalogue(dir, file)).not.toBeNull();
      change(dir);
      expect(readCompiledCatalogue(dir, file)).toBeNull();
    }
  });

  it('is the one the built loader reads, and source reads the files', async () => {
    // Built by `npm run build` (npm test builds first).
    const built = (await import(
      path.join(ROOT, 'dist/src/patterns/load.js')
    )) as typeof import('../../src/patterns/load.ts');
    expect(built.readCompiledCatalogue()).toStrictEqual(loadPatterns());
    expect(readCompiledCatalogue()).toBeNull();
  });
});
