// `kstory analyze` as a function: bundle + options in, a Report out. Resolves the analysed window,
// loads and selects patterns, detects, filters and ranks. Prints nothing and never exits.

import path from 'node:path';
import picomatch from 'picomatch';
import { checkOneCluster } from '../bundle/cluster-identity.ts';
import { partialReasons } from '../bundle/partial.ts';
import type { Bundle } from '../bundle/reader.ts';
import { forOption, KstoryError } from '../errors.ts';
import { BUILTIN_PATTERNS_DIR, type LoadedPattern, loadPatterns } from '../patterns/load.ts';
import { TOOL_VERSION } from '../version.ts';
import { isDuration, parseDuration } from '../vocab/duration.ts';
import {
  formatObjectRef,
  objectKey,
  parseObjectKey,
  parseObjectPath,
  type Subject,
} from '../vocab/object-ref.ts';
import { severityWeight } from '../vocab/severity.ts';
import { fillBundleArguments } from '../vocab/shell.ts';
import { buildIncidents, type Incident, isSupporting, linkFindings, loadChainLinks } from './chain.ts';
import { detectPattern, Existence, probeSignals } from './detect.ts';
import { onConnections } from './parallel.ts';
import { Relations } from './relations.ts';
import { type Finding, REPORT_SCHEMA, type Report, type ReportIncident } from './report.ts';
import { type Labels, parseSelector } from './selector.ts';
import { metricNamesRead } from './unread-metrics.ts';
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
}

export async function analyzeBundle(bundle: Bundle, options: AnalyzeOptions = {}): Promise<Report> {
  checkOneCluster(bundle.files, options.merge === true);
  // Options are read before the work, so that a mistake in one is said at once.
  const subject = options.subject ? forOption('subject', () => parseObjectPath(options.subject!)) : null;
  const selector = options.selector ? parseSelector(options.selector) : null;
  const loaded = loadPatterns({ userDirs: options.patternDirs });
  const patterns = selectPatterns(loaded, options);
  const links = loadChainLinks(
    [
      path.join(BUILTIN_PATTERNS_DIR, 'chains'),
      ...(options.patternDirs ?? []).map((d) => path.join(d, 'chains')),
    ],
    new Set(loaded.map((p) => p.id)),
  );
  const progress = options.onProgress ?? (() => {});
  const window = await resolveWindow(bundle, options);
  const coverage = await coverageOf(bundle, window, metricNamesRead(patterns));
  progress('loading objects, events, audit entries and metrics');
  await loadWorkingSet(bundle);
  progress(`probing the signals of ${patterns.length} patterns`);

  const existence = new Existence();
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
  const findings: Finding[] = perPattern.flat();

  // For telling start-up churn: when each finding's subject and namespace were created.
  await existence.load(bundle, [
    ...findings.map((f) => f.subject),
    ...findings.flatMap((f) =>
      f.subject.namespace ? [{ namespace: null, kind: 'Namespace', name: f.subject.namespace }] : [],
    ),
  ]);
  findings.sort((a, b) => a.first.localeCompare(b.first) || a.pattern.localeCompare(b.pattern));
  progress(`linking ${findings.length} findings into incidents`);
  const relations = await Relations.load(bundle, {
    namespaces: new Set(findings.map((f) => f.subject.namespace)),
  });

  const incidents = buildIncidents(findings, linkFindings(findings, links, relations), relations, {
    snapshot: bundle.metadata.snapshot,
    groupByVariant: new Set(patterns.filter((p) => p.group_by_variant).map((p) => p.id)),
  });

  const selected = selector ? await selectedObjects(bundle, selector) : null;
  const inScope = incidents.filter((incident) =>
    incident.chain.some(({ finding }) => {
      const s = findings[finding]!.subject;
      return (
        (!options.namespaces?.length ||
          (s.namespace !== null && options.namespaces.some((g) => picomatch.isMatch(s.namespace!, g)))) &&
        (!options.kinds?.length || options.kinds.some((k) => k.toLowerCase() === s.kind.toLowerCase())) &&
        (!selected || relations.ancestry(s).some((k) => selected.has(k))) &&
        (!subject ||
          relations.ancestry(s).includes(objectKey(subject)) ||
          relations.ancestry(subject).includes(objectKey(s)))
      );
    }),
  );
  const ranked = inScope
    .filter((incident) => options.all || !isTransient(incident, findings, existence))
    .map((incident) => ({ incident, score: scoreIncident(incident) }))
    .sort(
      (a, b) =>
        b.score - a.score || findings[a.incident.root]!.first.localeCompare(findings[b.incident.root]!.first),
    );
  const kept = ranked
    .filter(({ incident }) => incident.confidence >= (options.minConfidence ?? 0))
    .slice(0, options.top ?? Number.POSITIVE_INFINITY);

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
    };
  });
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
    findings: findings.map((f, id) => ({
      ...f,
      id,
      remediation: remediationOf(f.remediation),
      owner: topOwner(relations, f.subject),
      incident: incidentOf.get(id) ?? null,
    })),
    transient: options.all
      ? 0
      : inScope.filter((incident) => isTransient(incident, findings, existence)).length,
    omitted: ranked.length - reportIncidents.length,
  };
}

