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
