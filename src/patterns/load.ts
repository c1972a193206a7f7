// Loads pattern files: YAML → zod-validated Pattern, plus the checks a schema cannot express (id
// equals the file name, conditions name declared signals, fields exist in their views, templates
// use known placeholders). Every error names the file and the field, and says what is expected.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { KstoryError } from '../errors.ts';
import { PACKAGE_ROOT } from '../version.ts';
import { forgetCompiled, keyOf, readCompiled, writeCompiled } from '../vocab/compiled-file.ts';
import { placeholderProblem, placeholdersOf } from '../vocab/placeholder.ts';
import {
  describeProblem,
  isProblem,
  lineAt,
  type Problem,
  readYaml,
  zodProblem,
} from '../vocab/zod-issue.ts';
import { type Condition, ConditionError, parseCondition, signalsOf } from './condition.ts';
import { OVERRIDES_FILE, type PatternOverride, readOverrides, withParams } from './params.ts';
import { type Pattern, PatternSchema } from './schema.ts';
import {
  loadSharedSignals,
  problemError,
  SIGNALS_DIR,
  type SignalLibrary,
  useSharedSignals,
} from './shared-signals.ts';
import { subjectSql } from './signal-rows.ts';
import { compileWhere, SignalCompileError } from './where.ts';

export interface LoadedPattern extends Pattern {
  file: string;
  condition: Condition;
  variantConditions: Condition[];
  resolvedCondition: Condition | null;
}

/** A signal every `resolved` condition may use: the subject no longer exists at the end. */
export const GONE_SIGNAL = 'gone';

/** The catalogue shipped with kstory. */
export const BUILTIN_PATTERNS_DIR = path.join(PACKAGE_ROOT, 'patterns');

export interface LoadOptions {
  /** Refuse patterns without a positive and a negative test (the built-in catalogue's rule). */
  requireTests?: boolean;
  /** What overrides files say, by pattern id: params' values and more exceptions. */
  overrides?: ReadonlyMap<string, PatternOverride>;
  /** The shared signals patterns may use; default: the built-in ones and the directory's own. */
  signals?: SignalLibrary;
}

export function loadPatternDir(dir: string, options: LoadOptions = {}): LoadedPattern[] {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    entries = readdirSync(dir);
  } catch {
    throw new KstoryError(`${dir}: not a directory of patterns`, {
      hint: 'Give a directory holding one <id>.yaml file per pattern.',
    });
  }
  const signals = options.signals ?? loadSharedSignals([...new Set([BUILTIN_PATTERNS_DIR, dir])]);
  return entries
    .filter((e) => (e.endsWith('.yaml') || e.endsWith('.yml')) && e !== OVERRIDES_FILE)
    .sort()
    .map((e) => loadPatternFile(path.join(dir, e), { ...options, signals }));
}

/** The built-in shared signals, read once: every pattern file loaded on its own uses them. */
let builtinSignals: SignalLibrary | undefined;
function builtinSharedSignals(): SignalLibrary {
  builtinSignals ??= loadSharedSignals([BUILTIN_PATTERNS_DIR]);
  return builtinSignals;
}

const HINT = 'See patterns/README.md and patterns/pattern.schema.json for what a pattern holds.';

/** The pattern document with its params' values and its shared signals in place, or the problem. */
function resolvePattern(
  document: unknown,
  file: string,
  override: PatternOverride | undefined,
  signals: SignalLibrary,
): { document: unknown } | { problem: Problem } {
  const tuned = withParams(document, file, override);
  return 'problem' in tuned ? tuned : useSharedSignals(tuned.document, file, signals);
}

/** The first problem of a pattern file that does not parse or validate, with its line: thrown. */
function explainBadPattern(
  text: string,
  file: string,
  override: PatternOverride | undefined,
  signals: SignalLibrary,
  fail: (problem: Problem) => never,
): Pattern {
  const source = readYaml(text, file);
  if (isProblem(source)) return fail(source);
  const document = source.document.toJS();
  const resolved = resolvePattern(document, file, override, signals);
  if ('problem' in resolved) {
    const { problem } = resolved;
    if (problem.file !== file) throw problemError(problem, signals);
    return fail(problem.field ? { ...problem, line: lineAt(source, problem.field.split('.')) } : problem);
  }
  const parsed = PatternSchema.safeParse(resolved.document);
  if (!parsed.success) {
    const problem = zodProblem(parsed.error, file, source);
    // A field a shared signal filled in: say which one, since the pattern does not show it.
    const [detect, signalsKey, name] = parsed.error.issues[0]?.path ?? [];
    const written = (document as { detect?: { signals?: Record<string, { use?: unknown }> } } | null)?.detect
      ?.signals?.[String(name)];
    if (detect === 'detect' && signalsKey === 'signals' && typeof written?.use === 'string')
      return fail({
        ...problem,
        message: `${problem.message} (in shared signal ${written.use} as used here)`,
      });
    return fail(problem);
  }
  // The two parsers disagree on a document: trust the one that explains itself.
  return parsed.data;
}

