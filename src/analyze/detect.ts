// Detection: runs each pattern's signals over the bundle, groups the hits by subject, keeps the
// subjects whose condition holds, and turns each into a finding with its variant, confidence (and
// how it was reached), narrative, remediation and evidence rows.

import { listValue } from '@duckdb/node-api';
import { VERSION_ORDER_SQL } from '../bundle/columns.ts';
import type { Bundle } from '../bundle/reader.ts';
import { evaluateCondition, positiveSignalsOf, signalsOf } from '../patterns/condition.ts';
import { compileEvidence } from '../patterns/evidence-sql.ts';
import { GONE_SIGNAL, type LoadedPattern } from '../patterns/load.ts';
import { exceptionFor } from '../patterns/params.ts';
import type { Variant } from '../patterns/schema.ts';
import { compileProbe, compileSignal } from '../patterns/signal-sql.ts';
import { formatDuration } from '../vocab/duration.ts';
import { formatSubject, objectKey, type Subject } from '../vocab/object-ref.ts';
import { fillPlaceholders } from '../vocab/placeholder.ts';
import { formatTime } from '../vocab/units.ts';
import { analysisWidth, onConnections } from './parallel.ts';
import type { Finding, SignalHit } from './report.ts';
import { LOADED_VIEWS } from './working-set.ts';

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

/**
 * Which signals match no row in the range, as `pattern/signal`. Most match nothing in a healthy
 * bundle; a few batched statements find out, instead of planning each signal's whole query. Probed:
 * the signals a pattern asks first (those its condition needs present: see collectHits), and the
 * others when they read a table of the working set, where a probe costs next to nothing (logs and
 * metrics stay scans of the bundle's files).
 */
export async function probeSignals(
  bundle: Bundle,
  patterns: readonly LoadedPattern[],
  range: { start: string; end: string },
): Promise<Set<string>> {
  const probes = patterns.flatMap((pattern) => {
    const first = new Set(positiveSignalsOf(pattern.condition));
    return Object.entries(pattern.detect.signals)
      .filter(([name, signal]) => first.has(name) || LOADED_VIEWS.has(signal.from))
      .map(([name, signal]) => ({ id: `${pattern.id}/${name}`, ...compileProbe(signal, range) }));
  });
  // A few statements rather than one, so that they plan and run on every connection at once.
  const batches = Math.min(probes.length, 2 * analysisWidth());
  const batchSize = Math.ceil(probes.length / batches);
  const perBatch = await onConnections(
    bundle,
    Array.from({ length: batches }, (_, i) => probes.slice(i * batchSize, (i + 1) * batchSize)),
    async (connection, batch) => {
      if (batch.length === 0) return [];
      const rows = await connection.query<{ signal: number }>(
        batch.map((probe, i) => `SELECT ${i} AS signal WHERE ${probe.sql}`).join('\nUNION ALL\n'),
        batch.flatMap((probe) => probe.params),
      );
      const matched = new Set(rows.map((r) => r.signal));
      return batch.filter((_, i) => !matched.has(i)).map((probe) => probe.id);
    },
  );
  return new Set(perBatch.flat());
}

/**
 * What exists at the end of the bundle, to tell a problem that went away with its subject, and when
 * objects were created, to tell start-up churn from a later failure. A large cluster has tens of
 * thousands of objects and analysis needs a few dozen of them: each is looked up when first needed
 * (`load`), then answered from memory.
 */
export class Existence {
  /** Kinds the bundle records objects of: absence means something only for these. */
  private kinds: ReadonlySet<string> | null = null;
  /** `namespace/Kind/name` → what the bundle says of it; absent from the map once loaded: no record. */
  private readonly objects = new Map<string, { deleted: boolean; created: number | null }>();
  /** Names already looked up, or being looked up by `pending`. */
  private readonly looked = new Set<string>();
  /** Lookups under way: detection asks on several connections at once. */
  private readonly pending = new Set<Promise<void>>();

  /** Look up these objects (and the kinds the bundle records) on `connection`, if not done yet. */
  async load(
    connection: Bundle,
    objects: Iterable<{ namespace: string | null; kind: string; name: string }>,
  ): Promise<void> {
    if (this.kinds === null) {
      const kinds = await connection.query<{ kind: string }>(
        `SELECT DISTINCT kind FROM objects WHERE kind IS NOT NULL AND name IS NOT NULL`,
      );
      this.kinds ??= new Set(kinds.map((k) => k.kind));
    }
    const names = [...new Set([...objects].map((o) => o.name))].filter((n) => !this.looked.has(n));
    if (names.length > 0) {
      for (const name of names) this.looked.add(name);
      const lookup = this.lookUp(connection, names);
      this.pending.add(lookup);
      void lookup.finally(() => this.pending.delete(lookup)).catch(() => {});
    }
    // Another caller may be looking up some of the same names.
    await Promise.all(this.pending);
  }

