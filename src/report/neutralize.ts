// Strings from a cluster or a bundle (names, messages, log lines, metadata) made inert for where a
// report goes: control characters, escape sequences and bidi overrides shown as visible escapes on
// a terminal; in Markdown also no HTML, no links, no table breaks of their own. Applied to a whole
// Report before a renderer sees it, so that no renderer can forget a field. JSON needs none: its
// strings escape control characters already, and its readers are programs.

import { escapeControl } from './escape.ts';

/**
 * Every string in `value` (objects and arrays walked, other values kept) passed through `fix`, keys
 * too: a record keyed by what a cluster named (a watch's resource, a label) prints its keys.
 */
export function mapStrings<T>(value: T, fix: (text: string) => string): T {
  if (typeof value === 'string') return fix(value) as T;
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, fix)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        fix(key),
        mapStrings(item, fix),
      ]),
    ) as T;
  }
  return value;
}

/** For a terminal: control characters and bidi marks visible, newlines and tabs kept. */
export function forTerminal<T>(value: T): T {
  return mapStrings(value, (text) => escapeControl(text));
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * For Markdown: as for a terminal (a Markdown file is read in one too) and on one line (a newline
 * could start a heading or end a code span), `<`, `>`, `&` as entities and `[`, `]` escaped, so
 * that a value cannot open an HTML tag or make a link.
 */
export function forMarkdown<T>(value: T): T {
  return mapStrings(value, (text) =>
    escapeControl(text, { singleLine: true })
      .replace(/[&<>]/g, (ch) => HTML_ENTITIES[ch]!)
      .replace(/[[\]]/g, '\\$&'),
  );
}
