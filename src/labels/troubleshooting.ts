// Troubleshooting labels: one per incident of an analysis, the question an on-call engineer asks
// from the symptoms, and the answer kstory found: root cause, chain, evidence rows, action plan.

import { isSupporting } from '../analyze/chain-score.ts';
import type { Bundle } from '../bundle/reader.ts';
import { formatDuration } from '../vocab/duration.ts';
import { formatSubject, type ObjectRef, objectKey, type Subject } from '../vocab/object-ref.ts';
import { severityWeight } from '../vocab/severity.ts';
import type { Report, ReportFinding, ReportIncident } from './analysis.ts';
import { involvedManifests } from './context.ts';
import { completenessOf, consistencyOf, evidenceQualityOf, qualityOf } from './quality.ts';
import { phraseQuestions } from './questions.ts';
import type { LabelRedactor } from './redact.ts';
import { buildResolution } from './resolution.ts';
import { LABEL_SCHEMA, type TroubleshootingLabel } from './schema.ts';
import { type LabelSource, labelId } from './source.ts';

/** Evidence rows per label: the root's first, then each step's in chain order. */
export const MAX_EVIDENCE = 40;

export interface TroubleshootingOptions {
  questions: number;
  redactor: LabelRedactor;
}

/** `Deployment shop/cart` (a finding's owner) as a reference; null when it does not read as one. */
export function parseOwner(owner: string | null): ObjectRef | null {
  const match = owner?.match(/^(\S+) (?:([^/\s]+)\/)?(\S+)$/);
  return match ? { kind: match[1]!, namespace: match[2] ?? null, name: match[3]! } : null;
}

const asObject = (s: Subject): ObjectRef => ({ kind: s.kind, namespace: s.namespace, name: s.name });
const asSubject = (r: ObjectRef): Subject => ({
  kind: r.kind,
  namespace: r.namespace ?? null,
  name: r.name,
  container: null,
});
/** `2026-03-02 09:09 UTC`: how a person says when something began. */
const spoken = (time: string) => `${time.slice(0, 10)} ${time.slice(11, 16)} UTC`;

/** What the on-call engineer sees first: the most severe effect, the latest of equals; the root alone when it explains nothing. */
export function mainSymptom(members: readonly ReportFinding[]): ReportFinding {
  const effects = members.slice(1).filter((m) => !isSupporting(m));
  if (effects.length === 0) return members[0]!;
  return effects.reduce((best, m) =>
    severityWeight(m.severity) >= severityWeight(best.severity) ? m : best,
  );
}

/** Where a person says a finding was seen: a pod's workload (`shop/Deployment cart, container app`), else its subject. */
export function seenOn(f: ReportFinding): string {
  const owner = f.subject.kind === 'Pod' ? parseOwner(f.owner) : null;
  return owner
    ? formatSubject({ ...asSubject(owner), container: f.subject.container })
    : formatSubject(f.subject);
}

function findingRef(f: ReportFinding) {
  return {
    pattern: f.pattern,
    title: f.title,
    subject: formatSubject(f.subject),
    severity: f.severity,
    first: f.first,
    last: f.last,
    summary: f.summary,
  };
}

