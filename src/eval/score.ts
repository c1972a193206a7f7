// Scores one sample: for each labelled root cause, where kstory ranked it (or why it did not), the
// chain steps found under it, the noise on a sample that must stay quiet, and for every incident
// reported whether its root is one the labels name (what calibration is measured on).

import type { Features } from '../analyze/calibration.ts';
import type { Report, ReportFinding } from '../analyze/report.ts';
import { formatSubject } from '../vocab/object-ref.ts';
import { type Severity, severityAtLeast } from '../vocab/severity.ts';
import type { ChainStepSpec, CorpusName, EvalSample } from './corpus.ts';
import { describeSpec, type RootSpec } from './match.ts';
import { evidenceSituation } from './situation.ts';

/** Decides, for one sample's bundle, whether a finding is what the labels name. */
export interface Judge {
  /** The finding names this root cause: an accepted pattern, about the labelled subject. */
  names(finding: ReportFinding, root: RootSpec): boolean;
  /** The finding is this chain step: its pattern, about one of its subjects (any when none). */
  isStep(finding: ReportFinding, step: ChainStepSpec): boolean;
}

/** What running a sample gave: a report, or the stage that failed and why. */
export type Analysis =
  | { ok: true; report: Report; judge: Judge; imported: string }
  | { ok: false; stage: 'import' | 'analyze'; error: string };

export type Outcome =
  | 'hit'
  | 'ranked'
  | 'wrong-root'
  | 'no-incident'
  | 'not-imported'
  | 'not-analyzed'
  | 'quiet'
  | 'noisy';

export interface RootSummary {
  pattern: string;
  subject: string;
  severity: Severity;
  confidence: number;
}

export interface ReportedIncident extends RootSummary {
  rank: number;
  /** Its root is one the labels name (never, on a sample that must stay quiet). */
  correct: boolean;
  /** What its confidence was computed from (src/analyze/calibration.ts): what calibration is fitted on. */
  features: Features;
}

export interface CaseResult {
  /** The sample's id, with `#n` for the n-th of several root causes. */
  id: string;
  sample: string;
  corpus: CorpusName;
  /** The labelled root cause; null for a sample that must stay quiet. */
  expected: { patterns: string[]; subject: string } | null;
  /** What kstory ranked first. */
  first: RootSummary | null;
  /** Where the labelled root ranks: 1 + the incidents above it whose root is not another of the
   * sample's labelled roots (three independent faults labelled in one sample can each be first). */
  rank: number | null;
  /** Its incident's own rank in the report. */
  position: number | null;
  outcome: Outcome;
  why: string;
  /** Chain steps after the root: expected, and found in the incident of the root. */
  chain: { expected: string[]; found: string[] } | null;
  /** Incidents at high or above on a sample that must stay quiet. */
  noise: number | null;
}

export interface SampleResult {
  id: string;
  corpus: CorpusName;
  status: 'analyzed' | 'not-imported' | 'not-analyzed';
  /** What went wrong, or what was imported (rows, skipped files). */
  detail: string;
  /** What evidence its bundle holds (situation.ts); null when it was not analysed. */
  situation: string | null;
  incidents: ReportedIncident[];
  cases: CaseResult[];
}

const NOISE_SEVERITY: Severity = 'high';

function summarize(finding: ReportFinding, severity: Severity, confidence: number): RootSummary {
  return { pattern: finding.pattern, subject: formatSubject(finding.subject), severity, confidence };
}

