// Text that fits the terminal: how wide the output is, and wrapping, cutting and padding measured as
// a terminal shows text (colour codes take no room, CJK and emoji take two columns).

import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

/** The width of a terminal that does not say, and of output to a pipe or a file. */
export const DEFAULT_WIDTH = 80;

/** Columns available on `stream`: the terminal's own, or DEFAULT_WIDTH off a terminal. */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }): number {
  return stream.isTTY === true && stream.columns !== undefined && stream.columns > 0
    ? stream.columns
    : DEFAULT_WIDTH;
}

/** Word-wrap `text` (its runs of whitespace read as one space) to the width. The first line starts
 * with `prefix`; the others are indented under the text, past the prefix. A word longer than the
 * room is kept whole on its own line: a path or URL cut in two could not be copied. */
export function wrap(text: string, indent: number, width: number, prefix = ''): string[] {
  const room = Math.max(20, width - indent - stringWidth(prefix));
  const words = text.split(/\s+/).filter(Boolean).join(' ');
  if (words === '') return [];
  const pad = ' '.repeat(indent);
  const under = ' '.repeat(stringWidth(prefix));
  return wrapAnsi(words, room, { hard: false, trim: true, wordWrap: true })
    .split('\n')
    .map((line, i) => `${pad}${i === 0 ? prefix : under}${line}`);
}

/** `text` cut to `width` columns, ending in `…` when something was cut. */
export function truncate(text: string, width: number): string {
  return cliTruncate(text, Math.max(width, 1));
}

/** `text` padded with spaces to `width` columns. */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)));
}

/** `text` padded on the left to `width` columns. */
export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - stringWidth(text))) + text;
}

/** Columns `text` takes on a terminal. */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/**
 * Every line of `text` that is wider than `width` wrapped at spaces; lines that fit are left exactly
 * as they are. A line at the margin is a paragraph and continues at the margin; an indented line (a
 * list item, an example) continues two columns further in than itself. What commands print for a
 * person goes through this (src/cli/output.ts), whatever drew it.
 */
export function fitLines(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => (stringWidth(line) <= width ? line : wrapLine(line, width)))
    .join('\n');
}

/** A line broken at spaces; runs of spaces inside a line (aligned columns) are kept. */
function wrapLine(line: string, width: number): string {
  const indent = /^ */.exec(line)![0];
  const continued = indent === '' ? '' : `${indent}  `;
  const lines: string[] = [];
  let current = indent;
  for (const chunk of line.slice(indent.length).match(/\s*\S+/g) ?? []) {
    const room = Math.max(20, width - (lines.length === 0 ? indent.length : continued.length));
    const used = stringWidth(current) - (lines.length === 0 ? indent.length : continued.length);
    if (used > 0 && used + stringWidth(chunk) > room) {
      lines.push(current);
      current = continued + chunk.trimStart();
    } else {
      current += used === 0 ? chunk.trimStart() : chunk;
    }
  }
  lines.push(current);
  return lines.join('\n');
}
