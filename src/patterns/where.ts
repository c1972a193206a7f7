// Compiles a signal's `where` (`field|operator: value`) into a SQL condition over its view. Field
// names are checked against the view's columns and every value is a bound parameter, so that a
// pattern file can never inject SQL.

import type { DuckDBValue } from '@duckdb/node-api';
import { signalView } from '../views/catalogue.ts';
import type { SignalView } from '../views/registry.ts';
import { OPERATORS, type Operator, type Where } from './schema.ts';

export class SignalCompileError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export interface CompiledWhere {
  sql: string;
  params: DuckDBValue[];
}

/** A SQL string literal, for the few constants of a view's spec; values from patterns are bound. */
export const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

function splitKey(key: string): { field: string; op: Operator } {
  const [field, op = 'eq', ...rest] = key.split('|');
  if (rest.length > 0 || !field) throw new SignalCompileError(`"${key}" has more than one "|"`, key);
  if (!(OPERATORS as readonly string[]).includes(op)) {
    throw new SignalCompileError(`unknown operator "${op}" (use one of ${OPERATORS.join(', ')})`, key);
  }
  return { field, op: op as Operator };
}

/** `labels.app` reads a key of a MAP column; anything else must be a column or virtual field of
 * the view. `key` is what the pattern wrote, for the error. */
export function fieldSql(view: SignalView, field: string, key: string): string {
  const spec = signalView(view);
  const dot = field.indexOf('.');
  if (dot > 0) {
    const column = field.slice(0, dot);
    if (!['labels', 'selector', 'attrs', 'metric_labels'].includes(column) || !spec.columns.has(column)) {
      throw new SignalCompileError(
        `"${field}": only the map columns labels, selector, attrs and metric_labels take a key`,
        key,
      );
    }
    return `"${column}"[${quote(field.slice(dot + 1))}]`;
  }
  const virtual = spec.virtual?.[field];
  if (virtual) return `(${virtual.sql})`;
  if (!spec.columns.has(field)) {
    throw new SignalCompileError(`the ${view} view has no column "${field}"`, key);
  }
  return `"${field}"`;
}

export function compileWhere(view: SignalView, where: Where): CompiledWhere {
  const parts: string[] = [];
  const params: DuckDBValue[] = [];
  for (const [key, value] of Object.entries(where)) {
    const { field, op } = splitKey(key);
    const column = fieldSql(view, field, key);
    const scalar = (v: unknown) => {
      if (Array.isArray(v)) throw new SignalCompileError(`operator ${op} takes one value, not a list`, key);
      return v as DuckDBValue;
    };
    const list = (v: unknown) => {
      if (!Array.isArray(v) || v.length === 0)
        throw new SignalCompileError(`operator ${op} takes a non-empty list`, key);
      return v as DuckDBValue[];
    };
    switch (op) {
      case 'eq':
        if (value === null) parts.push(`${column} IS NULL`);
        else if (Array.isArray(value))
          throw new SignalCompileError('a list needs the "in" operator (field|in)', key);
        else {
          parts.push(`${column} = ?`);
          params.push(value);
        }
        break;
      case 'ne':
        if (value === null) parts.push(`${column} IS NOT NULL`);
        else {
          parts.push(`${column} IS DISTINCT FROM ?`);
          params.push(scalar(value));
        }
        break;
      case 'in':
      case 'not_in': {
        const values = list(value);
        parts.push(
          `${op === 'in' ? '' : 'coalesce(NOT '}${column} IN (${values.map(() => '?').join(', ')})${op === 'in' ? '' : ', true)'}`,
        );
        params.push(...values);
        break;
      }
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        const symbol = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
        // Map values (attrs, labels) are text: compare them as numbers when the bound is one.
        const operand =
          field.includes('.') && typeof value === 'number' ? `TRY_CAST(${column} AS DOUBLE)` : column;
        parts.push(`${operand} ${symbol} ?`);
        params.push(scalar(value));
        break;
      }
      case 'contains':
        parts.push(`contains(${column}, ?)`);
        params.push(String(scalar(value)));
        break;
      case 'not_contains':
        parts.push(`NOT coalesce(contains(${column}, ?), false)`);
        params.push(String(scalar(value)));
        break;
      case 'not_re':
        parts.push(`NOT coalesce(regexp_matches(${column}, ?), false)`);
        params.push(String(scalar(value)));
        break;
      case 'startswith':
        parts.push(`starts_with(${column}, ?)`);
        params.push(String(scalar(value)));
        break;
      case 're':
        parts.push(`regexp_matches(${column}, ?)`);
        params.push(String(scalar(value)));
        break;
      case 'exists':
        parts.push(value === false ? `${column} IS NULL` : `${column} IS NOT NULL`);
        break;
    }
  }
  return { sql: parts.length > 0 ? parts.map((p) => `(${p})`).join(' AND ') : 'true', params };
}
