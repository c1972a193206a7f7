// YAML: one sequence of labels, each written as its item from the spool.

import { createWriteStream, readFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parse, stringify } from 'yaml';
import type { Label } from '../schema.ts';
import type { LabelFormat } from './format.ts';
import { spooledLabels } from './spool.ts';

export const yamlFormat: LabelFormat = {
  name: 'yaml',
  extensions: ['.yaml', '.yml'],
  description: 'one YAML sequence of labels',
  binary: false,
  async write(spool, file) {
    const out = createWriteStream(file);
    let any = false;
    for await (const label of spooledLabels(spool)) {
      // lineWidth 0: long strings stay on one line, as they were (no folding to read back differently).
      if (!out.write(stringify([label], { lineWidth: 0 })))
        await new Promise<void>((r) => out.once('drain', () => r()));
      any = true;
    }
    out.end(any ? '' : '[]\n');
    await finished(out);
  },
  async read(file) {
    return (parse(readFileSync(file, 'utf8')) ?? []) as Label[];
  },
};
