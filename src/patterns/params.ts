// Tuning a pattern without copying it: its `params:` (named values its signals read as `$name`),
// its `exclude:` (named exceptions), and the overrides file of a --patterns directory that changes
// the first and adds to the second for any pattern, built-in or not.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import { KstoryError } from '../errors.ts';
import type { Subject } from '../vocab/object-ref.ts';
import { describeProblem, isProblem, type Problem, readYaml, zodProblem } from '../vocab/zod-issue.ts';
import { type Exception, ExceptionSchema, type ParamValue, ParamValueSchema } from './schema.ts';

/** The file of a --patterns directory that tunes patterns; never read as a pattern. */
export const OVERRIDES_FILE = 'overrides.yaml';

const PATTERN_ID = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a pattern id');

export const OverridesSchema = z.record(
  PATTERN_ID,
  z
    .object({
      params: z.record(z.string(), ParamValueSchema).default({}),
      exclude: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'snake_case'), ExceptionSchema).default({}),
    })
    .strict(),
);

/** What the overrides files say about one pattern, and the file that said it. */
export interface PatternOverride {
  file: string;
  params: Record<string, ParamValue>;
  exclude: Record<string, Exception>;
}

/** The overrides of every directory's overrides.yaml, by pattern id; a later directory wins. */
export function readOverrides(dirs: readonly string[]): Map<string, PatternOverride> {
  const byId = new Map<string, PatternOverride>();
  for (const dir of dirs) {
    const file = path.join(dir, OVERRIDES_FILE);
    if (!existsSync(file)) continue;
    const source = readYaml(readFileSync(file, 'utf8'), file);
    const fail = (problem: Problem): never => {
      throw new KstoryError(describeProblem(problem), {
        hint: 'An overrides file maps pattern ids to params and exclude: see patterns/README.md.',
      });
    };
    if (isProblem(source)) fail(source);
    if (isProblem(source)) continue; // (fail never returns; this narrows the type)
    const parsed = OverridesSchema.safeParse(source.document.toJS() ?? {});
    if (!parsed.success) fail(zodProblem(parsed.error, file, source));
    for (const [id, override] of Object.entries(parsed.data ?? {})) {
      const before = byId.get(id);
      byId.set(id, {
        file,
        params: { ...before?.params, ...override.params },
        exclude: { ...before?.exclude, ...override.exclude },
      });
    }
  }
  return byId;
}

const REFERENCE = /^\$([a-z][a-z0-9_]*)$/;

/**
 * The pattern document with every `$name` of its signals replaced by the param's value: the
 * override's, else the default. A `$name` that no param declares, or an override of a param the
 * pattern does not have, is a problem. Values keep their type (`gte: $min_restarts` is a number).
 */
export function withParams(
  document: unknown,
  file: string,
  override: PatternOverride | undefined,
): { document: unknown } | { problem: Problem } {
  if (!isRecord(document)) return { document };
  const declared = isRecord(document.params) ? document.params : {};
  const values = new Map<string, unknown>();
  for (const [name, spec] of Object.entries(declared))
    if (isRecord(spec) && 'default' in spec) values.set(name, spec.default);
  for (const [name, value] of Object.entries(override?.params ?? {})) {
    if (!values.has(name))
      return {
        problem: {
          file: override!.file,
          field: `${String(document.id)}.params.${name}`,
          message: `pattern ${String(document.id)} has no param "${name}" (${[...values.keys()].join(', ') || 'none'})`,
        },
      };
    values.set(name, value);
  }
  const detect = document.detect;
  if (!isRecord(detect) || !isRecord(detect.signals)) return { document };
  const found: { problem?: Problem } = {};
  const replace = (value: unknown, field: string): unknown => {
    if (typeof value === 'string') {
      const name = REFERENCE.exec(value)?.[1];
      if (name === undefined) return value;
      if (!values.has(name))
        found.problem ??= {
          file,
          field,
          message: `"$${name}" is not a param of this pattern (${[...values.keys()].join(', ') || 'it declares none'})`,
        };
      return values.get(name);
    }
    if (Array.isArray(value)) return value.map((v, i) => replace(v, `${field}.${i}`));
    if (isRecord(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v, `${field}.${k}`)]));
    return value;
  };
  const signals = replace(detect.signals, 'detect.signals');
  if (found.problem) return { problem: found.problem };
  return { document: { ...document, detect: { ...detect, signals } } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The name of the first exception that matches the subject, or null. */
export function exceptionFor(exceptions: Record<string, Exception>, subject: Subject): string | null {
  for (const [name, exception] of Object.entries(exceptions)) {
    const fields = [
      [exception.namespace, subject.namespace],
      [exception.kind, subject.kind],
      [exception.name, subject.name],
      [exception.container, subject.container],
    ] as const;
    if (fields.every(([globs, value]) => globs === undefined || (value !== null && matches(globs, value))))
      return name;
  }
  return null;
}

function matches(globs: string | readonly string[], value: string): boolean {
  return picomatch.isMatch(value, typeof globs === 'string' ? [globs] : [...globs], { dot: true });
}
