// `kstory import`: every file of every input is recognised by content and converted by its format
// (file.ts), all into one bundle; damage is counted and reported, never fatal.

import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { FinishResult } from '../bundle/final-bundle.ts';
import { checkOutputPath } from '../bundle/output-path.ts';
import { lockSpool } from '../bundle/spool.ts';
import { SpoolWriteError } from '../bundle/spool-error.ts';
import { BundleWriter } from '../bundle/writer.ts';
import { isItemError, KstoryError } from '../errors.ts';
import { REDACTION_RULES } from '../kube/redact.ts';
import { markerRow } from '../kube/sample-rows.ts';
import { normalizeTs } from '../kube/time.ts';
import { clusterOfImport, describeCluster } from './audit-export/clusters.ts';
import { finishCapture } from './capture-time.ts';
import type { ImportOptions } from './context.ts';
import { DamagedData } from './decompress.ts';
import { importFile, withoutPrefix } from './file.ts';
import { LateFiles } from './late-files.ts';
import { type ImportProgress, NO_PROGRESS } from './progress.ts';
import { fingerprintInputs, RESUME_KEY, type Resumed, ResumingTarget, spoolToResume } from './resume.ts';
import { ImportSink } from './sink.ts';
import { filesOf, inputBytes, readCounter } from './sources.ts';
import { type InputStats, newStats } from './stats.ts';
import { type Refusal, refusalOf, rowsOf } from './unimported.ts';
import { UnreadableFile } from './unreadable-file.ts';

export interface ImportRunOptions extends ImportOptions {
  inputs: readonly string[];
  output: string;
  /** Replace an existing output file; discard the spool of an import that did not finish. */
  force?: boolean;
  /** Go on from the spool of an import of the same inputs that did not finish (see resume.ts). */
  resume?: boolean;
  /** Given the bytes to read, what to tell how far the import has got; none when false or absent. */
  progress?: false | ((totalBytes: number) => ImportProgress);
  /** Write a share-safe bundle (pseudonyms for names, users, addresses), its mapping here if given. */
  anonymize?: { mappingFile?: string };
}

export interface ImportResult {
  /** What each input held, with its formats in words (`must-gather (kube-yaml×1853, ...)`) and the
   * clusters it names in words (`prod (GKE, europe-west1, project shop)`). */
  inputs: (InputStats & { format: string; clusterNames: string[] })[];
  /** Null when an input gave nothing: no bundle was written. */
  bundle: FinishResult | null;
  snapshot: boolean;
  /** The inputs that gave no rows, each with why: any of them means no bundle. */
  refused: Refusal[];
  /** What the spool of the interrupted import held, kept as it was (`resume`). */
  resumed?: Resumed | null;
}

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
  if (options.at !== undefined && normalizeTs(options.at) === null) {
    throw new KstoryError(`${options.at}: not an RFC 3339 timestamp`, {
      option: 'at',
      hint: 'For example 2026-03-01T10:42:00Z',
    });
  }
  if (options.resume && options.force) {
    throw new KstoryError("--resume and --force are each other's opposite", {
      hint: '--resume goes on from the spool of an import that did not finish, --force discards it: choose one.',
    });
  }
  // After the options: a wrong value is said before where it would have gone.
  checkOutputPath(options.output, { force: options.force });

  const spoolDir = `${output}.spool`;
  const fingerprints = fingerprintInputs(options.inputs, [output, spoolDir]);
  let resumed: Resumed | null = null;
  if (options.resume) {
    if (!existsSync(spoolDir)) {
      throw new KstoryError(`there is no interrupted import to resume at ${options.output}.spool`, {
        hint: 'Run the import without --resume.',
      });
    }
    resumed = await spoolToResume(spoolDir, options.output, fingerprints);
  } else discardInterruptedImport(options.output, output, options.force === true);
  // Created up front so that conversion never waits on it; removed again if nothing is imported.
  const writer = await BundleWriter.create({
    output,
    resume: resumed !== null,
    anonymize: options.anonymize,
    metadata: { producer: 'import', redaction: [...REDACTION_RULES], extra: { [RESUME_KEY]: fingerprints } },
  });
  const discard = async () => {
    await writer.close();
    rmSync(writer.spoolDir, { recursive: true, force: true });
  };
  const target = resumed ? new ResumingTarget(writer, resumed) : null;
  const sink = new ImportSink(target ?? writer);
  const progress = options.progress ? options.progress(inputBytes(options.inputs)) : NO_PROGRESS;
  let all: InputStats[] = [];
  try {
    all = await importInputs(options.inputs, sink, options, progress, [output, writer.spoolDir]);
  } catch (error) {
    progress.done();
    await sink.closeAudit();
    // A spool the disk filled is kept for `--resume` or `bundle repair`, and so is one the user
    // resumed; any other failure leaves nothing behind.
    if (error instanceof SpoolWriteError || resumed) await writer.close();
    else await discard();
    if (error instanceof SpoolWriteError) {
      throw new KstoryError(error.message, {
        hint: `${error.hint} Or, with the space freed, go on with the same import and --resume.`,
        cause: error,
        fatal: true,
      });
    }
    throw error;
  }
  progress.done();
  const mismatch = target?.mismatch();
  if (mismatch) {
    await writer.close();
    throw new KstoryError(
      `the inputs no longer give the rows ${options.output}.spool holds (${mismatch}): they changed since the import was interrupted`,
      {
        hint: `Run the import again with --force to discard the spool and start over, or keep what it holds with: kstory bundle repair ${options.output}.spool`,
      },
    );
  }

  const snapshot = !all.some((s) => s.history);
  const inputs = all.map((s) => ({
    ...s,
    format: describeFormats(s),
    clusterNames: s.clusters.map(describeCluster),
  }));
  // An input that gave nothing is refused even beside others that gave rows: a bundle without it
  // would analyse as if it had been read.
  const refused = all.map(refusalOf).filter((r): r is Refusal => r !== null);
  if (sink.rows === 0 || refused.length > 0) {
    await discard();
    return { inputs, bundle: null, snapshot, refused, resumed };
  }
  const cluster = clusterOfImport(all);
  writer.updateMetadata({
    ...(cluster ? { cluster: { server_version: null, ...cluster } } : {}),
    snapshot,
    inputs: all.map((s) => ({
      path: s.input,
      format: describeFormats(s),
      records: rowsOf(s),
      skipped:
        Object.values(s.skippedFiles).reduce((sum, files) => sum + files.length, 0) +
        s.issueCount +
        s.cut.length,
      captured_at: s.history ? null : s.capturedAt,
      captured_at_source: s.history ? null : s.capturedSource,
      files_seen: s.files,
      rows_by_source: withoutMarkers(s.records),
      skipped_by_reason: Object.fromEntries(
        Object.entries(s.skippedFiles).map(([reason, files]) => [reason, files.length]),
      ),
      damaged: s.issueCount,
      files: provenanceOf(s),
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
        unreadable: s.unreadable.map(({ file, reason }) => ({ file, reason })),
        cut_short: s.cut.map(({ file, lines, reason }) => ({ file, lines_read: lines, reason })),
        captured_at: s.capturedAt,
        captured_at_source: s.capturedSource,
        ...(s.clusters.length > 0 ? { clusters: s.clusters } : {}),
      })),
      ...(resumed ? { resumed: { rows_kept: resumed.rows, rows_kept_by_source: resumed.rowsBySource } } : {}),
    },
  });
  const bundle = await writer.finish();
  return { inputs, bundle, snapshot, refused, resumed };
}

