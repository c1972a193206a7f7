// A file's text as numbered lines, the unit every kubectl text reader works on.

import type { TextLine } from './describe-tree.ts';

/** Lines of `text` (without `\r\n`/`\n`), numbered from `firstLine`. */
export function numberedLines(text: string, firstLine = 1): TextLine[] {
  const parts = text.split('\n');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((t, i) => ({ text: t.endsWith('\r') ? t.slice(0, -1) : t, line: firstLine + i }));
}
