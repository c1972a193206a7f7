// How many bytes a spool takes on disk: said when a full disk stops a writer, as the space that
// finishing it needs.

import { type Dirent, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export function directoryBytes(dir: string): number {
  let total = 0;
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    try {
      total += entry.isDirectory() ? directoryBytes(full) : statSync(full).size;
    } catch {
      // Gone while counted: it takes no space.
    }
  }
  return total;
}
