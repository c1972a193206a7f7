// Tables of custom resources (their CRD's additionalPrinterColumns, evaluated as the simple JSON
// paths CRDs use) and of kinds the API server has no printer for (Name, Created At).

import { isRecord, type Json } from '../../kube/fields.ts';
import type { Instant } from '../instant.ts';
import type { PrinterColumn } from '../resources.ts';
import { nameOf, since } from './format.ts';
import { type Cell, column, NAME_COLUMN, type Printer } from './table.ts';

type Step =
  | { key: string }
  | { index: number }
  | { all: true }
  | { filter: string[]; equals: string; negate: boolean };

/** `.status.conditions[?(@.type=="Ready")].status`, `.spec.replicas`, `.items[0].name`, `.a[*].b`. */
export function parseJsonPath(path: string): Step[] | null {
  let text = path.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1);
  if (text.startsWith('$')) text = text.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '.') {
      const m = /^\.([A-Za-z0-9_-]+)/.exec(text.slice(i));
      if (!m) return null;
      steps.push({ key: m[1]! });
      i += m[0].length;
    } else if (text[i] === '[') {
      const rest = text.slice(i);
      let m = /^\[(\d+)\]/.exec(rest);
      if (m) {
        steps.push({ index: Number(m[1]) });
        i += m[0].length;
        continue;
      }
      m = /^\[\*\]/.exec(rest);
      if (m) {
        steps.push({ all: true });
        i += m[0].length;
        continue;
      }
      m = /^\['([^']*)'\]/.exec(rest);
      if (m) {
        steps.push({ key: m[1]! });
        i += m[0].length;
        continue;
      }
      m = /^\[\?\(@((?:\.[A-Za-z0-9_-]+)+)\s*(==|!=)\s*(?:"([^"]*)"|'([^']*)')\)\]/.exec(rest);
      if (!m) return null;
      steps.push({ filter: m[1]!.slice(1).split('.'), equals: m[3] ?? m[4] ?? '', negate: m[2] === '!=' });
      i += m[0].length;
    } else return null;
  }
  return steps;
}

export function evaluateJsonPath(steps: Step[], value: unknown): unknown[] {
  let current: unknown[] = [value];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if ('key' in step) {
        if (isRecord(v) && step.key in v) next.push(v[step.key]);
      } else if ('index' in step) {
        if (Array.isArray(v) && step.index < v.length) next.push(v[step.index]);
      } else if ('all' in step) {
        if (Array.isArray(v)) next.push(...v);
        else if (isRecord(v)) next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const item of v) {
          let field: unknown = item;
          for (const k of step.filter) field = isRecord(field) ? field[k] : undefined;
          const matches = field !== undefined && String(field) === step.equals;
          if (matches !== step.negate) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}

function cellOf(values: unknown[], type: string, now: Instant): Cell {
  if (values.length === 0 || values[0] === null || values[0] === undefined) return null;
  if (type === 'date') return since(values[0], now);
  if (values.length === 1) {
    const v = values[0];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    return JSON.stringify(v);
  }
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(',');
}

const AGE_PATH: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
};

/** A custom resource's table: Name, then its CRD's columns (Age when it declares none). */
export function customPrinter(printerColumns: PrinterColumn[] | undefined): Printer {
  const declared = printerColumns && printerColumns.length > 0 ? printerColumns : [AGE_PATH];
  const compiled = declared.map((c) => ({ column: c, steps: parseJsonPath(c.jsonPath) }));
  return {
    columns: [
      NAME_COLUMN,
      ...declared.map((c) =>
        column(c.name, c.description ?? '', {
          type: c.type,
          format: c.format ?? '',
          priority: c.priority ?? 0,
        }),
      ),
    ],
    cells(obj: Json, now: Instant) {
      return [
        nameOf(obj),
        ...compiled.map(({ column, steps }) =>
          steps ? cellOf(evaluateJsonPath(steps, obj), column.type, now) : null,
        ),
      ];
    },
  };
}

/** What the API server shows for kinds without a printer of their own (Roles, ClusterRoles...). */
export const DEFAULT_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column(
      'Created At',
      'CreationTimestamp is a timestamp representing the server time when this object was created.',
      { type: 'date' },
    ),
  ],
  cells(obj: Json) {
    const created = (obj.metadata as Json | undefined)?.creationTimestamp;
    return [nameOf(obj), typeof created === 'string' ? created : null];
  },
};
