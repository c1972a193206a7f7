// `kstory eval` as a function: builds each labelled sample's bundle (simulating a scenario, or
// importing real artifacts with the real importer), analyses it as `kstory analyze` would, scores
// it against its labels and sums up. Prints nothing and never exits.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CalibrationModel } from '../analyze/calibration.ts';
import { CALIBRATION_MODEL } from '../analyze/calibration-model.ts';
import { Relations } from '../analyze/relations.ts';
import { analyzeBundle } from '../analyze/run.ts';
import { listValue } from '../bundle/duckdb.ts';
import type { Bundle } from '../bundle/reader.ts';
import { KstoryError, messageOf } from '../errors.ts';
import { loadPatterns } from '../patterns/load.ts';
import { PACKAGE_ROOT, TOOL_VERSION } from '../version.ts';
import { openBundle } from '../views/open.ts';
import {
  buildBundle,
  buildCodeHashes,
  builderOf,
  buildStamp,
  forgetStamp,
  type KubectlText,
  Recordings,
  reusableBundle,
  writeStamp,
} from './build.ts';
import {
  type CorpusName,
  DEFAULT_SAMPLES_DIR,
  type EvalSample,
  realSamples,
  simulatedSamples,
  type View,
  viewSamples,
} from './corpus.ts';
import { changedFiles, fingerprintOf } from './fingerprint.ts';
import { LABELS_FILE } from './labels.ts';
import {
  acceptedPatterns,
  type Refinement,
  type RootSpec,
  type SubjectSpec,
  subjectMatches,
} from './match.ts';
import { CALIBRATION_BINS } from './metrics.ts';
import { type Analysis, type CaseResult, type Judge, type SampleResult, scoreSample } from './score.ts';
import { CALIBRATION_SEVERITY, type EvalSummary, summarizeByCorpus } from './summary.ts';

export const EVAL_SCHEMA = 'kstory.eval/v1';

export interface EvalOptions {
  corpus?: CorpusName | 'all';
  /** Only the samples with these ids. */
  only?: string[];
  /** The folder of labelled real samples (labels.yaml and the artifacts it names). */
  samplesDir?: string;
  /** Your own pattern directories, as `kstory analyze --patterns`. */
  patternDirs?: string[];
  /** Also every scenario seen as a snapshot taken at its end (`<scenario>@snapshot`, simulated
   * corpus). */
  snapshots?: boolean;
  /** Also every scenario seen through each of these views (`<scenario>@<view>`, corpus.ts): what
   * the calibration is fitted on besides the recordings. */
  views?: readonly View[];
  /** Writes the `kubectl describe` text of a recording and says when it was printed: what the
   * `kubectl` view is made of (src/cli/kubectl-view.ts, above the describers it prints with). */
  kubectlText?: KubectlText;
  /** Keep each sample's bundle here as <id>.parquet, to analyse it again by hand; one already there,
   * built from the same code and inputs (its stamp, build.ts), is analysed again without building it. */
  bundlesDir?: string;
  /** Told what is being done, for a status line. */
  onProgress?: (text: string) => void;
}

export interface EvalResult {
  schema: typeof EVAL_SCHEMA;
  tool_version: string;
  generated_at: string;
  /** What was asked for. */
  selection: { corpus: CorpusName | 'all'; only: string[] };
  corpora: {
    simulated: { samples: number } | null;
    real: { dir: string; samples: number; skipped: string | null } | null;
  };
  /** How calibration is measured, and the model that maps evidence to confidence (calibration.ts). */
  calibration: { bins: number; severity: string; model: CalibrationModel };
  /** Pattern ids the labels name that the catalogue does not have (yet). */
  unknown_patterns: string[];
  /** Files of kstory's code, its patterns or the labels that changed while the evaluation ran
   * (relative to kstory's folder or the samples folder): when any did, its figures are invalid. */
  changed_during_run: string[];
  /** With `bundlesDir`: where the bundles are kept, and the samples whose bundle was already there,
   * built from the same code and inputs, and analysed again without building it. */
  bundles: { dir: string; reused: string[] } | null;
  summary: { all: EvalSummary } & Partial<Record<CorpusName, EvalSummary>>;
  cases: CaseResult[];
  samples: SampleResult[];
}

