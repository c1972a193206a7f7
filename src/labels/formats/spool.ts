// Reading the JSON-lines spool of a labels run line by line: every format is written from it.

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Label } from '../schema.ts';

/** Each label of a JSON-lines file, in order, without holding the file. */
export async function* spooledLabels(file: string): AsyncGenerator<Label> {
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) if (line.trim() !== '') yield JSON.parse(line) as Label;
}

/** Every label of a JSON-lines file. */
export async function readLabelLines(file: string): Promise<Label[]> {
  const out: Label[] = [];
  for await (const label of spooledLabels(file)) out.push(label);
  return out;
}
