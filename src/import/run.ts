// `kstory import`: every file of every input is recognised by content, converted by its format's
// module and written into one bundle; damage is counted and reported, never fatal.

import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BundleWriter, type FinishResult } from '../bundle/writer.ts';
import { KstoryError, messageOf } from '../errors.ts';
import { REDACTION_RULES } from '../kube/redact.ts';
import { normalizeTs, tsFromMillis } from '../kube/time.ts';
import { markerRow } from '../kube/to-row.ts';
import type { FileContext, ImportOptions } from './context.ts';
import { detectFormat } from './detect.ts';
import { importAuditLines } from './formats/audit.ts';
import { importJsonText, importYamlText } from './formats/kube.ts';
import { importLogLines } from './formats/logs.ts';
import { importExpositionLines } from './formats/prometheus.ts';
import { type LogSubject, layoutOfPath, logSubjectOf, parseGatherTimestamp } from './layout.ts';
import { Progress } from './progress.ts';
import { ImportSink, type InputStats, newStats } from './sink.ts';
import { type FileEntry, filesOf, inputBytes, peek, readCounter } from './sources.ts';
import { decodeText, detectEncoding, linesOf, readAllText } from './text.ts';

export interface ImportRunOptions extends ImportOptions {
  inputs: readonly string[];
  output: string;
  /** Replace an existing output file. */
  force?: boolean;
  /** Show progress on stderr (only drawn when stderr is a TTY). */
  progress?: boolean;
}

export interface ImportResult {
  inputs: InputStats[];
  /** Null when nothing could be imported: no bundle was written. */
  bundle: FinishResult | null;
  snapshot: boolean;
}

const HEAD_BYTES = 64 * 1024;

export async function runImport(options: ImportRunOptions): Promise<ImportResult> {
  if (options.inputs.length === 0) {
    throw new KstoryError('nothing to import', {
      hint: 'Pass files, directories or archives: kstory import must-gather.tar.gz -o incident.parquet',
    });
  }
  const output = path.resolve(options.output);
  for (const input of options.inputs) {
    if (path.resolve(input) === output)
      throw new KstoryError(`${options.output} is both an input and the output`);
  }
  if (existsSync(output) && !options.force) {
    throw new KstoryError(`${options.output} already exists`, {
      hint: 'Choose another output path, or pass --force to replace it.',
    });
  }
  if (options.at !== undefined && normalizeTs(options.at) === null) {
    throw new KstoryError(`--at ${options.at}: not an RFC 3339 timestamp`, {
      hint: 'For example --at 2026-03-01T10:42:00Z',
    });
  }

  // Created up front so that conversion never waits on it; removed again if nothing is imported.
  const writer = await BundleWriter.create({
    output,
    metadata: { producer: 'import', redaction: [...REDACTION_RULES] },
  });
  const discard = async () => {
    await writer.close();
    rmSync(writer.spoolDir, { recursive: true, force: true });
  };
  const sink = new ImportSink(writer);
  const progress = new Progress(
    options.progress === false ? 0 : inputBytes(options.inputs),
    process.stderr,
    options.progress !== false,
  );
  let all: InputStats[] = [];
  try {
    all = await importInputs(options.inputs, sink, options, progress, [output, writer.spoolDir]);
  } catch (error) {
    progress.done();
    await discard();
    throw error;
  }
  progress.done();

  const snapshot = !all.some((s) => s.history);
  if (sink.rows === 0) {
    await discard();
    return { inputs: all, bundle: null, snapshot };
  }
  writer.updateMetadata({
    snapshot,
    inputs: all.map((s) => ({
      path: s.input,
      format: describeFormats(s),
      records: Object.entries(s.records).reduce(
        (sum, [source, n]) => (source === 'marker' ? sum : sum + n),
        0,
      ),
      skipped: Object.values(s.skippedFiles).reduce((sum, files) => sum + files.length, 0) + s.issueCount,
    })),
    filters: Object.fromEntries(
      Object.entries({ pod: options.pod, container: options.container, at: options.at }).filter(
        ([, v]) => v !== undefined,
      ),
    ),
    extra: {
      import: all.map((s) => ({
        path: s.input,
        layout: s.layout,
        formats: s.formats,
        records: s.records,
        duplicates: s.duplicates,
        skipped_files: Object.fromEntries(
          Object.entries(s.skippedFiles).map(([reason, files]) => [reason, files.length]),
        ),
        damaged: s.issueCount,
        captured_at: s.capturedAt,
      })),
    },
  });
  const bundle = await writer.finish();
  return { inputs: all, bundle, snapshot };
}

