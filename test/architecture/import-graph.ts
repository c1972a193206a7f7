// The import graph of src/ as the source declares it: which module imports which, and whether only
// types (erased at build time, so no runtime dependency). Read by the layering test.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ImportEdge {
  /** Paths relative to src/, e.g. `analyze/detect.ts`. */
  from: string;
  to: string;
  typeOnly: boolean;
}

// `import x, { a, type b } from './m.ts'`, `import type { T } from`, `export * from`, `export { a } from`;
// the clause holds only names, braces, commas and `*`, so that the match never runs past a statement.
const STATIC = /(?:^|\n)[ \t]*(?:import|export)(\s+type)?\s+([\w$*\s{},]*?)\s*from\s*['"]([^'"]+)['"]/g;
const BARE = /(?:^|\n)[ \t]*import\s*['"]([^'"]+)['"]/g;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The relative specifiers a module's text imports, each with whether only types come through it. */
export function importsOf(text: string): { specifier: string; typeOnly: boolean }[] {
  const found: { specifier: string; typeOnly: boolean }[] = [];
  for (const [, type, clause, specifier] of text.matchAll(STATIC)) {
    const names = clause!.replace(/[{}\s]+/g, ' ').trim();
    const braced = /^\{[^}]*\}$/.test(clause!.trim());
    const everyNameTyped =
      braced &&
      names
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean)
        .every((n) => n.startsWith('type '));
    found.push({ specifier: specifier!, typeOnly: type !== undefined || everyNameTyped });
  }
  for (const [, specifier] of text.matchAll(BARE)) found.push({ specifier: specifier!, typeOnly: false });
  for (const [, specifier] of text.matchAll(DYNAMIC)) found.push({ specifier: specifier!, typeOnly: false });
  return found.filter((i) => i.specifier.startsWith('.'));
}

/** Every relative import between modules of `srcDir`. */
export function importGraph(srcDir: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) {
        for (const { specifier, typeOnly } of importsOf(readFileSync(file, 'utf8'))) {
          const target = path.resolve(path.dirname(file), specifier);
          edges.push({
            from: path.relative(srcDir, file).split(path.sep).join('/'),
            to: path.relative(srcDir, target).split(path.sep).join('/'),
            typeOnly,
          });
        }
      }
    }
  };
  walk(srcDir);
  return edges;
}
