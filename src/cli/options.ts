// Argument parsers shared by the commands' flags: the grammar is src/vocab/option-values.ts; these
// turn what it refuses into commander's error, which names the flag.

import { InvalidArgumentError } from 'commander';
import { KstoryError } from '../errors.ts';
import { readFraction, readPositiveInt, readRegex } from '../vocab/option-values.ts';

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

/** A flag's parser from a reader of the shared grammar: a value it refuses names the flag. */
function flagValue<T>(read: (text: string) => T): (value: string) => T {
  return (value) => {
    try {
      return read(value);
    } catch (error) {
      if (error instanceof KstoryError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

/** A regular expression flag: invalid ones are refused while parsing, naming the flag. */
export const regex = flagValue(readRegex);

/** A whole number of at least 1. */
export const positiveInt = flagValue(readPositiveInt);

/** A number between 0 and 1. */
export const fraction = flagValue(readFraction);
