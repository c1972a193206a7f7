// The files inside what the user passes to `kstory import`: plain files, directories (walked in
// name order) and archives. Compression and tar are recognised by their magic bytes, not by
// names, and unpacked as streams: a must-gather is never extracted to disk.

import { createReadStream, type Dirent, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { extract as tarExtract } from 'tar-stream';
import { isOsError, KstoryError, messageOf, osError } from '../errors.ts';
import { compressionOf, decompress, stripExtension } from './decompress.ts';

/** One file to import, its bytes already decompressed. */
export interface FileEntry {
  /** The command-line argument it came from. */
  input: string;
  /** Path shown to the user: the file, or `archive!inner/path`. */
  path: string;
  /** Path inside the input (used to recognise layouts such as must-gather); the file name for a plain file. */
  relPath: string;
  /** True when the file was named on the command line itself (not found in a directory or archive). */
  direct: boolean;
  /** Modification time in ms: the file's, or the tar entry's. */
  mtimeMs: number | null;
  /** The compression layers that were removed, outermost first, e.g. ['xz', 'tar']. */
  layers: string[];
  /** The decompressed content. Must be consumed (or drained) before the next entry is produced. */
  bytes: AsyncIterable<Buffer>;
  /** The content again, for a plain file on disk (not one inside an archive or compressed). */
  reopen?: () => AsyncIterable<Buffer>;
}

/** Bytes read from disk so far, for the progress display. */
export const readCounter = { bytes: 0 };

export function isTar(head: Buffer): boolean {
  return head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar';
}

/** The first `min` bytes (or all, if fewer) and the whole stream again, head included. */
export async function peek(
  source: AsyncIterable<Buffer>,
  min: number,
): Promise<{ head: Buffer; stream: AsyncIterable<Buffer> }> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < min) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const head = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  async function* stream(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, stream: stream() };
}

/**
 * A file of an input that the system would not let kstory read (permissions, a device fault, too
 * many open files): that file is skipped and said, the input's other files are still imported.
 */
export class UnreadableFile extends KstoryError {
  constructor(
    readonly file: string,
    readonly reason: string,
    hint: string | undefined,
  ) {
    super(`cannot read ${file}: ${reason}`, { hint });
  }
}

function unreadable(file: string, error: unknown): unknown {
  if (!isOsError(error)) return error;
  const said = osError(error, { doing: 'read', file });
  return new UnreadableFile(file, said.message.slice(`cannot read ${file}: `.length), said.hint);
}

async function* readFileBytes(file: string): AsyncGenerator<Buffer> {
  // 256 KB reads: a 1 MB chunk of a plain audit log became 1,600 line strings at once, and the
  // import's peak RSS was 60 MB higher, for no less CPU.
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 256 << 10 })) {
      readCounter.bytes += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  } catch (error) {
    throw unreadable(file, error);
  }
}

/** The bytes of a file or directory that cannot be read: the error, when they are asked for. */
async function* failing(error: unknown): AsyncGenerator<Buffer> {
  yield* [];
  throw error;
}

interface Origin {
  input: string;
  path: string;
  relPath: string;
  direct: boolean;
  mtimeMs: number | null;
  layers: string[];
  /** Where the bytes are on disk, when they are a file's own. */
  diskPath?: string;
}

/**
 * Unwrap compression layers and tar archives around `bytes`, yielding the files inside. Depth is
 * bounded: an archive nested deeper than this is not what people save from a cluster.
 */
async function* unwrap(origin: Origin, bytes: AsyncIterable<Buffer>, depth = 0): AsyncGenerator<FileEntry> {
  let peeked: Awaited<ReturnType<typeof peek>>;
  try {
    peeked = await peek(bytes, 512);
  } catch (error) {
    // Handed on as a file whose bytes fail, so that it is skipped and said like any other.
    if (!(error instanceof UnreadableFile)) throw error;
    const { diskPath: _, ...entry } = origin;
    yield { ...entry, bytes: failing(error) };
    return;
  }
  const { head, stream } = peeked;
  const compression = compressionOf(head);
  if (compression && depth < 4) {
    const inner = {
      ...origin,
      layers: [...origin.layers, compression],
      relPath: stripExtension(origin.relPath, compression),
    };
    yield* unwrap(inner, decompress(compression, stream, origin.path), depth + 1);
    return;
  }
  if (isTar(head) && depth < 4) {
    yield* tarEntries({ ...origin, layers: [...origin.layers, 'tar'] }, stream, depth);
    return;
  }
  const { diskPath, ...entry } = origin;
  const plainFile = diskPath !== undefined && origin.layers.length === 0;
  yield { ...entry, bytes: stream, reopen: plainFile ? () => rereadFileBytes(diskPath) : undefined };
}

