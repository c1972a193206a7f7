// docs/report-format.md must describe exactly the report the schema declares.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA } from '../../src/analyze/report.ts';
import { renderFieldTables, updateReportDoc } from '../../src/analyze/report-doc.ts';
import { ROOT } from '../support/cli.ts';

describe('docs/report-format.md', () => {
  const document = readFileSync(path.join(ROOT, 'docs/report-format.md'), 'utf8');

  it('has field tables in sync with src/analyze/report.ts (run `npm run docs` to update)', () => {
    expect(updateReportDoc(document)).toBe(document);
  });

  it('names the version, says what changed from the last, and has a row for each field', () => {
    expect(document).toContain(`# The analysis report, \`${REPORT_SCHEMA}\``);
    expect(document).toContain('## Changes from `kstory.report/v1`');
    for (const field of ['transient', 'owner', 'resolved', 'confidence_reasons', 'bundle.gaps'])
      expect(document).toContain(`| \`${field}\` |`);
    expect(document).not.toContain('| `confidenceReasons` |');
    expect(renderFieldTables()).toMatch(/^### Report\n[\s\S]*### Incident\n[\s\S]*### Finding\n/);
  });
});
