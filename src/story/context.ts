// What every story of a bundle shares, read once: the catalogue of objects and its correlator, the
// bundle's window and gaps, and the findings of the pattern catalogue with what each one explains.

import { analyzeBundle, loadCatalogue as loadAnalysisCatalogue } from '../analyze/run.ts';
import type { Bundle } from '../bundle/reader.ts';
import { loadCatalogue } from '../correlate/catalogue.ts';
import { BUILTIN_RULES_DIR, loadRules } from '../correlate/rules.ts';
import { openBundle } from '../views/open.ts';
import { Correlator } from './correlate.ts';
import { DEFAULT_LIMITS, type StoryFilters, type StoryLimits } from './filters.ts';
import { type GapRecord, readBundleWindow, readGaps } from './records.ts';
import type { FindingInput } from './signals.ts';

export interface StoryOptions {
  filters?: StoryFilters;
  limits?: Partial<StoryLimits>;
  /** Run the pattern catalogue and put its findings in the stories (default true). */
  findings?: boolean;
  /** More correlation rule directories besides the built-in one: they decide what belongs to a
   * story, and the chains of its findings, as they decide what `kstory related` reaches. */
  ruleDirs?: string[];
  /** Stories read per pass over the bundle (`--all`). */
  batchSize?: number;
  onProgress?: (stage: string) => void;
}

/** What every story of a bundle shares: read once. */
export interface Context {
  correlator: Correlator;
  window: { start: string; end: string };
  gaps: GapRecord[];
  /** `namespace/Kind/name` → findings about it */
  findings: Map<string, FindingInput[]>;
  /** finding id → the findings it explains directly in its incident's chain */
  effects: Map<number, FindingInput[]>;
  filters: StoryFilters;
  limits: StoryLimits;
}

/** The bundle's objects and the rules stories follow over them: read first, so that a root the
 * bundle does not hold is said before the analysis runs. */
export async function loadCorrelator(bundle: Bundle, options: StoryOptions): Promise<Correlator> {
  const rules = loadRules([BUILTIN_RULES_DIR, ...(options.ruleDirs ?? [])]);
  options.onProgress?.('reading objects');
  return new Correlator(await loadCatalogue(bundle), rules);
}

export async function loadContext(
  bundle: Bundle,
  inputs: readonly string[],
  options: StoryOptions,
  correlator?: Correlator,
): Promise<Context> {
  correlator ??= await loadCorrelator(bundle, options);
  const rules = correlator.rules;
  const window = await readBundleWindow(bundle);
  const gaps = await readGaps(bundle);
  const findings = new Map<string, FindingInput[]>();
  const effects = new Map<number, FindingInput[]>();
  if (options.findings !== false) {
    options.onProgress?.('analyzing');
    // Analysis replaces the views it reads by tables without bodies: it gets a bundle of its own.
    const analyzed = await openBundle(inputs);
    let report: Awaited<ReturnType<typeof analyzeBundle>>;
    try {
      report = await analyzeBundle(
        analyzed,
        { all: true, onProgress: options.onProgress },
        { ...loadAnalysisCatalogue(), rules: [...rules] },
      );
    } finally {
      analyzed.close();
    }
    const causes = new Map<number, { from: number; link: string }>();
    for (const incident of report.incidents)
      for (const step of incident.chain)
        if (step.via) causes.set(step.finding, { from: step.via.from, link: step.via.link });
    for (const f of report.findings) {
      const key = `${f.subject.namespace ?? ''}/${f.subject.kind}/${f.subject.name}`;
      const cause = causes.get(f.id);
      const from = cause ? report.findings[cause.from] : undefined;
      const list = findings.get(key) ?? [];
      list.push({
        ...f,
        caused_by:
          cause && from
            ? {
                finding: from.id,
                pattern: from.pattern,
                subject: `${from.subject.namespace ? `${from.subject.namespace}/` : ''}${from.subject.kind}/${from.subject.name}`,
                link: cause.link,
              }
            : null,
      });
      findings.set(key, list);
      const input = list.at(-1)!;
      if (input.caused_by)
        effects.set(input.caused_by.finding, [...(effects.get(input.caused_by.finding) ?? []), input]);
    }
  }
  return {
    correlator,
    window,
    gaps,
    findings,
    effects,
    filters: options.filters ?? {},
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  };
}
