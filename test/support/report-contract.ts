// Checks a report as a script reads it (the JSON `kstory analyze --json` prints) against the report
// contract twice: the zod schema the code builds it by, and the committed docs/report.schema.json a
// reader's own tool would validate it with.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { ReportSchema } from '../../src/analyze/report.ts';
import { ROOT } from './cli.ts';

let validate: ValidateFunction | undefined;

/** Where the JSON breaks the contract, as `path: message` lines; empty when it keeps it. */
export function reportContractIssues(json: unknown): string[] {
  // Times are checked by the schema's pattern; `format` is only their name.
  validate ??= new Ajv2020({ allErrors: true, strict: false, validateFormats: false }).compile(
    JSON.parse(readFileSync(path.join(ROOT, 'docs/report.schema.json'), 'utf8')),
  );
  const zodIssues = (ReportSchema.safeParse(json).error?.issues ?? []).map(
    (issue) => `zod ${issue.path.join('.')}: ${issue.message}`,
  );
  const schemaIssues = validate(json)
    ? []
    : (validate.errors ?? []).map((error) => `JSON Schema ${error.instancePath}: ${error.message}`);
  return [...zodIssues, ...schemaIssues];
}
