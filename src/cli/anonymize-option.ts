// `--anonymize [--mapping FILE]` of import and record, as the bundle writer takes it; the mapping
// file is checked before any work is done, as the output is.

import { existsSync, statSync } from 'node:fs';
import { KstoryError } from '../errors.ts';

export const ANONYMIZE_HELP =
  'write a share-safe bundle: names, namespaces, users, IPs and hosts as stable pseudonyms';
export const MAPPING_HELP = 'with --anonymize: also write the mapping to each pseudonym here (mode 0600)';

export function anonymizeOption(flags: {
  anonymize?: boolean;
  mapping?: string;
  force?: boolean;
}): { mappingFile?: string } | undefined {
  if (flags.mapping !== undefined && !flags.anonymize)
    throw new KstoryError('--mapping goes with --anonymize', { hint: 'Add --anonymize, or drop --mapping.' });
  if (flags.mapping !== undefined) checkMappingFile(flags.mapping, flags.force === true);
  return flags.anonymize ? { mappingFile: flags.mapping } : undefined;
}

/** A mapping file may replace an existing file only with --force, and never a directory. */
export function checkMappingFile(file: string, force: boolean): void {
  if (!existsSync(file)) return;
  if (statSync(file).isDirectory())
    throw new KstoryError(`--mapping ${file} is a directory`, { hint: 'Give --mapping a file path.' });
  if (!force)
    throw new KstoryError(`--mapping ${file} already exists`, {
      hint: 'Choose another path for the mapping, or pass --force to replace it.',
    });
}
