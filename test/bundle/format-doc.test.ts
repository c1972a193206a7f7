// docs/bundle-format.md must describe exactly the columns the writer writes.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMNS } from '../../src/bundle/columns.ts';
import { updateFormatDoc } from '../../src/bundle/format-doc.ts';
import { ROOT } from '../support/cli.ts';

describe('docs/bundle-format.md', () => {
  const document = readFileSync(path.join(ROOT, 'docs/bundle-format.md'), 'utf8');

  it('has column tables in sync with src/bundle/columns.ts (run `npm run docs` to update)', () => {
    expect(updateFormatDoc(document)).toBe(document);
  });

  it('names every column', () => {
    for (const column of COLUMNS) expect(document).toContain(`| \`${column.name}\` |`);
  });
});
