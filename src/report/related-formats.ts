// Every output format of `kstory related`: text for a person, JSON for tools, and the graph for
// Graphviz (dot) or Mermaid. The first is the default; a new format is one entry here.

import type { RelatedResult } from '../story/related/search.ts';
import { escapeControl } from './escape.ts';
import { toJson } from './json.ts';
import type { RenderContext, Renderer } from './renderer.ts';
import { wrap } from './width.ts';

type Related = RelatedResult & { start_text: string };

const label = (n: RelatedResult['nodes'][number]) => {
  const o = n.object;
  const object = `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
  return n.signals ? `${n.class} of ${object}` : object;
};

function renderText(result: Related, context: RenderContext): string {
  const { chalk, width } = context;
  const safe = (s: string) => escapeControl(s, { singleLine: true });
  const lines = [
    chalk.bold(`Related to ${safe(label(result.start))}`) +
      (result.goals ? ` (goals: ${result.goals.join(', ')})` : ` (depth ${result.depth})`),
  ];
  for (const node of result.nodes.filter((n) => n.depth > 0)) {
    lines.push('', ...wrap(safe(label(node)), 0, width, `${chalk.bold(node.class)}  `));
    lines.push(...wrap(node.path.join(' → '), 2, width, 'via '));
    if (node.signals) {
      const s = node.signals;
      lines.push(
        `  ${s.count} ${s.count === 1 ? 'row' : 'rows'}${s.first ? `, ${s.first} → ${s.last}` : ''}`,
      );
      for (const sample of s.samples) lines.push(...wrap(safe(sample), 4, width));
    }
  }
  const nodes = new Map(result.nodes.map((n) => [n.id, n]));
  const from = (id: string) => {
    const n = nodes.get(id);
    return n ? label(n) : id;
  };
  for (const c of result.capped)
    lines.push(
      '',
      ...wrap(
        safe(
          `${from(c.from)}: ${c.total - c.listed} more ${c.class} not listed (rule ${c.rule} lists ${c.listed} of ${c.total}: those with findings, then those seen last).`,
        ),
        0,
        width,
      ),
    );
  if (result.unreached.length > 0)
    lines.push(
      '',
      chalk.yellow(`No rule path reached: ${result.unreached.join(', ')} (within depth ${result.depth}).`),
    );
  return `${lines.join('\n')}\n`;
}

/** A node id safe in both graph languages. */
const graphId = (id: string) => `n_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
const quoted = (s: string) => s.replaceAll('\\', '\\\\').replaceAll('"', '\\"');

function renderDot(result: Related): string {
  const lines = ['digraph related {', '  rankdir=LR;', '  node [shape=box, fontname="sans-serif"];'];
  for (const n of result.nodes) {
    const extra = n.signals ? `\\n${n.signals.count} rows` : '';
    lines.push(
      `  ${graphId(n.id)} [label="${quoted(label(n))}${extra}"${n.depth === 0 ? ', style=bold' : n.signals ? ', shape=note' : ''}];`,
    );
  }
  for (const e of result.edges)
    lines.push(`  ${graphId(e.from)} -> ${graphId(e.to)} [label="${quoted(e.rule)}"];`);
  for (const [i, c] of result.capped.entries())
    lines.push(
      `  more_${i} [label="${c.total - c.listed} more ${quoted(c.class)}", shape=plaintext];`,
      `  ${graphId(c.from)} -> more_${i} [label="${quoted(c.rule)}", style=dashed];`,
    );
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function renderMermaid(result: Related): string {
  const text = (s: string) => s.replaceAll('"', '#quot;');
  const lines = ['flowchart LR'];
  for (const n of result.nodes) {
    const extra = n.signals ? `<br/>${n.signals.count} rows` : '';
    lines.push(`  ${graphId(n.id)}["${text(label(n))}${extra}"]`);
  }
  for (const e of result.edges) lines.push(`  ${graphId(e.from)} -->|${text(e.rule)}| ${graphId(e.to)}`);
  for (const [i, c] of result.capped.entries())
    lines.push(
      `  more_${i}["${c.total - c.listed} more ${text(c.class)}"]`,
      `  ${graphId(c.from)} -.->|${text(c.rule)}| more_${i}`,
    );
  return `${lines.join('\n')}\n`;
}

export const RELATED_RENDERERS: readonly Renderer<Related>[] = [
  {
    name: 'text',
    description: 'what was reached, class by class, with the rule path',
    produces: 'terminal',
    render: renderText,
  },
  {
    name: 'json',
    description: 'the nodes, edges and signals',
    produces: 'document',
    flag: '--json',
    render: (r) => toJson(r),
  },
  { name: 'dot', description: 'the graph for Graphviz', produces: 'document', render: renderDot },
  {
    name: 'mermaid',
    description: 'the graph as a Mermaid flowchart',
    produces: 'document',
    render: renderMermaid,
  },
];
