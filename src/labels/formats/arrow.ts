// Arrow IPC (file format) through apache-arrow: the columns of src/labels/columns.ts, strings as
// Utf8, numbers as Float64, nested fields as JSON text.

import { readFileSync, writeFileSync } from 'node:fs';
import { LABEL_COLUMNS, labelToRow, rowToLabel } from '../columns.ts';
import type { LabelFormat } from './format.ts';
import { spooledLabels } from './spool.ts';

export const arrowFormat: LabelFormat = {
  name: 'arrow',
  extensions: ['.arrow', '.feather', '.ipc'],
  description: 'Arrow IPC file, nested fields as JSON text',
  binary: true,
  async write(spool, file) {
    // Loaded when used: its 150 modules would otherwise cost every kstory command's start-up a
    // fifth of a second, since the command line lists this format in `labels --help`.
    const { Float64, Table, tableToIPC, Utf8, vectorFromArray } = await import('apache-arrow');
    const values: Record<string, (string | number | null)[]> = Object.fromEntries(
      LABEL_COLUMNS.map((c) => [c.name, []]),
    );
    for await (const label of spooledLabels(spool)) {
      const row = labelToRow(label);
      for (const c of LABEL_COLUMNS) values[c.name]!.push(row[c.name]!);
    }
    const table = new Table(
      Object.fromEntries(
        LABEL_COLUMNS.map((c) => [
          c.name,
          vectorFromArray(values[c.name]!, c.kind === 'number' ? new Float64() : new Utf8()),
        ]),
      ),
    );
    writeFileSync(file, tableToIPC(table, 'file'));
  },
  async read(file) {
    const { tableFromIPC } = await import('apache-arrow');
    const table = tableFromIPC(readFileSync(file));
    return table.toArray().map((row) => rowToLabel(row.toJSON() as Record<string, unknown>));
  },
};
