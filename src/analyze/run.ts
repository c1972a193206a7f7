// `kstory analyze` as a function: bundle + options in, a Report out. Resolves the analysed window,
// loads and selects patterns, detects, filters and ranks. Prints nothing and never exits.

import picomatch from 'picomatch';
import type { Gap } from '../bundle/metadata.ts';
import type { Bundle } from '../bundle/reader.ts';
import { KstoryError } from '../errors.ts';
import { type LoadedPattern, loadPatterns } from '../patterns/load.ts';
import { durationMs, SEVERITIES, type Severity } from '../patterns/schema.ts';
import { TOOL_VERSION } from '../version.ts';
import { detectPattern, type Finding } from './detect.ts';

export const REPORT_SCHEMA = 'kstory.report/v1';

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
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  tool_version: string;
  bundle: {
    files: string[];
    producer: string;
    cluster: { name: string | null; server_version: string | null };
    snapshot: boolean;
    gaps: Gap[];
  };
  window: { start: string; end: string };
  patterns: { loaded: number; run: string[] };
  findings: RankedFinding[];
  /** Findings left out by --min-confidence or --top. */
  omitted: number;
}

export interface RankedFinding extends Finding {
  rank: number;
  score: number;
}

const SEVERITY_WEIGHT: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };

export function severityAtLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(threshold);
}

export async function analyzeBundle(bundle: Bundle, options: AnalyzeOptions = {}): Promise<Report> {
  const patterns = selectPatterns(loadPatterns({ userDirs: options.patternDirs }), options);
  const window = await resolveWindow(bundle, options);
  const all: Finding[] = [];
  for (const pattern of patterns) {
    all.push(
      ...(await detectPattern(bundle, pattern, {
        start: window.start,
        end: window.end,
        snapshot: bundle.metadata.snapshot,
      })),
    );
  }
  const inScope = all.filter(
    (f) =>
      (!options.namespaces?.length ||
        (f.subject.namespace !== null &&
          options.namespaces.some((g) => picomatch.isMatch(f.subject.namespace!, g)))) &&
      (!options.kinds?.length || options.kinds.some((k) => k.toLowerCase() === f.subject.kind.toLowerCase())),
  );
  const ranked = rankFindings(inScope);
  const kept = ranked
    .filter((f) => f.confidence >= (options.minConfidence ?? 0))
    .slice(0, options.top ?? Number.POSITIVE_INFINITY);
  return {
    schema: REPORT_SCHEMA,
    tool_version: TOOL_VERSION,
    bundle: {
      files: bundle.files.map((f) => f.path),
      producer: bundle.metadata.producer,
      cluster: bundle.metadata.cluster,
      snapshot: bundle.metadata.snapshot,
      gaps: bundle.metadata.gaps,
    },
    window,
    patterns: { loaded: patterns.length, run: patterns.map((p) => p.id) },
    findings: kept,
    omitted: ranked.length - kept.length,
  };
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

/** Severity × confidence, then the longer-lasting and earlier finding first. */
export function rankFindings(findings: Finding[]): RankedFinding[] {
  return findings
    .map((f) => ({
      ...f,
      score: Math.round(SEVERITY_WEIGHT[f.severity] * f.confidence * 100) / 100,
      rank: 0,
    }))
    .sort((a, b) => b.score - a.score || a.first.localeCompare(b.first) || a.pattern.localeCompare(b.pattern))
    .map((f, i) => ({ ...f, rank: i + 1 }));
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
  if (/^\d+[smhd]$/.test(text)) return new Date(Date.parse(reference) - durationMs(text)).toISOString();
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new KstoryError(`${flag} "${text}" is neither a time nor a duration`, {
      hint: 'Use an RFC 3339 time (2026-03-01T10:40:00Z) or a duration back from the end of the bundle (30m, 2h, 1d).',
    });
  }
  return new Date(ms).toISOString();
}