export async function troubleshootingLabel(
  bundle: Bundle,
  report: Report,
  incident: ReportIncident,
  source: LabelSource,
  options: TroubleshootingOptions,
): Promise<TroubleshootingLabel> {
  const findings = report.findings;
  const root = findings[incident.root]!;
  const members = incident.chain.map((step) => findings[step.finding]!);
  const stepOf = new Map(incident.chain.map((step, i) => [step.finding, i + 1]));
  const id = labelId('ts', source.digest, root);

  const symptom = mainSymptom(members);
  const others = [
    ...new Set(members.filter((m) => m !== symptom && m !== root && !isSupporting(m)).map((m) => m.title)),
  ];
  const questions = phraseQuestions(
    {
      title: symptom.title,
      subject: seenOn(symptom),
      namespace: symptom.subject.namespace,
      cluster: report.bundle.cluster.name,
      since: spoken(symptom.first),
      others: others.filter((t) => t !== symptom.title).slice(0, 3),
    },
    options.questions,
    id,
  );

  const owners = members.map((m) => parseOwner(m.owner));
  const refs = new Map<string, ObjectRef>();
  for (const [i, m] of members.entries()) {
    for (const ref of [asObject(m.subject), owners[i]]) if (ref) refs.set(objectKey(ref), ref);
  }
  const manifests = (await involvedManifests(bundle, [...refs.values()], report.window.end)).map((m) =>
    options.redactor.manifest(m),
  );
  const namespaces = [
    ...new Set(members.map((m) => m.subject.namespace).filter((n): n is string => n !== null)),
  ].sort();

  const chain = incident.chain.map((step, i) => ({
    step: i + 1,
    ...findingRef(members[i]!),
    caused_by: step.via ? (stepOf.get(step.via.from) ?? null) : null,
    link: step.via
      ? { id: step.via.link, description: step.via.description, strength: step.via.strength }
      : null,
  }));
  const evidence = members
    .flatMap((m) =>
      m.evidence.map((e) => ({
        source: e.source,
        time: e.ts,
        subject: formatSubject(m.subject),
        signal: e.signal,
        pattern: m.pattern,
        excerpt: e.excerpt,
      })),
    )
    .slice(0, MAX_EVIDENCE);

  // Effects are verified on what outlives a pod: its workload when it has one.
  const effects = members.slice(1).map((m, i) => {
    const owner = owners[i + 1];
    return m.subject.kind === 'Pod' && owner ? asSubject(owner) : m.subject;
  });
  const resolution = buildResolution(root.subject, incident.remediation, effects);

  const impact = incident.impact;
  const affected = [
    ...impact.workloads,
    ...impact.services.map((s) => `Service ${s}`),
    ...impact.nodes.map((n) => `Node ${n}`),
  ];
  const lasting = impact.duration_seconds > 0 ? ` for ${formatDuration(impact.duration_seconds * 1000)}` : '';
  const problem =
    `${symptom.title} (${seenOn(symptom)}), from ${spoken(impact.start)}${lasting}.` +
    (affected.length > 0 ? ` Affected: ${affected.join(', ')}` : '') +
    (impact.pods.length > 0
      ? `${affected.length > 0 ? ';' : ' Affected:'} ${impact.pods.length} pod(s).`
      : affected.length > 0
        ? '.'
        : '');
  const seen = [...new Set(members.slice(1).map((m) => `${m.title} (${seenOn(m)})`))];
  const scenario =
    `Cluster ${report.bundle.cluster.name ?? '(unnamed)'}${report.bundle.cluster.server_version ? `, Kubernetes ${report.bundle.cluster.server_version}` : ''}. ` +
    `From ${spoken(symptom.first)}: ${seen.length > 0 ? seen.join('; ') : `${symptom.title} (${seenOn(symptom)})`}.`;

  const quality = qualityOf({
    completeness: completenessOf([
      questions.length > 0,
      manifests.length > 0,
      root.summary.length > 0,
      chain.length > 0,
      resolution.steps.some((s) => s.commands.length > 0),
      incident.remediation.length > 0,
      resolution.verification.length > 0,
      evidence.length > 0,
    ]),
    consistency: consistencyOf(
      chain.map((s) => ({
        first: s.first,
        causedBy: s.caused_by === null ? null : s.caused_by - 1,
        strength: s.link?.strength ?? null,
      })),
    ),
    evidence: evidenceQualityOf(evidence),
    confidence: incident.confidence,
  });

  const label: TroubleshootingLabel = {
    schema: LABEL_SCHEMA,
    id,
    type: 'troubleshooting',
    source: {
      bundle: source.bundle,
      digest: source.digest,
      producer: source.producer,
      scenario: source.scenario,
      seed: source.seed,
    },
    question: questions[0]!,
    questions,
    scenario,
    context: {
      cluster: report.bundle.cluster.name,
      server_version: report.bundle.cluster.server_version,
      window: report.window,
      namespaces,
      objects: manifests,
    },
    problem,
    root_cause: { ...findingRef(root), detail: root.detail, confidence: incident.confidence },
    chain,
    resolution,
    evidence,
    severity: incident.severity,
    quality,
    relationships: [],
  };
  // Manifests were redacted as objects; everything else is text from the catalogue and the bundle.
  const redacted = options.redactor.texts({ ...label, context: { ...label.context, objects: [] } });
  return { ...redacted, context: { ...redacted.context, objects: manifests } };
}
