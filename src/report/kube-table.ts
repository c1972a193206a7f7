// Tables printed the way kubectl prints the API server's Tables: upper-case headers, columns padded
// by three spaces, priority columns only with -o wide, a NAMESPACE column across namespaces and a
// kind/ prefix when several kinds are listed. Cells are cluster text: escaped for the terminal.

import type { TableColumn } from '../serve/columns/table.ts';
import { escapeControl } from './escape.ts';

export interface PrintableTable {
  columns: readonly TableColumn[];
  rows: readonly { cells: readonly unknown[]; namespace?: string | null }[];
}

export interface TableTextOptions {
  wide?: boolean;
  /** Add a NAMESPACE column (kubectl -A). */
  withNamespace?: boolean;
  /** `pod/` before each name (kubectl get with several kinds). */
  kindPrefix?: string;
  noHeaders?: boolean;
}

const PADDING = 3;
const MIN_WIDTH = 6;

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '<none>';
  if (typeof value === 'string') return escapeControl(value, { singleLine: true });
  return escapeControl(String(value), { singleLine: true });
}

/** Rows of text cells aligned in columns; the last column is not padded. */
export function alignColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i === row.length - 1
            ? cell
            : cell.padEnd(Math.max(MIN_WIDTH, (widths[i] ?? 0) + PADDING) - ([...cell].length - cell.length)),
        )
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

export function renderKubeTable(table: PrintableTable, options: TableTextOptions = {}): string {
  const shown = table.columns.map((c, i) => ({ c, i })).filter(({ c }) => options.wide || c.priority === 0);
  const lines: string[][] = [];
  if (!options.noHeaders) {
    lines.push([
      ...(options.withNamespace ? ['NAMESPACE'] : []),
      ...shown.map(({ c }) => c.name.toUpperCase()),
    ]);
  }
  for (const row of table.rows) {
    const cells = shown.map(({ c, i }) => {
      const text = cellText(row.cells[i]);
      return c.format === 'name' && options.kindPrefix ? `${options.kindPrefix}/${text}` : text;
    });
    lines.push([...(options.withNamespace ? [cellText(row.namespace ?? '')] : []), ...cells]);
  }
  return `${alignColumns(lines)}\n`;
}
