// What an import format is: a descriptor that recognises a file from its first kilobytes and turns
// it into bundle rows. Each format is one file in src/import/formats/, listed in formats/index.ts.

import type { FileContext, ImportOptions } from './context.ts';
import type { LineBatch } from './text.ts';

/** What detection sees of a file: its head as text, and where the file sits. */
export interface FileHead {
  /** The first 64 KB of the file (all of it when shorter), decoded, leading whitespace removed. */
  text: string;
  /** The first 20 lines of `text`, without their line ends. */
  lines: readonly string[];
  /** True when `text` holds the whole file. */
  complete: boolean;
  /**
   * Path inside the input, `/`-separated (`namespaces/shop/pods/p/app/app/logs/current.log`; the file
   * name for a file named on the command line). Context only: the content decides the format.
   */
  path: string;
  /** True for a file named on the command line, rather than found in a directory or archive. */
  direct: boolean;
  /** The layout the input's paths revealed so far (`must-gather`, `cluster-info-dump`), or null. */
  layout: string | null;
  options: ImportOptions;
}

/**
 * A format's claim on a file. The highest confidence wins; on a tie, the format listed first.
 * Guide: 0.9 the format's own fields or markers in the first lines (an audit event, a CRI log line);
 * 0.7–0.8 a line shape only this format has; 0.5 the bare syntax (any JSON, any YAML stream);
 * 0.1–0.4 weaker hints (a keyword somewhere, the file's path).
 */
export interface FormatMatch {
  confidence: number;
  /** Why, in a few words: shown when a file is skipped, and by `explainDetection`. */
  reason: string;
  /**
   * When the rows depend on what the rest of the import holds, the file is read after every other
   * file of every input: `dated` for logs whose times lack a year or whose Pod is described
   * elsewhere; `undated` for text that may carry no time at all, which takes it from all the rest.
   */
  late?: 'dated' | 'undated';
}

/** The content of a file, read once, either way. A format reads it to the end or not at all. */
export interface FileBody {
  /** The whole file as one string: for documents that are parsed whole (JSON, YAML). */
  text(): Promise<string>;
  /** The file as batches of lines, streamed: for logs that run to gigabytes. */
  lines(): AsyncIterable<LineBatch>;
  /** The format read the file itself, from disk (FileEntry.disk): it counts as read by the format. */
  readFromDisk(): void;
  /** How much of the file a reader of its own has read (0 to 1), for the progress display. */
  showRead(fraction: number): void;
}

export interface ImportFormat<M extends FormatMatch = FormatMatch> {
  /** Counted per file in the import summary and the bundle's metadata, e.g. `kube-yaml×2165`. */
  name: string;
  /** One line for `kstory import --help`. */
  description: string;
  /** Whether the file is this format, from its head; null when it is not. Pure: no I/O, no state. */
  detect(head: FileHead): M | null;
  /**
   * A claim on a file that nothing recognised or that was skipped, because the user said what it is
   * (plain text named on the command line with --pod/--container is a container log).
   */
  fallback?(head: FileHead): M | null;
  /**
   * Convert the file: rows go to `ctx.sink` (objects, events, audit entries, logs, metrics);
   * damaged lines and parts not understood to `issue(ctx, line, reason)`; a file it turns down after
   * all to `skipFile(ctx, reason)`. The file counts as this format once the body is read.
   */
  import(body: FileBody, ctx: FileContext, match: M): Promise<void>;
}

/** Content that is recognised but not imported, with the reason the summary gives for skipping it. */
export interface SkippedContent {
  name: string;
  description: string;
  /** The match's reason is the reason shown for the skipped file. */
  detect(head: FileHead): FormatMatch | null;
}

/**
 * A format for the registry: its match type is its own business, since the runner only ever hands
 * a format the match its own `detect` or `fallback` returned.
 */
export function defineFormat<M extends FormatMatch>(format: ImportFormat<M>): ImportFormat {
  return format as unknown as ImportFormat;
}
