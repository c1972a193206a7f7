// Bundle metadata: what a bundle says about itself in its Parquet key-value metadata, and the
// format-version rule (older minors are read, a newer major is refused).

import { z } from 'zod';
import { KstoryError } from '../errors.ts';
import { describeProblem, zodProblem } from '../vocab/zod-issue.ts';
import { FORMAT_MAJOR, FORMAT_MINOR, FORMAT_VERSION } from './columns.ts';

/** Key holding the bare format version, e.g. `1.0`, so that it can be checked without JSON. */
export const KV_FORMAT_VERSION = 'kstory.format_version';
/** Key holding the whole metadata document as JSON. */
export const KV_METADATA = 'kstory.metadata';

export const GapSchema = z.object({
  start: z.string(),
  end: z.string().nullable(),
  reason: z.string(),
  /** What the gap concerns, e.g. `watch:pods`, `logs:shop/checkout-1/app`, or `*` for everything. */
  scope: z.string().default('*'),
});
export type Gap = z.infer<typeof GapSchema>;

/**
 * Where an input's capture time comes from: `gathered` (the dump says), `newest-observation` (the
 * newest object, event or log time in it), `given` (--at), `inferred-year` (the newest time of logs
 * that write no year, klog's: its year inferred) or `file-time` (the newest file modification time,
 * a last resort: a copy made days later moves it).
 */
export const CaptureSourceSchema = z.enum([
  'gathered',
  'newest-observation',
  'given',
  'inferred-year',
  'file-time',
]);
export type CaptureSource = z.infer<typeof CaptureSourceSchema>;

export const InputSchema = z.object({
  path: z.string(),
  format: z.string(),
  records: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative().default(0),
  /** When a snapshot input was taken (null for histories such as audit logs). */
  captured_at: z.string().nullable().optional(),
  captured_at_source: CaptureSourceSchema.nullable().optional(),
  /** Files found in the input, read or skipped. */
  files_seen: z.number().int().nonnegative().optional(),
  /** Rows it gave, by source (object, event, audit, log, metric). */
  rows_by_source: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** Files skipped, by the reason the import gave (`empty file`, `unrecognised content: …`). */
  skipped_by_reason: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** Damaged lines or documents skipped. */
  damaged: z.number().int().nonnegative().optional(),
  /** Provenance: each file that gave rows, with how many of each source. */
  files: z
    .array(z.object({ path: z.string(), rows: z.record(z.string(), z.number().int().nonnegative()) }))
    .optional(),
});

export const BundleMetadataSchema = z.object({
  format_version: z.string(),
  tool_version: z.string(),
  created_at: z.string(),
  /** `record`, `import`, `simulate`, `bench`, `repair`... */
  producer: z.string(),
  cluster: z
    .object({
      name: z.string().nullable().default(null),
      server_version: z.string().nullable().default(null),
      /** The managed service that ran it (GKE, EKS, AKS), when an imported cloud export says. */
      cloud: z.string().nullable().optional(),
      /** Its region or zone. */
      location: z.string().nullable().optional(),
      /** The GCP project, AWS account or Azure subscription it belongs to. */
      account: z.string().nullable().optional(),
      /** The cloud's own id of it (an Azure resource id, a GKE resource name). */
      id: z.string().nullable().optional(),
    })
    .default({ name: null, server_version: null }),
  /** The period the bundle covers; rows may be older (snapshots keep past timestamps). */
  window: z
    .object({ start: z.string().nullable(), end: z.string().nullable() })
    .default({ start: null, end: null }),
  sources: z.array(z.string()).default([]),
  /** Filters in force while recording or importing (namespaces, resources, log policy...). */
  filters: z.record(z.string(), z.unknown()).default({}),
  /** Redaction rules that were applied at the source. */
  redaction: z.array(z.string()).default([]),
  /** Periods where the recording may be incomplete. */
  gaps: z.array(GapSchema).default([]),
  /** True when the bundle is a point-in-time snapshot with no watch history (e.g. an import of a dump). */
  snapshot: z.boolean().default(false),
  /** Files a bundle was imported from. */
  inputs: z.array(InputSchema).default([]),
  /** Whether the bundle was rebuilt from the spool of a writer that did not finish. */
  repaired: z.boolean().default(false),
  /** `sorted`: the whole file is in the documented row order; `sorted-per-segment`: a large bundle
   * made of runs (one per spool segment), each in that order. */
  row_order: z.enum(['sorted', 'sorted-per-segment']).default('sorted'),
  /** Free-form producer details (simulator seed and scenario, recorder settings). */
  extra: z.record(z.string(), z.unknown()).default({}),
  /** Names, users, addresses and hosts replaced by pseudonyms (share-safe; see bundle/anonymize.ts). */
  anonymized: z.boolean().default(false),
});
export type BundleMetadata = z.infer<typeof BundleMetadataSchema>;
export type BundleMetadataInput = z.input<typeof BundleMetadataSchema>;