export function scoreSample(sample: EvalSample, analysis: Analysis): SampleResult {
  if (!analysis.ok) {
    const outcome = analysis.stage === 'import' ? 'not-imported' : 'not-analyzed';
    const why = `${outcome === 'not-imported' ? 'not imported' : 'analysis failed'}: ${analysis.error}`;
    return {
      id: sample.id,
      corpus: sample.corpus,
      status: outcome,
      detail: analysis.error,
      situation: null,
      incidents: [],
      cases: casesOf(sample).map(({ root: _, steps, ...head }) => ({
        ...head,
        first: null,
        rank: null,
        position: null,
        outcome,
        why,
        chain: steps ? { expected: steps.map((s) => s.pattern), found: [] } : null,
        noise: null,
      })),
    };
  }
  const { report, judge } = analysis;
  const rootOf = (rank: number) => report.findings[report.incidents[rank - 1]!.root]!;
  const incidents: ReportedIncident[] = report.incidents.map((incident) => ({
    rank: incident.rank,
    ...summarize(report.findings[incident.root]!, incident.severity, incident.confidence),
    correct: sample.roots.some((root) => judge.names(report.findings[incident.root]!, root)),
    features: incident.confidence_features,
  }));
  const top = report.incidents[0];
  const first = top ? summarize(report.findings[top.root]!, top.severity, top.confidence) : null;

  const cases = casesOf(sample).map(({ root, steps, ...head }): CaseResult => {
    if (root === null) {
      const noisy = report.incidents.filter((i) => severityAtLeast(i.severity, NOISE_SEVERITY));
      const why =
        noisy.length > 0
          ? `${noisy.length} incident${noisy.length > 1 ? 's' : ''} at high or above`
          : report.incidents.length > 0
            ? `quiet (${report.incidents.length} below high)`
            : 'quiet';
      return {
        ...head,
        first,
        rank: null,
        position: null,
        outcome: noisy.length > 0 ? 'noisy' : 'quiet',
        why,
        chain: null,
        noise: noisy.length,
      };
    }
    const at = report.incidents.findIndex((i) => judge.names(report.findings[i.root]!, root));
    const position = at < 0 ? null : at + 1;
    const rank = at < 0 ? null : 1 + incidents.slice(0, at).filter((i) => !i.correct).length;
    const placed = position !== rank ? ` (#${position} in the report, after other labelled roots)` : '';
    let outcome: Outcome;
    let why: string;
    if (rank === 1) [outcome, why] = ['hit', `ranked first${placed}`];
    else if (rank !== null) [outcome, why] = ['ranked', `root ranked ${rank}${placed}`];
    else if (report.incidents.length === 0)
      [outcome, why] = ['no-incident', `imported (${analysis.imported}) but no incident; ${whereIs(root)}`];
    else [outcome, why] = ['wrong-root', `wrong root; ${whereIs(root)}`];
    const members =
      position === null ? [] : report.incidents[position - 1]!.chain.map((s) => report.findings[s.finding]!);
    return {
      ...head,
      first,
      rank,
      position,
      outcome,
      why,
      chain: steps
        ? {
            expected: steps.map((s) => s.pattern),
            found: steps.filter((s) => members.some((m) => judge.isStep(m, s))).map((s) => s.pattern),
          }
        : null,
      noise: null,
    };
  });
  return {
    id: sample.id,
    corpus: sample.corpus,
    status: 'analyzed',
    detail: analysis.imported,
    situation: evidenceSituation(report),
    incidents,
    cases,
  };

  /** Where the labelled root is in the report when no incident has it as its root. */
  function whereIs(root: RootSpec): string {
    const found = report.findings.filter((f) => judge.names(f, root));
    const placed = found.find((f) => f.incident !== null);
    if (placed) {
      const r = rootOf(placed.incident!);
      return `found under #${placed.incident} (root ${r.pattern} on ${formatSubject(r.subject)})`;
    }
    if (found.length > 0) return 'found, but in no reported incident (transient)';
    return 'not found';
  }
}

/** One case per labelled root cause (the chain is scored with the first), or one quiet case. */
function casesOf(sample: EvalSample): (Pick<CaseResult, 'id' | 'sample' | 'corpus' | 'expected'> & {
  root: RootSpec | null;
  steps: ChainStepSpec[] | null;
})[] {
  const base = { sample: sample.id, corpus: sample.corpus };
  if (sample.roots.length === 0) return [{ ...base, id: sample.id, expected: null, root: null, steps: null }];
  return sample.roots.map((root, i) => ({
    ...base,
    id: sample.roots.length > 1 ? `${sample.id}#${i + 1}` : sample.id,
    expected: { patterns: root.patterns, subject: describeSpec(root.subject) },
    root,
    steps: i === 0 && sample.chain.length > 0 ? sample.chain : null,
  }));
}
