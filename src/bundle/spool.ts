// The writer's spool: a directory of numbered segments that only ever grows, so that a crash
// loses at most what was not yet flushed. Layout:
//   spool.json           how to finish the bundle: output path and metadata (rewritten atomically)
//   spool.lock           pid of the writer using the spool
//   redaction.key        the key of the tokens that replace credentials (mode 0600), so that a
//                        writer resuming the spool gives a value the token it had before
//   seg-000001.ndjson    rows as lines, appended; the newest one is the open segment. The segment
//                        says its format (segment-format.ts): older spools hold JSON lines
//   seg-000001.parquet   a compacted segment (written to .tmp, then renamed; then the .ndjson goes)

import { randomBytes } from 'node:crypto';
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
import { describeProblem, zodProblem } from '../vocab/zod-issue.ts';
import { BundleMetadataSchema } from './metadata.ts';
import type { BundleRow } from './row.ts';

export const SPOOL_FILE = 'spool.json';
export const LOCK_FILE = 'spool.lock';

/**
 * The spool's version: 1 for spools whose segments are all JSON lines (segment format 1), 2 once a
 * writer that writes segment format 2 has used it. A kstory reads the versions up to its own.
 */
export const SPOOL_VERSION = 2;

export const SpoolStateSchema = z.object({
  spool_version: z.number().int().min(1),
  output: z.string(),
  metadata: BundleMetadataSchema,
  /** JSON-lines bytes of the closed segments: the size of the rows as DuckDB will hold them. */
  spooled_bytes: z.number().nonnegative().default(0),
  /** Finish into a share-safe bundle (`--anonymize`): kept here so that a repair does it too. */
  anonymize: z.boolean().default(false),
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
  if (parsed.success && parsed.data.spool_version > SPOOL_VERSION) {
    throw new KstoryError(
      `${file}: spool version ${parsed.data.spool_version} is newer than this kstory reads (${SPOOL_VERSION})`,
      { hint: 'Finish it with the kstory version that wrote it (kstory bundle repair), or upgrade kstory.' },
    );
  }
  if (!parsed.success) {
    throw new KstoryError(describeProblem(zodProblem(parsed.error, file)), {
      hint: 'The spool state is damaged; it is rewritten whole, so this file was edited by hand or by another tool.',
    });
  }
  return parsed.data;
}

export function writeSpoolState(dir: string, state: SpoolState): void {
  const file = path.join(dir, SPOOL_FILE);
  try {
    writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  } catch (error) {
    rmSync(`${file}.tmp`, { force: true });
    throw error;
  }
}

export const KEY_FILE = 'redaction.key';

/**
 * The spool's redaction key: the one it holds, or `given` (else a random one) stored for a writer
 * that resumes it. Never part of the bundle: the spool, key included, is removed once it is written.
 */
export function spoolRedactionKey(dir: string, given: Uint8Array | undefined): Uint8Array {
  const file = path.join(dir, KEY_FILE);
  if (existsSync(file)) {
    const stored = readFileSync(file);
    if (stored.length === 32) return new Uint8Array(stored);
  }
  const key = given ?? new Uint8Array(randomBytes(32));
  writeFileSync(file, key, { mode: 0o600 });
  return key;
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
  writeFileSync(file, String(process.pid), { mode: 0o600 });
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

/**
 * A body the producer has already serialised: the writer embeds it as is when redaction changes
 * nothing in it. Text, or UTF-8 bytes in pieces (a watch event's object as it came, managedFields
 * cut out), which the writer copies to the spool without ever making a string of them. `value` is
 * the JSON the text holds, when the producer parsed it anyway: redaction reads that instead of
 * parsing the text again.
 */
export class RawJson {
  readonly pieces: readonly Uint8Array[] | null;
  private decoded: string | null;

  constructor(
    json: string | readonly Uint8Array[],
    readonly value?: unknown,
  ) {
    this.pieces = typeof json === 'string' ? null : json;
    this.decoded = typeof json === 'string' ? json : null;
  }

  get text(): string {
    this.decoded ??= Buffer.concat(this.pieces ?? []).toString('utf8');
    return this.decoded;
  }

  /** The same text, known to hold `value`. */
  holding(value: unknown): RawJson {
    return new RawJson(this.pieces ?? this.text, value);
  }
}

/**
 * One line of a format-1 segment (see segment-format.ts), which kstory no longer writes: the row as
 * JSON with the body embedded as a JSON value. Kept to write spools of older kstory versions in
 * tests, and as the plain JSON form of a row.
 */
export function encodeRow(row: BundleRow): string {
  const body = row.body;
  const head = headOf(row);
  if (body === undefined || body === null) return head;
  const bodyText = body instanceof RawJson ? body.text : JSON.stringify(body);
  return `${head.slice(0, -1)},"body":${bodyText}}`;
}

/** The row without its body, as JSON: never a raw tab or newline (JSON.stringify escapes them). */
export function headOf(row: BundleRow): string {
  // JSON has no NaN or infinities, which Prometheus samples do carry; DuckDB reads them from text.
  if (typeof row.metric_value === 'number' && !Number.isFinite(row.metric_value)) {
    return headOf({ ...row, metric_value: String(row.metric_value) as unknown as number });
  }
  const body = row.body;
  if (body === undefined) return JSON.stringify(row);
  // JSON.stringify leaves out members whose value is undefined: the body is set aside for the
  // moment rather than the row copied without it (a copy of 40 members, for every row).
  row.body = undefined;
  try {
    return JSON.stringify(row);
  } finally {
    row.body = body;
  }
}
