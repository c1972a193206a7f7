// What an evaluation's figures depend on besides its samples: kstory's own code, its pattern
// catalogue and the labels, fingerprinted file by file so that a change while it runs (an edit, a
// checkout, a rebuild) is found and its figures said to be invalid: they mix two versions.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** path → size, modification time and content hash of each file under the roots. */
export type Fingerprint = Map<string, string>;

/** Folders never part of what runs: dependencies and version control. */
const SKIPPED = new Set(['node_modules', '.git']);

/** Fingerprints every file under the roots (folders or files; absent ones are left out). The
 * modification time counts too: a file edited and put back while the run went on served both. */
export function fingerprintOf(roots: readonly string[]): Fingerprint {
  const out: Fingerprint = new Map();
  const visit = (file: string) => {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(file);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(file).sort()) if (!SKIPPED.has(name)) visit(path.join(file, name));
      return;
    }
    if (!stat.isFile()) return;
    let hash: string;
    try {
      hash = createHash('sha1').update(readFileSync(file)).digest('hex');
    } catch {
      return;
    }
    out.set(file, `${stat.size}:${stat.mtimeMs}:${hash}`);
  };
  for (const root of roots) if (existsSync(root)) visit(path.resolve(root));
  return out;
}

/** The files added, removed or changed between two fingerprints, sorted. */
export function changedFiles(before: Fingerprint, after: Fingerprint): string[] {
  const changed = new Set<string>();
  for (const [file, print] of before) if (after.get(file) !== print) changed.add(file);
  for (const file of after.keys()) if (!before.has(file)) changed.add(file);
  return [...changed].sort();
}
