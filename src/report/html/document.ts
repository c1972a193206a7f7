// `kstory analyze --format html`: one self-contained page (no request leaves it: a
// Content-Security-Policy forbids any) with the ranked incidents, the bundle's timeline, the
// state of everything at an instant, and the changes to an object between two of its versions.

import type { Report } from '../../analyze/report.ts';
import type { Timeline } from '../../analyze/timeline/timeline.ts';
import { formatTime } from '../../vocab/units.ts';
import type { Renderer } from '../renderer.ts';
import { pageAssets } from './assets.ts';
import { Html, html, jsonForScript } from './escape.ts';
import { incidentSection } from './incidents.ts';

export const htmlRenderer: Renderer = {
  name: 'html',
  description: 'a web page',
  produces: 'document',
  timeline: true,
  render: (report, context) => renderHtml(report, context.timeline ?? null),
};

/** What the page's script draws from: the timeline and the findings it lays over it as bands. */
function pageData(report: Report, timeline: Timeline | null) {
  return {
    window: report.window,
    gaps: report.bundle.gaps,
    incidents: report.incidents.map((i) => ({
      rank: i.rank,
      title: i.title,
      severity: i.severity,
      start: i.impact.start,
      end: i.impact.end,
    })),
    findings: report.findings.map((f) => ({
      id: f.id,
      title: f.title,
      severity: f.severity,
      incident: f.incident,
      subject: f.subject,
      first: f.first,
      last: f.last,
    })),
    timeline,
  };
}

export function renderHtml(report: Report, timeline: Timeline | null): string {
  const { css, js, scriptHash } = pageAssets();
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; img-src data:`;
  const title = report.incidents[0]?.title ?? 'no incident found';
  const cluster = report.bundle.cluster.name ? ` · cluster ${report.bundle.cluster.name}` : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<meta name="generator" content="kstory ${report.tool_version}">
<title>kstory: ${title}</title>
<style>${new Html(css)}</style>
</head>
<body>
<a class="skip" href="#timeline">Skip to the timeline</a>
<header>
<h1>What happened: ${title}</h1>
<p class="meta">${report.incidents.length} incident${report.incidents.length === 1 ? '' : 's'} from ${report.bundle.files.join(', ')}${cluster} ·
window ${formatTime(report.window.start)} → ${formatTime(report.window.end)} · ${report.patterns.loaded} patterns · kstory ${report.tool_version}</p>
${report.bundle.snapshot ? html`<p class="warn-note">This bundle is a snapshot without watch history: states before its observations are unknown, and the timeline is partial.</p>` : ''}
${report.bundle.gaps.length > 0 ? html`<p class="warn-note">The recording has ${report.bundle.gaps.length} gap${report.bundle.gaps.length === 1 ? '' : 's'}, hatched on the timeline: ${report.bundle.gaps.map((g) => `${formatTime(g.start)} → ${g.end ? formatTime(g.end) : 'end'} (${g.scope}: ${g.reason})`).join('; ')}.</p>` : ''}
<nav aria-label="sections"><a href="#incidents">Incidents</a> · <a href="#timeline">Timeline</a> · <a href="#diff">Changes to an object</a></nav>
</header>
<main>
${incidentSection(report)}
${
  report.changes.length > 0
    ? html`<section id="changes" aria-labelledby="changes-h">
<h2 id="changes-h">Changes in the window that explain no failure</h2>
<ul>${report.changes.map((c) => html`<li><time datetime="${c.first}">${formatTime(c.first)}</time> ${c.summary}</li>`)}</ul>
</section>`
    : ''
}
<section id="timeline" aria-labelledby="timeline-h">
<h2 id="timeline-h">Timeline</h2>
${
  timeline
    ? html`<p class="note" id="timeline-counts">${
        timeline.objects === 0
          ? 'The bundle holds no Kubernetes object in this window: the timeline has no lane (its Events, audit entries and logs are in the incidents above when they made one).'
          : `${timeline.lanes.length} of ${timeline.objects} objects have a lane.`
      }${timeline.scope ? ` ${timeline.scope}` : ''}</p>
${timeline.summarised.length > 0 ? html`<div class="summarised"><strong>Summarised to keep this file small:</strong><ul>${timeline.summarised.map((s) => html`<li>${s}</li>`)}</ul></div>` : ''}`
    : html`<p class="note">No timeline in this file: it was rendered without the bundle.</p>`
}
<div id="timeline-app" class="timeline-app"><noscript>The timeline needs JavaScript; the incidents above read without it.</noscript></div>
</section>
<section id="diff" aria-labelledby="diff-h">
<h2 id="diff-h">Changes to an object</h2>
<div id="diff-app"><noscript>Comparing versions needs JavaScript.</noscript></div>
</section>
</main>
${new Html(`<script type="application/json" id="kstory-data">${jsonForScript(pageData(report, timeline))}</script>`)}
${new Html(`<script>${js}</script>`)}
</body>
</html>
`.value;
}
