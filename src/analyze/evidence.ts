// Evidence attachment: the rows shown to the reader for each finding of a pattern (time, source,
// excerpt), a few per signal, oldest first, each row once.

import type { Bundle } from '../bundle/reader.ts';
import { positiveSignalsOf, signalsOf } from '../patterns/condition.ts';
import { compileEvidence } from '../patterns/evidence-sql.ts';
import type { LoadedPattern } from '../patterns/load.ts';
import { MAX_CANDIDATE_FILTER } from './hits.ts';
import type { Finding } from './report.ts';

interface EvidenceRow {
  s_namespace: string | null;
  s_kind: string | null;
  s_name: string | null;
  s_container: string | null;
  ts: string;
  source: string;
  excerpt: string | null;
}

export async function attachEvidence(
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
    // A signal none of the findings showed has no row to give them (a variant's signal that
    // matched nothing): not asked.
    if (!findings.some((f) => name in f.signals)) continue;
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
