// Argument parsers shared by the commands' flags.

import { InvalidArgumentError } from 'commander';
import { compileRegex } from '../vocab/log-filter.ts';

/** A comma-separated list (`--only a,b --only c` gives a, b, c); empty items are dropped. */
export function commaList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

/** A regular expression flag: invalid ones are refused while parsing, naming the flag. */
export function regex(value: string): RegExp {
  try {
    return compileRegex(value);
  } catch (error) {
    throw new InvalidArgumentError(
      `expected a regular expression: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** A whole number of at least 1. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}
