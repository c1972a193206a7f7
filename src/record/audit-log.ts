// Following an API-server audit log file like `tail -F`: read it from the start, then what is
// appended, across rotation by rename (kube-apiserver's lumberjack: audit.log becomes
// audit-<time>.log and a new audit.log appears) and by copytruncate (the file shrinks). Lines are
// handed on whole; a partial last line waits for its newline. The rotated files (gzip too) make the
// backlog of a snapshot. fs.watch wakes the reader; a poll catches what fs.watch misses.

import { createReadStream, type FSWatcher, watch } from 'node:fs';
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Gap } from '../bundle/metadata.ts';
import { messageOf } from '../errors.ts';

export interface LinePlace {
  /** The file the line is in, as the user named it or as found beside it. */
  file: string;
  /** 1-based line number in that file (after a copytruncate, counted from the truncation). */
  line: number;
  /** A last line without its newline, handed on because the recording stops: it may be cut. */
  partial?: boolean;
  /** A line longer than MAX_LINE_BYTES, dropped: `line` is empty. */
  tooLong?: boolean;
}

export interface AuditLogFollowerOptions {
  file: string;
  onLine: (line: string, place: LinePlace) => void;
  log: (line: string) => void;
  /** Lines may be missing from the recording: a copytruncate whose copy could not be read. */
  onGap?: (gap: Gap) => void;
  /** Check the file at least this often, whatever fs.watch says. */
  pollMs?: number;
  /**
   * Awaited before each look at the file. A look reads in the background (libuv's threads), so a
   * test that rotates or truncates the file holds the follower here to know it reads nothing midway.
   */
  beforeStep?: () => Promise<void>;
}

export interface AuditLogStats {
  lines: number;
  /** Files read to their end: rotated ones, then the current one. */
  files: number;
  rotations: number;
  truncations: number;
  /** Lines read from a copytruncate's copy: written after the last read, before the truncation. */
  recovered: number;
  /** The file does not exist (yet, or between a rename and its re-creation). */
  waiting: boolean;
}

/** A line without a newline beyond this is dropped (counted as an invalid line by the caller). */
export const MAX_LINE_BYTES = 64 << 20;
const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

interface Cursor {
  handle: FileHandle;
  dev: number;
  ino: number;
  position: number;
  /** Bytes of a line whose newline has not come yet. */
  rest: Buffer[];
  restBytes: number;
  /** Skipping the rest of a line that outgrew MAX_LINE_BYTES. */
  skipping: boolean;
  line: number;
  /** The last bytes read (up to TAIL_BYTES): how a copytruncate's copy is recognised. */
  tail: Buffer;
  /** When bytes were last read: where a gap starts if what followed them is lost. */
  readAt: Date;
}

/** Bytes compared to recognise the copy of a truncated file (a whole audit entry, usually). */
const TAIL_BYTES = 512;

export class AuditLogFollower {
  readonly stats: AuditLogStats = {
    lines: 0,
    files: 0,
    rotations: 0,
    truncations: 0,
    recovered: 0,
    waiting: false,
  };
  private cursor: Cursor | null = null;
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private warnedOpen = false;

  constructor(private readonly options: AuditLogFollowerOptions) {}

  /**
   * Rotated files beside the log (lumberjack's `audit-2026-03-02T09-10-00.000.log[.gz]`,
   * logrotate's `audit.log.1[.gz]` and `audit.log-20260302[.gz]`), oldest first, leaving out those
   * last written before `sinceMs`.
   */
  async rotatedFiles(sinceMs: number | null): Promise<string[]> {
    const dir = path.dirname(this.options.file);
    const base = path.basename(this.options.file);
    const ext = path.extname(base);
    const stem = base.slice(0, base.length - ext.length);
    const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const lumberjack = new RegExp(
      `^${literal(stem)}-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d(?:\\.\\d+)?${literal(ext)}(?:\\.gz)?$`,
    );
    const logrotate = new RegExp(`^${literal(base)}(?:\\.\\d+|-\\d{8,10})(?:\\.gz)?$`);
    const found: { file: string; mtimeMs: number }[] = [];
    for (const name of await readdir(dir)) {
      if (!lumberjack.test(name) && !logrotate.test(name)) continue;
      const file = path.join(dir, name);
      const info = await stat(file).catch(() => null);
      if (!info?.isFile() || (sinceMs !== null && info.mtimeMs < sinceMs)) continue;
      found.push({ file, mtimeMs: info.mtimeMs });
    }
    found.sort((a, b) => a.mtimeMs - b.mtimeMs || a.file.localeCompare(b.file));
    return found.map((f) => f.file);
  }

