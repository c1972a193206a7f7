// What the build computes once and kstory reads back at each start instead of computing it again
// (the pattern catalogue, the columns of the views): a JSON file beside the built module that uses
// it, holding the key of what it was computed from, read only while that key is still its inputs'.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

/** The key of a computation's inputs (texts, file contents), in order. */
export function keyOf(inputs: Iterable<string | Buffer>): string {
  const hash = createHash('sha256');
  for (const input of inputs) {
    hash.update(input);
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The value compiled into `file` for inputs of this `key`, or null when there is no such file or
 * the inputs changed since. Run from source, there is none. */
export function readCompiled<T>(file: string, key: string): T | null {
  if (!existsSync(file)) return null;
  const compiled = JSON.parse(readFileSync(file, 'utf8')) as { key: string; value: T };
  return compiled.key === key ? compiled.value : null;
}

/** Removes a compiled file, so that what computes its value computes it again. */
export function forgetCompiled(file: string): void {
  rmSync(file, { force: true });
}

/** Writes `value` for readCompiled; throws on a value JSON would not give back as it is. */
export function writeCompiled(file: string, key: string, value: unknown): void {
  const text = JSON.stringify({ key, value });
  if (!isDeepStrictEqual((JSON.parse(text) as { value: unknown }).value, value))
    throw new Error(`${file}: the value does not survive JSON, it cannot be compiled`);
  writeFileSync(file, text);
}
