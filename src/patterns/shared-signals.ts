// Shared signals (`signals/<name>.yaml` beside the patterns): one definition of a signal that several
// patterns read with `use: <name>`, the values of its params given `with:`, instead of copies of it.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { KstoryError } from '../errors.ts';
import { nearestNames } from '../vocab/nearest.ts';
import {
  describeProblem,
  isProblem,
  lineAt,
  type Problem,
  readYaml,
  type YamlSource,
  zodProblem,
} from '../vocab/zod-issue.ts';
import { type ParamValue, SharedSignalHeadSchema, SignalSchema } from './schema.ts';

/** The folder of a patterns directory that holds its shared signals, one `<name>.yaml` each. */
export const SIGNALS_DIR = 'signals';

/** Fields beside `use` that narrow a shared signal for one pattern: `where` adds conditions, the
 * others set what the shared signal leaves unset (a threshold, a window, what a row is about). */
export const NARROWING_KEYS = [
  'where',
  'any',
  'window',
  'min_count',
  'aggregate',
  'lasting',
  'latest',
  'subject',
] as const;

/** The keys a pattern's signal that uses a shared one may hold. */
export const USE_KEYS = ['use', 'with', 'description', ...NARROWING_KEYS] as const;

export interface SharedSignal {
  name: string;
  file: string;
  description: string;
  params: Record<string, { default: ParamValue; description: string }>;
  /** The signal's fields as written (`$param` not yet replaced), or `{use, with}` of another one. */
  body: Record<string, unknown>;
  source: YamlSource;
}

/** Shared signals by name; a later directory's signal replaces an earlier one of the same name. */
export type SignalLibrary = ReadonlyMap<string, SharedSignal>;

const HINT =
  'A shared signal is one signals/<name>.yaml file beside the patterns; a pattern reads it with `use: <name>`: see patterns/README.md.';

/** The shared signals of each directory's `signals/` folder (none when it has none), each checked. */
export function loadSharedSignals(dirs: readonly string[]): SignalLibrary {
  const library = new Map<string, SharedSignal>();
  for (const dir of dirs) {
    const folder = path.join(dir, SIGNALS_DIR);
    let entries: string[];
    try {
      if (!statSync(folder).isDirectory())
        throw new KstoryError(`${folder}: not a directory of shared signals`);
      entries = readdirSync(folder);
    } catch (error) {
      if (error instanceof KstoryError) throw error;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new KstoryError(`${folder}: cannot read it: ${(error as Error).message}`, { hint: HINT });
    }
    for (const entry of entries.filter((e) => e.endsWith('.yaml') || e.endsWith('.yml')).sort()) {
      const signal = readSharedSignal(path.join(folder, entry));
      library.set(signal.name, signal);
    }
  }
  for (const signal of library.values()) {
    const checked = expandShared(library, signal.name, {}, { file: signal.file, field: '' }, []);
    if ('problem' in checked) throw problemError(checked.problem, library);
    const parsed = SignalSchema.safeParse(checked.signal);
    if (!parsed.success)
      throw new KstoryError(describeProblem(zodProblem(parsed.error, signal.file, signal.source)), {
        hint: HINT,
      });
  }
  return library;
}

function readSharedSignal(file: string): SharedSignal {
  const name = path.basename(file).replace(/\.ya?ml$/, '');
  const fail = (problem: Problem): never => {
    throw new KstoryError(describeProblem(problem), { hint: HINT });
  };
  const source = readYaml(readFileSync(file, 'utf8'), file);
  if (isProblem(source)) return fail(source);
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name))
    fail({ file, message: `"${name}" is not a shared signal's name: lower-case words joined by dashes` });
  const document: unknown = source.document.toJS();
  if (!isRecord(document)) return fail({ file, message: 'a shared signal is a mapping of its fields' });
  const head = SharedSignalHeadSchema.safeParse(document);
  if (!head.success) return fail(zodProblem(head.error, file, source));
  const { description: _description, params: _params, ...body } = document;
  const params = head.data.params;
  const undeclared: string[] = [];
  const withDefaults = replaceParams(body, params, [], (_, field) => undeclared.push(field));
  if (undeclared[0] !== undefined) {
    const field = undeclared[0];
    fail({
      file,
      line: lineAt(source, field.split('.')),
      field,
      message: `"${String(getIn(body, field))}" is not a param of this shared signal (${Object.keys(params).join(', ') || 'it declares none'})`,
    });
  }
  if ('use' in body) {
    const extra = Object.keys(body).find((k) => !(USE_KEYS as readonly string[]).includes(k));
    if (extra !== undefined)
      fail({
        file,
        line: lineAt(source, [extra]),
        field: extra,
        message: `a shared signal that uses another one holds only params and ${USE_KEYS.join(', ')}`,
      });
  } else {
    // Its fields, checked with its params' defaults: a mistake is said here, not in each pattern.
    const parsed = SignalSchema.safeParse(withDefaults);
    if (!parsed.success) fail(zodProblem(parsed.error, file, source));
  }
  return { name, file, description: head.data.description, params: head.data.params, body, source };
}