  /** One whole file, plain or gzip, start to end (a rotated file no one writes to any more). */
  async readWhole(file: string): Promise<void> {
    let line = 0;
    let rest = '';
    const emit = (text: string) => {
      line++;
      this.hand(text, { file, line });
    };
    try {
      const stream = openContent(file);
      stream.setEncoding('utf8');
      for await (const piece of stream as AsyncIterable<string>) {
        const text = rest + piece;
        let from = 0;
        for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', from)) {
          emit(text.slice(from, at));
          from = at + 1;
        }
        rest = text.slice(from);
      }
      if (rest !== '') emit(rest);
      this.stats.files++;
    } catch (error) {
      this.options.log(`warning: audit log ${file}: ${messageOf(error)} (read up to line ${line})`);
    }
  }

  /** The current file from the start to its present end; a last line without newline is handed on. */
  async readToEnd(): Promise<void> {
    if (!(await this.openCurrent())) return;
    await this.drain();
    this.finishCursor(false);
  }

  /**
   * The current file from the start, then whatever is appended, until `signal` aborts; then what was
   * written up to that moment. Never throws for a file that goes missing or cannot be read: it
   * waits and tries again.
   */
  async follow(signal: AbortSignal): Promise<void> {
    const pollMs = this.options.pollMs ?? 500;
    let wake: (() => void) | null = null;
    const poke = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    let watcher: FSWatcher | null = null;
    try {
      // The directory, not the file: a watch on the file follows the old one after a rename.
      const base = path.basename(this.options.file);
      watcher = watch(path.dirname(this.options.file), (_event, name) => {
        if (!name || name === base) poke();
      });
      watcher.on('error', () => {
        watcher?.close();
        watcher = null;
      });
    } catch {
      // No inotify watch left (ENOSPC) or a file system without events: the poll does it alone.
    }
    signal.addEventListener('abort', poke, { once: true });
    try {
      while (!signal.aborted) {
        await this.options.beforeStep?.();
        if (signal.aborted) break;
        await this.step();
        if (signal.aborted) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            wake = null;
            resolve();
          }, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      await this.step();
      this.finishCursor(true);
    } finally {
      signal.removeEventListener('abort', poke);
      watcher?.close();
    }
  }

  /** Read what is new; notice a rotation (another file at the path) or a truncation (it shrank). */
  private async step(): Promise<void> {
    if (this.cursor === null && !(await this.openCurrent())) return;
    if (await this.wasTruncated(this.cursor!)) await this.afterTruncation(this.cursor!);
    await this.drain();
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(this.options.file);
    } catch {
      // Renamed away and not created again yet: the old file is read to its end meanwhile.
      this.stats.waiting = true;
      return;
    }
    const cursor = this.cursor!;
    if (info.ino !== cursor.ino || info.dev !== cursor.dev) {
      // Rotated by rename: finish the old file (the writer closed it before the rename), then switch.
      await this.drain();
      this.finishCursor(false);
      this.stats.rotations++;
      if (await this.openCurrent()) await this.drain();
      return;
    }
    if (info.size < cursor.position) {
      await this.afterTruncation(cursor);
      await this.drain();
    }
  }

  /**
   * Whether the file was truncated since the last read: it is shorter than what was read, or, when
   * new lines already made it longer again, it no longer holds the bytes last read where they were.
   */
  private async wasTruncated(cursor: Cursor): Promise<boolean> {
    const { size } = await cursor.handle.stat();
    if (size < cursor.position) return true;
    if (cursor.tail.length === 0) return false;
    const at = cursor.position - cursor.tail.length;
    const { bytesRead } = await cursor.handle.read(this.chunk, 0, cursor.tail.length, at);
    return bytesRead < cursor.tail.length || !this.chunk.subarray(0, bytesRead).equals(cursor.tail);
  }

  /** copytruncate: what was written between the last read and the copy is in the copy only. */
  private async afterTruncation(cursor: Cursor): Promise<void> {
    this.stats.truncations++;
    this.options.log(`audit log ${this.options.file} was truncated: reading it again from the start`);
    await this.readCopyOfTruncated(cursor);
    cursor.position = 0;
    cursor.tail = Buffer.alloc(0);
    cursor.rest = [];
    cursor.restBytes = 0;
    cursor.skipping = false;
    cursor.line = 0;
  }

  private async openCurrent(): Promise<boolean> {
    let handle: FileHandle;
    try {
      handle = await open(this.options.file, 'r');
    } catch (error) {
      this.stats.waiting = true;
      if (!this.warnedOpen) {
        this.warnedOpen = true;
        const code = (error as NodeJS.ErrnoException).code;
        this.options.log(
          code === 'ENOENT'
            ? `audit log ${this.options.file} does not exist (yet): waiting for it`
            : `warning: cannot open the audit log ${this.options.file}: ${messageOf(error)} (trying again)`,
        );
      }
      return false;
    }
    const info = await handle.stat();
    this.stats.waiting = false;
    this.warnedOpen = false;
    this.cursor = {
      handle,
      dev: info.dev,
      ino: info.ino,
      position: 0,
      rest: [],
      restBytes: 0,
      skipping: false,
      line: 0,
      tail: Buffer.alloc(0),
      readAt: new Date(),
    };
    return true;
  }

  /**
   * After a copytruncate, the lines written since the last read are in the copy beside the file
   * (`audit.log.1`, `audit.log-20260302`, perhaps already gzipped): the newest rotated file that holds
   * the bytes last read at the same place. Read from there to its end; without such a copy, those
   * lines are lost and a gap says so. (Lines written between the copy and the truncation are in
   * neither: logrotate's own caveat, which no reader can mend.)
   */
  private async readCopyOfTruncated(cursor: Cursor): Promise<void> {
    const copy = await this.findCopy(cursor);
    if (copy === null) {
      if (cursor.position > 0) {
        this.options.onGap?.({
          scope: 'audit-log',
          start: cursor.readAt.toISOString(),
          end: new Date().toISOString(),
          reason: `${this.options.file} was truncated (copytruncate) and no copy beside it holds what followed byte ${cursor.position}: entries written in between may be missing`,
        });
      }
      return;
    }
    const before = this.stats.lines;
    const skip = cursor.position;
    let seen = 0;
    const stream = openContent(copy);
    try {
      for await (const piece of stream as AsyncIterable<Buffer>) {
        const from = Math.max(0, skip - seen);
        seen += piece.length;
        if (from < piece.length) this.cut(cursor, piece.subarray(from), copy);
      }
    } catch (error) {
      this.options.log(`warning: audit log copy ${copy}: ${messageOf(error)}`);
    }
    // The copy's last line is whole: the writer had finished it before the copy was taken.
    if (cursor.restBytes > 0 && !cursor.skipping) {
      this.hand(Buffer.concat(cursor.rest).toString('utf8'), { file: copy, line: cursor.line + 1 });
    }
    this.stats.recovered += this.stats.lines - before;
    if (this.stats.lines > before) {
      this.options.log(
        `audit log: read ${this.stats.lines - before} entries written before the truncation from ${copy}`,
      );
    }
  }

  /** The rotated file holding, at the cursor's position, the bytes last read from the log. */
  private async findCopy(cursor: Cursor): Promise<string | null> {
    if (cursor.position === 0 || cursor.tail.length === 0) return null;
    const candidates = (await this.rotatedFiles(null)).reverse();
    for (const file of candidates.slice(0, 3)) {
      const at = cursor.position - cursor.tail.length;
      const found = await readRange(file, at, cursor.tail.length).catch(() => null);
      if (found?.equals(cursor.tail)) return file;
    }
    return null;
  }

  /** Everything from the cursor to the end of the file, in whole lines. */
  private async drain(): Promise<void> {
    const cursor = this.cursor;
    if (cursor === null) return;
    for (;;) {
      const { bytesRead } = await cursor.handle.read(this.chunk, 0, CHUNK_BYTES, cursor.position);
      if (bytesRead === 0) return;
      cursor.position += bytesRead;
      cursor.readAt = new Date();
      this.cut(cursor, this.chunk.subarray(0, bytesRead));
    }
  }

  private cut(cursor: Cursor, bytes: Buffer, file = this.options.file): void {
    rememberTail(cursor, bytes);
    let from = 0;
    for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, from)) {
      cursor.line++;
      if (cursor.skipping) {
        cursor.skipping = false;
      } else if (cursor.restBytes > 0) {
        cursor.rest.push(bytes.subarray(from, at));
        this.hand(Buffer.concat(cursor.rest).toString('utf8'), { file, line: cursor.line });
      } else {
        this.hand(bytes.toString('utf8', from, at), { file, line: cursor.line });
      }
      cursor.rest = [];
      cursor.restBytes = 0;
      from = at + 1;
    }
    if (from >= bytes.length || cursor.skipping) return;
    // The chunk buffer is reused: keep a copy of the unfinished line.
    cursor.rest.push(Buffer.from(bytes.subarray(from)));
    cursor.restBytes += bytes.length - from;
    if (cursor.restBytes > MAX_LINE_BYTES) {
      cursor.rest = [];
      cursor.restBytes = 0;
      cursor.skipping = true;
      this.hand('', { file, line: cursor.line + 1, tooLong: true });
    }
  }

  /** Close the current file, handing on an unfinished last line. */
  private finishCursor(partial: boolean): void {
    const cursor = this.cursor;
    if (cursor === null) return;
    this.cursor = null;
    if (cursor.restBytes > 0 && !cursor.skipping) {
      this.hand(Buffer.concat(cursor.rest).toString('utf8'), {
        file: this.options.file,
        line: cursor.line + 1,
        partial,
      });
    }
    this.stats.files++;
    void cursor.handle.close().catch(() => {});
  }

  private hand(text: string, place: LinePlace): void {
    this.stats.lines++;
    // A writer without O_APPEND after a copytruncate leaves a hole of zero bytes before its line.
    let line = text.charCodeAt(0) === 0 ? text.replace(/^\0+/, '') : text;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    this.options.onLine(line, place);
  }
}

