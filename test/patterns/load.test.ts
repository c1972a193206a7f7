// Loading pattern files: every mistake in a pattern names the file, the field and what is expected.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { KstoryError } from '../../src/errors.ts';
import { loadPatternDir, loadPatternFile } from '../../src/patterns/load.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

function aPattern(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'my-pattern',
    title: 'Something broke',
    status: 'experimental',
    severity: 'medium',
    description: 'A test pattern.',
    subject: 'container',
    detect: {
      signals: { backoff: { from: 'containers', where: { reason: 'CrashLoopBackOff' } } },
      condition: 'backoff',
    },
    confidence: { base: 0.5 },
    narrative: { summary: 'Container {{container}} of {{namespace}}/{{name}} broke at {{first.backoff}}.' },
    remediation: ['Fix it.'],
    tests: [
      { bundle: 'fixtures/a.parquet', expect: { match: true } },
      { bundle: 'fixtures/b.parquet', expect: { match: false } },
    ],
    ...overrides,
  };
}

function writePattern(content: Record<string, unknown> | string, name = 'my-pattern.yaml'): string {
  const dir = tempDir();
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : stringify(content));
  return file;
}

function loadError(content: Record<string, unknown> | string, name?: string): string {
  try {
    loadPatternFile(writePattern(content, name), { requireTests: true });
  } catch (error) {
    expect(error).toBeInstanceOf(KstoryError);
    return (error as Error).message;
  }
  throw new Error('expected the pattern to be rejected');
}

describe('loadPatternFile', () => {
  it('loads a valid pattern with its parsed condition', () => {
    const pattern = loadPatternFile(writePattern(aPattern()), { requireTests: true });
    expect(pattern.id).toBe('my-pattern');
    expect(pattern.condition).toEqual({ op: 'signal', name: 'backoff' });
    expect(pattern.references).toEqual([]);
  });

  it('names the file and line of invalid YAML', () => {
    expect(loadError('id: my-pattern\ntitle: [unclosed\n')).toMatch(/my-pattern\.yaml:\d+: not valid YAML/);
  });

  it('names the field that fails the schema, with its line', () => {
    expect(loadError(aPattern({ severity: 'catastrophic' }))).toMatch(
      /my-pattern\.yaml:\d+: field severity: Invalid option: expected one of "info"\|"low"\|"medium"\|"high"\|"critical"/,
    );
    expect(loadError(aPattern({ confidence: { base: 1.5 } }))).toMatch(/field confidence\.base: Too big/);
    expect(loadError(aPattern({ surprise: true }))).toMatch(/Unrecognized key: "surprise"/);
  });

  it('requires the id to equal the file name', () => {
    expect(loadError(aPattern(), 'other-name.yaml')).toMatch(
      /field id: "my-pattern" must equal the file name "other-name"/,
    );
  });

  it('refuses a condition naming a signal that is not declared', () => {
    const pattern = aPattern();
    (pattern.detect as { condition: string }).condition = 'backoff and oom';
    expect(loadError(pattern)).toMatch(
      /field detect\.condition: "oom" is not a signal of detect\.signals \(backoff\)/,
    );
  });

  it('refuses a field that its view does not have, and an unknown operator', () => {
    const unknownColumn = aPattern({
      detect: { signals: { s: { from: 'containers', where: { event_reason: 'x' } } }, condition: 's' },
    });
    expect(loadError(unknownColumn)).toMatch(
      /field detect\.signals\.s\.where\.event_reason: the containers view has no column "event_reason"/,
    );
    const unknownOperator = aPattern({
      detect: { signals: { s: { from: 'events', where: { 'event_reason|like': 'x' } } }, condition: 's' },
    });
    expect(loadError(unknownOperator)).toMatch(/unknown operator "like"/);
  });

  it('refuses a placeholder that nothing fills', () => {
    expect(loadError(aPattern({ narrative: { summary: 'Pod {{pod_name}} broke.' } }))).toMatch(
      /field narrative\.summary: placeholder \{\{pod_name\}\} is not filled by anything/,
    );
    expect(loadError(aPattern({ remediation: ['Look at {{count.nothing}}.'] }))).toMatch(
      /field remediation\.0: placeholder/,
    );
  });

  it('requires a positive and a negative test for the catalogue', () => {
    expect(loadError(aPattern({ tests: [{ bundle: 'a.parquet', expect: { match: true } }] }))).toMatch(
      /field tests: needs at least one negative test/,
    );
    expect(loadError(aPattern({ tests: [] }))).toMatch(/needs at least one positive test/);
  });

  it('names a directory that does not exist', () => {
    expect(() => loadPatternDir(path.join(tempDir(), 'nope'))).toThrow(/not a directory of patterns/);
  });

  it('loads every .yaml file of a directory in order', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'b-pattern.yaml'), stringify(aPattern({ id: 'b-pattern' })));
    writeFileSync(path.join(dir, 'a-pattern.yml'), stringify(aPattern({ id: 'a-pattern' })));
    writeFileSync(path.join(dir, 'notes.txt'), 'not a pattern');
    expect(loadPatternDir(dir).map((p) => p.id)).toEqual(['a-pattern', 'b-pattern']);
  });
});

describe('patterns/pattern.schema.json', () => {
  it('is the JSON Schema of the current pattern schema (run `npm run docs` to update)', async () => {
    const { readFileSync } = await import('node:fs');
    const { patternJsonSchema } = await import('../../src/patterns/schema.ts');
    const { BUILTIN_PATTERNS_DIR } = await import('../../src/patterns/load.ts');
    const committed = JSON.parse(
      readFileSync(path.join(BUILTIN_PATTERNS_DIR, 'pattern.schema.json'), 'utf8'),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(patternJsonSchema())));
  });
});
