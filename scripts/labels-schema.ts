// Part of `npm run docs`: regenerate docs/labels.schema.json, the JSON Schema of the training labels
// `kstory labels` writes, from their zod schema (src/labels/schema.ts).

import { writeFileSync } from 'node:fs';
import { labelJsonSchema } from '../src/labels/schema.ts';

writeFileSync(
  new URL('../docs/labels.schema.json', import.meta.url),
  `${JSON.stringify(labelJsonSchema(), null, 2)}\n`,
);
process.stdout.write('docs/labels.schema.json updated\n');
