// The text layout of `kubectl describe`: lines at indentation levels, `Key:\tvalue` cells aligned
// by the same column-block rule as Go's text/tabwriter (padding 2), so that the output lines up
// the way kubectl's does. Values are cluster text: escaped for the terminal.

import { escapeControl } from '../escape.ts';

const PADDING = 2;

export class DescribeWriter {
  private readonly lines: string[][] = [];

  /** A line at `level` (two spaces each); `\t` separates cells to align. */
  line(level: number, ...cells: string[]): void {
    const safe = cells.map((c) => escapeControl(c, { singleLine: true }).replaceAll('\t', '\\t'));
    safe[0] = '  '.repeat(level) + (safe[0] ?? '');
    this.lines.push(safe);
  }

  /** `Key:\tvalue`, `<none>` for an empty value. */
  field(level: number, key: string, value: string | number | boolean | null | undefined): void {
    const text = value === null || value === undefined || value === '' ? '<none>' : String(value);
    this.line(level, `${key}:`, text);
  }

  /** `Key:\tfirst`, then the other values on lines of their own under it (kubectl's label lists). */
  list(level: number, key: string, values: readonly string[]): void {
    if (values.length === 0) {
      this.line(level, `${key}:`, '<none>');
      return;
    }
    this.line(level, `${key}:`, values[0]!);
    for (const v of values.slice(1)) this.line(level, '', v);
  }

  toString(): string {
    return render(this.lines);
  }
}

function width(cell: string): number {
  return [...cell].length;
}

/** Go tabwriter's formatting: a column block is a run of consecutive lines that have a cell in that
 * column (a cell is terminated by a tab, so the last cell of a line is never aligned). */
function render(lines: readonly string[][]): string {
  const out: string[] = new Array(lines.length);
  const widths: number[] = [];
  const write = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      out[i] = cells
        .map((c, j) =>
          j < cells.length - 1 && j < widths.length ? c + ' '.repeat(Math.max(0, widths[j]! - width(c))) : c,
        )
        .join('')
        .trimEnd();
    }
  };
  const format = (line0: number, line1: number) => {
    const column = widths.length;
    let start = line0;
    for (let row = line0; row < line1; row++) {
      if (column >= lines[row]!.length - 1) continue;
      write(start, row);
      let w = 0;
      let end = row;
      for (; end < line1 && column < lines[end]!.length - 1; end++)
        w = Math.max(w, width(lines[end]![column]!) + PADDING);
      widths.push(w);
      format(row, end);
      widths.pop();
      start = end;
      row = end - 1;
    }
    write(start, line1);
  };
  format(0, lines.length);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
