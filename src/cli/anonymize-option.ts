// `--anonymize [--mapping FILE]` of import and record, as the bundle writer takes it.

import { KstoryError } from '../errors.ts';

export const ANONYMIZE_HELP =
  'write a share-safe bundle: names, namespaces, users, IPs and hosts as stable pseudonyms';
export const MAPPING_HELP = 'with --anonymize: also write the mapping to each pseudonym here (mode 0600)';

export function anonymizeOption(flags: {
  anonymize?: boolean;
  mapping?: string;
}): { mappingFile?: string } | undefined {
  if (flags.mapping !== undefined && !flags.anonymize)
    throw new KstoryError('--mapping goes with --anonymize', { hint: 'Add --anonymize, or drop --mapping.' });
  return flags.anonymize ? { mappingFile: flags.mapping } : undefined;
}
