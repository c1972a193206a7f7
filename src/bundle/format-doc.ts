// Renders the column tables of docs/bundle-format.md from columns.ts, so that the document cannot
// drift from what the writer writes (a test compares them; `npm run docs` rewrites them).

import { ATTRS_KEYS } from './attrs-keys.ts';
import { COLUMNS, type ColumnGroup } from './columns.ts';

const GROUP_TITLES: Record<ColumnGroup, string> = {
  common: 'Columns common to all sources',
  object: '`source = object`',
  event: '`source = event`',
  audit: '`source = audit`',
  log: '`source = log`',
  metric: '`source = metric`',
  marker: '`source = marker`',
};

export const DOC_START = '<!-- columns:start (generated from src/bundle/columns.ts by `npm run docs`) -->';
export const DOC_END = '<!-- columns:end -->';

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

export function renderColumnTables(): string {
  const out: string[] = [];
  for (const group of Object.keys(GROUP_TITLES) as ColumnGroup[]) {
    out.push(`### ${GROUP_TITLES[group]}`, '', '| column | type | meaning |', '|---|---|---|');
    for (const column of COLUMNS.filter((c) => c.group === group)) {
      out.push(`| \`${column.name}\` | \`${escapeCell(column.type)}\` | ${escapeCell(column.doc)} |`);
    }
    out.push('');
  }
  out.push('### `attrs` keys', '', '| kind | keys |', '|---|---|');
  for (const [kind, keys] of Object.entries(ATTRS_KEYS)) {
    if (keys.length > 0) out.push(`| ${kind} | ${keys.map((k) => `\`${k}\``).join(', ')} |`);
  }
  return out.join('\n');
}

/** Replace the part of a document between two markers, keeping the prose around it. */
export function replaceGenerated(
  document: string,
  markers: { start: string; end: string; name: string },
  content: string,
): string {
  const start = document.indexOf(markers.start);
  const end = document.indexOf(markers.end);
  if (start < 0 || end < start) throw new Error(`${markers.name} lacks its generated-part markers`);
  return `${document.slice(0, start + markers.start.length)}\n${content}\n${document.slice(end)}`;
}

/** Replace the generated part of the document, keeping the prose around it. */
export function updateFormatDoc(document: string): string {
  return replaceGenerated(
    document,
    { start: DOC_START, end: DOC_END, name: 'docs/bundle-format.md' },
    renderColumnTables(),
  );
}
