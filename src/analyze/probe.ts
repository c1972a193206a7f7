// Probing: which signals of the patterns match no row at all, found in a few batched statements,
// so that detection does not plan and run the full query of a signal that cannot hit.

import type { Bundle } from '../bundle/reader.ts';
import { positiveSignalsOf } from '../patterns/condition.ts';
import type { LoadedPattern } from '../patterns/load.ts';
import { compileProbe } from '../patterns/signal-sql.ts';
import { analysisWidth, onConnections } from './parallel.ts';
import { LOADED_VIEWS } from './working-set.ts';

/**
 * Which signals match no row in the range, as `pattern/signal`. Most match nothing in a healthy
 * bundle; a few batched statements find out, instead of planning each signal's whole query. Probed
 * first: the signals a pattern asks first (those its condition needs present: see collectHits).
 * Then, of the patterns one of those signals may hit, the other signals that read a table of the
 * working set, where a probe runs in next to no time (logs and metrics stay scans of the bundle's
 * files). The others of a pattern none of whose first signals matches are never asked, and probing
 * them would cost their planning, which is most of a probe's cost.
 */
export async function probeSignals(
  bundle: Bundle,
  patterns: readonly LoadedPattern[],
  range: { start: string; end: string },
): Promise<Set<string>> {
  const firstOf = new Map(patterns.map((p) => [p, new Set(positiveSignalsOf(p.condition))]));
  const unmatched = await probe(
    bundle,
    patterns.flatMap((pattern) => signalsOf(pattern, (name) => firstOf.get(pattern)!.has(name))),
    range,
  );
  const going = patterns.filter((p) =>
    [...firstOf.get(p)!].some((name) => !unmatched.has(`${p.id}/${name}`)),
  );
  const others = going.flatMap((pattern) =>
    signalsOf(pattern, (name, signal) => !firstOf.get(pattern)!.has(name) && LOADED_VIEWS.has(signal.from)),
  );
  for (const id of await probe(bundle, others, range)) unmatched.add(id);
  return unmatched;
}

type PatternSignal = { id: string; signal: LoadedPattern['detect']['signals'][string] };

function signalsOf(
  pattern: LoadedPattern,
  keep: (name: string, signal: PatternSignal['signal']) => boolean,
): PatternSignal[] {
  return Object.entries(pattern.detect.signals)
    .filter(([name, signal]) => keep(name, signal))
    .map(([name, signal]) => ({ id: `${pattern.id}/${name}`, signal }));
}

/** Of the signals, the ids of those that match no row in the range. */
async function probe(
  bundle: Bundle,
  signals: readonly PatternSignal[],
  range: { start: string; end: string },
): Promise<Set<string>> {
  if (signals.length === 0) return new Set();
  const probes = signals.map(({ id, signal }) => ({ id, ...compileProbe(signal, range) }));
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
