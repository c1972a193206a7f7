// What an analysis looked at: the sources a bundle holds (objects, events, audit entries, logs,
// metrics), their rows and times, and what its import skipped. "No incidents" means something only
// beside it; with nothing to look at, the answer is "nothing to analyze", never an all-clear.

import type { BundleMetadata } from '../bundle/metadata.ts';
import type { Bundle } from '../bundle/reader.ts';

/** The sources patterns read, in the order a reader is told about them. */
export const ANALYSED_SOURCES = ['object', 'event', 'audit', 'log', 'metric'] as const;
export type AnalysedSource = (typeof ANALYSED_SOURCES)[number];

export interface SourceCoverage {
  source: AnalysedSource;
  /** Rows of this source in the bundle. */
  rows: number;
  /**
   * Rows the analysed window sees: for objects, every version up to its end (a snapshot's objects
   * keep the times they last changed, long before it was taken); for the others, those within it.
   */
  in_window: number;
  first: string | null;
  last: string | null;
}

export interface Coverage {
  sources: SourceCoverage[];
  /** True when the window holds no row of any source: detection had nothing to work on. */
  nothing_to_analyze: boolean;
  /** Files its import skipped, by reason, over every input. */
  skipped: Record<string, number>;
  /** Damaged lines or documents its import skipped. */
  damaged: number;
}

const ISO = `'%Y-%m-%dT%H:%M:%S.%fZ'`;

export async function coverageOf(bundle: Bundle, window: { start: string; end: string }): Promise<Coverage> {
  const rows = await bundle.query<{
    source: string;
    rows: number;
    in_window: number;
    first: string | null;
    last: string | null;
  }>(
    `SELECT source, count(*)::DOUBLE AS rows,
       count(*) FILTER (WHERE ts <= ?::TIMESTAMPTZ
         AND (source = 'object' OR ts >= ?::TIMESTAMPTZ))::DOUBLE AS in_window,
       strftime(min(ts), ${ISO}) AS first, strftime(max(ts), ${ISO}) AS last
     FROM bundle WHERE source <> 'marker' GROUP BY source`,
    [window.end, window.start],
  );
  const bySource = new Map(rows.map((r) => [r.source, r]));
  const sources = ANALYSED_SOURCES.map((source) => {
    const row = bySource.get(source);
    return {
      source,
      rows: row?.rows ?? 0,
      in_window: row?.in_window ?? 0,
      first: row?.first ?? null,
      last: row?.last ?? null,
    };
  });
  return {
    sources,
    nothing_to_analyze: sources.every((s) => s.in_window === 0),
    ...skippedAtImport(bundle.metadata),
  };
}

function skippedAtImport(metadata: BundleMetadata): { skipped: Record<string, number>; damaged: number } {
  const skipped: Record<string, number> = {};
  let damaged = 0;
  for (const input of metadata.inputs) {
    for (const [reason, n] of Object.entries(input.skipped_by_reason ?? {}))
      skipped[reason] = (skipped[reason] ?? 0) + n;
    damaged += input.damaged ?? 0;
  }
  return { skipped, damaged };
}
