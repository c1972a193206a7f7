// `kstory import --resume`: an import that was killed, crashed or ran out of disk goes on from its
// spool. The rows the spool holds are kept and never written again; the inputs are read again from
// the start (what joins files, an audit request's stages, an object's versions across dumps, the
// pods a log names, is rebuilt on the way), and the rows they give beyond those are written.
// Conversion is deterministic, so the first rows of the new run are the rows of the spool: checked
// by count per source, and refused when the inputs have changed since.

import { statSync } from 'node:fs';
import path from 'node:path';
import { openBundleFiles } from '../bundle/reader.ts';
import type { BundleRow } from '../bundle/row.ts';
import { listSegments, lockSpool, readSpoolState, truncatePartialLine } from '../bundle/spool.ts';
import { KstoryError } from '../errors.ts';
import type { RowTarget } from './sink.ts';
import { walkDirectory } from './sources.ts';

/** What identifies an input as it was read: its path, its files, their bytes and newest change. */
export interface InputFingerprint {
  path: string;
  files: number;
  bytes: number;
  newest_ms: number;
}

/** The key of the fingerprints in the spool's metadata (`extra`); the finished bundle drops it. */
export const RESUME_KEY = 'import_inputs';

/** The inputs as they are now; `exclude` is the bundle and its spool, which may sit inside one. */
export function fingerprintInputs(inputs: readonly string[], exclude: readonly string[]): InputFingerprint[] {
  return inputs.map((input) => {
    const print: InputFingerprint = { path: path.resolve(input), files: 0, bytes: 0, newest_ms: 0 };
    const add = (file: string) => {
      const stat = statSync(file, { throwIfNoEntry: false });
      if (!stat) return;
      print.files++;
      print.bytes += stat.size;
      print.newest_ms = Math.max(print.newest_ms, Math.trunc(stat.mtimeMs));
    };
    const stat = statSync(input, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      for (const found of walkDirectory(input, exclude)) if (!found.error) add(found.file);
    } else if (stat) add(input);
    return print;
  });
}

/** Rows by source. */
export type SourceCounts = Record<string, number>;

/** What a resumed import found in its spool: the rows kept. */
export interface Resumed {
  spool: string;
  rows: number;
  rowsBySource: SourceCounts;
}

/**
 * Check that the spool at `spoolDir` is an import of these inputs, unchanged, and count what it
 * holds. `given` is the output as the user named it, for messages.
 */
export async function spoolToResume(
  spoolDir: string,
  given: string,
  inputs: readonly InputFingerprint[],
): Promise<Resumed> {
  const state = readSpoolState(spoolDir);
  const startOver = `Run the import again with --force to discard it and start over, or keep what it holds with: kstory bundle repair ${given}.spool`;
  if (state.metadata.producer !== 'import') {
    throw new KstoryError(`${given}.spool was left by kstory ${state.metadata.producer}, not by an import`, {
      hint: `Finish it with: kstory bundle repair ${given}.spool`,
    });
  }
  const stored = state.metadata.extra[RESUME_KEY] as InputFingerprint[] | undefined;
  const changed = stored === undefined ? null : differences(stored, inputs);
  if (changed === null || changed.length > 0) {
    throw new KstoryError(
      changed === null
        ? `${given}.spool does not say which inputs it was importing (written by an older kstory)`
        : `the inputs are not those the interrupted import was reading: ${changed.join('; ')}`,
      { hint: startOver },
    );
  }
  // Taken before it is counted: a live import's spool is refused, and the half line a kill left is
  // cut as the writer will cut it (a line cut just before its newline would parse, and be counted).
  lockSpool(spoolDir);
  for (const segment of listSegments(spoolDir)) if (segment.ndjson) truncatePartialLine(segment.ndjson);
  const bundle = await openBundleFiles([spoolDir]);
  try {
    const counts = await bundle.query<{ source: string; n: number }>(
      'SELECT source, count(*)::INTEGER AS n FROM bundle GROUP BY source ORDER BY source',
    );
    const rowsBySource = Object.fromEntries(counts.map((c) => [c.source, c.n]));
    return { spool: spoolDir, rows: counts.reduce((n, c) => n + c.n, 0), rowsBySource };
  } finally {
    bundle.close();
  }
}

function differences(before: readonly InputFingerprint[], now: readonly InputFingerprint[]): string[] {
  const out: string[] = [];
  const was = new Map(before.map((f) => [f.path, f]));
  const is = new Map(now.map((f) => [f.path, f]));
  for (const f of before) if (!is.has(f.path)) out.push(`${f.path} is no longer given`);
  for (const f of now) {
    const old = was.get(f.path);
    if (!old) out.push(`${f.path} was not an input`);
    else if (old.files !== f.files || old.bytes !== f.bytes || old.newest_ms !== f.newest_ms)
      out.push(
        `${f.path} changed (${old.files} files of ${old.bytes} bytes then, ${f.files} of ${f.bytes} now)`,
      );
  }
  return out;
}

/**
 * Where a resumed import's rows go: the first `resumed.rows` are the spool's and are not written
 * again (only counted), the rest go to `target`.
 */
export class ResumingTarget implements RowTarget {
  private skipped = 0;
  private readonly skippedBySource: SourceCounts = {};

  constructor(
    private readonly target: RowTarget,
    private readonly resumed: Resumed,
  ) {}

  append(row: BundleRow): void {
    if (this.skipped < this.resumed.rows) {
      this.skipped++;
      this.skippedBySource[row.source] = (this.skippedBySource[row.source] ?? 0) + 1;
      return;
    }
    this.target.append(row);
  }

  /** Whether the rows not written again are, source by source, the rows the spool holds. */
  mismatch(): string | null {
    const sources = new Set([
      ...Object.keys(this.resumed.rowsBySource),
      ...Object.keys(this.skippedBySource),
    ]);
    const differing = [...sources]
      .sort()
      .filter((s) => (this.resumed.rowsBySource[s] ?? 0) !== (this.skippedBySource[s] ?? 0))
      .map(
        (s) =>
          `${s}: ${this.resumed.rowsBySource[s] ?? 0} in the spool, ${this.skippedBySource[s] ?? 0} read again`,
      );
    return differing.length > 0 ? differing.join(', ') : null;
  }
}
