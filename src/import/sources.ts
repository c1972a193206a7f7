// The files inside what the user passes to `kstory import`: plain files, directories (walked in
// name order) and archives. Compression, tar and zip are recognised by their magic bytes, not by
// names, and unpacked as streams: a must-gather is never extracted to disk.

import { createReadStream, type Dirent, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { isOsError, osError } from '../errors.ts';
import { archiveOf, membersOf } from './archive.ts';
import { compressionOf, DamagedData, decompress, stripExtension } from './decompress.ts';
import { failing, UnreadableFile, unreadable } from './unreadable-file.ts';

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
  /** The file on disk, for a plain or gzip file (not one inside an archive): what DuckDB can read itself. */
  disk?: { path: string; gzip: boolean; bytes: number };
  /**
   * For a file on disk (`disk`): stop reading it and close it, once DuckDB has read the file itself;
   * draining `bytes` instead would read it (and gunzip it) again for nothing.
   */
  stopReading?: () => Promise<unknown>;
}

/** Bytes read from disk so far, for the progress display. */
export const readCounter = { bytes: 0 };

/** The first `min` bytes (or all, if fewer) and the whole stream again, head included. */
export async function peek(
  source: AsyncIterable<Buffer>,
  min: number,
): Promise<{ head: Buffer; stream: AsyncIterable<Buffer>; close: () => Promise<unknown> }> {
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
  // Closes the source when the stream is left unread (a zip read from its file instead).
  return { head, stream: stream(), close: async () => iterator.return?.() };
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

interface Origin {
  input: string;
  path: string;
  relPath: string;
  direct: boolean;
  mtimeMs: number | null;
  layers: string[];
  /** Where the bytes are on disk, when they are a file's own. */
  diskPath?: string;
  /** Stops the reading of that file (see FileEntry.stopReading). */
  stopReading?: () => Promise<unknown>;
}

/**
 * Unwrap compression layers and archives around `bytes`, yielding the files inside. Depth is
 * bounded: an archive nested deeper than this is not what people save from a cluster.
 */
async function* unwrap(origin: Origin, bytes: AsyncIterable<Buffer>, depth = 0): AsyncGenerator<FileEntry> {
  let peeked: Awaited<ReturnType<typeof peek>>;
  try {
    peeked = await peek(bytes, 512);
  } catch (error) {
    // Handed on as a file whose bytes fail, so that it is skipped or said cut short like any other
    // (a zip member small enough to fail its checksum here, a zip without its central directory).
    if (!(error instanceof UnreadableFile || error instanceof DamagedData)) throw error;
    const { diskPath: _, stopReading: __, ...entry } = origin;
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
  const archive = archiveOf(head);
  if (archive && depth < 4) {
    const plainFile = origin.diskPath !== undefined && origin.layers.length === 0;
    const disk = plainFile ? { file: origin.diskPath!, release: peeked.close } : undefined;
    const outer = {
      ...origin,
      layers: [...origin.layers, archive],
      diskPath: undefined,
      stopReading: undefined,
    };
    for await (const member of membersOf(archive, origin.path, stream, disk)) {
      // An archive whose own bytes fail is said as that file, not as a member.
      const inner: Origin =
        member.name === ''
          ? outer
          : {
              ...outer,
              path: `${origin.path}!${member.name}`,
              relPath: member.name,
              direct: false,
              mtimeMs: member.mtimeMs ?? origin.mtimeMs,
            };
      yield* unwrap(inner, member.bytes, depth + 1);
      if (member.packedBytes !== undefined) readCounter.bytes += member.packedBytes;
    }
    return;
  }
  const { diskPath, stopReading, ...entry } = origin;
  const plainFile = diskPath !== undefined && origin.layers.length === 0;
  const gzipFile = diskPath !== undefined && origin.layers.length === 1 && origin.layers[0] === 'gzip';
  yield {
    ...entry,
    bytes: stream,
    reopen: plainFile ? () => rereadFileBytes(diskPath) : undefined,
    disk: plainFile || gzipFile ? { path: diskPath, gzip: gzipFile, bytes: sizeOf(diskPath) } : undefined,
    stopReading: plainFile || gzipFile ? stopReading : undefined,
  };
}

/** The size of a file on disk (0 when it cannot be told: it only scales the progress display). */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** A file read a second time: not counted again in the progress display. */
async function* rereadFileBytes(file: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 256 << 10 })) yield chunk as Buffer;
  } catch (error) {
    throw unreadable(file, error);
  }
}

/** A file found in a directory, or a directory that could not be listed (`error`). */
interface Found {
  file: string;
  error?: unknown;
}

export function walkDirectory(dir: string, exclude: readonly string[] = [], root = realRoot(dir)): Found[] {
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
    if (entry.isDirectory()) out.push(...walkDirectory(full, exclude, root));
    else if (entry.isFile()) out.push({ file: full });
    else if (entry.isSymbolicLink()) {
      const link = symbolicLink(full, root);
      if (link === 'outside') out.push({ file: full });
      else if (link !== 'inside') out.push({ file: full, error: link });
    } else out.push({ file: full, error: new UnreadableFile(full, 'not a regular file', undefined) });
  }
  return out;
}

function realRoot(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/**
 * What a symbolic link found in a directory is: a link to a file outside the directory walked is
 * read as that file; one to a file or folder inside it is that file or folder, read once where it
 * sits. One that names nothing here (a node's /var/log/containers copied without /var/log/pods, its
 * links absolute) or a folder outside is skipped, and said: its files would be lost unseen.
 */
function symbolicLink(link: string, root: string): 'outside' | 'inside' | UnreadableFile {
  let target: string;
  try {
    target = realpathSync(link);
  } catch {
    let named = '';
    try {
      named = ` to ${readlinkSync(link)}`;
    } catch {
      // The link itself is gone: said without its target.
    }
    return new UnreadableFile(
      link,
      `a symbolic link${named}, which names nothing here`,
      'Copy the files it names into the input (cp -L follows links), or name them on the command line.',
    );
  }
  const inside = path.relative(root, target);
  const outside = inside.startsWith('..') || path.isAbsolute(inside);
  let isFile: boolean;
  try {
    isFile = statSync(target).isFile();
  } catch (error) {
    const said = unreadable(link, error);
    if (said instanceof UnreadableFile) return said;
    throw said;
  }
  if (!outside) return 'inside';
  if (isFile) return 'outside';
  return new UnreadableFile(
    link,
    `a symbolic link to ${target}, not a file: not followed`,
    'Name that folder on the command line to import it.',
  );
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
          ? 'Check the path; inputs are files, directories or archives (.tar, .tar.gz, .tar.xz, .gz, .zst, .zip).'
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
        stopReading: () => bytes.return(undefined),
      };
      const bytes = readFileBytes(found.file);
      yield* unwrap(origin, bytes);
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
    stopReading: () => bytes.return(undefined),
  };
  const bytes = readFileBytes(input);
  yield* unwrap(origin, bytes);
}
