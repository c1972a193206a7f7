// What a file no format claims looks like, as the reason it is skipped: the shape of its content
// (JSON, YAML, a table, dated lines, prose), never its text, which may hold anything, credentials too.

import type { FileHead } from './format.ts';

/** One reason per shape, so that the summary groups files by it. */
export const UNRECOGNISED = 'unrecognised content';

interface Shape {
  /** Whether the head has this shape. */
  test(head: FileHead, lines: readonly string[]): boolean;
  /** What follows "unrecognised content: ". */
  says: string;
}

const SHAPES: readonly Shape[] = [
  {
    test: (head) => head.text.startsWith('{') || head.text.startsWith('['),
    says: 'JSON, but no Kubernetes object, list, audit event or Prometheus answer',
  },
  {
    test: (head) => head.text.startsWith('<'),
    says: 'markup (XML or HTML)',
  },
  {
    test: (_head, lines) =>
      lines.length > 0 &&
      /^(---|[\w"'.-][^:\s]*:(\s|$))/.test(lines[0]!) &&
      lines.every((l) => /^(\s|-\s|#|---|[\w"'.-][^:\s]*:(\s|$))/.test(l)),
    says: 'YAML, but no Kubernetes object or list',
  },
  {
    test: (_head, lines) => isTable(lines, ','),
    says: 'a CSV table whose columns no format reads',
  },
  {
    test: (_head, lines) => lines.filter(startsDated).length * 2 >= lines.length && lines.length > 0,
    says: 'dated lines of no known log format (a container’s log: name it with --pod and --container)',
  },
  {
    test: (_head, lines) => isTable(lines, /\s{2,}|\t/),
    says: 'a text table with no kubectl header kstory reads',
  },
];

/** The reason a file nothing claims is skipped: `unrecognised content: <its shape>`. */
export function describeUnrecognised(head: FileHead): string {
  const lines = head.lines.filter((l) => l.trim() !== '').slice(0, 10);
  const shape = SHAPES.find((s) => s.test(head, lines));
  return `${UNRECOGNISED}: ${shape?.says ?? 'text in no format kstory reads'}`;
}

/** A time at the start of a line (after an optional bracket): a log of some program. */
function startsDated(line: string): boolean {
  return /^\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(line);
}

/** At least two lines, each cut into the same number (2+) of cells. */
function isTable(lines: readonly string[], separator: string | RegExp): boolean {
  if (lines.length < 2) return false;
  const cells = lines.map((l) => l.trim().split(separator).length);
  return cells[0]! >= 2 && cells.every((n) => n === cells[0]);
}
