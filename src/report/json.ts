// The one way kstory prints JSON for scripts (reports, summaries, lists): two-space indented, one
// document, ending with a newline.

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
