// The writer's spool lines (segment format 2, see segment-format.ts) assembled as bytes for one
// write: `row-JSON-without-body <TAB> body-JSON <NEWLINE>`, the body `null` when the row has none. Built as strings, 10 KB watch bodies were
// cut, concatenated, joined into a megabyte and encoded to UTF-8 again: as bytes, a body from the
// API server is copied once, and nothing is left for the garbage collector.

import { writeSync } from 'node:fs';
import type { BundleRow } from './row.ts';
import { headOf, RawJson } from './spool.ts';

const TAB = 0x09;
const NEWLINE = 0x0a;
const RETURN = 0x0d;

export class SpoolLines {
  private buffer: Buffer;
  /** Bytes assembled so far. */
  length = 0;

  constructor(private readonly initialBytes: number) {
    this.buffer = Buffer.allocUnsafeSlow(initialBytes);
  }

  /** Append the row's line; returns its length in bytes, newline excluded. */
  add(row: BundleRow): number {
    const start = this.length;
    this.addText(headOf(row));
    this.addByte(TAB);
    const body = row.body;
    // A row without a body says so (`null`), so that a line cut just after its tab is seen as cut.
    if (body === undefined || body === null) this.addText('null');
    else {
      const pieces = body instanceof RawJson ? body.pieces : null;
      if (pieces !== null && !pieces.some(hasLineBreakOrTab)) {
        for (const piece of pieces) {
          this.reserve(piece.length);
          this.buffer.set(piece, this.length);
          this.length += piece.length;
        }
      } else {
        this.addText(bodyText(body));
      }
    }
    const bytes = this.length - start;
    this.addByte(NEWLINE);
    return bytes;
  }

  /** Forget what was added after the first `length` bytes. */
  truncate(length: number): void {
    this.length = Math.min(this.length, length);
  }

  /** Write everything to `fd` and start again. Returns the bytes written. */
  writeTo(fd: number): number {
    let written = 0;
    while (written < this.length) written += writeSync(fd, this.buffer, written, this.length - written);
    this.length = 0;
    // A huge row grew the buffer: give the memory back.
    if (this.buffer.length > 4 * this.initialBytes) this.buffer = Buffer.allocUnsafeSlow(this.initialBytes);
    return written;
  }

  private addText(text: string): void {
    // UTF-8 takes at most three bytes per UTF-16 unit: room enough without measuring first.
    this.reserve(3 * text.length);
    this.length += this.buffer.write(text, this.length);
  }

  private addByte(byte: number): void {
    this.reserve(1);
    this.buffer[this.length++] = byte;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.buffer.length, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

/**
 * The body's JSON on one line without tabs. JSON text holds a raw tab or line break only as
 * whitespace between tokens (inside strings they are escaped), which the tab-separated line cannot
 * carry: such text (never what an API server or `jq -c` writes) is serialised again.
 */
function bodyText(body: unknown): string {
  if (!(body instanceof RawJson)) return JSON.stringify(body);
  const text = body.text;
  if (!/[\t\n\r]/.test(text)) return text;
  return JSON.stringify(body.value !== undefined ? body.value : JSON.parse(text));
}

function hasLineBreakOrTab(piece: Uint8Array): boolean {
  const bytes = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
  return bytes.includes(NEWLINE) || bytes.includes(TAB) || bytes.includes(RETURN);
}
