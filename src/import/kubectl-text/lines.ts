// A file's text as numbered lines, the unit every kubectl text reader works on.

import type { TextLine } from './describe-tree.ts';

// A Markdown fence around output pasted into a ticket or a chat: ```, ```console, ~~~.
const FENCE_RE = /^\s*(?:```|~~~)[\w-]*\s*$/;

/**
 * Lines of `text` (without `\r\n`/`\n`), numbered from `firstLine`; Markdown fences read as blank
 * lines, and output indented as a whole (a quoted block) brought back to the left margin.
 */
export function numberedLines(text: string, firstLine = 1): TextLine[] {
  const parts = text.split('\n');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const lines = parts.map((t, i) => {
    const line = t.endsWith('\r') ? t.slice(0, -1) : t;
    return { text: FENCE_RE.test(line) ? '' : line, line: firstLine + i };
  });
  const margin = Math.min(
    ...lines.filter((l) => l.text.trim() !== '').map((l) => /^ */.exec(l.text)![0].length),
  );
  if (!Number.isFinite(margin) || margin === 0) return lines;
  return lines.map((l) => ({ ...l, text: l.text.slice(Math.min(margin, /^ */.exec(l.text)![0].length)) }));
}

/** The lines that are neither blank nor Markdown fences, without their indentation (for detection). */
export function contentLines(lines: readonly string[]): string[] {
  return lines.filter((l) => l.trim() !== '' && !FENCE_RE.test(l)).map((l) => l.trimStart());
}