export function loadPatternFile(file: string, options: LoadOptions = {}): LoadedPattern {
  const failWith = (problem: Problem): never => {
    throw new KstoryError(describeProblem(problem), { hint: HINT });
  };
  const fail = (field: string, message: string): never => failWith({ file, field, message });
  const text = readFileSync(file, 'utf8');
  const override = options.overrides?.get(path.basename(file).replace(/\.ya?ml$/, ''));
  const signals = options.signals ?? builtinSharedSignals();
  // js-yaml reads a good pattern several times faster than `yaml` (every analysis loads the whole
  // catalogue); `yaml`'s document model is used for what only it gives, the line of a bad field.
  let fast: ReturnType<typeof PatternSchema.safeParse> | null = null;
  try {
    const document = loadYaml(text, { schema: CORE_SCHEMA, filename: file });
    const resolved = resolvePattern(document, file, override, signals);
    if ('document' in resolved) fast = PatternSchema.safeParse(resolved.document);
  } catch {
    // Not valid YAML: reported below, with its line.
  }
  const pattern = fast?.success ? fast.data : explainBadPattern(text, file, override, signals, failWith);
  if (override) pattern.exclude = { ...pattern.exclude, ...override.exclude };

  const expectedId = path.basename(file).replace(/\.ya?ml$/, '');
  if (pattern.id !== expectedId) fail('id', `"${pattern.id}" must equal the file name "${expectedId}"`);

  const declared = new Set(Object.keys(pattern.detect.signals));
  const parse = (field: string, source: string, extra: readonly string[] = []): Condition => {
    try {
      const condition = parseCondition(source);
      for (const name of signalsOf(condition)) {
        if (!declared.has(name) && !extra.includes(name)) {
          fail(field, `"${name}" is not a signal of detect.signals (${[...declared, ...extra].join(', ')})`);
        }
      }
      return condition;
    } catch (error) {
      if (error instanceof ConditionError) fail(field, `${error.message} in "${source}"`);
      throw error;
    }
  };
  const condition = parse('detect.condition', pattern.detect.condition);
  const variantConditions = pattern.variants.map((v, i) => parse(`variants.${i}.when`, v.when));
  const resolvedCondition = pattern.resolved ? parse('resolved', pattern.resolved, [GONE_SIGNAL]) : null;

  for (const [name, signal] of Object.entries(pattern.detect.signals)) {
    try {
      compileWhere(signal.from, signal.where);
      for (const alternative of signal.any ?? []) compileWhere(signal.from, alternative);
      if (signal.aggregate?.field) compileWhere(signal.from, { [`${signal.aggregate.field}|exists`]: true });
      if (signal.subject) subjectSql(signal);
    } catch (error) {
      if (error instanceof SignalCompileError)
        fail(`detect.signals.${name}.where.${error.field}`, error.message);
      throw error;
    }
  }
  const checkSignalNames = (field: string, names: readonly string[]) => {
    for (const name of names)
      if (!declared.has(name)) fail(field, `"${name}" is not a signal of detect.signals`);
  };
  checkSignalNames('evidence', pattern.evidence ?? []);
  checkSignalNames('confidence.boost', Object.keys(pattern.confidence.boost));
  checkSignalNames('confidence.reduce', Object.keys(pattern.confidence.reduce));

  const templates: [string, string | undefined][] = [
    ['narrative.summary', pattern.narrative.summary],
    ['narrative.detail', pattern.narrative.detail],
    ...pattern.variants.map((v, i): [string, string | undefined] => [`variants.${i}.summary`, v.summary]),
    ...pattern.remediation.map((r, i): [string, string] => [`remediation.${i}`, r]),
    ...pattern.variants.flatMap((v, i) =>
      v.remediation.map((r, j): [string, string] => [`variants.${i}.remediation.${j}`, r]),
    ),
  ];
  for (const [field, template] of templates) {
    for (const placeholder of placeholdersOf(template ?? '')) {
      const problem = placeholderProblem(placeholder, declared);
      if (problem) fail(field, problem);
    }
  }

  if (options.requireTests) {
    if (!pattern.tests.some((t) => t.expect.match))
      fail('tests', 'needs at least one positive test (expect: {match: true})');
    if (!pattern.tests.some((t) => !t.expect.match))
      fail('tests', 'needs at least one negative test (expect: {match: false})');
  }
  return { ...pattern, file, condition, variantConditions, resolvedCondition };
}

