// Ownership trees as kubectl plugins print them for people: `kubectl lineage` (kube-lineage:
// NAME, READY, STATUS, AGE, with -o wide RELATIONSHIPS, a NAMESPACE first when the objects span
// several) and `kubectl tree` (NAMESPACE, NAME, READY, REASON, later AGE). Each row names an object
// as `Kind[.group]/name` behind tree-drawing characters; how far in it starts says whose child it is.

import type { TextLine } from './describe-tree.ts';

export interface TreeNode {
  line: number;
  /** The row of its parent in the tree (an index into the nodes), null for a root. */
  parent: number | null;
  /** The NAMESPACE cell; undefined when the table has no such column, '' when it is blank. */
  namespace: string | undefined;
  /** `Pod`, `Deployment`…; null for a row that names no object (the Helm release of `lineage helm`). */
  kind: string | null;
  /** `apps` in `Deployment.apps/web`, when shown. */
  group: string | undefined;
  name: string;
  /** `1/1`, `True`, `-`… as printed. */
  ready: string;
  /** The STATUS (lineage) or REASON (tree) cell: a pod's status, a condition's reason, an Event's `Reason: message (xN)`. */
  status: string;
  age: string;
  /** How the object relates to its parent (lineage -o wide): `ControllerReference`, `PodVolume`… */
  relationships: string[];
}

export interface TreeTable {
  /** `lineage` or `tree`: which printer, from its columns. */
  printer: 'lineage' | 'tree';
  nodes: TreeNode[];
}

// The plugins' headers: their own columns, then any -L label columns.
const HEADER_RE =
  /^(NAMESPACE\s+)?NAME\s+READY\s+(STATUS|REASON)(?:\s+STATUS)?(?:\s+AGE)?(?:\s+RELATIONSHIPS)?(?:\s+[A-Z][A-Z0-9_./-]*)*\s*$/;
// Box-drawing characters kube-lineage (`├── `, `│   `, `└── `) and kubectl tree (`├─`, `│ `, `└─`) draw.
const TREE_CHARS = /^[\s│├└─]*/;
const OBJECT_RE = /^([A-Z][A-Za-z0-9]*)(?:\.([a-z0-9][a-z0-9.-]*))?\/(\S+)/;
const AGE_RE = /^(?:\d+[smhdy](?:\d+[smhd])?|<unknown>|<invalid>)$/;

/** Whether a line is the header of an ownership tree. */
export function isTreeHeader(text: string): boolean {
  return HEADER_RE.test(text.trim());
}

/** Whether a line is a row of one: an object named `Kind/name`, maybe behind tree characters. */
export function isTreeRow(text: string): boolean {
  const words = text.trim().split(/\s+/);
  const at = words.findIndex((w) => !/^[│├└─]+$/.test(w));
  const rest = words.slice(at).join(' ');
  // With a NAMESPACE column the first word may be the namespace.
  return (
    OBJECT_RE.test(rest) ||
    OBJECT_RE.test(
      words
        .slice(at + 1)
        .join(' ')
        .replace(TREE_CHARS, ''),
    )
  );
}

/**
 * The tree in `lines` (its header first, blank lines before it skipped), or null when the first line
 * is no tree header. Rows run to the next blank line.
 */
export function parseTree(lines: readonly TextLine[]): TreeTable | null {
  const start = lines.findIndex((l) => l.text.trim() !== '');
  const header = lines[start];
  if (!header || !isTreeHeader(header.text)) return null;
  const columns = [...header.text.matchAll(/\S+/g)].map((m) => ({ name: m[0], start: m.index }));
  const printer = columns.some((c) => c.name === 'REASON') ? 'tree' : 'lineage';
  const nodes: TreeNode[] = [];
  // The rows above that may still be parents: where each one's object starts.
  const open: { at: number; index: number }[] = [];
  for (const { text, line } of lines.slice(start + 1)) {
    if (text.trim() === '') break;
    const row = readRow(text, columns);
    while (open.length > 0 && open[open.length - 1]!.at >= row.at) open.pop();
    const parent = open.length > 0 ? open[open.length - 1]!.index : null;
    nodes.push({ ...row.node, line, parent });
    open.push({ at: row.at, index: nodes.length - 1 });
  }
  // `NAME READY STATUS …` heads other tables too: a tree names its objects `Kind/name`.
  if (!nodes.some((n) => n.kind !== null)) return null;
  return { printer, nodes };
}

