// How the analysis reports speak of alerts: one line per alert name (its severity, when it fired and
// the objects it fired about), and what is said of the alerts no finding explains.

import type { ReportAlert } from '../analyze/report.ts';
import { formatSubject } from '../vocab/object-ref.ts';
import { formatTime } from '../vocab/units.ts';

const NAMED = 3;

/** `KubePodCrashLooping (warning) fired 2026-03-02 09:26:00Z → 09:30:00Z about shop/Pod a, shop/Pod b
 * and 3 more`, one line per alert name, in the order they first fired. */
export function alertLines(alerts: readonly ReportAlert[]): string[] {
  const byName = new Map<string, ReportAlert[]>();
  for (const alert of alerts) byName.set(alert.alertname, [...(byName.get(alert.alertname) ?? []), alert]);
  return [...byName.values()].map((group) => {
    const [head] = group as [ReportAlert];
    const first = group.map((a) => a.first).sort()[0]!;
    const last = group
      .map((a) => a.last)
      .sort()
      .at(-1)!;
    const subjects = group.flatMap((a) =>
      a.subject ? [formatSubject({ ...a.subject, container: null })] : [],
    );
    const named = subjects.slice(0, NAMED).join(', ');
    const more = subjects.length > NAMED ? ` and ${subjects.length - NAMED} more` : '';
    const about = subjects.length > 0 ? ` about ${named}${more}` : ' about no object its labels name';
    const severity = head.severity ? ` (${head.severity})` : '';
    return `${head.alertname}${severity} fired ${formatTime(first)} → ${formatTime(last).slice(11)}${about}`;
  });
}

/** The heading of the alerts nothing explains: never left out, a silent all-clear beside them misleads. */
export function unexplainedAlertsHeading(alerts: readonly ReportAlert[]): string {
  const n = alerts.length;
  return `${n} alert${n === 1 ? '' : 's'} fired about what no finding explains: something no pattern recognises may be wrong there`;
}
