// Where a bundle may be written, checked before any work is done: an existing file only with
// --force, never a directory, and only into a directory that exists and can be written.

import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { isOsError, KstoryError, osError } from '../errors.ts';

export function checkOutputPath(
  output: string,
  options: { force?: boolean; flag?: string; example?: string } = {},
): void {
  const flag = options.flag ?? '-o';
  const existing = statOrNull(output);
  if (existing?.isDirectory()) {
    throw new KstoryError(`${flag} ${output} is a directory`, {
      hint: `Give ${flag} the path of a file to write, e.g. ${path.join(output, options.example ?? 'incident.parquet')}.`,
    });
  }
  if (existing && !options.force) {
    throw new KstoryError(`${output} already exists`, {
      hint: 'Choose another output path, or pass --force to replace it.',
    });
  }
  const dir = path.dirname(path.resolve(output));
  const parent = statOrNull(dir);
  if (!parent) {
    throw new KstoryError(`cannot write ${output}: directory ${dir} does not exist`, {
      hint: 'Create the directory first or choose another output path.',
    });
  }
  if (!parent.isDirectory()) {
    throw new KstoryError(`cannot write ${output}: ${dir} is not a directory`, {
      hint: 'Choose another output path.',
    });
  }
  try {
    // The bundle, its spool and its temp file all go into this directory.
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    if (!isOsError(error)) throw error;
    throw osError(error, { doing: 'write into directory', file: dir });
  }
}

function statOrNull(file: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(file);
  } catch (error) {
    if (isOsError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return null;
    if (isOsError(error)) throw osError(error, { doing: 'read' });
    throw error;
  }
}