/** Fields a producer may set; the rest are filled in by the writer. */
export type MetadataPatch = Partial<Omit<BundleMetadata, 'format_version' | 'tool_version' | 'created_at'>>;

export interface FormatVersion {
  major: number;
  minor: number;
}

export function parseFormatVersion(text: string, file: string): FormatVersion {
  const match = /^(\d+)\.(\d+)$/.exec(text.trim());
  if (!match) {
    throw new KstoryError(
      `${file}: unreadable bundle format version "${text}" (expected e.g. ${FORMAT_VERSION})`,
      {
        hint: 'The file’s metadata is damaged or it was not written by kstory.',
      },
    );
  }
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** Refuse what this version of kstory cannot read; accept every older minor of the current major. */
export function checkFormatVersion(text: string, file: string): FormatVersion {
  const version = parseFormatVersion(text, file);
  if (version.major > FORMAT_MAJOR) {
    throw new KstoryError(
      `${file}: bundle format ${text} is newer than this kstory reads (format ${FORMAT_MAJOR}.x)`,
      { hint: 'Upgrade kstory to read this bundle: npm install -g kstory@latest' },
    );
  }
  if (version.major < FORMAT_MAJOR) {
    throw new KstoryError(
      `${file}: bundle format ${text} predates format ${FORMAT_MAJOR}.0 and is not supported`,
      {
        hint: 'Re-create the bundle with a current kstory (kstory import or kstory record).',
      },
    );
  }
  return version;
}

export function isNewerMinor(version: FormatVersion): boolean {
  return version.major === FORMAT_MAJOR && version.minor > FORMAT_MINOR;
}

/** The key-value pairs written into the Parquet footer. */
export function metadataToKeyValues(metadata: BundleMetadata): Record<string, string> {
  return {
    [KV_FORMAT_VERSION]: metadata.format_version,
    [KV_METADATA]: JSON.stringify(metadata),
  };
}

export function parseMetadataJson(text: string, file: string): BundleMetadata {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KstoryError(`${file}: the ${KV_METADATA} entry is not valid JSON`, {
      hint: 'The bundle’s footer is damaged; if a spool is left, rebuild with kstory bundle repair.',
    });
  }
  const parsed = BundleMetadataSchema.safeParse(json);
  if (!parsed.success) {
    const problem = zodProblem(parsed.error, file);
    throw new KstoryError(describeProblem({ ...problem, field: `${KV_METADATA}.${problem.field}` }), {
      hint: 'The bundle’s metadata does not follow docs/bundle-format.md.',
    });
  }
  return parsed.data;
}

/** Combine the metadata of several bundles read together. */
export function mergeMetadata(all: readonly BundleMetadata[]): BundleMetadata {
  const [first, ...rest] = all;
  if (!first) throw new Error('mergeMetadata needs at least one metadata document');
  if (rest.length === 0) return first;
  const minOf = (values: (string | null)[]) =>
    values.filter((v): v is string => v !== null).sort()[0] ?? null;
  const maxOf = (values: (string | null)[]) =>
    values
      .filter((v): v is string => v !== null)
      .sort()
      .at(-1) ?? null;
  return {
    ...first,
    producer: [...new Set(all.map((m) => m.producer))].join('+'),
    window: { start: minOf(all.map((m) => m.window.start)), end: maxOf(all.map((m) => m.window.end)) },
    sources: [...new Set(all.flatMap((m) => m.sources))].sort(),
    redaction: [...new Set(all.flatMap((m) => m.redaction))].sort(),
    gaps: all.flatMap((m) => m.gaps),
    snapshot: all.some((m) => m.snapshot),
    inputs: all.flatMap((m) => m.inputs),
    repaired: all.some((m) => m.repaired),
    // Share-safe only if every part is.
    anonymized: all.every((m) => m.anonymized),
  };
}