/** Keep the last TAIL_BYTES bytes the cursor has read, `bytes` being the newest. */
function rememberTail(cursor: Cursor, bytes: Buffer): void {
  if (bytes.length >= TAIL_BYTES) {
    cursor.tail = Buffer.from(bytes.subarray(bytes.length - TAIL_BYTES));
  } else {
    const kept = cursor.tail.subarray(Math.max(0, cursor.tail.length + bytes.length - TAIL_BYTES));
    cursor.tail = Buffer.concat([kept, bytes]);
  }
}

/** `length` bytes of `file` from `position` (of its decompressed content when it ends in .gz). */
async function readRange(file: string, position: number, length: number): Promise<Buffer> {
  if (position < 0) return Buffer.alloc(0);
  const stream = openContent(file);
  const parts: Buffer[] = [];
  let seen = 0;
  try {
    for await (const piece of stream as AsyncIterable<Buffer>) {
      const from = Math.max(0, position - seen);
      const to = Math.min(piece.length, position + length - seen);
      if (from < to) parts.push(piece.subarray(from, to));
      seen += piece.length;
      if (seen >= position + length) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts);
}

/**
 * The content of a log file, gunzipped when its name ends in .gz (a rotated one); a read error
 * ends the stream with it. Destroying the stream closes the file.
 */
function openContent(file: string): Readable {
  const bytes = createReadStream(file);
  if (!file.endsWith('.gz')) return bytes;
  const content = bytes.pipe(createGunzip());
  bytes.on('error', (error) => content.destroy(error));
  content.on('close', () => bytes.destroy());
  return content;
}