/**
 * Read every input into `sink`: the whole import but the bundle file. Exported for benchmarks,
 * which measure conversion apart from the Parquet writer.
 */
export async function importInputs(
  inputs: readonly string[],
  sink: ImportSink,
  options: ImportOptions,
  progress: Progress = new Progress(0, process.stderr, false),
  exclude: readonly string[] = [],
): Promise<InputStats[]> {
  const all: InputStats[] = [];
  for (const input of inputs) {
    const stats = newStats(input);
    all.push(stats);
    try {
      for await (const entry of filesOf(input, exclude)) {
        progress.update(readCounter.bytes, sink.rows, entry.path);
        await importFile(entry, stats, sink, options, progress);
      }
    } catch (error) {
      // A damaged archive or an unreadable input stops that input only.
      if (!(error instanceof KstoryError)) throw error;
      const message = withoutPrefix(error.message, input);
      sink.issue(stats, { file: input, reason: error.hint ? `${message} (${error.hint})` : message });
    }
  }
  sink.flushAudit();
  for (const stats of all) addSnapshotMarker(stats, sink);
  return all;
}

/** Messages name their file; in a report listed by file the name is said once. */
function withoutPrefix(message: string, file: string): string {
  return message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
}

export function describeFormats(stats: InputStats): string {
  const formats = Object.entries(stats.formats).sort((a, b) => b[1] - a[1]);
  const list = formats.map(([f, n]) => (n > 1 ? `${f}×${n}` : f)).join(', ') || 'nothing recognised';
  const packaging = stats.packaging ? `${stats.packaging}: ` : '';
  if (stats.layout) return `${packaging}${stats.layout} (${list})`;
  return `${packaging}${list}`;
}

/** A snapshot input gets a `snapshot` marker at the time it was taken. */
function addSnapshotMarker(stats: InputStats, sink: ImportSink): void {
  if (stats.history || Object.keys(stats.records).length === 0 || stats.capturedAt === null) return;
  sink.row(
    markerRow({
      ts: stats.capturedAt,
      marker: 'snapshot',
      detail: `${stats.input}: ${describeFormats(stats)}`,
      origin: stats.input,
    }),
    stats,
  );
}

function fallbackTsOf(entry: FileEntry, stats: InputStats, options: ImportOptions): string {
  if (options.at !== undefined) return normalizeTs(options.at)!;
  if (stats.capturedExact && stats.capturedAt !== null) return stats.capturedAt;
  return tsFromMillis(Math.floor(entry.mtimeMs ?? Date.now()));
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) void _;
}