  private async lookUp(connection: Bundle, names: string[]): Promise<void> {
    const rows = await connection.query<{
      namespace: string | null;
      kind: string;
      name: string;
      deleted: boolean;
      created: number | null;
    }>(
      `SELECT namespace, kind, name,
              last(watch_event ORDER BY ${VERSION_ORDER_SQL}) = 'DELETED' AS deleted,
              epoch_ms(max(created_at))::DOUBLE AS created
       FROM objects WHERE kind IS NOT NULL AND name IN (SELECT unnest(?::VARCHAR[])) GROUP BY ALL`,
      [listValue(names)],
    );
    for (const row of rows) this.objects.set(objectKey(row), { deleted: row.deleted, created: row.created });
  }

  /** Whether the object's last record is its deletion, or it has none though its kind is recorded. */
  gone(object: { namespace: string | null; kind: string; name: string }): boolean {
    if (this.kinds?.has(object.kind) !== true) return false;
    const known = this.objects.get(objectKey(object));
    return known === undefined || known.deleted;
  }

  /** Creation time (ms) of a loaded object (`namespace/Kind/name`), when the bundle has it. */
  created(key: string): number | undefined {
    return this.objects.get(key)?.created ?? undefined;
  }
}

interface HitRow {
  s_namespace: string | null;
  s_kind: string | null;
  s_name: string | null;
  s_container: string | null;
  first: string;
  last: string;
  occurrences: number;
  value: number | null;
  text: string | null;
}

export function subjectKey(subject: Subject): string {
  return `${subject.namespace ?? ''}/${subject.kind}/${subject.name}/${subject.container ?? ''}`;
}

function mergeHit(a: SignalHit | undefined, b: SignalHit): SignalHit {
  if (!a) return b;
  return {
    first: a.first < b.first ? a.first : b.first,
    last: a.last > b.last ? a.last : b.last,
    occurrences: a.occurrences + b.occurrences,
    value: a.value === null ? b.value : b.value === null ? a.value : Math.max(a.value, b.value),
    text: a.last > b.last ? (a.text ?? b.text) : (b.text ?? a.text),
  };
}

/** Above this many candidate subjects, later signals are asked about everything and filtered here. */
const MAX_CANDIDATE_FILTER = 5000;

