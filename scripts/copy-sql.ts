// Part of `npm run build`: copies the views' .sql files beside the compiled modules that read them
// (dist/src/views/), which tsc does not do.

import { cpSync, statSync } from 'node:fs';

cpSync(new URL('../src/', import.meta.url), new URL('../dist/src/', import.meta.url), {
  recursive: true,
  filter: (source) => source.endsWith('.sql') || statSync(source).isDirectory(),
});
