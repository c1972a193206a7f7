// Part of `npm run docs`: regenerate docs/labels.schema.json, the JSON Schema of the training labels
// `kstory labels` writes, from their zod schema (src/labels/schema.ts).

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { labelJsonSchema } from '../src/labels/schema.ts';

writeFileSync(
  new URL('../docs/labels.schema.json', import.meta.url),
  `${JSON.stringify(labelJsonSchema(), null, 2)}\n`,
);
// Laid out as the formatter lays out every JSON file of the repository, so that lint stays clean.
execFileSync('npx', ['biome', 'format', '--write', 'docs/labels.schema.json'], { stdio: 'ignore' });
process.stdout.write('docs/labels.schema.json updated\n');