/** Problems shorter than this that cleared by themselves, with no change explaining them, are the
 * churn of a living cluster (a pod starting before its dependencies, an install settling). */
const TRANSIENT_MS = 15 * 60_000;
/** How soon after its subject was created a problem counts as start-up churn... */
const STARTUP_MS = 10 * 60_000;
/** ...or after its namespace was created: an application (or a whole cluster) being installed,
 * whose pods come and go before it settles. */
const INSTALL_MS = 30 * 60_000;

/**
 * Start-up churn: an incident whose every problem began within minutes of its subject's (or its
 * namespace's) creation and cleared by itself soon after, with no recorded cause. It is reported as a count, not an
 * incident. The same short problem on an object that had been running fine (a DNS outage of ten
 * minutes) is an incident.
 */
function isTransient(incident: Incident, findings: readonly Finding[], existence: Existence): boolean {
  const members = incident.chain.map((step) => findings[step.finding]!);
  if (members.some((m) => m.resolved === null || m.severity === 'info' || m.severity === 'critical'))
    return false;
  const start = Math.min(...members.map((m) => Date.parse(m.first)));
  const end = Math.max(...members.map((m) => Date.parse(m.resolved!)));
  return (
    end - start <= TRANSIENT_MS &&
    members.every((m) => {
      const onset = Date.parse(m.first);
      const created = existence.created(objectKey(m.subject));
      const installed = m.subject.namespace
        ? existence.created(objectKey({ kind: 'Namespace', name: m.subject.namespace }))
        : undefined;
      return (
        (created !== undefined && onset - created <= STARTUP_MS) ||
        (installed !== undefined && onset - installed <= INSTALL_MS)
      );
    })
  );
}

/** Severity × evidence × impact: a broad, well-supported incident first. The evidence score, not
 * the calibrated confidence: within one bundle, the model's figures mostly tell how much of the
 * story a bundle of that kind can show, not which of its incidents has the stronger case. */
function scoreIncident(incident: Incident): number {
  const affected =
    incident.impact.pods.length +
    incident.impact.workloads.length +
    incident.impact.services.length +
    incident.impact.nodes.length;
  return (
    Math.round(severityWeight(incident.severity) * incident.evidence * (1 + Math.log2(1 + affected)) * 100) /
    100
  );
}

function topOwner(relations: Relations, subject: Subject): string | null {
  const ancestry = relations.ancestry(subject);
  if (ancestry.length < 2) return null;
  return formatObjectRef(parseObjectKey(ancestry.at(-1)!));
}

/** Keys (`namespace/Kind/name`) of the objects whose labels, at any time, the selector matches. */
async function selectedObjects(bundle: Bundle, matches: (labels: Labels) => boolean): Promise<Set<string>> {
  const rows = await bundle.query<{ namespace: string | null; kind: string; name: string; labels: string }>(
    `SELECT DISTINCT namespace, kind, name, coalesce(to_json(labels)::VARCHAR, '{}') AS labels
     FROM objects WHERE kind IS NOT NULL AND name IS NOT NULL`,
  );
  const keys = new Set<string>();
  for (const row of rows) {
    if (matches(JSON.parse(row.labels) as Labels)) keys.add(objectKey(row));
  }
  return keys;
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

async function resolveWindow(
  bundle: Bundle,
  options: AnalyzeOptions,
): Promise<{ start: string; end: string }> {
  const [span] = await bundle.query<{ first: string | null; last: string | null }>(
    `SELECT strftime(min(ts), '%Y-%m-%dT%H:%M:%S.%fZ') AS first, strftime(max(ts), '%Y-%m-%dT%H:%M:%S.%fZ') AS last FROM bundle`,
  );
  const first = span?.first ?? '1970-01-01T00:00:00.000000Z';
  const last = span?.last ?? first;
  const end = options.until ? resolveTime(options.until, last, '--until') : last;
  const start = options.since ? resolveTime(options.since, end, '--since') : first;
  if (start > end)
    throw new KstoryError(`--since ${options.since} is after --until ${options.until ?? '(end of bundle)'}`);
  return { start, end };
}

/** An absolute RFC 3339 time, or a duration back from `reference` (`2h` = two hours before it). */
export function resolveTime(text: string, reference: string, flag: string): string {
  if (isDuration(text)) return new Date(Date.parse(reference) - parseDuration(text)).toISOString();
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new KstoryError(`${flag} "${text}" is neither a time nor a duration`, {
      hint: 'Use an RFC 3339 time (2026-03-01T10:40:00Z) or a duration back from the end of the bundle (30m, 2h, 1d).',
    });
  }
  return new Date(ms).toISOString();
}