/** Built-in patterns, then the user's directories; a user pattern with a built-in id replaces it. */
export function loadPatterns(
  options: { userDirs?: readonly string[]; builtinDir?: string } = {},
): LoadedPattern[] {
  const builtinOnly =
    (options.userDirs ?? []).length === 0 &&
    (options.builtinDir ?? BUILTIN_PATTERNS_DIR) === BUILTIN_PATTERNS_DIR;
  const compiled = builtinOnly ? readCompiledCatalogue() : null;
  if (compiled) return compiled;
  const byId = new Map<string, LoadedPattern>();
  const overrides = readOverrides(options.userDirs ?? []);
  const builtinDir = options.builtinDir ?? BUILTIN_PATTERNS_DIR;
  // A user's shared signal of a built-in name replaces it, for the built-in patterns too.
  const signals = loadSharedSignals([builtinDir, ...(options.userDirs ?? [])]);
  for (const pattern of loadPatternDir(builtinDir, { overrides, signals })) byId.set(pattern.id, pattern);
  for (const dir of options.userDirs ?? [])
    for (const pattern of loadPatternDir(dir, { overrides, signals })) byId.set(pattern.id, pattern);
  for (const [id, override] of overrides) {
    if (!byId.has(id))
      throw new KstoryError(`${override.file}: field ${id}: "${id}" is not a pattern of the catalogue`, {
        hint: 'An overrides file tunes patterns by id: kstory patterns list',
      });
  }
  for (const pattern of byId.values()) {
    pattern.refines.forEach((id, i) => {
      if (id === pattern.id || !byId.has(id))
        throw new KstoryError(
          `${pattern.file}: field refines.${i}: "${id}" is not ${id === pattern.id ? 'another' : 'a'} pattern of the catalogue`,
          {
            hint: 'refines names the patterns whose cause this one names more specifically: kstory patterns list',
          },
        );
    });
  }
  return [...byId.values()];
}

/**
 * The built-in catalogue as `npm run build` compiled it (compileCatalogue), beside the built loader,
 * so that this very code compiled it: read instead of parsing and validating every file again at
 * each start (about 0.2 CPU-seconds), as long as the files are those it was compiled from. Run from
 * source, there is none, and the files are read.
 */
const COMPILED_CATALOGUE = path.join(import.meta.dirname, 'builtin-catalogue.json');

/** What a catalogue is compiled from: the names and texts of the YAML files of its directory and
 * of its shared signals. */
function catalogueKey(dir: string): string {
  const files = [dir, path.join(dir, SIGNALS_DIR)].flatMap((folder) => {
    try {
      return readdirSync(folder)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
        .map((name) => path.join(folder, name));
    } catch {
      return []; // No shared signals.
    }
  });
  return keyOf(files.flatMap((file) => [path.relative(dir, file), readFileSync(file)]));
}

/** The patterns of the catalogue in `dir` as compiled into `file`, or null when there is no such
 * file or the catalogue's files changed since. */
export function readCompiledCatalogue(
  dir = BUILTIN_PATTERNS_DIR,
  file = COMPILED_CATALOGUE,
): LoadedPattern[] | null {
  const patterns = readCompiled<LoadedPattern[]>(file, catalogueKey(dir));
  // Stored with `file` relative to the catalogue's directory.
  return patterns?.map((p) => ({ ...p, file: path.join(dir, p.file) })) ?? null;
}

/** Compiles the catalogue in `dir` (the built-in one, as `npm run build` does) into `file`, for
 * readCompiledCatalogue. */
export function compileCatalogue(dir = BUILTIN_PATTERNS_DIR, file = COMPILED_CATALOGUE): void {
  // One an earlier build compiled of the same files is not read: this code compiles them again.
  forgetCompiled(file);
  const patterns = loadPatterns({ builtinDir: dir }).map((p) => ({ ...p, file: path.relative(dir, p.file) }));
  writeCompiled(file, catalogueKey(dir), patterns);
}