function withoutMarkers(records: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(records).filter(([source]) => source !== 'marker'));
}

/** Each file that gave rows, with its rows by source, most rows first: where the bundle's rows came from. */
function provenanceOf(stats: InputStats): { path: string; rows: Record<string, number> }[] {
  return [...stats.rowsByFile]
    .map(([file, rows]) => ({ path: file, rows: withoutMarkers(rows) }))
    .filter((f) => Object.keys(f.rows).length > 0)
    .sort((a, b) => total(b.rows) - total(a.rows) || a.path.localeCompare(b.path));
}

function total(rows: Record<string, number>): number {
  return Object.values(rows).reduce((a, b) => a + b, 0);
}

/**
 * The spool of an import that was killed holds part of what its inputs hold: `--resume` goes on
 * from it, `--force` discards it (the import starts again from its inputs), `kstory bundle repair`
 * keeps it as a partial bundle.
 */
function discardInterruptedImport(given: string, output: string, force: boolean): void {
  const spoolDir = `${output}.spool`;
  if (!existsSync(spoolDir)) return;
  if (!force) {
    throw new KstoryError(`${given}.spool is left by an import that did not finish`, {
      hint: `Go on from it with --resume (the same inputs), or discard it and start over with --force, or keep what it holds as a partial bundle with: kstory bundle repair ${given}.spool`,
    });
  }
  // Refuses a spool a live process is still writing.
  lockSpool(spoolDir);
  rmSync(spoolDir, { recursive: true, force: true });
}

/**
 * Read every input into `sink`: the whole import but the bundle file. Exported for benchmarks,
 * which measure conversion apart from the Parquet writer.
 */
export async function importInputs(
  inputs: readonly string[],
  sink: ImportSink,
  options: ImportOptions,
  progress: ImportProgress = NO_PROGRESS,
  exclude: readonly string[] = [],
): Promise<InputStats[]> {
  const all: InputStats[] = [];
  const late = new LateFiles();
  for (const input of inputs) {
    const stats = newStats(input);
    all.push(stats);
    let current: string = input;
    try {
      for await (const entry of filesOf(input, exclude)) {
        current = entry.path;
        progress.update(readCounter.bytes, sink.rows, entry.path);
        await skippingUnreadable(stats, sink, entry.path, () =>
          importFile(entry, stats, sink, options, progress, late),
        );
      }
    } catch (error) {
      // A damaged archive or an unreadable input stops that input only.
      if (!isItemError(error)) throw error;
      // The archive around a member cut short fails with the member's failure: said once.
      if (sink.isCounted(error)) continue;
      if (error instanceof DamagedData) {
        // Cut where no format was reading (between members, or in one skipped unread).
        const reason = withoutPrefix(error.message, error.file);
        sink.cutShort(stats, { file: current, lines: 0, reason }, error);
        continue;
      }
      const message = withoutPrefix(error.message, input);
      sink.issue(stats, { file: input, reason: error.hint ? `${message} (${error.hint})` : message });
    }
  }
  for (const { entry, stats } of late.take()) {
    try {
      await skippingUnreadable(stats, sink, entry.path, () =>
        importFile(entry, stats, sink, options, progress),
      );
    } catch (error) {
      if (!isItemError(error)) throw error;
      sink.issue(stats, { file: entry.path, reason: withoutPrefix(error.message, entry.path) });
    }
  }
  await sink.flushAudit();
  for (const stats of all) {
    finishCapture(stats, options);
    addSnapshotMarker(stats, sink);
  }
  return all;
}

/** A file the system would not let us read is skipped and counted; the input's others are read. */
async function skippingUnreadable(
  stats: InputStats,
  sink: ImportSink,
  file: string,
  read: () => Promise<void>,
): Promise<void> {
  try {
    await read();
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    sink.skipFile(stats, file, `cannot be read: ${error.reason}`);
    stats.unreadable.push({ file, reason: error.reason, hint: error.hint });
  }
}

function describeFormats(stats: InputStats): string {
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
