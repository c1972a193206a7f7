// Zip archives, read entry by entry through their central directory (yauzl), each entry inflated as a
// stream and checked against its CRC. Nothing is extracted to disk: an entry's name is only a name, so
// a `../` or an absolute path in it reaches no file, and is shown cleaned.

import { crc32 } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { messageOf } from '../errors.ts';
import type { ArchiveMember } from './archive.ts';
import { DamagedData } from './decompress.ts';
import { failing, UnreadableFile } from './unreadable-file.ts';

export function isZip(head: Buffer): boolean {
  // A local file header, or the end record of an empty archive.
  return (
    head.length >= 4 &&
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    ((head[2] === 0x03 && head[3] === 0x04) || (head[2] === 0x05 && head[3] === 0x06))
  );
}

/**
 * A zip inside another archive or compressed has no file to seek in: it is held in memory, up to
 * this size. A bigger one is named and skipped; unpacked, its folder imports.
 */
export const ZIP_IN_MEMORY_LIMIT = 512 << 20;

/** Where a zip's bytes are: a file on disk, or a stream (held in memory, bounded). */
export type ZipSource = { file: string } | { stream: AsyncIterable<Buffer> };

// Methods a zip may use that zlib does not read, named so that skipping the entry says why.
const METHODS: Record<number, string> = {
  9: 'Deflate64',
  12: 'bzip2',
  14: 'LZMA',
  93: 'Zstandard',
  95: 'xz',
  98: 'PPMd',
};

/**
 * The files of a zip archive, in the order of its central directory. A member must be read (or
 * drained) before the next is produced. An archive whose directory cannot be read gives one member
 * (the archive itself) whose bytes fail with the damage, so that it is said like any damaged file.
 */
export async function* zipMembers(archive: string, source: ZipSource): AsyncGenerator<ArchiveMember> {
  let zip: ZipFile;
  try {
    zip = await openZip(archive, source);
  } catch (error) {
    if (error instanceof UnreadableFile) {
      yield { name: '', mtimeMs: null, bytes: failing(error) };
      return;
    }
    const detail = /end of central directory record signature not found/i.test(messageOf(error))
      ? 'its end, the central directory, is missing: the file was cut short or is no zip'
      : messageOf(error);
    yield { name: '', mtimeMs: null, bytes: failing(new DamagedData(archive, 'zip', detail)) };
    return;
  }
  try {
    for await (const entry of zip.eachEntry()) {
      const raw = yauzl.getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileNameRaw,
        entry.extraFields,
        false,
      );
      if (raw.endsWith('/')) continue;
      const name = cleanName(raw);
      const where = `${archive}!${name}`;
      yield {
        name,
        mtimeMs: mtimeOf(entry),
        bytes: memberBytes(zip, entry, where),
        packedBytes: 'file' in source ? entry.compressedSize : undefined,
      };
    }
  } catch (error) {
    // The central directory itself is damaged past the members read so far.
    const damage = new DamagedData(archive, 'zip', messageOf(error));
    yield { name: '', mtimeMs: null, bytes: failing(damage) };
  } finally {
    zip.close();
  }
}

async function openZip(archive: string, source: ZipSource): Promise<ZipFile> {
  // Names are decoded here rather than by yauzl, which refuses a whole archive for one absolute or
  // `..` name; they are cleaned instead, as nothing is written where they point.
  const options = { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false };
  if ('file' in source) return yauzl.openPromise(source.file, options);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source.stream) {
    size += chunk.length;
    if (size > ZIP_IN_MEMORY_LIMIT) {
      throw new UnreadableFile(
        archive,
        `a zip archive of more than ${ZIP_IN_MEMORY_LIMIT >> 20} MB inside another archive or compressed is not read`,
        'Unpack it and import the folder it gives.',
      );
    }
    chunks.push(chunk);
  }
  return yauzl.fromBufferPromise(Buffer.concat(chunks, size), options);
}

/** `C:\x\..\y` or `/abs/../p` become `x/y` and `abs/p`: a path inside the archive, never outside it. */
export function cleanName(name: string): string {
  const parts = name
    .replace(/\\/g, '/')
    .replace(/^[a-zA-Z]:/, '')
    .split('/')
    .filter((part) => part !== '' && part !== '.' && part !== '..');
  return parts.join('/') || '(unnamed)';
}

function mtimeOf(entry: Entry): number | null {
  try {
    const ms = entry.getLastModDate().getTime();
    return Number.isNaN(ms) ? null : ms;
  } catch {
    return null;
  }
}

async function* memberBytes(zip: ZipFile, entry: Entry, where: string): AsyncGenerator<Buffer> {
  if (entry.isEncrypted()) {
    throw new UnreadableFile(
      where,
      'it is encrypted in the zip',
      'Unpack the archive with its password and import the folder.',
    );
  }
  if (!entry.canDecodeFileData()) {
    const method = METHODS[entry.compressionMethod] ?? `method ${entry.compressionMethod}`;
    throw new UnreadableFile(
      where,
      `it is compressed with ${method}, which kstory does not read in a zip`,
      'Unpack the archive (unzip, 7z) and import the folder.',
    );
  }
  let crc = 0;
  try {
    const stream = await zip.openReadStreamPromise(entry);
    for await (const chunk of stream) {
      crc = crc32(chunk as Buffer, crc);
      yield chunk as Buffer;
    }
  } catch (error) {
    throw new DamagedData(where, 'zip', messageOf(error));
  }
  if (crc !== entry.crc32) throw new DamagedData(where, 'zip', 'its content does not match its checksum');
}
