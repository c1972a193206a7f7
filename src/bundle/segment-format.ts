// The formats of a spool's line segments (seg-NNNNNN.ndjson), one home for every reader of them:
// compaction, repair, analysis of a live spool, verification. A segment says its own format, so that
// a spool left by an older kstory, and one resumed by a newer, read segment by segment.
//   format 1  (no header)          one JSON object per line, the body inside it as JSON
//   format 2  `kstory-spool 2` line, then `row-JSON-without-body <TAB> body-JSON` per line (`null`
//             for a row without one): DuckDB types the small head with json_transform and keeps the
//             body as text, so that it does not parse every body again (two thirds of the bytes)

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { COLUMNS, readJsonColumnsLiteral } from './columns.ts';
import { sqlString } from './duckdb.ts';

export type SegmentFormat = 1 | 2;

/** The format the writer writes. */
export const CURRENT_SEGMENT_FORMAT: SegmentFormat = 2;

/** The first line of a format-2 segment. It is not JSON, so a format-1 reader never takes it for rows. */
export const SEGMENT_HEADER = Buffer.from('kstory-spool 2\n');

/**
 * Largest spool line, newline excluded. DuckDB's readers hold a buffer of about this size, so it
 * bounds memory; objects are capped near 1.5 MB by etcd, and only a RequestResponse audit entry of
 * a huge list comes near it. A larger row keeps its typed columns and loses its body (see the
 * writer's append).
 */
export const MAX_LINE_BYTES = 16 << 20;
/** read_csv's buffer: it must hold the longest line; twice that is DuckDB's smallest sound choice. */
const CSV_BUFFER_BYTES = 2 * MAX_LINE_BYTES + (1 << 20);

/** The format a segment is written in; an empty or header-only file is format 2 with no rows. */
export function segmentFormat(file: string): SegmentFormat {
  const fd = openSync(file, 'r');
  try {
    const start = Buffer.alloc(SEGMENT_HEADER.length);
    const read = readSync(fd, start, 0, start.length, 0);
    if (read === 0) return CURRENT_SEGMENT_FORMAT;
    // A header cut by a kill is a prefix of it: no rows followed it.
    return SEGMENT_HEADER.subarray(0, read).equals(start.subarray(0, read)) ? 2 : 1;
  } finally {
    closeSync(fd);
  }
}

/** Whether the segment holds any line of rows (a format-2 header alone holds none). */
export function segmentHasRows(file: string): boolean {
  const size = statSync(file).size;
  return size > (segmentFormat(file) === 2 ? SEGMENT_HEADER.length : 0);
}

export interface SegmentReadOptions {
  /**
   * The segment may be written while it is read (a live spool): a last line cut short is skipped
   * instead of failing the query. Compaction reads closed segments, cut back to whole lines, and
   * wants an error for anything else.
   */
  tolerant?: boolean;
}

/**
 * SQL giving the segment's rows with every column of the format in order, `body` as JSON text
 * written the way DuckDB writes JSON (so that a segment of either format compacts into the same
 * Parquet).
 */
export function segmentRowsSql(file: string, options: SegmentReadOptions = {}): string {
  return READERS[segmentFormat(file)](file, options.tolerant === true);
}

const READERS: Record<SegmentFormat, (file: string, tolerant: boolean) => string> = {
  1: (file, tolerant) => {
    const select = COLUMNS.map((c) => (c.name === 'body' ? 'CAST(body AS VARCHAR) AS body' : `"${c.name}"`));
    const options = tolerant ? ', ignore_errors = true' : '';
    return (
      `SELECT ${select.join(', ')} FROM read_json(${sqlString(file)}, format = 'newline_delimited', ` +
      `columns = ${readJsonColumnsLiteral()}, maximum_object_size = ${MAX_LINE_BYTES}${options})` +
      (tolerant ? ' WHERE source IS NOT NULL' : '')
    );
  },
  2: (file, tolerant) => {
    const select = COLUMNS.map((c) =>
      c.name === 'body' ? `${canonicalBody('body')} AS body` : `r."${c.name}" AS "${c.name}"`,
    );
    // A cut line has a head or a body that is not whole JSON; a missing tab makes it a bad CSV line.
    const whole = tolerant ? ' WHERE json_valid(head) AND json_valid(text)' : '';
    return (
      `SELECT ${select.join(', ')} FROM (SELECT json_transform(head, ${headStructure()}) AS r, ` +
      `nullif(text, 'null') AS body FROM read_csv(${sqlString(file)}, columns = {'head': 'VARCHAR', 'text': 'VARCHAR'}, ` +
      `delim = '\t', quote = '', escape = '', header = false, skip = 1, auto_detect = false, ` +
      `new_line = '\\n', max_line_size = ${MAX_LINE_BYTES + 1}, buffer_size = ${CSV_BUFFER_BYTES}` +
      `${tolerant ? ', ignore_errors = true' : ''})${whole})`
    );
  },
};

/**
 * The body as DuckDB writes JSON: what the writer serialised itself already is; text as another
 * program wrote it (a watch event, an audit log line) is too when it came from Go or `jq -c`, except
 * for `\u` escapes (Go escapes `<`, `>` and `&`), escaped slashes and spaced separators, and only
 * those bodies are parsed again.
 */
export function canonicalBody(column: string): string {
  return (
    `CASE WHEN contains(${column}, '\\u') OR contains(${column}, '\\/') OR contains(${column}, '": ') ` +
    `THEN CAST(json(${column}) AS VARCHAR) ELSE ${column} END`
  );
}

let structure: string | null = null;

/** json_transform's structure for the head: every column but the body, with its DuckDB type. */
function headStructure(): string {
  structure ??= sqlString(
    JSON.stringify(Object.fromEntries(COLUMNS.filter((c) => c.name !== 'body').map((c) => [c.name, c.type]))),
  );
  return structure;
}
