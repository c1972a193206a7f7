// Renders the field tables of docs/report-format.md from the report's zod schema (report.ts), so
// that the document cannot drift from what `kstory analyze --format json` prints (a test compares
// them; `npm run docs` rewrites them).

import { globalRegistry, type z } from 'zod';
import { ReportSchema } from './report.ts';

export const DOC_START = '<!-- fields:start (generated from src/analyze/report.ts by `npm run docs`) -->';
export const DOC_END = '<!-- fields:end -->';

type Schema = z.core.$ZodType;

interface Meta {
  title?: string;
  description?: string;
  /** A JSON Schema format, told in words in the tables (FORMATS). */
  format?: string;
}

/** How the tables name a string of a JSON Schema format. */
const FORMATS: Record<string, string> = { 'date-time': 'RFC 3339 time' };

const metaOf = (schema: Schema): Meta => (globalRegistry.get(schema) ?? {}) as Meta;
const defOf = (schema: Schema) => schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;

/** The schema inside `nullable`, `optional` and `default`, and whether null is allowed. */
function unwrap(schema: Schema): { inner: Schema; nullable: boolean } {
  let inner = schema;
  let nullable = false;
  for (;;) {
    const def = defOf(inner);
    if (def.type === 'nullable') nullable = true;
    else if (def.type !== 'optional' && def.type !== 'default') return { inner, nullable };
    inner = def.innerType as Schema;
  }
}

/** A field's meaning: its own description, else that of the schema it wraps. */
function describe(schema: Schema): string {
  return metaOf(schema).description ?? metaOf(unwrap(schema).inner).description ?? '';
}

function shapeOf(schema: Schema): Record<string, Schema> {
  return defOf(schema).shape as Record<string, Schema>;
}

/** How a type reads in the table: `string`, `RFC 3339 time or null`, `Finding[]`, `{name, kind}`. */
function typeOf(schema: Schema, sections: Schema[]): string {
  const { inner, nullable } = unwrap(schema);
  const def = defOf(inner);
  const meta = metaOf(inner);
  let text: string;
  if (meta.format && FORMATS[meta.format]) text = FORMATS[meta.format]!;
  else if (def.type === 'object' && meta.title) {
    if (!sections.includes(inner)) sections.push(inner);
    text = meta.title;
  } else if (def.type === 'object') text = `{${Object.keys(shapeOf(inner)).join(', ')}}`;
  else if (def.type === 'array') text = `${typeOf(def.element as Schema, sections)}[]`;
  else if (def.type === 'record') text = `{name: ${typeOf(def.valueType as Schema, sections)}}`;
  else if (def.type === 'literal')
    text = (def.values as unknown[]).map((v) => `\`${String(v)}\``).join(' or ');
  else if (def.type === 'enum')
    text = Object.values(def.entries as Record<string, string>)
      .map((v) => `\`${v}\``)
      .join(' | ');
  else if (def.type === 'number') text = (inner as z.ZodNumber).isInt ? 'integer' : 'number';
  else text = def.type;
  return nullable ? `${text} or null` : text;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** A row per field; an object field with no meaning of its own is told field by field (`bundle.files`). */
function rows(schema: Schema, sections: Schema[], prefix = ''): string[] {
  return Object.entries(shapeOf(schema)).flatMap(([key, field]) => {
    const { inner } = unwrap(field);
    if (defOf(inner).type === 'object' && !metaOf(inner).title && describe(field) === '')
      return rows(inner, sections, `${prefix}${key}.`);
    const type = typeOf(field, sections);
    return [`| \`${prefix}${key}\` | ${escapeCell(type)} | ${escapeCell(describe(field))} |`];
  });
}

export function renderFieldTables(): string {
  const sections: Schema[] = [ReportSchema];
  const out: string[] = [];
  // Sections are found while the tables are written: each titled object gets its own.
  for (let i = 0; i < sections.length; i++) {
    const schema = sections[i]!;
    const table = rows(schema, sections);
    out.push(`### ${metaOf(schema).title}`, '');
    if (metaOf(schema).description) out.push(metaOf(schema).description!, '');
    out.push('| field | type | meaning |', '|---|---|---|', ...table, '');
  }
  return out.join('\n').trimEnd();
}

/** Replace the generated part of the document, keeping the prose around it. */
export function updateReportDoc(document: string): string {
  const start = document.indexOf(DOC_START);
  const end = document.indexOf(DOC_END);
  if (start < 0 || end < start)
    throw new Error('docs/report-format.md lacks the fields:start/fields:end markers');
  return `${document.slice(0, start + DOC_START.length)}\n${renderFieldTables()}\n${document.slice(end)}`;
}
