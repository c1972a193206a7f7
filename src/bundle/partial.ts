// What a bundle says it lacks, for the analysis to say it is partial and why: a bundle rebuilt from
// the spool of a writer that did not finish, a spool read as it is, inputs of an import that were cut
// short by damage or could not be read.

import path from 'node:path';
import type { BundleFile } from './inspect.ts';

interface ImportExtra {
  cut_short?: { file: string; lines_read: number; reason: string }[];
  unreadable?: { file: string; reason: string }[];
}

export function partialReasons(files: readonly BundleFile[]): string[] {
  const reasons = new Set<string>();
  for (const file of files) {
    const m = file.metadata;
    if (file.format === 'ndjson') {
      reasons.add(
        `${path.dirname(file.path)} is the spool of a writer that has not finished: what it has not flushed yet is missing`,
      );
    }
    if (m.repaired) {
      reasons.add(
        `${file.path} was rebuilt by kstory bundle repair from the spool of a writer that did not finish: what came after its last flush is missing`,
      );
    }
    for (const part of file.leftOut ?? []) {
      const where = part.row_group === null ? file.path : `${file.path} row group ${part.row_group}`;
      reasons.add(
        `${where} is damaged (${part.error}): its ${part.rows} rows (from row ${part.first_row}) are left out`,
      );
    }
    const imports = Array.isArray(m.extra.import) ? (m.extra.import as ImportExtra[]) : [];
    for (const input of imports) {
      for (const cut of input.cut_short ?? []) {
        reasons.add(
          `${cut.file} was cut short by damage after ${cut.lines_read} lines (${cut.reason}): the rest of it is missing`,
        );
      }
      for (const unreadable of input.unreadable ?? []) {
        reasons.add(`${unreadable.file} could not be read when imported (${unreadable.reason})`);
      }
    }
  }
  return [...reasons];
}