export async function runEval(options: EvalOptions = {}): Promise<EvalResult> {
  const wanted = options.corpus ?? 'all';
  const progress = options.onProgress ?? (() => {});
  const samplesDir = path.resolve(options.samplesDir ?? DEFAULT_SAMPLES_DIR);
  // What the figures depend on, compared when the run ends: a change meanwhile mixes versions.
  const watched = [
    // The code that runs: src/ from source, dist/src/ when built.
    path.resolve(import.meta.dirname, '..'),
    ...['patterns', 'package.json'].map((p) => path.join(PACKAGE_ROOT, p)),
    ...(options.patternDirs ?? []),
    path.join(samplesDir, LABELS_FILE),
  ];
  const before = fingerprintOf(watched);
  const catalogue = loadPatterns({ userDirs: options.patternDirs });

  const simulated =
    wanted === 'real'
      ? null
      : [
          ...simulatedSamples(),
          ...viewSamples(
            [
              ...new Set<View>([
                ...(options.snapshots ? ['snapshot' as const] : []),
                ...(options.views ?? []),
              ]),
            ],
            new Set(catalogue.filter((p) => p.severity === 'info').map((p) => p.id)),
          ),
        ];
  const real = wanted === 'simulated' ? null : realSamples(samplesDir);
  if (wanted === 'real' && real?.skipped)
    throw new KstoryError(real.skipped, {
      hint: 'Point --samples at a folder holding labels.yaml and the artifacts it names.',
    });
  const samples = select([...(simulated ?? []), ...(real?.samples ?? [])], options.only);
  if (!options.kubectlText && samples.some((s) => 'scenario' in s.source && s.source.view === 'kubectl'))
    throw new KstoryError('the kubectl view needs a writer of kubectl describe text (kubectlText)');

  const known = new Set(catalogue.map((p) => p.id));
  const labelled = samples.flatMap((s) => [
    ...s.roots.flatMap((r) => r.patterns),
    ...s.chain.map((c) => c.pattern),
  ]);
  const unknown = [...new Set(labelled.filter((id) => !known.has(id)))].sort();

  const work = options.bundlesDir ?? mkdtempSync(path.join(os.tmpdir(), 'kstory-eval-'));
  mkdirSync(work, { recursive: true });
  const results: SampleResult[] = [];
  const recordings = new Recordings(path.join(work, '.recordings'));
  // Kept bundles are stamped with what built them; analysis code is not part of it.
  const reuse = options.bundlesDir ? { code: buildCodeHashes(), reused: [] as string[] } : null;
  try {
    for (const [i, sample] of samples.entries()) {
      const step = (text: string) => progress(`[${i + 1}/${samples.length}] ${text} ${sample.id}`);
      const output = path.join(work, `${sample.id}.parquet`);
      results.push(
        scoreSample(
          sample,
          await analyseSample(sample, output, catalogue, options, { recordings, reuse }, step),
        ),
      );
      if (!options.bundlesDir) rmSync(output, { force: true });
    }
  } finally {
    recordings.remove();
    if (!options.bundlesDir) rmSync(work, { recursive: true, force: true });
  }

  return {
    schema: EVAL_SCHEMA,
    tool_version: TOOL_VERSION,
    generated_at: new Date().toISOString(),
    selection: { corpus: wanted, only: options.only ?? [] },
    corpora: {
      simulated: simulated ? { samples: results.filter((r) => r.corpus === 'simulated').length } : null,
      real: real
        ? {
            dir: samplesDir,
            samples: results.filter((r) => r.corpus === 'real').length,
            skipped: real.skipped,
          }
        : null,
    },
    calibration: { bins: CALIBRATION_BINS, severity: CALIBRATION_SEVERITY, model: CALIBRATION_MODEL },
    unknown_patterns: unknown,
    changed_during_run: changedFiles(before, fingerprintOf(watched)).map((file) =>
      withoutFolders(file, options),
    ),
    bundles: reuse && { dir: path.resolve(work), reused: reuse.reused },
    summary: summarizeByCorpus(results),
    cases: results.flatMap((r) => r.cases),
    samples: results,
  };
}

function select(samples: EvalSample[], only: readonly string[] | undefined): EvalSample[] {
  if (!only?.length) return samples;
  const ids = new Set(samples.map((s) => s.id));
  const missing = only.filter((id) => !ids.has(id));
  if (missing.length > 0) {
    const list = [...ids];
    throw new KstoryError(`no sample named ${missing.map((id) => `"${id}"`).join(', ')}`, {
      hint: `Samples: ${list.slice(0, 12).join(', ')}${list.length > 12 ? `, … (${list.length} in all)` : ''}.`,
    });
  }
  return samples.filter((s) => only.includes(s.id));
}

