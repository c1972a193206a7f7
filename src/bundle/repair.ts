// `kstory bundle repair`: find the spool a user means and finish it into a bundle. The bundle goes
// beside the spool (or to -o), never to the path the spool's own state names: a spool that was
// moved, shared or crafted must not choose which file is written.

import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { KstoryError } from '../errors.ts';
import type { FinishResult } from './final-bundle.ts';
import { checkOutputPath } from './output-path.ts';
import { isSpoolDir, readSpoolState, SPOOL_FILE } from './spool.ts';
import { BundleWriter } from './writer.ts';

export async function repairSpool(
  target: string,
  options: { output?: string; force?: boolean } = {},
): Promise<FinishResult> {
  const spoolDir = locateSpool(target);
  const output = path.resolve(options.output ?? besideSpool(spoolDir));
  checkOutputPath(output, { force: options.force });
  if (existsSync(output)) rmSync(output);
  return finishSpool(spoolDir, { output });
}

/** `incident.parquet.spool` → `incident.parquet` in the same directory; any other name gets `.parquet`. */
export function besideSpool(spoolDir: string): string {
  const base = path.basename(spoolDir);
  const name =
    base.endsWith('.spool') && base.length > '.spool'.length
      ? base.slice(0, -'.spool'.length)
      : `${base}.parquet`;
  return path.join(path.dirname(spoolDir), name);
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

/** Finish the spool of a writer that did not finish (killed, crashed, or stopped with close()). */
export async function finishSpool(
  spoolDir: string,
  options: { output: string; memoryLimit?: string },
): Promise<FinishResult> {
  const state = readSpoolState(spoolDir);
  const writer = await BundleWriter.create({
    output: options.output,
    spoolDir,
    resume: true,
    metadata: { producer: state.metadata.producer, repaired: true },
    memoryLimit: options.memoryLimit,
  });
  return writer.finish();
}
