// `kubectl get` tables as rows of named cells: columns are where the header's cells start (kubectl
// aligns every row under them), so cells may hold spaces (`5 (2m ago)`, `Ubuntu 24.04 LTS`) or be
// empty. Several tables in one output (`get pods,svc`) are cut at blank lines; rows whose header a
// filter (`| grep x`) removed are read with the columns the command implies, or that their values
// show (a pod's, a node's, an event's).

import type { KubectlCommand } from './command.ts';
import type { TextLine } from './describe-tree.ts';
import { headerlessEventTable } from './get-events.ts';

export interface TableRow {
  cells: Record<string, string>;
  line: number;
}

export interface Table {
  headers: string[];
  rows: TableRow[];
  /** Printed without its header (`--no-headers`, `| grep`): the columns were inferred from this. */
  inferred?: 'command' | 'values';
}

// A header: upper-case words (`NOMINATED NODE`, `PORT(S)`, `LAST SEEN`) two or more spaces apart.
// `CPU(cores)` and `MEMORY(bytes)` of `kubectl top` are the only cells with lower case.
const HEADER_WORD = '[A-Z][A-Z0-9()/_.%-]*(?:\\((?:cores|bytes)\\))?';
const HEADER_CELL = `${HEADER_WORD}(?: ${HEADER_WORD})*`;
// `POD NAME …` is `kubectl top pods --containers`.
const HEADER_RE = new RegExp(`^(?:NAMESPACE|NAME|POD|LAST ?SEEN)(?:\\s{2,}${HEADER_CELL})+\\s*$`);

/** Whether a line is the header of a kubectl table. */
export function isTableHeader(text: string): boolean {
  return HEADER_RE.test(text.trimEnd()) && /\bNAME\b|SEEN/.test(text);
}

/** The tables in `lines`: each from a header line to the next blank line or header. */
export function parseTables(lines: readonly TextLine[]): Table[] {
  const tables: Table[] = [];
  let columns: { name: string; start: number }[] | null = null;
  let table: Table | null = null;
  for (const { text, line } of lines) {
    if (text.trim() === '') {
      columns = null;
      continue;
    }
    if (isTableHeader(text)) {
      columns = headerColumns(text);
      table = { headers: columns.map((c) => c.name), rows: [] };
      tables.push(table);
      continue;
    }
    if (!columns || !table) continue;
    table.rows.push({ cells: cutRow(text, columns), line });
  }
  return tables;
}

function headerColumns(text: string): { name: string; start: number }[] {
  const out: { name: string; start: number }[] = [];
  for (const m of text.matchAll(/\S+(?: \S+)*/g)) out.push({ name: m[0], start: m.index });
  return out;
}

/** A row cut under the header's columns; split at wide gaps when it does not line up. */
function cutRow(text: string, columns: { name: string; start: number }[]): Record<string, string> {
  // Aligned: no cell runs into the next column.
  const aligned = columns.every((c, i) => i === 0 || c.start >= text.length || text[c.start - 1] === ' ');
  const cells: Record<string, string> = {};
  if (aligned) {
    columns.forEach((c, i) => {
      cells[c.name] = text.slice(c.start, columns[i + 1]?.start).trim();
    });
    return cells;
  }
  const parts = text.trim().split(/\s{2,}/);
  columns.forEach((c, i) => {
    cells[c.name] = i === columns.length - 1 ? parts.slice(i).join('  ') : (parts[i] ?? '');
  });
  return cells;
}