/** Where a use of a shared signal is written, for its problems: the file and the signal's field. */
interface Site {
  file: string;
  /** `detect.signals.running_now` in a pattern; empty for a shared signal's own fields. */
  field: string;
}

/**
 * The pattern document with every signal written `{use: <name>, with: {...}, description}` replaced
 * by the shared signal's fields, its params read from `with:` or their defaults; the description
 * given beside `use` wins over the shared one's. A problem names the pattern's field (an unknown
 * name, with the nearest known ones; a param it does not take; a value of another type) or the
 * shared signal's file (a cycle of signals using each other).
 */
export function useSharedSignals(
  document: unknown,
  file: string,
  library: SignalLibrary,
): { document: unknown } | { problem: Problem } {
  if (!isRecord(document) || !isRecord(document.detect) || !isRecord(document.detect.signals))
    return { document };
  const signals: Record<string, unknown> = {};
  for (const [name, signal] of Object.entries(document.detect.signals)) {
    if (!isRecord(signal) || !('use' in signal)) {
      signals[name] = signal;
      continue;
    }
    const field = `detect.signals.${name}`;
    const extra = Object.keys(signal).find((k) => !(USE_KEYS as readonly string[]).includes(k));
    if (extra !== undefined)
      return {
        problem: {
          file,
          field: `${field}.${extra}`,
          message: `a signal that uses a shared one holds only ${USE_KEYS.join(', ')}: ${extra === 'from' ? 'its view is the shared signal’s' : `"${extra}" is not one of them`}`,
        },
      };
    const use = useOf(signal, { file, field });
    if ('problem' in use) return use;
    const expanded = expandShared(library, use.name, use.values, { file, field }, []);
    if ('problem' in expanded) return expanded;
    const narrowed = narrow(expanded.signal, signal, use.name, { file, field });
    if ('problem' in narrowed) return narrowed;
    signals[name] =
      typeof signal.description === 'string'
        ? { ...narrowed.signal, description: signal.description }
        : narrowed.signal;
  }
  return { document: { ...document, detect: { ...document.detect, signals } } };
}

/** The shared signal's fields narrowed by those written beside `use`: added `where` conditions, and
 * fields it leaves unset. Changing what it sets is a param's job, so it is refused. */
function narrow(
  shared: Record<string, unknown>,
  written: Record<string, unknown>,
  name: string,
  site: Site,
): { signal: Record<string, unknown> } | { problem: Problem } {
  const signal = { ...shared };
  const refuse = (field: string, what: string): { problem: Problem } => ({
    problem: {
      file: site.file,
      field: site.field ? `${site.field}.${field}` : field,
      message: `shared signal ${name} sets ${what} already: a use may add to it, not change it (give the shared signal a param for it, or write the whole signal here)`,
    },
  });
  for (const key of NARROWING_KEYS) {
    const value = written[key];
    if (value === undefined) continue;
    if (key === 'where' && isRecord(value)) {
      const before = isRecord(shared.where) ? shared.where : {};
      const taken = Object.keys(value).find((k) => Object.hasOwn(before, k));
      if (taken !== undefined) return refuse(`where.${taken}`, `where.${taken}`);
      signal.where = { ...before, ...value };
      continue;
    }
    if (shared[key] !== undefined) return refuse(key, key);
    signal[key] = value;
  }
  return { signal };
}

/** The name and param values of a `{use, with}`, or what is wrong with them. */
function useOf(
  written: Record<string, unknown>,
  site: Site,
): { name: string; values: Record<string, unknown> } | { problem: Problem } {
  const at = (key: string) => (site.field ? `${site.field}.${key}` : key);
  if (typeof written.use !== 'string')
    return { problem: { file: site.file, field: at('use'), message: 'the name of a shared signal' } };
  if (written.with !== undefined && !isRecord(written.with))
    return { problem: { file: site.file, field: at('with'), message: 'a mapping of param names to values' } };
  return { name: written.use, values: written.with ?? {} };
}

