// `kstory analyze` as a function: bundle + options in, a Report out. Loads and selects patterns,
// resolves the window, probes and detects, links findings into incidents, keeps those in scope and
// not transient, ranks them and assembles the report. Prints nothing and never exits.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkOneCluster } from '../bundle/cluster-identity.ts';
import { partialReasons } from '../bundle/partial.ts';
import type { Bundle } from '../bundle/reader.ts';
import { BUILTIN_RULES_DIR, loadRules, type Rule } from '../correlate/rules.ts';
import { forOption, KstoryError } from '../errors.ts';
import { BUILTIN_PATTERNS_DIR, type LoadedPattern, loadPatterns } from '../patterns/load.ts';
import { TOOL_VERSION } from '../version.ts';
import { loadLabelVocabulary } from '../vocab/labels.ts';
import { formatObjectRef, parseObjectKey, parseObjectPath, type Subject } from '../vocab/object-ref.ts';
import { fillBundleArguments } from '../vocab/shell.ts';
import { concerns, loadFiringAlerts } from './alerts.ts';
import { heldEvidence } from './calibration.ts';
import { buildIncidents } from './chain.ts';
import { linkFindings } from './chain-edges.ts';
import { type LoadedLink, loadChainLinks } from './chain-links.ts';
import { isSupporting } from './chain-score.ts';
import { groupChanges } from './changes.ts';
import { detectPattern } from './detect.ts';
import { Existence } from './existence.ts';
import { alongside, onConnections } from './parallel.ts';
import { probeSignals } from './probe.ts';
import { keepIncidents, rankIncidents } from './rank.ts';
import { Relations } from './relations.ts';
import { type Finding, REPORT_SCHEMA, type Report, type ReportIncident } from './report.ts';
import { inScope, selectedObjects } from './scope.ts';
import { parseSelector } from './selector.ts';
import { isTransient } from './transient.ts';
import { eventReasonsRead, loadTrouble, unexplainedTrouble } from './unexplained-trouble.ts';
import { metricNamesRead } from './unread-metrics.ts';
import { resolveWindow } from './window.ts';
import { coverageOf } from './window-coverage.ts';
import { loadWorkingSet } from './working-set.ts';

export interface AnalyzeOptions {
  since?: string;
  until?: string;
  namespaces?: string[];
  kinds?: string[];
  only?: string[];
  skip?: string[];
  patternDirs?: string[];
  minConfidence?: number;
  top?: number;
  /** `namespace/kind/name`: only incidents that concern this object, its owners or what it owns. */
  subject?: string;
  /** A label selector (`app=checkout,tier!=db`): only incidents about objects it selects, or what they own. */
  selector?: string;
  /** Report transient incidents too. */
  all?: boolean;
  /** Read files of different clusters as one (refused otherwise). */
  merge?: boolean;
  /** The bundles as the user named them, filled into the commands remediation suggests (default:
   * the files read). */
  bundleArgs?: readonly string[];
  /** Told what the analysis is doing, for a status line on long runs. */
  onProgress?: (stage: string) => void;
  /** Look for trouble no finding explains (default). False leaves `unexplained_trouble` empty,
   * unasked: for callers that read only incidents and findings (kstory labels over thousands of
   * small bundles), to which its query is CPU spent for nothing. */
  unexplainedTrouble?: boolean;
}

/** The pattern catalogue and causal links an analysis applies, as the options select them. */
export interface Catalogue {
  patterns: LoadedPattern[];
  links: LoadedLink[];
  /** The correlation rules, which decide the structural chain joins (owner, node, refs, selects). */
  rules: Rule[];
}

/** Loads and selects the catalogue (pattern files, their compiled conditions, chain links): done
 * once for a run over many bundles instead of once per bundle. */
export function loadCatalogue(
  options: Pick<AnalyzeOptions, 'patternDirs' | 'only' | 'skip'> = {},
): Catalogue {
  const loaded = loadPatterns({ userDirs: options.patternDirs });
  const patterns = selectPatterns(loaded, options);
  const links = loadChainLinks(
    [
      path.join(BUILTIN_PATTERNS_DIR, 'chains'),
      ...(options.patternDirs ?? []).map((d) => path.join(d, 'chains')),
    ],
    new Set(loaded.map((p) => p.id)),
  );
  // A patterns directory may hold correlation rules too (DIR/correlation), as it holds chains.
  const rules = loadRules([
    BUILTIN_RULES_DIR,
    ...(options.patternDirs ?? []).map((d) => path.join(d, 'correlation')).filter((d) => existsSync(d)),
  ]);
  return { patterns, links, rules };
}

