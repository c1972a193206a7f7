// What evidence a sample's bundle holds, named as a situation (a recording with its history; a
// snapshot of objects and Events; Events alone; logs alone…): calibration is told apart by it, since
// a confidence fitted on one kind of bundle may not hold on another.

import type { Report } from '../analyze/report.ts';

/** The sources a situation names, in this order, by the word it uses. */
const SOURCE_WORDS: Record<string, string> = {
  object: 'objects',
  event: 'Events',
  log: 'logs',
  metric: 'metrics',
  audit: 'audit',
};

/** `history` for a bundle with a timeline of its objects (a recording, a watch, an audit log), else
 * `snapshot:` and the sources it holds rows of (`snapshot: objects+Events`, `snapshot: logs`). */
export function evidenceSituation(report: Pick<Report, 'bundle' | 'coverage'>): string {
  if (!report.bundle.snapshot) return 'history';
  const held = report.coverage.sources.filter((s) => s.rows > 0).map((s) => s.source);
  const words = Object.keys(SOURCE_WORDS)
    .filter((source) => held.includes(source as (typeof held)[number]))
    .map((source) => SOURCE_WORDS[source]!);
  return `snapshot: ${words.length > 0 ? words.join('+') : 'nothing'}`;
}
