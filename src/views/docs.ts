// Renders the reference part of docs/views.md from the registry: each view's purpose, inputs and
// columns (types as DuckDB describes them, meanings from the .sql header), and how patterns read it.
// `npm run docs` rewrites it; a test checks that the document is in sync.

import { replaceGenerated } from '../bundle/format-doc.ts';
import { patternColumns, viewColumns } from './catalogue.ts';
import { VIEWS, type ViewName } from './registry.ts';
import type { ViewDefinition } from './view.ts';

export const VIEWS_DOC_MARKERS = {
  start: '<!-- views:start (generated from src/views/ by `npm run docs`) -->',
  end: '<!-- views:end -->',
  name: 'docs/views.md',
};

const cell = (text: string) => text.replaceAll('|', '\\|');
const code = (text: string) => `\`${cell(text)}\``;

function columnRows(view: ViewDefinition): string[] {
  const described = viewColumns(view.name as ViewName);
  const typeOf = new Map(described.map((c) => [c.name, c.type]));
  const docs = view.columns;
  if (docs.kind === 'as') return [`Columns: those of ${code(docs.view)}.`];
  if (docs.kind === 'source') {
    return [
      `Columns: every column of the bundle format ([bundle-format.md](bundle-format.md#columns)); ` +
        `those of other sources are null on its rows, and patterns may name only the common ones and ` +
        `those of \`source = ${docs.source}\`: ${patternColumns(view.name as ViewName)
          .map(code)
          .join(', ')}.`,
    ];
  }
  const named = new Set(docs.entries.flatMap((e) => e.names));
  const rows = ['| column | type | meaning |', '|---|---|---|'];
  for (const entry of docs.entries) {
    const names = entry.names.flatMap((n) =>
      n === '*' ? described.map((c) => c.name).filter((c) => !named.has(c)) : [n],
    );
    const types = [...new Set(names.map((n) => typeOf.get(n) ?? '?'))];
    rows.push(`| ${names.map(code).join(', ')} | ${types.map(code).join(', ')} | ${cell(entry.doc)} |`);
  }
  return rows;
}

function signalLines(view: ViewDefinition): string[] {
  const signal = view.signal;
  if (!signal) return ['Patterns do not read this view.'];
  const { kind, name, container } = signal.subject;
  const lines = [
    `Patterns read it with \`from: ${view.name}\`. A row is about kind ${code(kind)}, name ${code(name)}` +
      (container === 'NULL' ? '' : `, container ${code(container)}`) +
      (signal.state
        ? '; it is a state that lasts until the subject’s next row.'
        : '; it is an observation at its `ts`.'),
  ];
  const virtual = Object.entries(signal.virtual ?? {});
  if (virtual.length > 0) {
    lines.push(
      '',
      'Fields a pattern can use as if they were columns:',
      '',
      '| field | meaning |',
      '|---|---|',
    );
    for (const [field, spec] of virtual) lines.push(`| ${code(field)} | ${cell(spec.doc)} |`);
  }
  return lines;
}

export function renderViewsReference(): string {
  const out: string[] = [];
  for (const view of VIEWS) {
    const reads = view.reads.length > 0 ? view.reads.map(code).join(', ') : 'the bundle';
    const sql = view.file
      ? `[src/views/${view.file}](../src/views/${view.file})`
      : 'generated from the bundle’s columns';
    out.push(`### \`${view.name}\``, '');
    out.push(`${view.doc.charAt(0).toUpperCase()}${view.doc.slice(1)}`, '');
    out.push(`Reads ${reads}; SQL: ${sql}.`, '');
    out.push(...columnRows(view), '');
    out.push(...signalLines(view), '');
  }
  return out.join('\n').trimEnd();
}

export function updateViewsDoc(document: string): string {
  return replaceGenerated(document, VIEWS_DOC_MARKERS, renderViewsReference());
}
