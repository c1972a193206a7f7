// Detection of one pattern: keeps the subjects whose hits satisfy its condition and turns each into
// a finding with its variant, confidence, narrative, remediation, when it cleared, and evidence.

import type { Bundle } from '../bundle/reader.ts';
import { evaluateCondition, positiveSignalsOf } from '../patterns/condition.ts';
import { GONE_SIGNAL, type LoadedPattern } from '../patterns/load.ts';
import { exceptionFor } from '../patterns/params.ts';
import type { Variant } from '../patterns/schema.ts';
import type { Subject } from '../vocab/object-ref.ts';
import { fillPlaceholders } from '../vocab/placeholder.ts';
import { scoreConfidence } from './confidence.ts';
import { attachEvidence } from './evidence.ts';
import type { Existence } from './existence.ts';
import { collectHits } from './hits.ts';
import { placeholderValues } from './narrative.ts';
import type { Finding, SignalHit } from './report.ts';

export interface DetectOptions {
  start: string;
  end: string;
  /** The bundle has no watch history (a snapshot): timelines are partial. */
  snapshot: boolean;
  evidencePerSignal?: number;
  /** Which subjects still exist at the end; without it, nothing counts as gone. */
  existence?: Existence;
  /** `pattern/signal` of signals known to match no row (probeSignals): not asked. */
  unmatched?: ReadonlySet<string>;
}

export async function detectPattern(
  bundle: Bundle,
  pattern: LoadedPattern,
  options: DetectOptions,
): Promise<Finding[]> {
  const range = { start: options.start, end: options.end };
  const subjects = await collectHits(bundle, pattern, range, options.unmatched);
  if (pattern.resolvedCondition && subjects.size > 0)
    await options.existence?.load(
      bundle,
      [...subjects.values()].map((s) => s.subject),
    );
  const findings: Finding[] = [];
  for (const { subject, hits } of subjects.values()) {
    const present = new Set(hits.keys());
    if (!evaluateCondition(pattern.condition, present)) continue;
    if (exceptionFor(pattern.exclude, subject) !== null) continue;
    const variantIndex = pattern.variantConditions.findIndex((c) => evaluateCondition(c, present));
    const variant: Variant | null = variantIndex >= 0 ? pattern.variants[variantIndex]! : null;
    const relevant = positiveSignalsOf(pattern.condition).filter((s) => present.has(s));
    const times = relevant.map((s) => hits.get(s)!);
    const first = times.map((h) => h.first).sort()[0] ?? options.start;
    const last =
      times
        .map((h) => h.last)
        .sort()
        .at(-1) ?? options.end;
    const { confidence, reasons } = scoreConfidence(pattern, variant, present, options.snapshot);
    const resolved = resolvedAt(pattern, subject, hits, { first, last }, options.existence);
    const values = placeholderValues(subject, first, last, variant, hits);
    findings.push({
      pattern: pattern.id,
      title: variant?.title ?? pattern.title,
      severity: variant?.severity ?? pattern.severity,
      status: pattern.status,
      subject,
      first,
      last,
      variant: variant?.id ?? null,
      signals: Object.fromEntries(hits),
      confidence,
      confidence_reasons: reasons,
      summary: fillPlaceholders(variant?.summary ?? pattern.narrative.summary, values),
      detail: pattern.narrative.detail ? fillPlaceholders(pattern.narrative.detail, values) : null,
      remediation: [...(variant?.remediation ?? []), ...pattern.remediation].map((step) =>
        fillPlaceholders(step, values),
      ),
      references: pattern.references,
      evidence: [],
      resolved,
    });
  }
  if (findings.length > 0)
    await attachEvidence(bundle, pattern, findings, range, options.evidencePerSignal ?? 3);
  return findings;
}

function resolvedAt(
  pattern: LoadedPattern,
  subject: Subject,
  hits: Map<string, SignalHit>,
  { first, last }: { first: string; last: string },
  existence: Existence | undefined,
): string | null {
  if (!pattern.resolvedCondition) return null;
  const present = new Set(hits.keys());
  const gone = existence?.gone(subject) === true;
  if (gone) present.add(GONE_SIGNAL);
  if (!evaluateCondition(pattern.resolvedCondition, present)) return null;
  // When the healthy state began: the first row of the resolving signals (their states last to the
  // end of the window, so their `last` says nothing).
  const times = positiveSignalsOf(pattern.resolvedCondition)
    .map((s) => hits.get(s)?.first)
    .filter((t): t is string => t !== undefined);
  // Gone with nothing else: the problem ended with its subject, at its last sign.
  // A healthy state that held before the problem began did not end it (a container can stay ready
  // while it logs errors): the problem then ended with its last sign.
  const healthySince = times.sort().at(-1);
  return healthySince !== undefined && healthySince >= first ? healthySince : last;
}
