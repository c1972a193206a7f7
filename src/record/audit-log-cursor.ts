// Where the audit log follower is in the file it reads: its position, the unfinished last line, and
// the last bytes read (how a copytruncate's copy is recognised); and cutting bytes read into lines.

import type { FileHandle } from 'node:fs/promises';

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

/** A line without a newline beyond this is dropped (counted as an invalid line by the caller). */
export const MAX_LINE_BYTES = 64 << 20;
/** Bytes compared to recognise the copy of a truncated file (a whole audit entry, usually). */
const TAIL_BYTES = 512;
const NEWLINE = 0x0a;

export interface Cursor {
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

export function newCursor(handle: FileHandle, info: { dev: number; ino: number }): Cursor {
  return {
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
}

/** Back to the start of the file, as after a truncation. */
export function rewind(cursor: Cursor): void {
  cursor.position = 0;
  cursor.tail = Buffer.alloc(0);
  cursor.rest = [];
  cursor.restBytes = 0;
  cursor.skipping = false;
  cursor.line = 0;
}

/**
 * Hand on every whole line of `bytes` (read at the cursor), keeping a copy of an unfinished last
 * one; a line that outgrows MAX_LINE_BYTES is handed on empty as `tooLong` and its rest skipped.
 */
export function cutLines(
  cursor: Cursor,
  bytes: Buffer,
  file: string,
  hand: (text: string, place: LinePlace) => void,
): void {
  rememberTail(cursor, bytes);
  let from = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, from)) {
    cursor.line++;
    if (cursor.skipping) {
      cursor.skipping = false;
    } else if (cursor.restBytes > 0) {
      cursor.rest.push(bytes.subarray(from, at));
      hand(Buffer.concat(cursor.rest).toString('utf8'), { file, line: cursor.line });
    } else {
      hand(bytes.toString('utf8', from, at), { file, line: cursor.line });
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
    hand('', { file, line: cursor.line + 1, tooLong: true });
  }
}

/** The unfinished last line, if there is one to hand on (not one being skipped). */
export function unfinishedLine(cursor: Cursor): string | null {
  return cursor.restBytes > 0 && !cursor.skipping ? Buffer.concat(cursor.rest).toString('utf8') : null;
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
