// One file of an import: its head decides the format (detect.ts), that format converts it, and what
// could not be read is counted against the input. A format's failure costs its file, not the import.

import { isItemError, KstoryError, messageOf } from '../errors.ts';
import { normalizeTs, tsFromMillis } from '../kube/time.ts';
import { binaryFileReason } from './binary-kind.ts';
import { noteFileTime } from './capture-time.ts';
import type { FileContext, ImportOptions } from './context.ts';
import { DamagedData } from './decompress.ts';
import { detectFile, fileHead } from './detect.ts';
import type { FileBody } from './format.ts';
import type { LateFiles } from './late-files.ts';
import { layoutOfPath, readGatherTimestamp } from './layout.ts';
import type { ImportProgress } from './progress.ts';
import type { ImportSink } from './sink.ts';
import { type FileEntry, peek, readCounter } from './sources.ts';
import type { InputStats } from './stats.ts';
import { decodeHead, decodeText, detectEncoding, linesOf, readAllText, type TextInfo } from './text.ts';
import { UnreadableFile } from './unreadable-file.ts';

/** What detection sees of a file. */
const HEAD_BYTES = 64 * 1024;

export async function importFile(
  entry: FileEntry,
  stats: InputStats,
  sink: ImportSink,
  options: ImportOptions,
  progress: ImportProgress,
  late: LateFiles | null = null,
): Promise<void> {
  // A file read late comes here twice: it is counted the first time.
  if (late !== null) stats.files++;
  const layout = layoutOfPath(entry.relPath);
  if (layout && !stats.layout) stats.layout = layout;
  if (entry.layers.length > 0 && !stats.packaging) stats.packaging = entry.layers.join('+');
  let peeked: Awaited<ReturnType<typeof peek>>;
  try {
    peeked = await peek(entry.bytes, HEAD_BYTES);
  } catch (error) {
    if (!(error instanceof DamagedData)) throw error;
    sink.cutShort(
      stats,
      { file: entry.path, lines: 0, reason: withoutPrefix(error.message, error.file) },
      error,
    );
    return;
  }
  const { head, stream } = peeked;
  if (head.length === 0) {
    sink.skipFile(stats, entry.path, 'empty file');
    return;
  }
  // The last resort for when a dump was taken, if nothing in it carries a time (capture-time.ts).
  if (entry.mtimeMs !== null) noteFileTime(stats, tsFromMillis(Math.floor(entry.mtimeMs)));
  const encoding = detectEncoding(head);
  if (!encoding) {
    sink.skipFile(stats, entry.path, binaryFileReason(head));
    await drain(stream);
    return;
  }
  const headText = decodeHead(head, encoding);
  if (readGatherTimestamp(entry.relPath, headText, stats)) {
    await drain(stream);
    return;
  }
  const detection = detectFile(
    fileHead(headText, {
      path: entry.relPath,
      direct: entry.direct,
      layout: stats.layout,
      complete: head.length < HEAD_BYTES,
      options,
    }),
  );
  if ('skip' in detection) {
    sink.skipFile(stats, entry.path, detection.skip);
    await drain(stream);
    return;
  }
  const { format, match } = detection;
  // Read once everything else is: what it holds depends on the rest (see late-files.ts).
  if (match.late && late && (await late.hold(entry, stream, stats, match.late))) return;
  const ctx: FileContext = {
    entry,
    stats,
    sink,
    options,
    fallbackTs: fallbackTsOf(entry, stats, options),
    origin: entry.path,
  };
  const read = { lines: 0, elsewhere: false };
  const readBefore = readCounter.bytes;
  const size = entry.disk?.bytes ?? 0;
  const body = fileBody(stream, encoding, read, {
    // A file counts as a format once the format reads it: one that turns a file down does not.
    opened: () => {
      stats.formats[format.name] = (stats.formats[format.name] ?? 0) + 1;
    },
    progressed: () => progress.update(readCounter.bytes, sink.rows, entry.path),
    // Read by DuckDB: the bytes the stream has not read yet are shown read as DuckDB reads them.
    progressedElsewhere: (fraction) =>
      progress.update(Math.max(readCounter.bytes, readBefore + fraction * size), sink.rows, entry.path),
  });
  try {
    await format.import(body, ctx, match);
  } catch (error) {
    if (error instanceof DamagedData || error instanceof UnreadableFile) {
      // The file stops here: what came before is imported, the rest is lost, and both are said.
      const reason = withoutPrefix(error.message, error instanceof DamagedData ? error.file : entry.path);
      sink.cutShort(stats, { file: entry.path, lines: read.lines, reason }, error);
      return;
    }
    // A full disk is the import's failure, not this file's.
    if (isItemError(error)) {
      sink.issue(stats, { file: entry.path, reason: withoutPrefix(error.message, entry.path) });
      return;
    }
    if (error instanceof KstoryError) throw error;
    throw new Error(`${entry.path}: ${messageOf(error)}`, { cause: error });
  }
  // A file DuckDB read itself is closed unread: draining it would read it (and gunzip it) again.
  if (read.elsewhere && entry.stopReading) await entry.stopReading();
  // A format that turned the file down has not read it: the archive still has to move past it.
  else await drain(stream);
}

function fileBody(
  stream: AsyncIterable<Buffer>,
  encoding: TextInfo,
  read: { lines: number; elsewhere: boolean },
  on: { opened: () => void; progressed: () => void; progressedElsewhere: (fraction: number) => void },
): FileBody {
  let opened = false;
  const open = (): AsyncIterable<string> => {
    if (opened) throw new Error('a file body can be read only once');
    opened = true;
    on.opened();
    return countingLines(decodeText(stream, encoding), read);
  };
  return {
    text: () => readAllText(open()),
    lines: () => withProgress(linesOf(open()), on.progressed),
    readFromDisk: () => {
      if (opened) throw new Error('a file body can be read only once');
      opened = true;
      read.elsewhere = true;
      on.opened();
      on.progressedElsewhere(1);
    },
    showRead: on.progressedElsewhere,
  };
}

/** Whole lines decoded so far: where a file that stops partway stopped. */
async function* countingLines(
  chunks: AsyncIterable<string>,
  read: { lines: number },
): AsyncGenerator<string> {
  for await (const chunk of chunks) {
    for (let at = chunk.indexOf('\n'); at !== -1; at = chunk.indexOf('\n', at + 1)) read.lines++;
    yield chunk;
  }
}

async function* withProgress<T>(source: AsyncIterable<T>, progressed: () => void): AsyncGenerator<T> {
  for await (const item of source) {
    progressed();
    yield item;
  }
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) void _;
}

function fallbackTsOf(entry: FileEntry, stats: InputStats, options: ImportOptions): string {
  if (options.at !== undefined) return normalizeTs(options.at)!;
  if (stats.capturedExact && stats.capturedAt !== null) return stats.capturedAt;
  return tsFromMillis(Math.floor(entry.mtimeMs ?? Date.now()));
}

/** Messages name their file; in a report listed by file the name is said once. */
export function withoutPrefix(message: string, file: string): string {
  return message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
}
