// The error of a writer whose spool or bundle could not be written for a reason of the system: it
// says what the spool keeps and how to finish it.

import { KstoryError } from '../errors.ts';
import { directoryBytes } from './spool-size.ts';

/**
 * Writing the spool or the bundle failed for a reason of the system (a full disk, a quota, a
 * permission): the spool is kept, and the message says how much it holds and how to finish it.
 */
export class SpoolWriteError extends KstoryError {
  readonly spoolDir: string;

  constructor(spoolDir: string, cause: KstoryError) {
    const held = directoryBytes(spoolDir);
    super(cause.message, {
      hint:
        `The rows written before are kept in ${spoolDir} (${formatMb(held)}). Free about ` +
        `${formatMb(Math.max(held, 1 << 20))} on its file system (a bundle takes at most as much as ` +
        `its spool), then run: kstory bundle repair ${spoolDir} (with -o to write the bundle elsewhere)`,
      cause,
      fatal: true,
    });
    this.spoolDir = spoolDir;
  }
}

function formatMb(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(bytes < 10 << 20 ? 1 : 0)} MB`;
}
