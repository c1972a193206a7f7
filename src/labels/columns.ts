// Labels as rows of one table, for the tabular formats (CSV, Parquet, Arrow): the columns are read
// from the label schemas, so that a new field is a new column without a second list to keep. A
// small record of scalars (`source`, `quality`) is flattened to `source.bundle`, `quality.overall`;
// a string or number is a column of its own; lists and deeper objects are JSON text.

import { z } from 'zod';
import { type Label, LabelSchema, type LabelType } from './schema.ts';

export type ColumnKind = 'string' | 'number' | 'json';

export interface LabelColumn {
  name: string;
  /** Where the value lives in a label: one key, or a key and the member of its flattened record. */
  path: [string] | [string, string];
  kind: ColumnKind;
  /** The label types that have this field. */
  types: LabelType[];
}

type AnyZod = z.ZodType;

function unwrapped(schema: AnyZod): AnyZod {
  let s = schema;
  while (s instanceof z.ZodNullable || s instanceof z.ZodOptional || s instanceof z.ZodDefault)
    s = (s as z.ZodNullable<AnyZod>).unwrap() as AnyZod;
  return s;
}

function scalarKind(schema: AnyZod): ColumnKind | null {
  const s = unwrapped(schema);
  if (s instanceof z.ZodString || s instanceof z.ZodEnum) return 'string';
  if (s instanceof z.ZodLiteral) return typeof s.value === 'number' ? 'number' : 'string';
  if (s instanceof z.ZodNumber) return 'number';
  return null;
}

/** Every column, in the order of the first label type that has it. */
export const LABEL_COLUMNS: readonly LabelColumn[] = (() => {
  const columns = new Map<string, LabelColumn>();
  const add = (column: Omit<LabelColumn, 'types'>, type: LabelType) => {
    const known = columns.get(column.name);
    if (known) known.types.push(type);
    else columns.set(column.name, { ...column, types: [type] });
  };
  for (const option of LabelSchema.options) {
    const type = (option.shape.type as z.ZodLiteral<LabelType>).value;
    for (const [key, field] of Object.entries(option.shape as Record<string, AnyZod>)) {
      const kind = scalarKind(field);
      const inner = unwrapped(field);
      if (kind) add({ name: key, path: [key], kind }, type);
      else if (
        inner instanceof z.ZodObject &&
        Object.values(inner.shape as Record<string, AnyZod>).every((f) => scalarKind(f) !== null)
      )
        for (const [member, f] of Object.entries(inner.shape as Record<string, AnyZod>))
          add({ name: `${key}.${member}`, path: [key, member], kind: scalarKind(f)! }, type);
      else add({ name: key, path: [key], kind: 'json' }, type);
    }
  }
  return [...columns.values()];
})();

/** One label as a row: every column, null where its type has no such field. */
export function labelToRow(label: Label): Record<string, string | number | null> {
  const record = label as unknown as Record<string, unknown>;
  const row: Record<string, string | number | null> = {};
  for (const column of LABEL_COLUMNS) {
    // The same key can be a record in one type and text in another: each type fills its own columns.
    if (!column.types.includes(label.type)) {
      row[column.name] = null;
      continue;
    }
    const [key, member] = column.path;
    const holder = record[key];
    const value = member === undefined ? holder : (holder as Record<string, unknown> | null)?.[member];
    row[column.name] =
      value === undefined || value === null
        ? null
        : column.kind === 'json'
          ? JSON.stringify(value)
          : (value as string | number);
  }
  return row;
}

/** The label a row holds: the columns of its type, JSON text parsed back. */
export function rowToLabel(row: Record<string, unknown>): Label {
  const type = row.type as LabelType;
  const label: Record<string, unknown> = {};
  for (const column of LABEL_COLUMNS) {
    if (!column.types.includes(type)) continue;
    const raw = row[column.name];
    const value =
      raw === undefined || raw === null
        ? null
        : column.kind === 'json'
          ? JSON.parse(String(raw))
          : column.kind === 'number'
            ? Number(raw)
            : String(raw);
    const [key, member] = column.path;
    if (member === undefined) label[key] = value;
    else {
      const holder = (label[key] ?? {}) as Record<string, unknown>;
      holder[member] = value;
      label[key] = holder;
    }
  }
  return label as unknown as Label;
}
