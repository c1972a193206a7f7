// JSON lines: one label per line, the format every other is read against.

import { copyFileSync } from 'node:fs';
import type { LabelFormat } from './format.ts';
import { readLabelLines } from './spool.ts';

export const jsonlFormat: LabelFormat = {
  name: 'jsonl',
  extensions: ['.jsonl', '.ndjson'],
  description: 'one JSON label per line',
  binary: false,
  async write(spool, file) {
    copyFileSync(spool, file);
  },
  read: readLabelLines,
};
