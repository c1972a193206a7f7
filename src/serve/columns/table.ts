// What a printer is: the columns the API server's Table has for a kind, and the cells of one
// object's row at an instant (ages are measured from the instant served, not from today).

import type { Json } from '../../kube/fields.ts';
import type { Instant } from '../instant.ts';

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export type Cell = string | number | boolean | null;

export interface Printer {
  columns: TableColumn[];
  cells(obj: Json, now: Instant): Cell[];
}

/** A column as the API server declares it; `priority` 1 columns are shown by `-o wide` only. */
export function column(name: string, description: string, options: Partial<TableColumn> = {}): TableColumn {
  return { name, type: 'string', format: '', description, priority: 0, ...options };
}

export const NAME_COLUMN = column(
  'Name',
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.',
  { format: 'name' },
);

export const AGE_COLUMN = column(
  'Age',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);

export const wide = (name: string, description: string, options: Partial<TableColumn> = {}) =>
  column(name, description, { priority: 1, ...options });
