// `kstory bundle repair`: find the spool a user means and finish it into a bundle.

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { KstoryError } from '../errors.ts';
import { isSpoolDir, SPOOL_FILE } from './spool.ts';
import { type FinishResult, finishSpool } from './writer.ts';

export async function repairSpool(target: string, options: { output?: string } = {}): Promise<FinishResult> {
  const spoolDir = locateSpool(target);
  return finishSpool(spoolDir, { output: options.output ? path.resolve(options.output) : undefined });
}

function locateSpool(target: string): string {
  const candidates = [target, `${target}.spool`];
  for (const candidate of candidates) {
    if (existsSync(candidate) && statSync(candidate).isDirectory() && isSpoolDir(candidate)) {
      if (!existsSync(path.join(candidate, SPOOL_FILE))) {
        throw new KstoryError(`${candidate}: the spool has segments but no ${SPOOL_FILE}`, {
          hint: 'The spool was damaged by hand; its segments can still be read with kstory bundle info.',
        });
      }
      return path.resolve(candidate);
    }
  }
  throw new KstoryError(`${target}: no spool found here (looked for a directory with ${SPOOL_FILE})`, {
    hint: 'Give the .spool directory that a writer left beside its bundle, e.g. incident.parquet.spool.',
  });
}