/** A file read a second time: not counted again in the progress display. */
async function* rereadFileBytes(file: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 256 << 10 })) yield chunk as Buffer;
  } catch (error) {
    throw unreadable(file, error);
  }
}

async function* tarEntries(
  origin: Origin,
  bytes: AsyncIterable<Buffer>,
  depth: number,
): AsyncGenerator<FileEntry> {
  const extract = tarExtract();
  const feeding = (async () => {
    try {
      for await (const chunk of bytes) {
        if (!extract.write(chunk)) await new Promise<void>((r) => extract.once('drain', () => r()));
      }
      extract.end(undefined);
    } catch (error) {
      extract.destroy(error as Error);
    }
  })();
  const archive = origin.path;
  try {
    for await (const entry of extract) {
      const header = entry.header;
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        entry.resume();
        continue;
      }
      const name = header.name.replace(/^\.\//, '');
      const inner: Origin = {
        ...origin,
        path: `${archive}!${name}`,
        relPath: name,
        direct: false,
        mtimeMs: header.mtime ? header.mtime.getTime() : origin.mtimeMs,
      };
      let consumed = false;
      async function* entryBytes(): AsyncGenerator<Buffer> {
        consumed = true;
        for await (const chunk of entry) yield chunk as Buffer;
      }
      yield* unwrap(inner, entryBytes(), depth + 1);
      // A consumer that skipped the entry still has to let the archive move on.
      if (!consumed) for await (const _ of entry) void _;
      else entry.resume();
    }
  } catch (error) {
    if (error instanceof KstoryError) throw error;
    throw new KstoryError(`${archive}: the tar archive is damaged (${messageOf(error)})`, {
      hint: 'Files read before the damage were imported; re-create the archive to import the rest.',
    });
  }
  await feeding;
}

/** A file found in a directory, or a directory that could not be listed (`error`). */
interface Found {
  file: string;
  error?: unknown;
}

export function walkDirectory(dir: string, exclude: readonly string[] = []): Found[] {
  const out: Found[] = [];
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    // One unreadable subdirectory costs its files, said as such, not the whole input.
    return [{ file: dir, error: unreadable(dir, error) }];
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (exclude.includes(full)) continue;
    if (entry.isDirectory()) out.push(...walkDirectory(full, exclude));
    else if (entry.isFile()) out.push({ file: full });
  }
  return out;
}

/** Total bytes on disk of the inputs, for the progress display. */
export function inputBytes(inputs: readonly string[]): number {
  let total = 0;
  for (const input of inputs) {
    try {
      const stat = statSync(input);
      if (stat.isFile()) total += stat.size;
      else if (stat.isDirectory())
        for (const { file, error } of walkDirectory(input)) if (!error) total += statSync(file).size;
    } catch {
      // Reported when the input is opened.
    }
  }
  return total;
}

/**
 * Every file in one command-line input. `exclude` holds absolute paths never to read: the bundle
 * being written and its spool, when they sit inside an input directory.
 */
export async function* filesOf(input: string, exclude: readonly string[] = []): AsyncGenerator<FileEntry> {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(input);
  } catch (error) {
    if (!isOsError(error)) throw error;
    throw osError(error, {
      doing: 'read',
      file: input,
      hint:
        error.code === 'ENOENT'
          ? 'Check the path; inputs are files, directories or archives (.tar, .tar.gz, .tar.xz, .gz, .zst).'
          : undefined,
    });
  }
  if (stat.isDirectory()) {
    const root = path.resolve(input);
    for (const found of walkDirectory(root, exclude)) {
      const relPath = path.relative(root, found.file).split(path.sep).join('/');
      // Shown as the user named the directory, so that origins read like the command line.
      const shown = path.join(input, relPath);
      let mtimeMs: number | null = null;
      let error = found.error;
      try {
        if (!error) mtimeMs = statSync(found.file).mtimeMs;
      } catch (statError) {
        error = unreadable(found.file, statError);
      }
      if (error) {
        yield { input, path: shown, relPath, direct: false, mtimeMs, layers: [], bytes: failing(error) };
        continue;
      }
      const origin: Origin = {
        input,
        path: shown,
        relPath,
        direct: false,
        mtimeMs,
        layers: [],
        diskPath: found.file,
      };
      yield* unwrap(origin, readFileBytes(found.file));
    }
    return;
  }
  const origin: Origin = {
    input,
    path: input,
    relPath: path.basename(input),
    direct: true,
    mtimeMs: stat.mtimeMs,
    layers: [],
    diskPath: input,
  };
  yield* unwrap(origin, readFileBytes(input));
}
