// The writer's spool: a directory of numbered segments that only ever grows, so that a crash
// loses at most what was not yet flushed. Layout:
//   spool.json           how to finish the bundle: output path and metadata (rewritten atomically)
//   spool.lock           pid of the writer using the spool
//   seg-000001.ndjson    rows as JSON lines, appended; the newest one is the open segment
//   seg-000001.parquet   a compacted segment (written to .tmp, then renamed; then the .ndjson goes)

import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { KstoryError } from '../errors.ts';
import { BundleMetadataSchema } from './metadata.ts';
import type { BundleRow } from './row.ts';

export const SPOOL_FILE = 'spool.json';
export const LOCK_FILE = 'spool.lock';

export const SpoolStateSchema = z.object({
  spool_version: z.literal(1),
  output: z.string(),
  metadata: BundleMetadataSchema,
  /** JSON-lines bytes of the closed segments: the size of the rows as DuckDB will hold them. */
  spooled_bytes: z.number().nonnegative().default(0),
});
export type SpoolState = z.infer<typeof SpoolStateSchema>;

export interface Segment {
  number: number;
  ndjson: string | null;
  parquet: string | null;
}

export function segmentName(number: number, extension: 'ndjson' | 'parquet'): string {
  return `seg-${String(number).padStart(6, '0')}.${extension}`;
}

/** Segments in order. A segment with both files was compacted just before a crash: its Parquet file is
 * complete (it is renamed into place only once written), so the JSON lines are redundant. */
export function listSegments(dir: string): Segment[] {
  const byNumber = new Map<number, Segment>();
  for (const entry of readdirSync(dir)) {
    const match = /^seg-(\d+)\.(ndjson|parquet)$/.exec(entry);
    if (!match) continue;
    const number = Number(match[1]);
    const segment = byNumber.get(number) ?? { number, ndjson: null, parquet: null };
    segment[match[2] as 'ndjson' | 'parquet'] = path.join(dir, entry);
    byNumber.set(number, segment);
  }
  return [...byNumber.values()].sort((a, b) => a.number - b.number);
}

export function isSpoolDir(dir: string): boolean {
  return existsSync(path.join(dir, SPOOL_FILE)) || listSegments(dir).some((s) => s.ndjson !== null);
}

export function readSpoolState(dir: string): SpoolState {
  const file = path.join(dir, SPOOL_FILE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new KstoryError(`${file}: cannot read the spool's state (${(error as Error).message})`, {
      hint: 'Is this a kstory spool directory? It is named after the bundle with a .spool suffix.',
    });
  }
  const parsed = SpoolStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KstoryError(`${file}: field ${issue?.path.join('.')}: ${issue?.message}`, {
      hint: 'The spool state is damaged; it is rewritten whole, so this file was edited by hand or by another tool.',
    });
  }
  return parsed.data;
}

export function writeSpoolState(dir: string, state: SpoolState): void {
  const file = path.join(dir, SPOOL_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file);
}

/** Take the spool for this process; refuse when a live process holds it. */
export function lockSpool(dir: string): void {
  const file = path.join(dir, LOCK_FILE);
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
      throw new KstoryError(`${dir} is in use by another kstory process (pid ${pid})`, {
        hint: 'Wait for it to finish, or stop it first.',
      });
    }
  }
  writeFileSync(file, String(process.pid));
}

export function unlockSpool(dir: string): void {
  rmSync(path.join(dir, LOCK_FILE), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Cut a JSON-lines segment back to its last complete line: a writer killed in the middle of a
 * write leaves a partial last line. Returns the number of bytes dropped.
 */
export function truncatePartialLine(file: string): number {
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 0;
    const chunk = Buffer.alloc(Math.min(size, 1 << 20));
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const length = end - start;
      readSync(fd, chunk, 0, length, start);
      const newline = chunk.subarray(0, length).lastIndexOf(0x0a);
      if (newline >= 0) {
        const keep = start + newline + 1;
        if (keep < size) ftruncateSync(fd, keep);
        return size - keep;
      }
      end = start;
    }
    ftruncateSync(fd, 0);
    return size;
  } finally {
    closeSync(fd);
  }
}

/** A body the producer has already serialised (and redacted): the writer embeds it as is. */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * One spool line. The body is embedded as a JSON value rather than a string, so that it is not
 * escaped twice; DuckDB reads it back as JSON text.
 */
export function encodeRow(row: BundleRow): string {
  const { body, ...rest } = row;
  // JSON has no NaN or infinities, which Prometheus samples do carry; DuckDB reads them from text.
  if (typeof rest.metric_value === 'number' && !Number.isFinite(rest.metric_value)) {
    (rest as Record<string, unknown>).metric_value = String(rest.metric_value);
  }
  const head = JSON.stringify(rest);
  if (body === undefined || body === null) return head;
  const bodyText = body instanceof RawJson ? body.text : JSON.stringify(body);
  return `${head.slice(0, -1)},"body":${bodyText}}`;
}