/** The fields of shared signal `name` with param values `values` (the others at their defaults). */
function expandShared(
  library: SignalLibrary,
  name: string,
  values: Record<string, unknown>,
  site: Site,
  trail: readonly string[],
): { signal: Record<string, unknown> } | { problem: Problem } {
  const at = (key: string) => (site.field ? `${site.field}.${key}` : key);
  const shared = library.get(name);
  if (!shared) {
    const nearest = nearestNames(name, library.keys(), 3);
    const known =
      nearest.length > 0
        ? `nearest: ${nearest.join(', ')}`
        : `known: ${[...library.keys()].sort().join(', ') || 'none'}`;
    return {
      problem: { file: site.file, field: at('use'), message: `"${name}" is not a shared signal (${known})` },
    };
  }
  if (trail.includes(name))
    return {
      problem: {
        file: site.file,
        field: at('use'),
        message: `shared signals use each other in a cycle: ${[...trail, name].join(' → ')}`,
      },
    };
  const read = Object.fromEntries(
    Object.entries(shared.params).map(([p, spec]) => [p, { default: spec.default }]),
  );
  for (const [param, value] of Object.entries(values)) {
    const declared = shared.params[param];
    if (!declared)
      return {
        problem: {
          file: site.file,
          field: at(`with.${param}`),
          message: `shared signal ${name} has no param "${param}" (${Object.keys(shared.params).join(', ') || 'it takes none'})`,
        },
      };
    if (kindOf(value) !== kindOf(declared.default))
      return {
        problem: {
          file: site.file,
          field: at(`with.${param}`),
          message: `param ${param} of shared signal ${name} is ${kindOf(declared.default)} (its default is ${JSON.stringify(declared.default)}), not ${kindOf(value)}`,
        },
      };
    read[param] = { default: value as ParamValue };
  }
  // Every `$name` of a shared signal is declared: loadSharedSignals checked it.
  const body = replaceParams(shared.body, read, [], () => {}) as Record<string, unknown>;
  if (!('use' in body)) return { signal: { description: shared.description, ...body } };
  const inner = useOf(body, { file: shared.file, field: '' });
  if ('problem' in inner) return inner;
  const expanded = expandShared(library, inner.name, inner.values, { file: shared.file, field: '' }, [
    ...trail,
    name,
  ]);
  if ('problem' in expanded) return expanded;
  const narrowed = narrow(expanded.signal, body, inner.name, { file: shared.file, field: '' });
  if ('problem' in narrowed) return narrowed;
  return { signal: { ...narrowed.signal, description: shared.description } };
}

/** `value` with every `$param` string replaced by the param's value; `missing` hears of the others. */
function replaceParams(
  value: unknown,
  params: Record<string, { default: unknown }>,
  at: readonly string[],
  missing: (name: string, field: string) => void,
): unknown {
  if (typeof value === 'string') {
    const name = /^\$([a-z][a-z0-9_]*)$/.exec(value)?.[1];
    if (name === undefined) return value;
    if (!Object.hasOwn(params, name)) {
      missing(name, at.join('.'));
      return value;
    }
    return params[name]!.default;
  }
  if (Array.isArray(value)) return value.map((v, i) => replaceParams(v, params, [...at, String(i)], missing));
  if (isRecord(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, replaceParams(v, params, [...at, k], missing)]),
    );
  return value;
}

function getIn(value: unknown, field: string): unknown {
  return field
    .split('.')
    .reduce<unknown>(
      (v, key) => (isRecord(v) || Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined),
      value,
    );
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a yes/no';
  if (typeof value === 'string') return 'a text';
  return 'something else';
}

/** A problem of a shared signal's file or of a pattern, as the error a user reads, with its line. */
export function problemError(problem: Problem, library: SignalLibrary): KstoryError {
  const shared = [...library.values()].find((s) => s.file === problem.file);
  const located =
    shared && problem.line === undefined && problem.field
      ? { ...problem, line: lineAt(shared.source, problem.field.split('.')) }
      : problem;
  return new KstoryError(describeProblem(located), { hint: HINT });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