// The columns `kubectl get` prints per kind, plain and with -o wide (kubectl 1.14 on); a Job's
// STATUS came with 1.28; a Deployment's READY with 1.15, which dropped DESIRED and CURRENT.
const COLUMNS: Record<string, { plain: string[][]; wide: string[] }> = {
  Pod: {
    plain: [['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']],
    wide: ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
  },
  Deployment: {
    plain: [
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
      ['NAME', 'DESIRED', 'CURRENT', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
    ],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
  },
  Job: {
    plain: [
      ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'],
      ['NAME', 'COMPLETIONS', 'DURATION', 'AGE'],
    ],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
  },
  Node: {
    plain: [['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']],
    wide: ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'],
  },
};

const AGE_CELL = /^(?:\d+[smhdy](?:\d+[smhd])?|<unknown>|<invalid>)$/;
// What a cell of each column looks like, to tell apart layouts with as many columns.
const CELL_SHAPES: Record<string, RegExp> = {
  NAMESPACE: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  READY: /^\d+\/\d+$/,
  RESTARTS: /^\d+(?: \(.+ ago\))?$/,
  AGE: AGE_CELL,
  COMPLETIONS: /^\d+\/\d+$/,
  'UP-TO-DATE': /^\d+$/,
  DESIRED: /^\d+$/,
  CURRENT: /^\d+$/,
  AVAILABLE: /^\d+$/,
  LABELS: /=|^<none>$/,
  STATUS: /^[A-Za-z:,]/,
  NAME: /^[a-z0-9][-a-z0-9.:]*$/,
  VERSION: /^v\d+\.\d+/,
  ROLES: /^(?:<none>|[\w.-]+(?:,[\w.-]+)*)$/,
};

/** Kinds whose rows are told apart by their values alone, when no command says which kind. */
const KINDS_BY_VALUES = ['Pod', 'Node', 'Deployment', 'Job'];

/**
 * Rows without their header (`kubectl get … | grep x`, `--no-headers`), read with the columns of a
 * layout kubectl prints for the kind: the command's kind and flags first, then the others, the first
 * whose cells all look like their columns; without a command, of the kinds whose values tell them
 * apart (a pod's `0/1 CrashLoopBackOff 14 (3m ago)`, a node's `Ready control-plane v1.29.3`). Null
 * when none fits every row.
 */
export function headerlessTable(lines: readonly TextLine[], command: KubectlCommand | null): Table | null {
  if (command && command.kinds.length !== 1) return null;
  const kinds = command ? [command.kinds[0]!] : KINDS_BY_VALUES;
  const rows = lines
    .filter((l) => l.text.trim() !== '')
    .map((l) => ({ line: l.line, parts: l.text.trim().split(/\s{2,}/) }));
  if (rows.length === 0) return null;
  if (!command || command.kinds[0] === 'Event') {
    const events = headerlessEventTable(rows);
    if (events) return { ...events, inferred: command ? 'command' : 'values' };
  }
  for (const kind of kinds) {
    const known = COLUMNS[kind];
    if (!known) continue;
    for (const headers of layouts(known, command)) {
      const fits = rows.every(
        (r) =>
          r.parts.length === headers.length &&
          headers.every((h, i) => CELL_SHAPES[h]?.test(r.parts[i]!) ?? true),
      );
      if (!fits) continue;
      return {
        headers,
        rows: rows.map((r) => ({
          line: r.line,
          cells: Object.fromEntries(headers.map((h, i) => [h, r.parts[i]!])),
        })),
        inferred: command ? 'command' : 'values',
      };
    }
  }
  return null;
}

/** Every layout of a kind, those the command's flags ask for first. */
function layouts(known: { plain: string[][]; wide: string[] }, command: KubectlCommand | null): string[][] {
  const out: { headers: string[]; score: number }[] = [];
  for (const plain of known.plain) {
    for (const wide of [true, false]) {
      for (const namespaced of [true, false]) {
        for (const labels of [true, false]) {
          const score =
            Number(wide === (command?.output === 'wide')) +
            Number(namespaced === (command?.allNamespaces ?? false)) +
            Number(labels === (command?.showLabels ?? false));
          out.push({
            headers: [
              ...(namespaced ? ['NAMESPACE'] : []),
              ...plain,
              ...(wide ? known.wide : []),
              ...(labels ? ['LABELS'] : []),
            ],
            score,
          });
        }
      }
    }
  }
  // Array sort is stable: among equals, the newer layout listed first wins.
  return out.sort((a, b) => b.score - a.score).map((l) => l.headers);
}
