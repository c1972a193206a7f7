// The key of a run's pseudonyms and redaction tokens. By default each run draws a random one that
// is never written anywhere; `--mask-key FILE` gives one, so that a dataset can be made again.

import { createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { KstoryError, type OsError, osError } from '../errors.ts';

/** Fewer bytes than this are too few to keep names from being guessed back from their pseudonyms. */
export const MIN_KEY_BYTES = 16;

/** What a run's key keys: one key each, so that neither hash says anything of the other. */
export type KeyUse = 'pseudonyms' | 'redaction';

/** The key of one use, made from the run's key. */
export function keyFor(runKey: Uint8Array, use: KeyUse): Uint8Array {
  return createHmac('sha256', runKey).update(`kstory:labels:${use}`).digest();
}

/** A run's key from a file: its bytes as they are, at least MIN_KEY_BYTES of them. */
export function readRunKey(file: string): Uint8Array {
  const hint = `Make one with: head -c 32 /dev/urandom > ${file} && chmod 600 ${file}`;
  let key: Buffer;
  try {
    if (statSync(file).isDirectory())
      throw new KstoryError(`--mask-key ${file} is a directory`, { hint: 'Give --mask-key a key file.' });
    key = readFileSync(file);
  } catch (error) {
    if (error instanceof KstoryError || !(error as OsError).code) throw error;
    const code = (error as OsError).code;
    throw osError(error as OsError, {
      doing: 'read the key file',
      file,
      ...(code === 'ENOENT' ? { hint } : {}),
    });
  }
  if (key.length < MIN_KEY_BYTES)
    throw new KstoryError(
      `--mask-key ${file} holds ${key.length} bytes: a key needs at least ${MIN_KEY_BYTES}, random ones`,
      { hint },
    );
  return key;
}
