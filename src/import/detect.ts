// Format detection from content: every registered format looks at the head of a file and says how
// sure it is that the file is its own; the path only adds context (which pod a log belongs to).

import type { ImportOptions } from './context.ts';
import type { FileHead, FormatMatch, ImportFormat, SkippedContent } from './format.ts';
import { IMPORT_FORMATS, SKIPPED_CONTENT } from './formats/index.ts';
import { describeUnrecognised } from './unrecognised.ts';

export type Detection = { format: ImportFormat; match: FormatMatch } | { skip: string };

interface Candidate {
  entry: ImportFormat | SkippedContent;
  match: FormatMatch;
}

/** The FileHead of a file's first kilobytes, decoded. */
export function fileHead(
  headText: string,
  where: {
    path: string;
    direct?: boolean;
    layout?: string | null;
    complete?: boolean;
    options?: ImportOptions;
  },
): FileHead {
  const text = headText.trimStart();
  return {
    text,
    lines: text.split('\n', 20).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)),
    complete: where.complete ?? true,
    path: where.path,
    direct: where.direct ?? false,
    layout: where.layout ?? null,
    options: where.options ?? {},
  };
}

/**
 * The format that imports a file, or why it is skipped: the most confident claim wins; when that is
 * skipped content or nothing, a format may still take the file as a fallback (see ImportFormat).
 */
export function detectFile(
  head: FileHead,
  formats: readonly ImportFormat[] = IMPORT_FORMATS,
  skipped: readonly SkippedContent[] = SKIPPED_CONTENT,
): Detection {
  if (head.text === '') return { skip: 'empty file' };
  const best = candidatesOf(head, formats, skipped)[0];
  if (best && isImportFormat(best.entry)) return { format: best.entry, match: best.match };
  for (const format of formats) {
    const match = format.fallback?.(head);
    if (match) return { format, match };
  }
  return { skip: best?.match.reason ?? describeUnrecognised(head) };
}

/** Every claim on a file, the winner first: what detectFile chose from, to see why. */
export function explainDetection(
  head: FileHead,
  formats: readonly ImportFormat[] = IMPORT_FORMATS,
  skipped: readonly SkippedContent[] = SKIPPED_CONTENT,
): { name: string; imports: boolean; confidence: number; reason: string }[] {
  return candidatesOf(head, formats, skipped).map(({ entry, match }) => ({
    name: entry.name,
    imports: isImportFormat(entry),
    confidence: match.confidence,
    reason: match.reason,
  }));
}

function candidatesOf(
  head: FileHead,
  formats: readonly ImportFormat[],
  skipped: readonly SkippedContent[],
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const entry of [...formats, ...skipped]) {
    const match = entry.detect(head);
    if (match) candidates.push({ entry, match });
  }
  // Array sort is stable: equal confidences keep the registry's order, formats before skipped content.
  return candidates.sort((a, b) => b.match.confidence - a.match.confidence);
}

function isImportFormat(entry: ImportFormat | SkippedContent): entry is ImportFormat {
  return 'import' in entry;
}
