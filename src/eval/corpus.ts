// The labelled corpus an evaluation runs over: every built-in simulator scenario, with the ground
// truth its `expect:` block declares, and every sample of a folder of real-cluster artifacts, with
// what its labels.yaml says.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { KstoryError } from '../errors.ts';
import { listBuiltinScenarios, loadScenarioFile } from '../simulate/scenario/load.ts';
import type { Scenario } from '../simulate/scenario/schema.ts';
import { PACKAGE_ROOT } from '../version.ts';
import { LABELS_FILE, loadLabels } from './labels.ts';
import { type RootSpec, type SubjectSpec, specOfKey } from './match.ts';

export const CORPORA = ['simulated', 'real'] as const;
export type CorpusName = (typeof CORPORA)[number];

/** A step of a causal chain after its root: a pattern, and the subjects the scenario expects it on
 * (any subject when it names none). */
export interface ChainStepSpec {
  pattern: string;
  subjects: SubjectSpec[];
}

export interface EvalSample {
  id: string;
  corpus: CorpusName;
  description: string;
  /** Each root cause is scored on its own; none means the sample must stay quiet. */
  roots: RootSpec[];
  quiet: boolean;
  /** The causal chain after the root (simulated scenarios only), in order. */
  chain: ChainStepSpec[];
  /** A built-in scenario file to simulate (its recording, or with `view` what a partial view of it
   * shows: a dump of every object and Event at its end, its logs alone…), or real artifacts to
   * import. */
  source: { scenario: string; view?: View } | { inputs: string[] };
}

/** Where the labelled real samples are looked for when not told: beside the kstory checkout. */
export const DEFAULT_SAMPLES_DIR = path.resolve(PACKAGE_ROOT, '../shared/real-samples');

/**
 * A scenario's ground truth as samples are scored: its root cause is the first pattern of its
 * chain (or, without a chain, of its expected findings), and every expected finding of that pattern
 * is a root cause of its own (three volumes left Released are three incidents). A scenario that
 * expects no finding must stay quiet.
 */
export function scenarioSample(scenario: Scenario, file: string): EvalSample {
  const { expect } = scenario;
  const rootPattern = expect.chain[0] ?? expect.findings[0]?.pattern;
  const subjectsOf = (pattern: string) =>
    expect.findings.filter((f) => f.pattern === pattern).map((f) => specOfKey(f.subject, f.container));
  const rootSubjects = rootPattern === undefined ? [] : subjectsOf(rootPattern);
  if (rootPattern !== undefined && rootSubjects.length === 0) {
    throw new KstoryError(
      `${file}: the chain starts with ${rootPattern} but expect.findings has no finding of it (location: expect.chain.0)`,
      { hint: 'Add the root cause to expect.findings with its subject.' },
    );
  }
  return {
    id: scenario.name,
    corpus: 'simulated',
    description: scenario.description,
    roots: rootSubjects.map((subject) => ({ patterns: [rootPattern!], subject })),
    quiet: rootPattern === undefined,
    chain: expect.chain.slice(1).map((pattern) => ({ pattern, subjects: subjectsOf(pattern) })),
    source: { scenario: file },
  };
}

export function simulatedSamples(): EvalSample[] {
  return listBuiltinScenarios().map(({ file }) => scenarioSample(loadScenarioFile(file), file));
}

/**
 * What a scenario is seen through besides its recording, each as users bring a cluster's evidence:
 * `snapshot`, every object and Event as they stood at its end (a dump, a must-gather); `objects`,
 * the objects alone; `events`, the Events alone; `logs`, its pods' logs alone; `audit`, its audit
 * log alone; `kubectl`, the `kubectl describe` text of its pods, Deployments, nodes,
 * autoscalers, Services, CronJobs, Jobs, claims and volumes.
 */
export const VIEWS = ['snapshot', 'objects', 'events', 'logs', 'audit', 'kubectl'] as const;
export type View = (typeof VIEWS)[number];

/**
 * Every scenario seen through each view (`<scenario>@<view>`), scored on the same labels. None
 * shows the change that caused a fault as its history of versions does (`changes`, the patterns of
 * changes, need two versions of an object): where the scenario's root is a change, the first step of
 * its chain that is not one counts as right too, as a person reading the dump would name it (a
 * crash loop for a bad ConfigMap), as the labels of real dumps do.
 */
export function viewSamples(
  views: readonly View[] = ['snapshot'],
  changes: ReadonlySet<string> = new Set(),
): EvalSample[] {
  const scenarios = simulatedSamples();
  return views.flatMap((view) =>
    scenarios.map((sample) => {
      const visible = sample.chain.find((step) => !changes.has(step.pattern));
      const roots =
        visible === undefined
          ? sample.roots
          : sample.roots.map((root) =>
              root.patterns.every((p) => changes.has(p))
                ? {
                    ...root,
                    or: (visible.subjects.length > 0 ? visible.subjects : [root.subject]).map((subject) => ({
                      patterns: [visible.pattern],
                      subject,
                    })),
                  }
                : root,
            );
      return {
        ...sample,
        id: `${sample.id}@${view}`,
        roots,
        // The chain's timing is not in a view: only its root is scored.
        chain: [],
        source: { ...(sample.source as { scenario: string }), view },
      };
    }),
  );
}

/** The real samples of a folder, or why there are none. */
export function realSamples(dir: string): { samples: EvalSample[]; skipped: string | null } {
  if (!existsSync(path.join(dir, LABELS_FILE)))
    return { samples: [], skipped: `${path.join(dir, LABELS_FILE)} not found: real samples skipped` };
  const samples = loadLabels(dir).map(
    (s): EvalSample => ({
      id: s.id,
      corpus: 'real',
      description: s.says ?? s.roots.map((r) => r.says ?? '').join(' '),
      roots: s.roots,
      quiet: s.quiet,
      chain: [],
      source: { inputs: s.inputs },
    }),
  );
  return { samples, skipped: null };
}
