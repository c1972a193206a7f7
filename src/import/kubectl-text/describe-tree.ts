// `kubectl describe` output as a tree of `Key: value` lines nested by indentation, the shape every
// describer prints with its prefix writer and tab writer. What each key means is left to the
// describers of each kind (describe-kinds.ts); tables (Events, Conditions) stay raw lines.

/** One line of describe output and what is nested under it. */
export interface DescribeNode {
  /** `Start Time` for `Start Time:  …`; null for a line that is not `Key: value` (a list item, a table row). */
  key: string | null;
  /** The value after the key, trimmed; the whole line for a keyless line. `''` when none. */
  value: string;
  /** Further values aligned under the first (labels, annotations, tolerations, taints). */
  more: { value: string; indent: number }[];
  /** The column the value starts at (further values align with it). */
  column: number;
  indent: number;
  /** 1-based line number in the file. */
  line: number;
  children: DescribeNode[];
}

export interface TextLine {
  text: string;
  /** 1-based line number in the file. */
  line: number;
}

// A key: words, dots, slashes and dashes (`Restart Count`, `nvidia.com/gpu`, `Node-Selectors`), never
// two spaces in a row, which only table rows have.
const KEY_RE = /^([A-Za-z][\w.()/#'-]*(?: [\w.()/#'-]+)*):(?:[ \t]+(.*?))?[ \t]*$/;

/** Columns of leading whitespace, tabs expanded to the next multiple of 8 as a terminal shows them. */
export function indentOf(text: string): number {
  let col = 0;
  for (const ch of text) {
    if (ch === ' ') col++;
    else if (ch === '\t') col = (Math.floor(col / 8) + 1) * 8;
    else break;
  }
  return col;
}

/** The nodes of one describe block (from its `Name:` line to the next block). */
export function parseDescribeTree(lines: readonly TextLine[]): DescribeNode[] {
  const root: DescribeNode = { key: null, value: '', more: [], column: 0, indent: -1, line: 0, children: [] };
  const stack: DescribeNode[] = [root];
  // The node whose value further lines may continue; `tabbed` when a tab set its value apart, as
  // kubectl's prefix writer prints without a tab writer (rollout history --revision): the further
  // values then start with a tab of their own, not at the first one's column.
  let open: { node: DescribeNode; tabbed: boolean } | null = null;
  for (const { text: raw, line } of lines) {
    const text = raw.replace(/\s+$/, '');
    if (text.trim() === '') {
      open = null;
      continue;
    }
    const indent = indentOf(text);
    const body = text.trim();
    if (open && (indent >= open.node.column || (open.tabbed && /^\t+\S/.test(text)))) {
      open.node.more.push({ value: body, indent });
      continue;
    }
    while (stack.length > 1 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const parent = stack[stack.length - 1]!;
    // Rows of a table under `Events:` or `Conditions:` are never keys, even when a message has a colon.
    const inTable = parent.key !== null && TABLE_KEYS.has(parent.key);
    const m = inTable ? null : KEY_RE.exec(body);
    const node: DescribeNode = m
      ? { key: m[1]!, value: (m[2] ?? '').trim(), more: [], column: indent, indent, line, children: [] }
      : { key: null, value: body, more: [], column: indent, indent, line, children: [] };
    parent.children.push(node);
    stack.push(node);
    open = null;
    if (m && node.value !== '') {
      node.column = Math.max(indent + body.length - (m[2] ?? '').trimStart().length, indent + 1);
      open = { node, tabbed: body.charAt(m[1]!.length + 1) === '\t' };
    }
  }
  return root.children;
}

/** Keys whose children are table rows. */
const TABLE_KEYS = new Set([
  'Events',
  'Conditions',
  'Non-terminated Pods',
  'Allocated resources',
  'Readiness Gates',
  'Ports',
  'PolicyRule',
]);

/** The first child with `key`, or undefined. */
export function child(nodes: readonly DescribeNode[] | undefined, key: string): DescribeNode | undefined {
  return nodes?.find((n) => n.key === key);
}

/** The value of the first child with `key`; undefined when absent, `<none>`/`<unset>`/empty included as given. */
export function fieldValue(nodes: readonly DescribeNode[] | undefined, key: string): string | undefined {
  return child(nodes, key)?.value;
}

/** A value that says "nothing": empty, `<none>`, `<unset>`, `<nil>`. */
export function isNone(value: string | undefined): boolean {
  return (
    value === undefined || value === '' || value === '<none>' || value === '<unset>' || value === '<nil>'
  );
}

/** The value, or undefined when it says nothing. */
export function someValue(nodes: readonly DescribeNode[] | undefined, key: string): string | undefined {
  const value = fieldValue(nodes, key);
  return isNone(value) ? undefined : value;
}

/** All values of a node: its inline value and the lines aligned under it, `<none>` dropped. */
export function listOf(node: DescribeNode | undefined): string[] {
  if (!node) return [];
  return [node.value, ...node.more.map((m) => m.value)].filter((v) => !isNone(v));
}

/** `a=b` lines (labels, node selectors) as a map; null when there are none. */
export function labelMap(node: DescribeNode | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let any = false;
  for (const item of listOf(node)) {
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    out[item.slice(0, eq)] = item.slice(eq + 1);
    any = true;
  }
  return any ? out : undefined;
}

/**
 * Annotations as printed: `key: value` per line, or, for long or multi-line values, `key:` followed
 * by the value's lines indented two more columns (cut at 140 characters with `...`).
 */
export function annotationMap(node: DescribeNode | undefined): Record<string, string> | undefined {
  if (!node || isNone(node.value)) return undefined;
  const out: Record<string, string> = {};
  let key: string | null = null;
  for (const { value, indent } of [{ value: node.value, indent: node.column }, ...node.more]) {
    const m = indent <= node.column ? /^([^:\s]+):(?: (.*))?$/.exec(value) : null;
    if (m) {
      key = m[1]!;
      out[key] = m[2] ?? '';
    } else if (key !== null) {
      out[key] = out[key] === '' ? value : `${out[key]}\n${value}`;
    }
  }
  return key === null ? undefined : out;
}
