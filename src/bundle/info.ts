// What `kstory bundle info` reports: metadata, rows per source and per kind, time ranges and gaps.

import type { BundleMetadata, Gap } from './metadata.ts';
import type { Bundle } from './reader.ts';

export interface BundleInfo {
  files: { path: string; format: string; bytes: number; format_version: string; missing_columns: string[] }[];
  metadata: BundleMetadata;
  rows: number;
  first: string | null;
  last: string | null;
  by_source: { source: string; rows: number; first: string | null; last: string | null }[];
  by_kind: { source: string; kind: string | null; rows: number }[];
  gaps: Gap[];
  warnings: string[];
}

const ISO = `'%Y-%m-%dT%H:%M:%S.%fZ'`;

export async function describeBundle(bundle: Bundle): Promise<BundleInfo> {
  const bySource = await bundle.query<{
    source: string;
    rows: number;
    first: string | null;
    last: string | null;
  }>(
    `SELECT source, count(*)::DOUBLE AS rows, strftime(min(ts), ${ISO}) AS first, strftime(max(ts), ${ISO}) AS last
     FROM bundle GROUP BY source ORDER BY rows DESC, source`,
  );
  const byKind = await bundle.query<{ source: string; kind: string | null; rows: number }>(
    `SELECT source, kind, count(*)::DOUBLE AS rows FROM bundle
     GROUP BY source, kind ORDER BY source, rows DESC, kind`,
  );
  const firsts = bySource
    .map((s) => s.first)
    .filter((v): v is string => v !== null)
    .sort();
  const lasts = bySource
    .map((s) => s.last)
    .filter((v): v is string => v !== null)
    .sort();
  return {
    files: bundle.files.map((f) => ({
      path: f.path,
      format: f.format,
      bytes: f.bytes,
      format_version: `${f.version.major}.${f.version.minor}`,
      missing_columns: f.missingColumns,
    })),
    metadata: bundle.metadata,
    rows: bySource.reduce((sum, s) => sum + s.rows, 0),
    first: firsts[0] ?? null,
    last: lasts.at(-1) ?? null,
    by_source: bySource,
    by_kind: byKind,
    gaps: bundle.metadata.gaps,
    warnings: [...bundle.warnings],
  };
}
