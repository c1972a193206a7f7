// Compressed files as streams: gzip, zstd and xz, recognised by their magic bytes, never by names.
// Damage (a cut download, a bad copy) is said as such, with what was read before it kept.

import { spawn } from 'node:child_process';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { KstoryError, messageOf } from '../errors.ts';

export type Compression = 'gzip' | 'zstd' | 'xz';

export function compressionOf(head: Buffer): Compression | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])))
    return 'xz';
  return null;
}

/**
 * Compressed data that stops making sense partway (a cut download, a bad copy, a flipped bit): what
 * came before is imported, the rest of the file is lost, and the import counts it as cut short.
 */
export class DamagedData extends KstoryError {
  constructor(
    readonly file: string,
    readonly compression: Compression | 'zip',
    readonly detail: string,
  ) {
    super(`${file}: the ${compression} data is damaged or cut short (${detail})`, {
      hint: 'What was read before the damage is imported; copy the file again to import the rest.',
    });
  }
}

/** A decompressor's failure, said as what it means for the user: the file is damaged or cut short. */
function damaged(where: string, kind: Compression, error: unknown): KstoryError {
  return new DamagedData(where, kind, messageOf(error));
}

async function* gunzip(source: AsyncIterable<Buffer>, where: string): AsyncGenerator<Buffer> {
  try {
    yield* gunzipRaw(source);
  } catch (error) {
    throw error instanceof KstoryError ? error : damaged(where, 'gzip', error);
  }
}

async function* gunzipRaw(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const gz = createGunzip();
  const feeding = (async () => {
    try {
      for await (const chunk of source) if (!gz.write(chunk)) await new Promise((r) => gz.once('drain', r));
      gz.end();
    } catch (error) {
      gz.destroy(error as Error);
    }
  })();
  yield* gz as AsyncIterable<Buffer>;
  await feeding;
}

async function* unzstd(source: AsyncIterable<Buffer>, where: string): AsyncGenerator<Buffer> {
  let out: Buffer[] = [];
  const decoder = new ZstdDecompress((chunk) => {
    out.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  });
  try {
    for await (const chunk of source) {
      decoder.push(chunk);
      if (out.length > 0) {
        yield* out;
        out = [];
      }
    }
    decoder.push(new Uint8Array(0), true);
  } catch (error) {
    throw error instanceof KstoryError ? error : damaged(where, 'zstd', error);
  }
  yield* out;
}

/** xz has no maintained pure-JS streaming decoder; the system `xz` does it fast and in constant memory. */
async function* unxz(source: AsyncIterable<Buffer>, where: string): AsyncGenerator<Buffer> {
  const child = spawn('xz', ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new KstoryError(`${where}: is xz-compressed, and the \`xz\` program is not installed`, {
              hint: 'Install xz (Debian/Ubuntu: apt-get install xz-utils; macOS: brew install xz), or decompress it first.',
            })
          : error,
      );
    });
    child.on('close', resolve);
  });
  exited.catch(() => {});
  const feeding = (async () => {
    try {
      for await (const chunk of source) {
        if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
      }
    } catch {
      // The reader stopped early (or xz died): xz reports what matters through its exit code.
    } finally {
      child.stdin.end();
    }
  })();
  child.stdin.on('error', () => {});
  yield* child.stdout as AsyncIterable<Buffer>;
  await feeding;
  const code = await exited;
  if (code !== 0)
    throw damaged(
      where,
      'xz',
      new Error(stderr.trim().replace(/^xz: \(stdin\): /, '') || `exit code ${code}`),
    );
}

export function decompress(
  kind: Compression,
  source: AsyncIterable<Buffer>,
  where: string,
): AsyncIterable<Buffer> {
  if (kind === 'gzip') return gunzip(source, where);
  if (kind === 'zstd') return unzstd(source, where);
  return unxz(source, where);
}

/** `pods.json.gz` → `pods.json`, `dump.tgz` → `dump.tar`: what the name means once decompressed. */
export function stripExtension(relPath: string, compression: Compression): string {
  const suffixes = { gzip: ['.tgz', '.gz'], zstd: ['.tzst', '.zstd', '.zst'], xz: ['.txz', '.xz'] }[
    compression
  ];
  for (const suffix of suffixes) {
    if (relPath.endsWith(suffix))
      return relPath.slice(0, -suffix.length) + (suffix.startsWith('.t') ? '.tar' : '');
  }
  return relPath;
}
