// docs/report-format.md and docs/report.schema.json must describe exactly the report the schema
// declares: changing the schema without `npm run docs` fails here.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA, reportJsonSchema } from '../../src/analyze/report.ts';
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

describe('docs/report.schema.json', () => {
  it('is the JSON Schema of the current report schema (run `npm run docs` to update)', () => {
    const committed = JSON.parse(readFileSync(path.join(ROOT, 'docs/report.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(reportJsonSchema())));
    // Every time is a string of JSON Schema's date-time format, not a type of its own.
    expect(JSON.stringify(committed)).not.toContain('"type":"RFC 3339 time"');
    expect(committed.properties.window.properties.start).toMatchObject({
      type: 'string',
      format: 'date-time',
    });
  });
});
