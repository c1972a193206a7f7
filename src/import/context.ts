// What a format converter gets for one file: where the file is, where its rows go, and the
// user's options that apply to it.

import type { ImportSink } from './sink.ts';
import type { FileEntry } from './sources.ts';
import type { InputStats } from './stats.ts';

export interface ImportOptions {
  /** `namespace/name` of the pod that plain-text log files given directly belong to. */
  pod?: string;
  /** Container of those log files. */
  container?: string;
  /** Time of snapshots that carry none (exposition files, undated objects); else the file's time. */
  at?: string;
  /** Year of the first line of logs whose times lack one (klog, syslog); else inferred (log-time.ts). */
  year?: number;
}

export interface FileContext {
  entry: FileEntry;
  stats: InputStats;
  sink: ImportSink;
  options: ImportOptions;
  /** Time for rows that carry none: --at, else the file's modification time. */
  fallbackTs: string;
  /** The `origin` column: the file's path as shown to the user. */
  origin: string;
}

/** A damaged line or document, or a part of the file not understood: counted and shown with its line. */
export function issue(ctx: FileContext, line: number | undefined, reason: string): void {
  ctx.sink.issue(ctx.stats, { file: ctx.entry.path, line, reason });
}

/** What the reader assumed to read a part of the file (columns it inferred): said, not counted as damage. */
export function note(ctx: FileContext, line: number | undefined, reason: string): void {
  ctx.sink.note(ctx.stats, { file: ctx.entry.path, line, reason });
}

/** The whole file is not imported, for this reason. */
export function skipFile(ctx: FileContext, reason: string): void {
  ctx.sink.skipFile(ctx.stats, ctx.entry.path, reason);
}
