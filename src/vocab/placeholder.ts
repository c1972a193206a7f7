// The placeholders of narrative templates: `{{name}}`, `{{value.limit}}`, `{{value.limit|bytes}}`.
// The pattern loader refuses a placeholder nothing fills; detection fills them. Both read this file.

import { formatBytes } from './units.ts';

/** Filled from the finding itself. */
export const SUBJECT_PLACEHOLDERS = [
  'namespace',
  'kind',
  'name',
  'container',
  'subject',
  'first',
  'last',
  'duration',
  'variant',
] as const;

/** Filled per signal: `count.<signal>`, `value.<signal>`… */
export const SIGNAL_PLACEHOLDERS = ['count', 'value', 'first', 'last', 'text'] as const;

/** How a numeric value may be shown: `{{value.limit|bytes}}`. */
export const PLACEHOLDER_FORMATS: Record<string, (value: number) => string> = {
  bytes: (v) => formatBytes(v),
  percent: (v) => `${Math.round(v * 100)}%`,
  days: (v) => `${Math.abs(Math.round(v))} day${Math.abs(Math.round(v)) === 1 ? '' : 's'}`,
};

const PLACEHOLDER = /\{\{\s*([a-z_]+(?:\.[a-z_][a-z0-9_]*)?)(?:\|([a-z]+))?\s*\}\}/g;

export interface Placeholder {
  /** As written between the braces, without the format: `name`, `value.limit`. */
  key: string;
  /** `name`, or `value` for `value.limit`. */
  head: string;
  /** The signal of `value.limit`, else undefined. */
  signal: string | undefined;
  format: string | undefined;
}

export function placeholdersOf(template: string): Placeholder[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => {
    const key = match[1]!;
    const [head, signal] = key.split('.') as [string, string | undefined];
    return { key, head, signal, format: match[2] };
  });
}

/**
 * What is wrong with a placeholder, or null when detection fills it. `signals` are the pattern's
 * declared signal names.
 */
export function placeholderProblem(placeholder: Placeholder, signals: ReadonlySet<string>): string | null {
  const formats = Object.keys(PLACEHOLDER_FORMATS);
  if (placeholder.format !== undefined && !formats.includes(placeholder.format)) {
    return `placeholder {{${placeholder.key}|${placeholder.format}}}: unknown format "${placeholder.format}" (use ${formats.join(', ')})`;
  }
  const filled =
    placeholder.signal === undefined
      ? (SUBJECT_PLACEHOLDERS as readonly string[]).includes(placeholder.head)
      : (SIGNAL_PLACEHOLDERS as readonly string[]).includes(placeholder.head) &&
        signals.has(placeholder.signal);
  if (filled) return null;
  return `placeholder {{${placeholder.key}}} is not filled by anything (use ${SUBJECT_PLACEHOLDERS.join(', ')} or ${SIGNAL_PLACEHOLDERS.join('|')}.<signal>)`;
}

/** The template with every placeholder replaced by its value; `?` for a value nobody has. */
export function fillPlaceholders(template: string, values: Readonly<Record<string, string>>): string {
  return template
    .replace(PLACEHOLDER, (_match, key: string, format?: string) => {
      const value = values[key];
      if (value === undefined || value === '') return '?';
      const formatter = format ? PLACEHOLDER_FORMATS[format] : undefined;
      return formatter && Number.isFinite(Number(value)) ? formatter(Number(value)) : value;
    })
    .trim();
}
