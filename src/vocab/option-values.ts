// The grammar of the option values several commands take (a count, a share between 0 and 1, a
// regular expression): each reads what a user wrote or says what it expected, the same everywhere.

import { KstoryError } from '../errors.ts';
import { compileRegex } from './log-filter.ts';

/** A whole number of at least 1 (`--top 5`, `--log-streams 32`). */
export function readPositiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new KstoryError('expected a positive whole number');
  return n;
}

/** A number between 0 and 1 (a confidence, a score). */
export function readFraction(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new KstoryError('expected a number between 0 and 1');
  return n;
}

/** A regular expression as compileRegex reads it (`(?i)` for any case). */
export function readRegex(text: string): RegExp {
  try {
    return compileRegex(text);
  } catch (error) {
    throw new KstoryError(
      `expected a regular expression: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
