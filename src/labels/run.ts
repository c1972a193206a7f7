// `kstory labels` as a function: bundles in, labels out through a callback in the bundles' order, a
// few bundles at a time so that memory stays bounded over thousands of them. Each bundle is analysed
// alone, as `kstory analyze` would; each label is validated against its schema before it is handed
// on, and one that fails is counted with why.

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { analysisWidth } from '../analyze/parallel.ts';
import { analyzeBundle, type Catalogue, loadCatalogue } from '../analyze/run.ts';
import { createWorkingSet } from '../analyze/working-set.ts';
import { BatchReader } from '../bundle/batch-reader.ts';
import type { Bundle } from '../bundle/reader.ts';
import { isSpoolDir } from '../bundle/spool.ts';
import { KstoryError, messageOf } from '../errors.ts';
import { incidentSummaryLabel } from './incident-summary.ts';
import { inLanes } from './lanes.ts';
import { type BundleNames, LabelMasker, type MaskOptions } from './mask.ts';
import { LabelRedactor } from './redact.ts';
import { type IncidentKeys, relateLabels, workloadKey } from './relationships.ts';
import { resourceLabels } from './resources.ts';
import { LABEL_TYPES, type Label, LabelSchema, type LabelType } from './schema.ts';
import { labelSource } from './source.ts';
import { parseOwner, troubleshootingLabel } from './troubleshooting.ts';

export interface LabelOptions {
  /** Phrasings of each troubleshooting question. */
  questions?: number;
  /** Leave out labels whose overall quality is below this (0..1). */
  minQuality?: number;
  /** Label types to make; all by default. */
  types?: readonly LabelType[];
  /** Mask e-mail addresses, IPs, audit users and hosts (default); with `names`, namespaces and object names too. False: no masking. */
  mask?: MaskOptions | false;
  /** The key of the run's pseudonyms and redaction tokens (`--mask-key`): the same key, the same
   * labels. Without it, a random key that is never written anywhere. */
  key?: Uint8Array;
  onProgress?: (stage: string) => void;
  /** Bundles analysed at once (default: one per core, at most four). */
  lanes?: number;
}

export interface LabelRun {
  bundles: number;
  written: number;
  byType: Partial<Record<LabelType, number>>;
  /** Labels below --min-quality. */
  belowQuality: number;
  /** Labels that failed their schema: not written. */
  invalid: { bundle: string; id: string; problems: string[] }[];
  /** Bundles that could not be read, and why: none of their labels is written. */
  failed: { bundle: string; error: string }[];
  /** Bundles read that gave no label of a type asked for, and why. */
  notes: string[];
}

/** Each bundle the arguments name, as the inputs to open for it: a glob or a directory names many. */
export function bundlesOf(inputs: readonly string[]): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    if (isDynamicPattern(input)) {
      const matches = globSync(input, { absolute: true, onlyFiles: false }).sort();
      if (matches.length === 0)
        throw new KstoryError(`${input}: no file matches this pattern`, {
          hint: 'Check the pattern; quote it so that the shell does not expand it first.',
        });
      out.push(...bundlesOf(matches));
    } else if (existsSync(input) && statSync(input).isDirectory() && !isSpoolDir(input)) {
      const files = globSync('*.parquet', { cwd: input, absolute: true }).sort();
      if (files.length === 0)
        throw new KstoryError(`${input}: directory holds no bundle (.parquet) files and is not a spool`, {
          hint: 'Give bundle files, a directory of them, or a glob such as corpus/*.parquet.',
        });
      out.push(...files);
    } else out.push(input);
  }
  return out;
}