/** `catalogue`, when given, must have been loaded with the same patternDirs, only and skip. */
export async function analyzeBundle(
  bundle: Bundle,
  options: AnalyzeOptions = {},
  catalogue?: Catalogue,
): Promise<Report> {
  checkOneCluster(bundle.files, options.merge === true);
  // Options are read before the work, so that a mistake in one is said at once.
  const subject = options.subject ? forOption('subject', () => parseObjectPath(options.subject!)) : null;
  const selector = options.selector ? parseSelector(options.selector) : null;
  const progress = options.onProgress ?? (() => {});
  progress('loading objects, events, audit entries and metrics');
  const { patterns, links, rules, window, coverage } = await whileLoading(bundle, async () => {
    const { patterns, links, rules } = catalogue ?? loadCatalogue(options);
    const window = await resolveWindow(bundle, options);
    return {
      patterns,
      links,
      rules,
      window,
      coverage: await coverageOf(bundle, window, metricNamesRead(patterns)),
    };
  });
  progress(`probing the signals of ${patterns.length} patterns`);

  const existence = new Existence();
  // The alerts that fired and the trouble the bundle shows do not depend on the findings: asked
  // while detection and the relations load, not after them.
  const [{ alerts, trouble }, { findings, relations }] = await alongside(
    bundle,
    async (connection) => ({
      alerts: await loadFiringAlerts(connection, window, loadLabelVocabulary()),
      trouble: options.unexplainedTrouble === false ? [] : await loadTrouble(connection, window),
    }),
    async () => {
      const findings = await detectAll(bundle, patterns, window, existence, progress);
      progress(`linking ${findings.length} findings into incidents`);
      const relations = await Relations.load(
        bundle,
        { namespaces: new Set(findings.map((f) => f.subject.namespace)) },
        rules,
      );
      return { findings, relations };
    },
  );
  const edges = linkFindings(findings, links, relations, { snapshot: bundle.metadata.snapshot });
  const incidents = buildIncidents(findings, edges, relations, {
    held: heldEvidence(bundle.metadata.snapshot, coverage),
    groupByVariant: new Set(patterns.filter((p) => p.group_by_variant).map((p) => p.id)),
    alerts,
  });

  const scoped = inScope(incidents, findings, relations, {
    namespaces: options.namespaces,
    kinds: options.kinds,
    selected: selector ? await selectedObjects(bundle, selector) : null,
    subject,
  });
  const transient = new Set(scoped.filter((incident) => isTransient(incident, findings, existence)));
  const ranked = rankIncidents(
    options.all ? scoped : scoped.filter((incident) => !transient.has(incident)),
    findings,
  );
  const kept = keepIncidents(ranked, options);

  const bundleArgs = options.bundleArgs ?? bundle.files.map((f) => f.path);
  const remediationOf = (steps: readonly string[]) => steps.map((s) => fillBundleArguments(s, bundleArgs));
  const incidentOf = new Map<number, number>();
  const reportIncidents: ReportIncident[] = kept.map(({ incident, score }, i) => {
    for (const step of incident.chain) incidentOf.set(step.finding, i + 1);
    const members = incident.chain.map((step) => findings[step.finding]!);
    return {
      rank: i + 1,
      score,
      // The root and the effects that carry the chain; supporting signs stay out of the title.
      title: [...new Set(members.filter((m, i) => i === 0 || !isSupporting(m)).map((m) => m.title))].join(
        ' → ',
      ),
      severity: incident.severity,
      confidence: incident.confidence,
      confidence_reasons: incident.confidence_reasons,
      confidence_features: incident.confidence_features,
      root: incident.root,
      chain: incident.chain,
      impact: incident.impact,
      alternatives: incident.alternatives,
      remediation: remediationOf([...new Set(members.flatMap((m) => m.remediation))]),
      alerts: incident.alerts,
    };
  });
  const reportFindings = findings.map((f, id) => ({
    ...f,
    id,
    remediation: remediationOf(f.remediation),
    owner: topOwner(relations, f.subject),
    incident: incidentOf.get(id) ?? null,
  }));
  return {
    schema: REPORT_SCHEMA,
    tool_version: TOOL_VERSION,
    bundle: {
      files: bundle.files.map((f) => f.path),
      producer: bundle.metadata.producer,
      cluster: bundle.metadata.cluster,
      snapshot: bundle.metadata.snapshot,
      gaps: bundle.metadata.gaps,
      partial: partialReasons(bundle.files),
    },
    window,
    coverage,
    patterns: { loaded: patterns.length, run: patterns.map((p) => p.id) },
    incidents: reportIncidents,
    findings: reportFindings,
    changes: groupChanges(reportFindings),
    unexplained_alerts: alerts.filter(
      (a) => !findings.some((f) => concerns(a.subject, f.subject, relations)),
    ),
    unexplained_trouble: unexplainedTrouble(
      trouble,
      findings.map((f) => f.subject),
      relations,
      eventReasonsRead(patterns),
    ),
    transient: options.all ? 0 : transient.size,
    omitted: ranked.length - reportIncidents.length,
  };
}

