// Bytes to text for imported files: the encoding is read from the byte-order mark (Windows shells
// write `kubectl ... > file` as UTF-16 with one), then lines are cut as they stream in.

import { StringDecoder } from 'node:string_decoder';

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface TextInfo {
  encoding: Encoding;
  /** Bytes of byte-order mark to skip. */
  bom: number;
}

/** The encoding of a file from its first bytes, or null when it looks binary. */
export function detectEncoding(head: Buffer): TextInfo | null {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf)
    return { encoding: 'utf-8', bom: 3 };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  const sample = head.subarray(0, 8192);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] !== 0) continue;
    if (i % 2 === 0) evenZeros++;
    else oddZeros++;
  }
  if (evenZeros + oddZeros === 0) return { encoding: 'utf-8', bom: 0 };
  // ASCII text in UTF-16 without a mark: every other byte is zero.
  const half = sample.length / 2;
  if (oddZeros > half * 0.8 && evenZeros === 0) return { encoding: 'utf-16le', bom: 0 };
  if (evenZeros > half * 0.8 && oddZeros === 0) return { encoding: 'utf-16be', bom: 0 };
  return null;
}

/** The head of a file as text, for detection: a character cut at its end is left to the decoder. */
export function decodeHead(head: Buffer, info: TextInfo): string {
  const bytes = head.subarray(info.bom);
  if (info.encoding === 'utf-16be') {
    // Byte pairs swapped make it utf-16le; a head cut after an odd byte loses that byte.
    const even = Buffer.from(bytes.subarray(0, bytes.length & ~1));
    return new TextDecoder('utf-16le').decode(even.swap16());
  }
  return new TextDecoder(info.encoding).decode(bytes);
}

/** Decode a byte stream; multi-byte characters split across chunks are kept whole. */
export async function* decodeText(bytes: AsyncIterable<Buffer>, info: TextInfo): AsyncGenerator<string> {
  let skip = info.bom;
  if (info.encoding === 'utf-16be') {
    // TextDecoder knows utf-16be only in full-ICU builds; swapping byte pairs makes it utf-16le.
    let carry: Buffer | null = null;
    const decoder = new TextDecoder('utf-16le');
    for await (let chunk of bytes) {
      if (skip > 0) {
        chunk = chunk.subarray(skip);
        skip = 0;
      }
      if (carry) chunk = Buffer.concat([carry, chunk]);
      const even = chunk.length & ~1;
      carry = even < chunk.length ? chunk.subarray(even) : null;
      const swapped = Buffer.from(chunk.subarray(0, even));
      swapped.swap16();
      yield decoder.decode(swapped, { stream: true });
    }
    yield decoder.decode();
    return;
  }
  // Node's StringDecoder keeps characters split across chunks whole, and decodes faster than TextDecoder.
  const decoder = new StringDecoder(info.encoding === 'utf-16le' ? 'utf16le' : 'utf8');
  for await (let chunk of bytes) {
    if (skip > 0) {
      chunk = chunk.subarray(skip);
      skip = 0;
    }
    yield decoder.write(chunk);
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

export async function readAllText(chunks: AsyncIterable<string>): Promise<string> {
  const parts: string[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return parts.join('');
}

/** Lines in the order of the file, without `\r\n`/`\n`; `first` is the 1-based number of the first. */
export interface LineBatch {
  first: number;
  lines: string[];
}

/** Batches of lines, numbered from 1; a final line without newline is included. */
export async function* linesOf(chunks: AsyncIterable<string>): AsyncGenerator<LineBatch> {
  let carry = '';
  let next = 1;
  for await (const chunk of chunks) {
    const text = carry + chunk;
    const lines = text.split('\n');
    carry = lines.pop() ?? '';
    if (lines.length === 0) continue;
    if (text.includes('\r')) {
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
      }
    }
    yield { first: next, lines };
    next += lines.length;
  }
  if (carry !== '') yield { first: next, lines: [carry.endsWith('\r') ? carry.slice(0, -1) : carry] };
}
