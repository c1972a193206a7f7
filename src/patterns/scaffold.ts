// The file `kstory patterns new <id>` writes: every section a pattern holds, each saying what goes
// there, with tests on bundles that do not exist yet, so that `kstory patterns test` fails until
// the pattern is filled in and shown to find what it is for.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KstoryError, messageOf } from '../errors.ts';
import { BUILTIN_PATTERNS_DIR } from './load.ts';
import { PatternSchema, type SUBJECT_LEVELS } from './schema.ts';

export type SubjectLevel = (typeof SUBJECT_LEVELS)[number];

export interface Scaffold {
  /** The pattern file to write (relative when the directory was given so). */
  file: string;
  text: string;
  /** The bundles its tests name, as paths from here: none exists yet. */
  bundles: { positive: string; negative: string };
  /** Whether it is a pattern of kstory's own catalogue (its tests name fixtures of the project). */
  builtin: boolean;
}

/** What a pattern of each subject level starts from: a view, a field to match and the narrative. */
const STARTERS: Record<SubjectLevel, { from: string; where: string; summary: string; kinds: string }> = {
  container: {
    from: 'containers',
    where: '{ reason: FILL-IN }   # e.g. CrashLoopBackOff; fields: docs/views.md#containers',
    summary: 'Container {{container}} of pod {{namespace}}/{{name}} FILL-IN (since {{first}}).',
    kinds: '',
  },
  object: {
    from: 'events',
    where: '{ event_reason: FILL-IN }   # e.g. FailedMount; fields: docs/views.md#events',
    summary: '{{kind}} {{namespace}}/{{name}} FILL-IN (since {{first}}).',
    kinds: 'kinds: [FILL-IN]   # the kinds a finding may be about, e.g. [Pod]; [] for any\n',
  },
};

/** What is wrong with `id` as a pattern id, or null. */
export function patternIdProblem(id: string): string | null {
  const parsed = PatternSchema.shape.id.safeParse(id);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'not a pattern id');
}

export function scaffoldPattern(id: string, dir: string, subject: SubjectLevel): Scaffold {
  const directory = path.resolve(dir);
  const builtin = directory === BUILTIN_PATTERNS_DIR;
  const file = path.join(dir, `${id}.yaml`);
  // Built-in patterns name fixtures of the project (made from fixtures/scenarios/ by npm run
  // fixtures; the healthy cluster is already one); a user's name bundles beside the pattern.
  const tests = builtin
    ? { positive: `fixtures/${id}.parquet`, negative: 'fixtures/healthy-cluster.parquet' }
    : { positive: `fixtures/${id}.parquet`, negative: `fixtures/${id}-healthy.parquet` };
  const base = builtin ? path.relative(process.cwd(), path.dirname(BUILTIN_PATTERNS_DIR)) : dir;
  // Editors find the schema beside the catalogue, or where kstory is installed.
  const schema = builtin ? './pattern.schema.json' : path.join(BUILTIN_PATTERNS_DIR, 'pattern.schema.json');
  const starter = STARTERS[subject];
  const text = `# yaml-language-server: $schema=${schema}
# A new pattern: replace every FILL-IN, then make the two bundles its tests name and run
#   kstory patterns test ${id}${builtin ? '' : ` --patterns ${dir}`}
# until both pass. How to write each part: patterns/README.md.
id: ${id}
title: FILL-IN what went wrong, in a few words
status: experimental
severity: medium   # info, low, medium, high or critical
description: >
  FILL-IN what happens in the cluster, what Kubernetes does about it, and what a person sees.
references: []   # documentation of the mechanism (URLs)
false_positives: []   # when it fires although nothing is wrong
subject: ${subject}
${starter.kinds}detect:
  signals:
    symptom:
      description: FILL-IN what the rows say, in words (shown with the evidence)
      from: ${starter.from}
      where: ${starter.where}
  condition: symptom   # signal names with and, or, not and parentheses
confidence:
  base: 0.5   # how sure a finding is when the condition holds; boost and reduce per signal
narrative:
  summary: >
    ${starter.summary}
remediation:
  - FILL-IN what to check first, and what fixes it.
tests:
  - bundle: ${tests.positive}   # FILL-IN: a bundle where it happens (kstory simulate, record or import)
    expect: { match: true }   # add subject and variant to say which finding
  - bundle: ${tests.negative}   # a bundle where it must find nothing
    expect: { match: false }
`;
  return {
    file,
    text,
    bundles: { positive: path.join(base, tests.positive), negative: path.join(base, tests.negative) },
    builtin,
  };
}

/** Write the scaffold; an existing file is kept unless `force`. */
export function writeScaffold(scaffold: Scaffold, options: { force?: boolean } = {}): void {
  try {
    mkdirSync(path.dirname(scaffold.file), { recursive: true });
    writeFileSync(scaffold.file, scaffold.text, { flag: options.force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new KstoryError(`${scaffold.file} already exists`, {
        hint: 'Choose another id, or pass --force to replace the file.',
      });
    throw new KstoryError(`${scaffold.file}: cannot write the pattern: ${messageOf(error)}`);
  }
}
