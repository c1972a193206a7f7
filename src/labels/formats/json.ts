// JSON: one array of labels, written from the spool a line at a time.

import { createWriteStream, readFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Label } from '../schema.ts';
import type { LabelFormat } from './format.ts';
import { spooledLabels } from './spool.ts';

export const jsonFormat: LabelFormat = {
  name: 'json',
  extensions: ['.json'],
  description: 'one JSON array of labels',
  binary: false,
  async write(spool, file) {
    const out = createWriteStream(file);
    let first = true;
    out.write('[');
    for await (const label of spooledLabels(spool)) {
      const text = JSON.stringify(label, null, 2).replace(/\n/g, '\n  ');
      if (!out.write(`${first ? '\n  ' : ',\n  '}${text}`))
        await new Promise<void>((r) => out.once('drain', () => r()));
      first = false;
    }
    out.end(first ? ']\n' : '\n]\n');
    await finished(out);
  },
  async read(file) {
    return JSON.parse(readFileSync(file, 'utf8')) as Label[];
  },
};
