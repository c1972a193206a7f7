// Problems in a file, said one way: the file, the line when the YAML is known, the field, and what
// is wrong.

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  describeProblem,
  fieldPath,
  isProblem,
  lineAt,
  readYaml,
  type YamlSource,
  zodProblem,
} from '../../src/vocab/zod-issue.ts';

const Schema = z.strictObject({
  queries: z.array(
    z.strictObject({ name: z.string().regex(/^[a-z]+$/, 'lower-case letters only'), expr: z.string() }),
  ),
});

function source(text: string): YamlSource {
  const read = readYaml(text, 'q.yaml');
  if (isProblem(read)) throw new Error(read.message);
  return read;
}

describe('problems in a file', () => {
  it('read file:line: field a.b: message, leaving out what is not known', () => {
    expect(describeProblem({ file: 'q.yaml', line: 4, field: 'queries.1.name', message: 'bad' })).toBe(
      'q.yaml:4: field queries.1.name: bad',
    );
    expect(describeProblem({ file: 'q.yaml', field: 'id', message: 'bad' })).toBe('q.yaml: field id: bad');
    expect(describeProblem({ file: 'q.yaml', message: 'not valid YAML' })).toBe('q.yaml: not valid YAML');
    expect(fieldPath([])).toBe('(root)');
    expect(fieldPath(['queries', 1, 'name'])).toBe('queries.1.name');
  });

  it('name the line and field of what zod refuses, or of the item a missing field belongs to', () => {
    const text = 'queries:\n  - name: ok\n    expr: up\n  - name: Bad\n    expr: up\n  - name: other\n';
    const yaml = source(text);
    const bad = Schema.safeParse(yaml.document.toJS());
    expect(bad.success).toBe(false);
    expect(describeProblem(zodProblem(bad.error!, 'q.yaml', yaml))).toBe(
      'q.yaml:4: field queries.1.name: lower-case letters only',
    );
    const missing = source('queries:\n  - name: ok\n    expr: up\n  - name: other\n');
    const result = Schema.safeParse(missing.document.toJS());
    expect(describeProblem(zodProblem(result.error!, 'q.yaml', missing))).toMatch(
      /^q\.yaml:4: field queries\.1\.expr: /,
    );
    expect(lineAt(missing, ['queries', 0, 'expr'])).toBe(3);
    expect(describeProblem(zodProblem(result.error!, 'q.json'))).toMatch(
      /^q\.json: field queries\.1\.expr: /,
    );
  });

  it('say where YAML stops being YAML', () => {
    const read = readYaml('queries:\n  - name: a\n   expr: [\n', 'broken.yaml');
    expect(isProblem(read)).toBe(true);
    expect(describeProblem(read as never)).toMatch(/^broken\.yaml:\d+: not valid YAML: /);
  });
});
