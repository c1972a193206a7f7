// How the analysis reports speak of the signs of trouble no finding explains: a heading that says
// why they are shown, then one line per sign (its reason, object, how often, when, its message).

import type { Coverage, ReportTrouble } from '../analyze/report.ts';
import { formatSubject } from '../vocab/object-ref.ts';
import { formatTime } from '../vocab/units.ts';

/** How many signs a report names; the rest are counted (the JSON report holds them all). */
export const TROUBLE_SHOWN = 10;

const MESSAGE_CHARS = 160;

/** The heading: never left out, a silent all-clear beside them misleads. */
export function unexplainedTroubleHeading(trouble: readonly ReportTrouble[], coverage: Coverage): string {
  const n = trouble.length;
  const heading = `${n} sign${n === 1 ? '' : 's'} of trouble no pattern explains: kstory did not judge ${n === 1 ? 'it' : 'them'}; read ${n === 1 ? 'it' : 'them'} yourself`;
  return trouble.some((t) => t.source === 'log') && logsOnly(coverage)
    ? `${heading}. The bundle holds logs only: the cause may lie outside them (the pods' states, their Events, their nodes)`
    : heading;
}

/** Whether the bundle holds container logs and neither objects nor Events. */
function logsOnly(coverage: Coverage): boolean {
  const rows = (source: string) => coverage.sources.find((s) => s.source === source)?.rows ?? 0;
  return rows('log') > 0 && rows('object') === 0 && rows('event') === 0;
}

/** `Warning BackOff ×180 on Pod shop/web-1 (web) 10:02:00Z → 10:40:00Z: Back-off restarting…`. */
export function troubleLines(trouble: readonly ReportTrouble[]): string[] {
  const lines = trouble.slice(0, TROUBLE_SHOWN).map((t) => {
    const what = t.source === 'event' ? `Warning ${t.reason}` : t.reason;
    const times =
      t.first === t.last ? formatTime(t.first) : `${formatTime(t.first)} → ${formatTime(t.last).slice(11)}`;
    const count = t.count > 1 ? ` ×${t.count}` : '';
    const first = t.source === 'log' && t.reason === 'LoggedErrors' ? 'the first: ' : '';
    const message = t.message ? `: ${first}${oneLine(t.message)}` : '';
    return `${what}${count} on ${formatSubject(t.subject)} ${times}${message}`;
  });
  if (trouble.length > TROUBLE_SHOWN)
    lines.push(`and ${trouble.length - TROUBLE_SHOWN} more (see --format json)`);
  return lines;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MESSAGE_CHARS ? `${flat.slice(0, MESSAGE_CHARS - 1)}…` : flat;
}