/**
 * `work` done while the working set loads on connections of its own: reading the catalogue is
 * JavaScript, the window and coverage read only the `bundle` relation, none of them a view the
 * loading replaces. Returns once both are done; when `work` fails, the loading is stopped first, so
 * that a mistake in a pattern or an option is said at once, even of a bundle that loads for minutes.
 */
async function whileLoading<T>(bundle: Bundle, work: () => Promise<T>): Promise<T> {
  const loader = await bundle.fork();
  const stop = new AbortController();
  let started: () => void = () => {};
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const loading = loadWorkingSet(loader, { started, signal: stop.signal }).finally(() => loader.close());
  try {
    // The loading statements are sent before the synchronous parsing of the catalogue starts.
    await Promise.race([running, loading]);
    const done = await work();
    await loading;
    return done;
  } catch (error) {
    stop.abort();
    await loading.catch(() => {});
    throw error;
  }
}

/** Every pattern's findings, in time order, and the creation of their subjects and namespaces
 * loaded into `existence` (to tell start-up churn). */
async function detectAll(
  bundle: Bundle,
  patterns: readonly LoadedPattern[],
  window: { start: string; end: string },
  existence: Existence,
  progress: (stage: string) => void,
): Promise<Finding[]> {
  const unmatched = await probeSignals(bundle, patterns, window);
  // Patterns that ask more questions go first, so that none of them is left to finish alone.
  const byCost = [...patterns].sort(
    (a, b) => Object.keys(b.detect.signals).length - Object.keys(a.detect.signals).length,
  );
  let detected = 0;
  const perPattern = await onConnections(bundle, byCost, async (connection, pattern) => {
    const found = await detectPattern(connection, pattern, {
      start: window.start,
      end: window.end,
      snapshot: bundle.metadata.snapshot,
      existence,
      unmatched,
    });
    progress(`detecting: ${++detected} of ${patterns.length} patterns`);
    return found;
  });
  const findings = perPattern.flat();
  await existence.load(bundle, [
    ...findings.map((f) => f.subject),
    ...findings.flatMap((f) =>
      f.subject.namespace ? [{ namespace: null, kind: 'Namespace', name: f.subject.namespace }] : [],
    ),
  ]);
  return findings.sort((a, b) => a.first.localeCompare(b.first) || a.pattern.localeCompare(b.pattern));
}

function topOwner(relations: Relations, subject: Subject): string | null {
  const ancestry = relations.ancestry(subject);
  if (ancestry.length < 2) return null;
  return formatObjectRef(parseObjectKey(ancestry.at(-1)!));
}

function selectPatterns(patterns: LoadedPattern[], options: AnalyzeOptions): LoadedPattern[] {
  const ids = new Set(patterns.map((p) => p.id));
  for (const id of [...(options.only ?? []), ...(options.skip ?? [])]) {
    if (!ids.has(id)) {
      throw new KstoryError(`unknown pattern id "${id}"`, {
        hint: 'List the catalogue with: kstory patterns list',
      });
    }
  }
  return patterns.filter(
    (p) => (!options.only?.length || options.only.includes(p.id)) && !options.skip?.includes(p.id),
  );
}
