// Each name has one home: no module of src/ passes on names of another (`export … from`), so that
// an importer names the module a type or a function lives in, and moving it shows every user.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');
const RE_EXPORT =
  /(?:^|\n)[ \t]*export\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s*from\s*['"]([^'"]+)['"]/g;

/** `file: from './m.ts'` for each re-export of a module's text. */
function reExportsOf(file: string, text: string): string[] {
  return [...text.matchAll(RE_EXPORT)].map((m) => `${file}: from '${m[1]}'`);
}

/**
 * Modules that still pass names on, each with what removes it. An entry that no longer matches a
 * re-export fails the test, so the list only shrinks.
 */
const KNOWN_RE_EXPORTS: readonly { file: string; until: string }[] = [];

describe('src/', () => {
  it('has no re-exports: importers import from the module that declares a name', () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (entry.name.endsWith('.ts'))
          found.push(...reExportsOf(path.relative(SRC, file), readFileSync(file, 'utf8')));
      }
    };
    walk(SRC);
    const known = (line: string) => KNOWN_RE_EXPORTS.some((k) => line.startsWith(`${k.file}: `));
    expect(found.filter((line) => !known(line))).toEqual([]);
    for (const exception of KNOWN_RE_EXPORTS)
      expect(
        found.some((line) => line.startsWith(`${exception.file}: `)),
        `${exception.file} still re-exports`,
      ).toBe(true);
  });

  it('finds a re-export of any form', () => {
    const text =
      "export type { A } from './a.ts';\nexport { b, c } from '../b.ts';\nexport * from './d.ts';\nexport const e = 1;";
    expect(reExportsOf('m.ts', text)).toEqual([
      "m.ts: from './a.ts'",
      "m.ts: from '../b.ts'",
      "m.ts: from './d.ts'",
    ]);
  });
});
