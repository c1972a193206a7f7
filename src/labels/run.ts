// `kstory labels` as a function: bundles in, labels out through a callback, one bundle at a time so
// that memory stays bounded over thousands of them. Each bundle is analysed alone; each label is
// validated against its schema before it is handed on, and one that fails is counted with why.

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { analyzeBundle } from '../analyze/run.ts';
import { isSpoolDir } from '../bundle/spool.ts';
import { KstoryError, messageOf } from '../errors.ts';
import { openBundle } from '../views/open.ts';
import { incidentSummaryLabel } from './incident-summary.ts';
import { LabelMasker, type MaskOptions } from './mask.ts';
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
  onProgress?: (stage: string) => void;
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
  const redactor = new LabelRedactor();
  const masker = options.mask === false ? null : new LabelMasker(options.mask ?? { names: false });
  const run: LabelRun = {
    bundles: 0,
    written: 0,
    byType: {},
    belowQuality: 0,
    invalid: [],
    failed: [],
    notes: [],
  };
  for (const [i, input] of bundles.entries()) {
    const name = path.basename(input);
    options.onProgress?.(`labelling ${i + 1} of ${bundles.length}: ${name}`);
    let labels: Label[];
    try {
      labels = await labelsOfBundle(input, types, options, redactor, masker, run.notes);
    } catch (error) {
      // One unreadable bundle of a corpus: said, counted, and the others still labelled.
      if (!(error instanceof KstoryError) && !(error as NodeJS.ErrnoException).code) throw error;
      run.failed.push({ bundle: input, error: messageOf(error) });
      continue;
    }
    run.bundles++;
    for (const label of labels) {
      const checked = LabelSchema.safeParse(label);
      if (!checked.success) {
        run.invalid.push({
          bundle: input,
          id: label.id,
          problems: checked.error.issues.map(
            (issue) => `${issue.message} (location: ${issue.path.join('.')})`,
          ),
        });
        continue;
      }
      if (label.quality.overall < (options.minQuality ?? 0)) {
        run.belowQuality++;
        continue;
      }
      await onLabel(checked.data);
      run.written++;
      run.byType[label.type] = (run.byType[label.type] ?? 0) + 1;
    }
  }
  return run;
}

async function labelsOfBundle(
  input: string,
  types: ReadonlySet<LabelType>,
  options: LabelOptions,
  redactor: LabelRedactor,
  masker: LabelMasker | null,
  notes: string[],
): Promise<Label[]> {
  const bundle = await openBundle([input]);
  try {
    const report = await analyzeBundle(bundle);
    const source = await labelSource(bundle);
    const name = path.basename(input);
    if (report.coverage.nothing_to_analyze) {
      notes.push(`${name}: no labels: the bundle holds nothing to analyze in its window`);
      return [];
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
    if (!masker) return related;
    await masker.learn(
      bundle,
      related.flatMap((l) => (l.type === 'troubleshooting' ? l.context.objects : [])),
    );
    for (const f of report.findings)
      for (const n of [f.subject.namespace, f.subject.name, f.owner?.split(' ')[1]]) masker.learnName(n);
    for (const l of related)
      if (l.type === 'resource_optimisation')
        for (const n of [l.workload.namespace, l.workload.name]) masker.learnName(n);
    return related.map((l) => masker.label(l));
  } finally {
    bundle.close();
  }
}
