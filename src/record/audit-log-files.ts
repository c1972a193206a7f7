// The files of an API-server audit log on disk: the rotated ones beside it (lumberjack's and
// logrotate's names, gzip too), and reading a file's content, whole or a range of it.

import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * Rotated files beside `file` (lumberjack's `audit-2026-03-02T09-10-00.000.log[.gz]`, logrotate's
 * `audit.log.1[.gz]` and `audit.log-20260302[.gz]`), oldest first, leaving out those last written
 * before `sinceMs`.
 */
export async function rotatedFiles(file: string, sinceMs: number | null): Promise<string[]> {
  const dir = path.dirname(file);
  const base = path.basename(file);
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
    const rotated = path.join(dir, name);
    const info = await stat(rotated).catch(() => null);
    if (!info?.isFile() || (sinceMs !== null && info.mtimeMs < sinceMs)) continue;
    found.push({ file: rotated, mtimeMs: info.mtimeMs });
  }
  found.sort((a, b) => a.mtimeMs - b.mtimeMs || a.file.localeCompare(b.file));
  return found.map((f) => f.file);
}

/** `length` bytes of `file` from `position` (of its decompressed content when it ends in .gz). */
export async function readRange(file: string, position: number, length: number): Promise<Buffer> {
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
export function openContent(file: string): Readable {
  const bytes = createReadStream(file);
  if (!file.endsWith('.gz')) return bytes;
  const content = bytes.pipe(createGunzip());
  bytes.on('error', (error) => content.destroy(error));
  content.on('close', () => bytes.destroy());
  return content;
}