type Column = { name: string; start: number };

/** One row: its cells, and the column its object starts at (its depth in the tree). */
function readRow(text: string, columns: Column[]): { at: number; node: Omit<TreeNode, 'line' | 'parent'> } {
  const nameColumn = columns.find((c) => c.name === 'NAME')!;
  const hasNamespace = columns[0]!.name === 'NAMESPACE';
  // tabwriter pads each column to its widest cell: a namespace ends before NAME starts.
  const lined =
    nameColumn.start === 0 || text[nameColumn.start - 1] === ' ' || text.length <= nameColumn.start;
  let namespace: string | undefined;
  let from: number;
  if (lined) {
    namespace = hasNamespace ? text.slice(0, nameColumn.start).trim() : undefined;
    from = nameColumn.start;
  } else {
    // Not lined up (pasted, tabs): the namespace is the first word unless the row starts with the tree.
    const first = /^\s*(\S+)/.exec(text)!;
    const isNamespace = hasNamespace && !/[/│├└─]/.test(first[1]!);
    namespace = hasNamespace ? (isNamespace ? first[1]! : '') : undefined;
    from = isNamespace ? first[0].length : 0;
  }
  const prefix = TREE_CHARS.exec(text.slice(from))![0];
  const at = from + prefix.length;
  const word = /^\S+/.exec(text.slice(at))?.[0] ?? '';
  const object = OBJECT_RE.exec(word);
  const cells = restCells(text, at + word.length, columns);
  return {
    at,
    node: {
      namespace,
      kind: object ? object[1]! : null,
      group: object?.[2],
      name: object ? object[3]! : word,
      ready: cells.READY ?? '',
      status: cells.STATUS ?? cells.REASON ?? '',
      age: cells.AGE ?? '',
      relationships: (cells.RELATIONSHIPS ?? '')
        .replace(/^\[|\]$/g, '')
        .split(/\s+/)
        .filter((r) => r !== '' && r !== '-'),
    },
  };
}

/** The cells after the object's name: under their columns when lined up, else by their shapes. */
function restCells(text: string, from: number, columns: Column[]): Record<string, string> {
  const after = columns.slice(columns.findIndex((c) => c.name === 'NAME') + 1);
  const lined = after.every((c) => c.start >= from && (c.start >= text.length || text[c.start - 1] === ' '));
  const cells: Record<string, string> = {};
  if (lined) {
    after.forEach((c, i) => {
      cells[c.name] = text.slice(c.start, after[i + 1]?.start).trim();
    });
    return cells;
  }
  // READY is one word; AGE is the last age-shaped word (before RELATIONSHIPS and labels); STATUS between.
  const words = text
    .slice(from)
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  cells.READY = words.shift() ?? '';
  const ageAt = words.findLastIndex((w) => AGE_RE.test(w));
  const statusName = after.some((c) => c.name === 'REASON') ? 'REASON' : 'STATUS';
  cells[statusName] = (ageAt >= 0 ? words.slice(0, ageAt) : words).join(' ');
  if (ageAt >= 0) cells.AGE = words[ageAt]!;
  const relationships = words.slice(ageAt + 1).find((w) => w.startsWith('['));
  if (relationships)
    cells.RELATIONSHIPS = words.slice(words.indexOf(relationships)).join(' ').replace(/\].*$/, ']');
  return cells;
}
