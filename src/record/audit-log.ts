// Following an API-server audit log file like `tail -F`: read it from the start, then what is
// appended, across rotation by rename (kube-apiserver's lumberjack: audit.log becomes
// audit-<time>.log and a new audit.log appears) and by copytruncate (the file shrinks). Lines are
// handed on whole; a partial last line waits for its newline. The rotated files (gzip too) make the
// backlog of a snapshot. fs.watch wakes the reader; a poll catches what fs.watch misses.

import { type FSWatcher, watch } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Gap } from '../bundle/metadata.ts';
import { messageOf } from '../errors.ts';
import {
  type Cursor,
  cutLines,
  type LinePlace,
  newCursor,
  rewind,
  unfinishedLine,
} from './audit-log-cursor.ts';
import { openContent, readRange, rotatedFiles } from './audit-log-files.ts';

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

const CHUNK_BYTES = 1 << 20;

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

  /** Rotated files beside the log, oldest first, leaving out those last written before `sinceMs`. */
  rotatedFiles(sinceMs: number | null): Promise<string[]> {
    return rotatedFiles(this.options.file, sinceMs);
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
    rewind(cursor);
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
    this.cursor = newCursor(handle, info);
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
        if (from < piece.length) cutLines(cursor, piece.subarray(from), copy, this.handOn);
      }
    } catch (error) {
      this.options.log(`warning: audit log copy ${copy}: ${messageOf(error)}`);
    }
    // The copy's last line is whole: the writer had finished it before the copy was taken.
    const last = unfinishedLine(cursor);
    if (last !== null) this.hand(last, { file: copy, line: cursor.line + 1 });
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
      cutLines(cursor, this.chunk.subarray(0, bytesRead), this.options.file, this.handOn);
    }
  }

  /** Close the current file, handing on an unfinished last line. */
  private finishCursor(partial: boolean): void {
    const cursor = this.cursor;
    if (cursor === null) return;
    this.cursor = null;
    const last = unfinishedLine(cursor);
    if (last !== null) this.hand(last, { file: this.options.file, line: cursor.line + 1, partial });
    this.stats.files++;
    void cursor.handle.close().catch(() => {});
  }

  private readonly handOn = (text: string, place: LinePlace): void => this.hand(text, place);

  private hand(text: string, place: LinePlace): void {
    this.stats.lines++;
    // A writer without O_APPEND after a copytruncate leaves a hole of zero bytes before its line.
    let line = text.charCodeAt(0) === 0 ? text.replace(/^\0+/, '') : text;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    this.options.onLine(line, place);
  }
}
