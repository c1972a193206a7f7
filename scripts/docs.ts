// `npm run docs`: regenerate the column tables in docs/bundle-format.md from src/bundle/columns.ts.

import { readFileSync, writeFileSync } from 'node:fs';
import { updateFormatDoc } from '../src/bundle/format-doc.ts';

const file = new URL('../docs/bundle-format.md', import.meta.url);
writeFileSync(file, updateFormatDoc(readFileSync(file, 'utf8')));
process.stdout.write('docs/bundle-format.md updated\n');