export async function generateLabels(
  inputs: readonly string[],
  options: LabelOptions,
  onLabel: (label: Label) => void | Promise<void>,
): Promise<LabelRun> {
  const bundles = bundlesOf(inputs);
  const types = new Set<LabelType>(options.types ?? LABEL_TYPES);
  const redactor = new LabelRedactor(options.key);
  const masker =
    options.mask === false ? null : new LabelMasker(options.mask ?? { names: false }, options.key);
  const run: LabelRun = {
    bundles: 0,
    written: 0,
    byType: {},
    belowQuality: 0,
    invalid: [],
    failed: [],
    notes: [],
  };
  if (bundles.length === 0) return run;
  // The catalogue is loaded once and each lane reads its bundles through one DuckDB instance: over
  // small bundles, setting these up again took more than analysing the bundle. A lane's instance
  // runs one thread: the lanes, not DuckDB, keep the cores busy (a small bundle's queries are too
  // small to spread over threads, and idle DuckDB threads still cost CPU).
  const catalogue = loadCatalogue();
  const lanes = Math.max(1, Math.min(options.lanes ?? analysisWidth(), bundles.length));
  const readers: BatchReader[] = [];
  try {
    for (let lane = 0; lane < lanes; lane++)
      readers.push(
        await BatchReader.open(
          bundles.filter((_, i) => i % lanes === lane),
          {
            ...(lanes > 1 ? { threads: 1 } : {}),
            // Each bundle's relations created as analysis reads them, its working set loaded at once.
            prepare: createWorkingSet,
          },
        ),
      );
    let started = 0;
    await inLanes(
      bundles.length,
      { lanes },
      async (i, lane): Promise<BundleLabels | { failed: string }> => {
        const input = bundles[i]!;
        options.onProgress?.(`labelling ${++started} of ${bundles.length}: ${path.basename(input)}`);
        try {
          return await readers[lane]!.read(input, (bundle) =>
            labelsOfBundle(bundle, types, options, redactor, catalogue, masker !== null),
          );
        } catch (error) {
          // One unreadable bundle of a corpus: said, counted, and the others still labelled.
          if (!(error instanceof KstoryError) && !(error as NodeJS.ErrnoException).code) throw error;
          return { failed: messageOf(error) };
        }
      },
      async (i, result) => {
        const input = bundles[i]!;
        if ('failed' in result) {
          run.failed.push({ bundle: input, error: result.failed });
          return;
        }
        run.bundles++;
        run.notes.push(...result.notes);
        for (const label of maskLabels(result, masker)) await writeLabel(input, label);
      },
    );
  } finally {
    for (const reader of readers) reader.close();
  }
  return run;

  async function writeLabel(input: string, label: Label): Promise<void> {
    const checked = LabelSchema.safeParse(label);
    if (!checked.success) {
      run.invalid.push({
        bundle: input,
        id: label.id,
        problems: checked.error.issues.map((issue) => `${issue.message} (location: ${issue.path.join('.')})`),
      });
      return;
    }
    if (label.quality.overall < (options.minQuality ?? 0)) {
      run.belowQuality++;
      return;
    }
    await onLabel(checked.data);
    run.written++;
    run.byType[label.type] = (run.byType[label.type] ?? 0) + 1;
  }
}

/** A bundle's labels before masking, and what masking must learn of it first. */
interface BundleLabels {
  labels: Label[];
  notes: string[];
  names: BundleNames;
  objects: Record<string, unknown>[];
  findingNames: (string | null | undefined)[];
}

/** The bundle's labels masked, after learning what it names: in the order of the bundles, so that
 * a run masks the same whatever order its lanes finished in. */
function maskLabels(result: BundleLabels, masker: LabelMasker | null): Label[] {
  if (!masker) return result.labels;
  masker.learnFrom(result.names, result.objects);
  for (const name of result.findingNames) masker.learnName(name);
  for (const l of result.labels)
    if (l.type === 'resource_optimisation')
      for (const n of [l.workload.namespace, l.workload.name]) masker.learnName(n);
  return result.labels.map((l) => masker.label(l));
}

async function labelsOfBundle(
  bundle: Bundle,
  types: ReadonlySet<LabelType>,
  options: LabelOptions,
  redactor: LabelRedactor,
  catalogue: Catalogue,
  masked: boolean,
): Promise<BundleLabels> {
  // Labels are made of incidents and findings: the trouble no finding explains is not asked for.
  const report = await analyzeBundle(bundle, { unexplainedTrouble: false }, catalogue);
  const source = await labelSource(bundle);
  const name = source.bundle;
  const notes: string[] = [];
  const none = { labels: [], notes, names: [], objects: [], findingNames: [] };
  if (report.coverage.nothing_to_analyze) {
    notes.push(`${name}: no labels: the bundle holds nothing to analyze in its window`);
    return none;
  }
  const labels: Label[] = [];
  const incidents: IncidentKeys[] = [];
  if (types.has('troubleshooting') || types.has('incident_summary')) {
    if (report.incidents.length === 0)
      notes.push(`${name}: no troubleshooting or incident label: analysis found no incident`);
    for (const incident of report.incidents) {
      const label = await troubleshootingLabel(bundle, report, incident, source, {
        questions: options.questions ?? 3,
        redactor,
      });
      const summary = types.has('incident_summary')
        ? redactor.texts(incidentSummaryLabel(report, incident, label))
        : null;
      if (types.has('troubleshooting')) labels.push(label);
      if (summary) labels.push(summary);
      const root = report.findings[incident.root]!;
      const owner = root.subject.kind === 'Pod' ? parseOwner(root.owner) : null;
      incidents.push({
        troubleshooting: label.id,
        summary: summary?.id ?? null,
        rootPattern: root.pattern,
        rootWorkload: workloadKey({
          ...(owner ?? root.subject),
          namespace: owner ? (owner.namespace ?? null) : root.subject.namespace,
          container: root.subject.container,
        }),
      });
    }
  }
  if (types.has('resource_optimisation')) {
    const resources = await resourceLabels(bundle, report.window, source);
    for (const note of resources.notes) notes.push(`${name}: ${note}`);
    labels.push(...resources.labels.map((label) => redactor.texts(label)));
  }
  const related = relateLabels(labels, incidents);
  if (!masked) return { ...none, labels: related };
  return {
    labels: related,
    notes,
    names: await LabelMasker.namesOf(bundle),
    objects: related.flatMap((l) => (l.type === 'troubleshooting' ? l.context.objects : [])),
    findingNames: report.findings.flatMap((f) => [
      f.subject.namespace,
      f.subject.name,
      f.owner?.split(' ')[1],
    ]),
  };
}
