// docs/views.md must describe the views as the registry and DuckDB have them.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { updateViewsDoc } from '../../src/views/docs.ts';
import { VIEWS } from '../../src/views/registry.ts';
import { ROOT } from '../support/cli.ts';

describe('docs/views.md', () => {
  const document = readFileSync(path.join(ROOT, 'docs/views.md'), 'utf8');

  it('has a reference in sync with src/views/ (run `npm run docs` to update)', () => {
    expect(updateViewsDoc(document)).toBe(document);
  });

  it('describes every view', () => {
    for (const view of VIEWS) expect(document).toContain(`### \`${view.name}\``);
  });
});