async function importFile(
  entry: FileEntry,
  stats: InputStats,
  sink: ImportSink,
  options: ImportOptions,
  progress: Progress,
): Promise<void> {
  const layout = layoutOfPath(entry.relPath);
  if (layout && !stats.layout) stats.layout = layout;
  if (entry.layers.length > 0 && !stats.packaging) stats.packaging = entry.layers.join('+');
  const { head, stream } = await peek(entry.bytes, HEAD_BYTES);
  if (head.length === 0) {
    sink.skipFile(stats, entry.path, 'empty file');
    return;
  }
  // The newest file time is the best guess at when a dump was taken, until the dump says.
  if (entry.mtimeMs !== null && !stats.capturedExact) {
    const mtime = tsFromMillis(Math.floor(entry.mtimeMs));
    if (stats.capturedAt === null || mtime > stats.capturedAt) stats.capturedAt = mtime;
  }
  const encoding = detectEncoding(head);
  if (!encoding) {
    sink.skipFile(stats, entry.path, 'binary file');
    await drain(stream);
    return;
  }
  const headText = new TextDecoder(encoding.encoding === 'utf-16be' ? 'utf-16le' : encoding.encoding).decode(
    encoding.encoding === 'utf-16be'
      ? Buffer.from(head.subarray(encoding.bom)).swap16()
      : head.subarray(encoding.bom),
  );
  if (/(?:^|\/)timestamp$/.test(entry.relPath) && stats.layout === 'must-gather') {
    const gathered = parseGatherTimestamp(headText);
    if (gathered) {
      stats.capturedAt = gathered;
      stats.capturedExact = true;
      stats.formats['must-gather-timestamp'] = 1;
      await drain(stream);
      return;
    }
  }
  const format = detectFormat(headText, entry.relPath);
  const ctx: FileContext = {
    entry,
    stats,
    sink,
    options,
    fallbackTs: fallbackTsOf(entry, stats, options),
    origin: entry.path,
  };
  const text = decodeText(stream, encoding);
  const count = (name: string) => {
    stats.formats[name] = (stats.formats[name] ?? 0) + 1;
  };
  try {
    switch (format.kind) {
      case 'audit-log':
        count('audit-log');
        await importAuditLines(withProgress(linesOf(text), progress, sink, entry.path), ctx);
        return;
      case 'json':
        count('kube-json');
        await importJsonText(await readAllText(text), ctx);
        return;
      case 'yaml':
        count('kube-yaml');
        await importYamlText(await readAllText(text), ctx);
        return;
      case 'prometheus-text':
        count('prometheus-text');
        await importExpositionLines(linesOf(text), ctx);
        return;
      case 'container-log': {
        const subject = logSubjectFor(entry, options, format.flavour === 'cluster-info-dump');
        if (!subject) {
          sink.skipFile(
            stats,
            entry.path,
            'container log whose pod is unknown (pass --pod ns/name --container c)',
          );
          await drain(text);
          return;
        }
        if (!sink.claimLogStream(subject.stream)) {
          sink.skipFile(stats, entry.path, 'the same container log was already imported from another file');
          await drain(text);
          return;
        }
        count('container-log');
        await importLogLines(linesOf(text), format.flavour, subject, ctx);
        return;
      }
      case 'unknown': {
        // Plain text named on the command line with --pod is a log file without timestamps.
        const subject = entry.direct ? logSubjectFor(entry, options, false) : null;
        if (subject && format.reason !== 'empty file') {
          count('container-log');
          await importLogLines(linesOf(text), 'plain', subject, ctx);
          return;
        }
        sink.skipFile(stats, entry.path, format.reason);
        await drain(text);
        return;
      }
    }
  } catch (error) {
    if (error instanceof KstoryError) {
      sink.issue(stats, { file: entry.path, reason: withoutPrefix(error.message, entry.path) });
      return;
    }
    throw new Error(`${entry.path}: ${messageOf(error)}`, { cause: error });
  }
}

function logSubjectFor(entry: FileEntry, options: ImportOptions, dump: boolean): LogSubject | null {
  const fromPath = logSubjectOf(entry.relPath);
  if (fromPath && (fromPath.layout !== 'cluster-info-dump' || dump)) return fromPath;
  if (entry.direct && options.pod !== undefined && options.container !== undefined) {
    const [namespace, pod] = options.pod.split('/') as [string, string];
    return {
      namespace,
      pod,
      container: options.container,
      previous: false,
      stream: `given:${entry.path}`,
      layout: 'given',
    };
  }
  return null;
}

async function* withProgress<T>(
  source: AsyncIterable<T>,
  progress: Progress,
  sink: ImportSink,
  file: string,
): AsyncGenerator<T> {
  for await (const item of source) {
    progress.update(readCounter.bytes, sink.rows, file);
    yield item;
  }
}
