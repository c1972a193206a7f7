// An incident's causal chain as a small SVG graph, root cause on the left and each effect one
// column right of the finding that explains it; every label is escaped text.

import type { Report, ReportIncident } from '../../analyze/report.ts';
import { type Html, html } from './escape.ts';
import { objectLabel } from './model.ts';

const BOX_W = 220;
const BOX_H = 48;
const GAP_X = 48;
const GAP_Y = 14;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function chainGraph(report: Report, incident: ReportIncident): Html {
  const depth = new Map<number, number>();
  for (const step of incident.chain)
    depth.set(step.finding, step.via ? (depth.get(step.via.from) ?? 0) + 1 : 0);
  const rows = new Map<number, number>();
  const position = new Map<number, { x: number; y: number }>();
  for (const step of incident.chain) {
    const d = depth.get(step.finding)!;
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    position.set(step.finding, { x: 8 + d * (BOX_W + GAP_X), y: 8 + row * (BOX_H + GAP_Y) });
  }
  const width = 16 + (Math.max(...depth.values()) + 1) * (BOX_W + GAP_X) - GAP_X;
  const height = 16 + Math.max(...rows.values()) * (BOX_H + GAP_Y) - GAP_Y;
  const edges = incident.chain.flatMap((step) => {
    if (!step.via) return [];
    const from = position.get(step.via.from);
    const to = position.get(step.finding)!;
    if (!from) return [];
    const [x1, y1, x2, y2] = [from.x + BOX_W, from.y + BOX_H / 2, to.x, to.y + BOX_H / 2];
    const mid = (x1 + x2) / 2;
    return [
      html`<path class="edge" d="M${x1} ${y1} C${mid} ${y1} ${mid} ${y2} ${x2 - 4} ${y2}" marker-end="url(#arrow-${incident.rank})"><title>${step.via.description}</title></path>`,
    ];
  });
  const boxes = incident.chain.map((step) => {
    const finding = report.findings[step.finding]!;
    const { x, y } = position.get(step.finding)!;
    const root = step.finding === incident.root;
    return html`<g class="node${root ? ' root' : ''} sev-${finding.severity}" data-finding="${step.finding}">
<title>${finding.title} — ${objectLabel(finding.subject)}</title>
<rect x="${x}" y="${y}" width="${BOX_W}" height="${BOX_H}" rx="6"></rect>
<text x="${x + 8}" y="${y + 19}" class="t">${root ? 'ROOT: ' : ''}${cut(finding.title, root ? 26 : 32)}</text>
<text x="${x + 8}" y="${y + 37}" class="s">${cut(objectLabel(finding.subject), 34)}</text>
</g>`;
  });
  const label = `Causal chain: ${incident.chain
    .map((s) => report.findings[s.finding]!.title)
    .join(', then ')}`;
  return html`<svg class="chain-graph" role="img" aria-label="${label}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">
<defs><marker id="arrow-${incident.rank}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z"></path></marker></defs>
${edges}${boxes}</svg>`;
}
