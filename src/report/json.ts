// The one way kstory prints JSON for scripts (reports, summaries, lists): two-space indented, one
// document, ending with a newline.

/**
 * Characters JSON.stringify leaves raw that still act on a terminal showing the JSON: DEL and the C1
 * controls, bidi overrides and isolates, line and paragraph separators. Written as \u escapes they
 * are the same JSON value, and inert.
 */
const ACTIVE = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

export function toJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2).replace(
    ACTIVE,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `${text}\n`;
}
