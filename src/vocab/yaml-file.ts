// A YAML data file validated by a zod schema, its first problem said as `file:line: field a.b:
// message` in a KstoryError: the form of every correlation rule and vocabulary file.

import { readFileSync } from 'node:fs';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { KstoryError, messageOf } from '../errors.ts';

export function loadYamlFile<T>(file: string, schema: z.ZodType<T>, hint: string): T {
  const fail = (message: string, line?: number, field?: string): never => {
    throw new KstoryError(`${file}${line ? `:${line}` : ''}: ${field ? `field ${field}: ` : ''}${message}`, {
      hint,
    });
  };
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(`cannot read it: ${messageOf(error)}`);
  }
  // js-yaml reads a good file several times faster than `yaml` (every analysis reads the rules and
  // vocabularies), as for patterns; `yaml`'s document model says the line of what is wrong.
  try {
    const fast = schema.safeParse(loadYaml(text, { schema: CORE_SCHEMA, filename: file }));
    if (fast.success) return fast.data;
  } catch {
    // Not valid YAML: said below, with its line.
  }
  const document = parseDocument(text);
  const error = document.errors[0];
  if (error) fail(`not valid YAML: ${error.message.split('\n')[0]}`, error.linePos?.[0]?.line);
  const parsed = schema.safeParse(document.toJS());
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  // The line of the field, or of the nearest enclosing one (the item a missing field is missing from).
  let line: number | undefined;
  for (let n = issue.path.length; n > 0 && line === undefined; n--) {
    const node = document.getIn(issue.path.slice(0, n) as (string | number)[], true) as
      | { range?: [number, number] }
      | undefined;
    if (node?.range) line = text.slice(0, node.range[0]).split('\n').length;
  }
  return fail(issue.message, line, issue.path.map(String).join('.') || '(root)');
}
