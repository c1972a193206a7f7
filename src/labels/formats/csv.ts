// CSV (RFC 4180): one row per label, one column per field of src/labels/columns.ts, nested fields
// as JSON text. An absent value is an empty cell; an empty string is `""`, so that both read back.

import { createWriteStream, readFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { LABEL_COLUMNS, labelToRow, rowToLabel } from '../columns.ts';
import type { LabelFormat } from './format.ts';
import { spooledLabels } from './spool.ts';

function cell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  return `"${value.replace(/"/g, '""')}"`;
}

/** The rows of a CSV text: each cell a string, or null when it was empty and unquoted. */
export function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let value: string | null;
    if (text[i] === '"') {
      let end = i + 1;
      value = '';
      for (;;) {
        const quote = text.indexOf('"', end);
        if (quote < 0) throw new Error('unterminated quoted cell');
        value += text.slice(end, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          end = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
    } else {
      const end = text.slice(i).search(/[,\r\n]/);
      const raw = end < 0 ? text.slice(i) : text.slice(i, i + end);
      i += raw.length;
      value = raw === '' ? null : raw;
    }
    row.push(value);
    if (text[i] === ',') i++;
    else {
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

export const csvFormat: LabelFormat = {
  name: 'csv',
  extensions: ['.csv'],
  description: 'one row per label, nested fields as JSON text',
  binary: false,
  async write(spool, file) {
    const out = createWriteStream(file);
    out.write(`${LABEL_COLUMNS.map((c) => c.name).join(',')}\r\n`);
    for await (const label of spooledLabels(spool)) {
      const row = labelToRow(label);
      const line = `${LABEL_COLUMNS.map((c) => cell(row[c.name]!)).join(',')}\r\n`;
      if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    out.end();
    await finished(out);
  },
  async read(file) {
    const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
    return rows.map((cells) =>
      rowToLabel(Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? null]))),
    );
  },
};