/** Hits of every signal, grouped by the pattern's subject level. */
async function collectHits(
  bundle: Bundle,
  pattern: LoadedPattern,
  range: { start: string; end: string },
  unmatched: ReadonlySet<string> | undefined,
): Promise<Map<string, { subject: Subject; hits: Map<string, SignalHit> }>> {
  const subjects = new Map<string, { subject: Subject; hits: Map<string, SignalHit> }>();
  const podLevel: { signal: string; subject: Subject; hit: SignalHit }[] = [];
  const kinds = new Set(pattern.kinds);

  // The signals the condition needs present go first: when none of them hits, nothing can be
  // found and the rest is not asked; otherwise the rest is asked only about the subjects they found
  // (most signals, like "running and ready at the end", hold for thousands of healthy subjects).
  const positive = new Set(positiveSignalsOf(pattern.condition));
  const ordered = Object.entries(pattern.detect.signals).sort(
    ([a], [b]) => Number(positive.has(b)) - Number(positive.has(a)),
  );
  let candidates: Set<string> | null = null;
  for (const [name, signal] of ordered) {
    if (!positive.has(name) && candidates === null) {
      candidates = new Set([...subjects.values(), ...podLevel].map((e) => e.subject.name));
      if (candidates.size === 0) break;
    }
    // No row matches it at all: it cannot hit, whatever the subjects.
    if (unmatched?.has(`${pattern.id}/${name}`)) continue;
    const names = candidates && candidates.size <= MAX_CANDIDATE_FILTER ? [...candidates] : undefined;
    const compiled = compileSignal(signal, range, { names });
    const rows = await bundle.query<HitRow>(compiled.sql, compiled.params);
    for (const row of rows) {
      if (row.s_kind === null || row.s_name === null) continue;
      if (kinds.size > 0 && !kinds.has(row.s_kind)) continue;
      const subject: Subject = {
        namespace: row.s_namespace,
        kind: row.s_kind,
        name: row.s_name,
        container: pattern.subject === 'container' ? row.s_container : null,
      };
      const hit: SignalHit = {
        first: row.first,
        last: row.last,
        occurrences: Number(row.occurrences),
        value: row.value === null ? null : Number(row.value),
        text: row.text,
      };
      if (pattern.subject === 'container' && subject.container === null) {
        podLevel.push({ signal: name, subject, hit });
        continue;
      }
      const key = subjectKey(subject);
      const entry = subjects.get(key) ?? { subject, hits: new Map() };
      entry.hits.set(name, mergeHit(entry.hits.get(name), hit));
      subjects.set(key, entry);
    }
  }
  // A pod-level hit (an event without a container, the pod's phase) concerns every container of
  // the pod that other signals found; a pod with no container-level hit stays a pod subject.
  const containersByPod = new Map<string, { subject: Subject; hits: Map<string, SignalHit> }[]>();
  for (const entry of subjects.values()) {
    if (entry.subject.container === null) continue;
    const pod = objectKey(entry.subject);
    containersByPod.set(pod, [...(containersByPod.get(pod) ?? []), entry]);
  }
  for (const { signal, subject, hit } of podLevel) {
    const containers = containersByPod.get(objectKey(subject)) ?? [];
    const targets =
      containers.length > 0
        ? containers
        : [subjects.get(subjectKey(subject)) ?? { subject, hits: new Map<string, SignalHit>() }];
    for (const target of targets) {
      target.hits.set(signal, mergeHit(target.hits.get(signal), hit));
      subjects.set(subjectKey(target.subject), target);
    }
  }
  return subjects;
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

function scoreConfidence(
  pattern: LoadedPattern,
  variant: Variant | null,
  present: ReadonlySet<string>,
  snapshot: boolean,
): { confidence: number; reasons: string[] } {
  let score = pattern.confidence.base;
  const reasons = [`${pattern.confidence.base.toFixed(2)} base for ${pattern.id}`];
  for (const [signal, boost] of Object.entries(pattern.confidence.boost)) {
    if (present.has(signal)) {
      score += boost;
      reasons.push(`+${boost.toFixed(2)} ${pattern.detect.signals[signal]?.description ?? signal}`);
    }
  }
  for (const [signal, reduce] of Object.entries(pattern.confidence.reduce)) {
    if (present.has(signal)) {
      score -= reduce;
      reasons.push(`-${reduce.toFixed(2)} ${pattern.detect.signals[signal]?.description ?? signal}`);
    }
  }
  if (variant && variant.confidence !== 0) {
    score += variant.confidence;
    reasons.push(
      `${variant.confidence > 0 ? '+' : ''}${variant.confidence.toFixed(2)} variant ${variant.id}`,
    );
  }
  if (snapshot) {
    score -= 0.1;
    reasons.push('-0.10 snapshot bundle: no watch history, the timeline is partial');
  }
  const clamped = Math.min(0.99, Math.max(0.05, score));
  if (clamped !== score) reasons.push(`clamped to ${clamped.toFixed(2)}`);
  return { confidence: Math.round(clamped * 100) / 100, reasons };
}

function placeholderValues(
  subject: Subject,
  first: string,
  last: string,
  variant: Variant | null,
  hits: Map<string, SignalHit>,
): Record<string, string> {
  const values: Record<string, string> = {
    namespace: subject.namespace ?? '',
    kind: subject.kind,
    name: subject.name,
    container: subject.container ?? '',
    subject: formatSubject(subject),
    first: formatTime(first),
    last: formatTime(last),
    duration: narrativeDuration(Date.parse(last) - Date.parse(first)),
    variant: variant?.id ?? '',
  };
  for (const [signal, hit] of hits) {
    values[`count.${signal}`] = String(hit.occurrences);
    values[`value.${signal}`] = hit.value === null ? '' : formatNumber(hit.value);
    values[`first.${signal}`] = formatTime(hit.first);
    values[`last.${signal}`] = formatTime(hit.last);
    values[`text.${signal}`] = hit.text ?? '';
  }
  return values;
}

/** How long a problem lasted, in a sentence: `20m`, `2h 5m`. */
function narrativeDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return 'a moment';
  return formatDuration(ms, { smallest: 'm' });
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(Math.abs(value) < 10 ? 2 : 1);
}

interface EvidenceRow {
  s_namespace: string | null;
  s_kind: string | null;
  s_name: string | null;
  s_container: string | null;
  ts: string;
  source: string;
  excerpt: string | null;
}

async function attachEvidence(
  bundle: Bundle,
  pattern: LoadedPattern,
  findings: Finding[],
  range: { start: string; end: string },
  perSignal: number,
): Promise<void> {
  const signals = pattern.evidence ?? [
    ...new Set([...positiveSignalsOf(pattern.condition), ...pattern.variantConditions.flatMap(signalsOf)]),
  ];
  // The same row often satisfies several signals (a container both backing off and OOM-killed):
  // it is shown once.
  const seen = new Map<Finding, Set<string>>(findings.map((f) => [f, new Set<string>()]));
  for (const name of signals) {
    const names = [...new Set(findings.map((f) => f.subject.name))];
    const compiled = compileEvidence(pattern.detect.signals[name]!, range, perSignal, {
      names: names.length <= MAX_CANDIDATE_FILTER ? names : undefined,
    });
    const rows = await bundle.query<EvidenceRow>(compiled.sql, compiled.params);
    for (const finding of findings) {
      if (!(name in finding.signals)) continue;
      const s = finding.subject;
      for (const row of rows) {
        const sameObject = row.s_namespace === s.namespace && row.s_kind === s.kind && row.s_name === s.name;
        const sameContainer =
          s.container === null || row.s_container === null || row.s_container === s.container;
        const key = `${row.ts}|${row.source}|${row.excerpt}`;
        if (sameObject && sameContainer && row.excerpt && !seen.get(finding)!.has(key)) {
          seen.get(finding)!.add(key);
          finding.evidence.push({ ts: row.ts, source: row.source, signal: name, excerpt: row.excerpt });
        }
      }
    }
  }
  for (const finding of findings) finding.evidence.sort((a, b) => a.ts.localeCompare(b.ts));
}
