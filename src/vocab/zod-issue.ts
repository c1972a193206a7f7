// Problems in a file, said one way: `file:line: field a.b: what is wrong`. Used for what zod finds
// wrong in a pattern, a chain, a query file, a spool's state or a bundle's metadata, and for the
// checks a schema cannot express, so that every such message names the file, the line and the field.

import { type Document, parseDocument } from 'yaml';
import type { z } from 'zod';

export interface Problem {
  file: string;
  /** 1-based, when the file's text is known. */
  line?: number | undefined;
  /** `a.b.0`: where in the document; none for the file as a whole. */
  field?: string | undefined;
  message: string;
}

export function describeProblem(problem: Problem): string {
  const where = `${problem.file}${problem.line ? `:${problem.line}` : ''}`;
  return `${where}: ${problem.field ? `field ${problem.field}: ` : ''}${problem.message}`;
}

/** `queries.1.name`, or `(root)` for the document itself. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(root)';
}

/** A YAML file's text, parsed to tell where a field is. */
export interface YamlSource {
  text: string;
  document: Document;
}

/** The YAML document of a file's text, or the problem that makes it unreadable (with its line). */
export function readYaml(text: string, file: string): YamlSource | Problem {
  const document = parseDocument(text);
  const error = document.errors[0];
  if (error)
    return {
      file,
      line: error.linePos?.[0]?.line,
      message: `not valid YAML: ${error.message.split('\n')[0]}`,
    };
  return { text, document };
}

export function isProblem(value: YamlSource | Problem): value is Problem {
  return 'message' in value;
}

/** The line of a field, or of the nearest enclosing one that exists (the item a missing field is missing from). */
export function lineAt(source: YamlSource, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const node = source.document.getIn(path.slice(0, n) as (string | number)[], true) as
      | { range?: [number, number] }
      | undefined;
    if (node?.range) return lineOf(source.text, node.range[0]);
  }
  return undefined;
}

/** The first issue of a failed zod parse as a problem of `file`, at its line when the YAML is given. */
export function zodProblem(error: z.ZodError, file: string, source?: YamlSource): Problem {
  const issue = error.issues[0];
  if (!issue) return { file, message: 'invalid' };
  return {
    file,
    line: source ? lineAt(source, issue.path) : undefined,
    field: fieldPath(issue.path),
    message: issue.message,
  };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
