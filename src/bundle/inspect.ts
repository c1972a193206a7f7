// Checks that a file is a kstory bundle before anything reads it (clear errors for the wrong file, a
// truncated copy, another Parquet file, a newer major version) and learns its version, metadata and
// the columns it lacks.

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { KstoryError, messageOf } from '../errors.ts';
import { COLUMNS, FORMAT_VERSION, REQUIRED_COLUMNS } from './columns.ts';
import { type Database, type Row, sqlString } from './duckdb.ts';
import type { Source } from './inputs.ts';
import {
  type BundleMetadata,
  checkFormatVersion,
  type FormatVersion,
  isNewerMinor,
  KV_FORMAT_VERSION,
  KV_METADATA,
  parseMetadataJson,
} from './metadata.ts';

export interface BundleFile {
  path: string;
  /** `parquet` for bundles and compacted segments, `ndjson` for a spool's open segments. */
  format: 'parquet' | 'ndjson';
  bytes: number;
  version: FormatVersion;
  metadata: BundleMetadata;
  /** Columns the file lacks (an older minor version): read as NULL. */
  missingColumns: string[];
  /** Row groups found damaged and left out when the bundle was opened (see verify.ts). */
  leftOut?: { row_group: number | null; first_row: number; rows: number; error: string }[];
}

/** Parquet files start and end with the magic bytes PAR1; checking them first gives the user a
 * precise message for the two commonest accidents (wrong file, truncated copy). */
export function checkParquetMagic(file: string): void {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    if (size >= 8) readSync(fd, tail, 0, 4, size - 4);
    if (head.toString('latin1') !== 'PAR1') {
      throw new KstoryError(
        `${file}: not a Parquet file (${size === 0 ? 'it is empty' : 'no PAR1 header'})`,
        {
          hint: 'kstory reads bundles written by kstory record, import or simulate. To convert other artifacts, use kstory import.',
        },
      );
    }
    if (size < 12 || tail.toString('latin1') !== 'PAR1') {
      const spool = existsSync(`${file}.spool`)
        ? ` A spool is beside it: kstory bundle repair ${file}.spool`
        : '';
      throw new KstoryError(`${file}: truncated Parquet file (the footer is missing; ${size} bytes)`, {
        hint: `The file was cut short, e.g. by an interrupted copy or download; copy it again.${spool}`,
      });
    }
  } finally {
    closeSync(fd);
  }
}

export async function inspectFile(db: Database, source: Source, warnings: string[]): Promise<BundleFile> {
  const bytes = statSync(source.path).size;
  if (source.format === 'ndjson') {
    return {
      path: source.path,
      format: 'ndjson',
      bytes,
      version: checkFormatVersion(source.spoolMetadata?.format_version ?? FORMAT_VERSION, source.path),
      metadata: source.spoolMetadata ?? defaultMetadata(),
      missingColumns: [],
    };
  }
  let keyValues: Row[];
  let described: Row[];
  try {
    keyValues = await db.all(
      `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${sqlString(source.path)})`,
    );
    described = await db.all(`DESCRIBE SELECT * FROM read_parquet(${sqlString(source.path)})`);
  } catch (error) {
    throw new KstoryError(`${source.path}: not a readable Parquet file (${firstLine(messageOf(error))})`, {
      hint: 'The file is damaged; copy it again from where it was written.',
    });
  }
  const present = new Set(described.map((d) => String(d.column_name)));
  const kv = new Map(keyValues.map((r) => [String(r.key), String(r.value)]));
  const missingRequired = REQUIRED_COLUMNS.filter((c) => !present.has(c));
  const versionText = kv.get(KV_FORMAT_VERSION) ?? source.spoolMetadata?.format_version;
  if (missingRequired.length > 0 || versionText === undefined) {
    const has = [...present].slice(0, 6).join(', ') + (present.size > 6 ? ', ...' : '');
    const why =
      missingRequired.length > 0
        ? `missing column${missingRequired.length > 1 ? 's' : ''} ${missingRequired.join(', ')}`
        : `no ${KV_FORMAT_VERSION} in its metadata`;
    throw new KstoryError(`${source.path}: a Parquet file, but not a kstory bundle (${why}; it has ${has})`, {
      hint: 'kstory reads bundles written by kstory record, import or simulate; see docs/bundle-format.md.',
    });
  }
  const version = checkFormatVersion(versionText, source.path);
  if (isNewerMinor(version)) {
    warnings.push(
      `${source.path}: bundle format ${versionText} is newer than ${FORMAT_VERSION}; columns this kstory does not know are ignored`,
    );
  }
  const metadataText = kv.get(KV_METADATA);
  const metadata = metadataText
    ? parseMetadataJson(metadataText, source.path)
    : (source.spoolMetadata ?? defaultMetadata());
  const wrongTypes = COLUMNS.filter((c) => ['source', 'ts'].includes(c.name)).filter((c) => {
    const type = String(described.find((d) => d.column_name === c.name)?.column_type ?? '');
    return c.name === 'ts' ? !type.startsWith('TIMESTAMP') : type !== 'VARCHAR';
  });
  if (wrongTypes.length > 0) {
    throw new KstoryError(
      `${source.path}: column ${wrongTypes.map((c) => c.name).join(', ')} has the wrong type for a kstory bundle`,
      {
        hint: 'See docs/bundle-format.md for the column types.',
      },
    );
  }
  return {
    path: source.path,
    format: 'parquet',
    bytes,
    version,
    metadata,
    missingColumns: COLUMNS.map((c) => c.name).filter((c) => !present.has(c)),
  };
}

function defaultMetadata(): BundleMetadata {
  return parseMetadataJson(
    JSON.stringify({
      format_version: FORMAT_VERSION,
      tool_version: 'unknown',
      created_at: new Date(0).toISOString(),
      producer: 'unknown',
    }),
    '(defaults)',
  );
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
