// Which files a bundle argument names: a bundle file, a directory of them, a glob, or the spool of a
// writer (running or not), whose segments are snapshotted so that the writer cannot pull them away.

import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { KstoryError } from '../errors.ts';
import type { BundleMetadata } from './metadata.ts';
import { isSpoolDir, listSegments, readSpoolState, SPOOL_FILE } from './spool.ts';

/** One file to read as part of a bundle. */
export interface Source {
  path: string;
  format: 'parquet' | 'ndjson';
  /** Metadata for spool segments comes from the spool's state file, not from the segment. */
  spoolMetadata?: BundleMetadata;
}

/** The files the inputs name, in order; a spool's are links or copies in `scratchDir`. */
export function resolveInputs(inputs: readonly string[], scratchDir: string): Source[] {
  return inputs.flatMap((input) => resolveInput(input, scratchDir));
}

function resolveInput(input: string, scratchDir: string): Source[] {
  if (isDynamicPattern(input)) {
    const matches = globSync(input, { absolute: true, onlyFiles: false }).sort();
    if (matches.length === 0) {
      throw new KstoryError(`${input}: no file matches this pattern`, {
        hint: 'Check the pattern; quote it so that the shell does not expand it first.',
      });
    }
    return matches.flatMap((match) => resolveInput(match, scratchDir));
  }
  const absolute = path.resolve(input);
  if (!existsSync(absolute)) {
    throw new KstoryError(`${input}: no such file or directory`, {
      hint: 'Give the path of a bundle (.parquet) written by kstory record, import or simulate, or of its .spool directory.',
    });
  }
  if (!statSync(absolute).isDirectory()) return [{ path: absolute, format: 'parquet' }];
  if (isSpoolDir(absolute)) return snapshotSpool(absolute, scratchDir);
  const parquetFiles = globSync('*.parquet', { cwd: absolute, absolute: true }).sort();
  if (parquetFiles.length === 0) {
    throw new KstoryError(`${input}: directory holds no bundle (.parquet) files and is not a spool`, {
      hint: 'Give a bundle file, a directory of bundle files, or a .spool directory left by a writer.',
    });
  }
  return parquetFiles.map((p) => ({ path: p, format: 'parquet' as const }));
}

/**
 * A spool may belong to a writer that is still running: it appends to its open segment and replaces
 * JSON-lines segments with Parquet ones. Reading from hard links (or copies) taken now gives a
 * consistent view that the writer cannot pull away; a segment compacted while we look is retried.
 */
function snapshotSpool(spoolDir: string, scratchDir: string): Source[] {
  const metadata = existsSync(path.join(spoolDir, SPOOL_FILE))
    ? readSpoolState(spoolDir).metadata
    : undefined;
  const target = mkdtempSync(path.join(scratchDir, 'spool-'));
  for (let attempt = 0; ; attempt++) {
    try {
      return listSegments(spoolDir).flatMap((segment): Source[] => {
        const file = segment.parquet ?? segment.ndjson;
        if (!file || statSync(file).size === 0) return [];
        const copy = path.join(target, path.basename(file));
        rmSync(copy, { force: true });
        try {
          linkSync(file, copy);
        } catch {
          copyFileSync(file, copy);
        }
        return [{ path: copy, format: segment.parquet ? 'parquet' : 'ndjson', spoolMetadata: metadata }];
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
      rmSync(target, { recursive: true, force: true });
      mkdirSync(target);
    }
  }
}
