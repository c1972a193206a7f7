// The ranked incidents of the HTML report, each a <details> that opens on its causal chain (graph
// and list), confidence with its reasons and alternatives, impact, remediation and evidence in time
// order. Readable without JavaScript, and printed open.

import type { Report, ReportIncident } from '../../analyze/report.ts';
import { formatDuration } from '../../vocab/duration.ts';
import { formatTime } from '../../vocab/units.ts';
import { workloadLabels } from '../impact-workloads.ts';
import { chainGraph } from './chain-graph.ts';
import { type Html, html } from './escape.ts';
import { objectLabel } from './model.ts';

/** Evidence rows shown per incident; the rest are counted. */
const EVIDENCE_ROWS = 40;

const timeLink = (iso: string) => html`<a class="t-link" href="#t=${iso}">${formatTime(iso)}</a>`;

function chainList(report: Report, incident: ReportIncident): Html {
  return html`<ol class="chain-list">${incident.chain.map((step) => {
    const f = report.findings[step.finding]!;
    const via = step.via
      ? html`<span class="via">because of ${report.findings[step.via.from]!.title} (${step.via.description}, strength ${step.via.strength.toFixed(2)})</span>`
      : html`<span class="via">root cause</span>`;
    return html`<li><strong>${f.title}</strong> — <span class="subject">${objectLabel(f.subject)}</span>,
${timeLink(f.first)} → ${formatTime(f.last)}, confidence ${f.confidence.toFixed(2)}. ${via}
<div class="summary">${f.summary}</div></li>`;
  })}</ol>`;
}

function impact(incident: ReportIncident): Html {
  const i = incident.impact;
  const row = (label: string, items: string[]) =>
    items.length === 0
      ? ''
      : html`<dt>${label}</dt><dd>${items.slice(0, 20).join(', ')}${items.length > 20 ? ` and ${items.length - 20} more` : ''}</dd>`;
  return html`<dl class="impact"><dt>When</dt><dd>${timeLink(i.start)} → ${formatTime(i.end)} (${formatDuration(i.duration_seconds * 1000)})</dd>
${row('Workloads', workloadLabels(i))}${row('Services', i.services)}${row(`Pods (${i.pods.length})`, i.pods)}${row('Nodes', i.nodes)}</dl>`;
}

function evidence(report: Report, incident: ReportIncident): Html {
  const rows = incident.chain
    .flatMap((step) => report.findings[step.finding]!.evidence.map((e) => ({ ...e, finding: step.finding })))
    .sort((a, b) => a.ts.localeCompare(b.ts));
  if (rows.length === 0) return html``;
  return html`<h4>Evidence, in time order</h4>
<table class="evidence"><thead><tr><th scope="col">time</th><th scope="col">what was seen</th><th scope="col">source</th></tr></thead><tbody>
${rows.slice(0, EVIDENCE_ROWS).map((e) => html`<tr><td>${timeLink(e.ts)}</td><td>${e.excerpt}</td><td>${e.source}</td></tr>`)}
</tbody></table>${rows.length > EVIDENCE_ROWS ? html`<p class="note">${rows.length - EVIDENCE_ROWS} more rows; the JSON report has them all.</p>` : ''}`;
}

function alternatives(report: Report, incident: ReportIncident): Html {
  if (incident.alternatives.length === 0) return html``;
  return html`<h4>Other explanations</h4><ul>${incident.alternatives.map((a) => {
    const f = report.findings[a.finding]!;
    return html`<li>${f.title} (${objectLabel(f.subject)}) could explain ${report.findings[a.explains]!.title}, confidence ${a.confidence.toFixed(2)}</li>`;
  })}</ul>`;
}

export function incidentSection(report: Report): Html {
  const items = report.incidents.map((incident) => {
    const root = report.findings[incident.root]!;
    const text = [
      incident.title,
      ...incident.chain.map((s) => objectLabel(report.findings[s.finding]!.subject)),
    ]
      .join(' ')
      .toLowerCase();
    return html`<details class="incident sev-${incident.severity}" id="incident-${incident.rank}" data-search="${text}">
<summary><span class="rank">#${incident.rank}</span> <span class="sev">${incident.severity.toUpperCase()}</span>
<span class="title">${incident.title}</span>
<span class="conf">confidence ${incident.confidence.toFixed(2)}</span> <span class="when">${formatTime(incident.impact.start)}</span></summary>
<div class="incident-body">
<p class="lead">${root.summary}</p>
<h4>Causal chain, root first</h4>
<div class="graph-wrap">${chainGraph(report, incident)}</div>
${chainList(report, incident)}
<h4>Confidence ${incident.confidence.toFixed(2)}</h4>
<ul class="reasons">${incident.confidence_reasons.map((r) => html`<li>${r}</li>`)}</ul>
${alternatives(report, incident)}
<h4>Impact</h4>${impact(incident)}
<h4>Remediation</h4><ol class="remediation">${incident.remediation.map((r) => html`<li>${r}</li>`)}</ol>
${evidence(report, incident)}
<p><a href="#t=${incident.impact.start}">Show on the timeline</a></p>
</div></details>`;
  });
  const none =
    report.incidents.length === 0
      ? html`<p class="all-clear">No incident found in ${report.patterns.loaded} patterns over this window.${report.omitted > 0 ? ` ${report.omitted} left out by the filters.` : ''}</p>`
      : '';
  return html`<section id="incidents" aria-labelledby="incidents-h"><h2 id="incidents-h">Incidents, most important first</h2>
<label class="filter">Filter incidents <input type="search" id="incident-filter" placeholder="words in titles and objects"></label>
${none}${items}
${report.transient > 0 ? html`<p class="note">${report.transient} transient incidents (cleared by themselves within minutes) are not shown; analyze with --all to include them.</p>` : ''}
${report.omitted > 0 && report.incidents.length > 0 ? html`<p class="note">${report.omitted} incidents left out by the filters, --min-confidence or --top.</p>` : ''}
</section>`;
}