/** The code that builds each kind of bundle (build.ts), and the samples whose kept bundle was
 * analysed again without being built. */
type Reuse = { code: ReturnType<typeof buildCodeHashes>; reused: string[] };

/** Build the sample's bundle, analyse it and prepare its judge; a failure of either is the result. */
async function analyseSample(
  sample: EvalSample,
  output: string,
  catalogue: readonly Refinement[],
  options: EvalOptions,
  { recordings, reuse }: { recordings: Recordings; reuse: Reuse | null },
  step: (text: string) => void,
): Promise<Analysis> {
  let imported: string;
  try {
    const stamp = reuse && buildStamp(sample, reuse.code[builderOf(sample)].hash);
    const kept = stamp && reusableBundle(output, stamp);
    if (kept !== null) {
      step('reusing the bundle of');
      imported = kept;
      reuse!.reused.push(sample.id);
    } else {
      if (stamp) forgetStamp(output);
      imported = await buildBundle(sample, output, recordings, options.kubectlText, step);
      if (stamp) writeStamp(output, stamp, imported);
    }
    // A recording kept is what its views are made of: they need not simulate it again.
    if (reuse && 'scenario' in sample.source && sample.source.view === undefined)
      recordings.know(sample.source.scenario, output);
  } catch (error) {
    return { ok: false, stage: 'import', error: withoutFolders(messageOf(error), options) };
  }
  let bundle: Bundle | null = null;
  try {
    step('analysing');
    bundle = await openBundle([output]);
    const report = await analyzeBundle(bundle, { patternDirs: options.patternDirs });
    const relations = await Relations.load(bundle, {
      namespaces: new Set(report.findings.map((f) => f.subject.namespace)),
    });
    const objects = await objectsOfKinds(bundle, sample);
    return { ok: true, report, judge: judgeFor(catalogue, relations, objects), imported };
  } catch (error) {
    return { ok: false, stage: 'analyze', error: withoutFolders(messageOf(error), options) };
  } finally {
    bundle?.close();
  }
}

/** Messages name files by where they are on this machine; the result names them from the samples
 * folder or the kstory checkout, the same on every machine. */
function withoutFolders(message: string, options: EvalOptions): string {
  const samples = path.resolve(options.samplesDir ?? DEFAULT_SAMPLES_DIR) + path.sep;
  return message.replaceAll(samples, '').replaceAll(PACKAGE_ROOT + path.sep, '');
}

type ObjectRef = { namespace: string | null; kind: string; name: string };

/** The bundle's objects of the kinds the sample's roots are about: a root reported on a controller
 * of a labelled pod is matched through them. */
async function objectsOfKinds(bundle: Bundle, sample: EvalSample): Promise<Map<string, ObjectRef[]>> {
  const kinds = [...new Set(sample.roots.map((r) => r.subject.kind))];
  const byKind = new Map<string, ObjectRef[]>(kinds.map((k) => [k, []]));
  if (kinds.length === 0) return byKind;
  const rows = await bundle.query<ObjectRef>(
    `SELECT DISTINCT namespace, kind, name FROM objects
     WHERE name IS NOT NULL AND list_contains(?::VARCHAR[], kind)`,
    [listValue(kinds)],
  );
  for (const row of rows) byKind.get(row.kind)?.push(row);
  return byKind;
}

function judgeFor(
  catalogue: readonly Refinement[],
  relations: Relations,
  objects: Map<string, ObjectRef[]>,
): Judge {
  const families = new Map<string, Set<string>>();
  const accepted = (patterns: readonly string[]) => {
    const key = patterns.join(',');
    const known = families.get(key);
    if (known) return known;
    const set = acceptedPatterns(patterns, catalogue);
    families.set(key, set);
    return set;
  };
  const about = (subject: Parameters<typeof subjectMatches>[0], spec: SubjectSpec) =>
    subjectMatches(subject, spec, relations, objects.get(spec.kind) ?? []);
  return {
    names: (finding, root: RootSpec) =>
      [root, ...(root.or ?? [])].some(
        (name) => accepted(name.patterns).has(finding.pattern) && about(finding.subject, name.subject),
      ),
    isStep: (finding, step) =>
      accepted([step.pattern]).has(finding.pattern) &&
      (step.subjects.length === 0 || step.subjects.some((spec) => about(finding.subject, spec))),
  };
}
