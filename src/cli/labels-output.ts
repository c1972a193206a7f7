// Where `kstory labels` puts its labels: appended to a JSON-lines spool as they are made (a dataset
// of any size is never held whole), then written in the chosen format to the file of -o, all of it
// or nothing (a temporary file renamed into place), or to stdout.

import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import { KstoryError, messageOf } from '../errors.ts';
import type { Label } from '../labels/schema.ts';
import type { LabelFormat } from '../report/labels/format.ts';

export function openSpool(scratch: string): {
  spool: string;
  append: (label: Label) => Promise<void>;
  close: () => Promise<void>;
} {
  const spool = path.join(scratch, 'labels.jsonl');
  const out = createWriteStream(spool);
  return {
    spool,
    append: async (label) => {
      if (!out.write(`${JSON.stringify(label)}\n`))
        await new Promise<void>((r) => out.once('drain', () => r()));
    },
    close: async () => {
      out.end();
      await finished(out);
    },
  };
}

export async function writeLabels(
  format: LabelFormat,
  spool: string,
  output: string | undefined,
): Promise<void> {
  if (output === undefined) {
    const file = `${spool}.${format.name}`;
    await format.write(spool, file);
    await pipeline(createReadStream(file), process.stdout, { end: false });
    return;
  }
  const temporary = path.join(path.dirname(output), `.${path.basename(output)}.${process.pid}.tmp`);
  try {
    await format.write(spool, temporary);
    renameSync(temporary, output);
  } catch (error) {
    rmSync(temporary, { force: true });
    if (error instanceof KstoryError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (!code && !String(messageOf(error)).includes('IO Error')) throw error;
    throw new KstoryError(
      `cannot write ${output}: ${code === 'ENOENT' ? `directory ${path.dirname(output)} does not exist` : code === 'EISDIR' ? 'it is a directory' : messageOf(error)}`,
      { hint: 'Choose a file in a directory you can write to.' },
    );
  }
}
