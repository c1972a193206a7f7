// Severities of findings and incidents, least to most severe: the one order that ranking, chains,
// `--fail-on` and the renderers compare by.

import { z } from 'zod';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** 1 for info up to 5 for critical: how much a severity weighs when incidents are ranked. */
export function severityWeight(severity: Severity): number {
  return SEVERITIES.indexOf(severity) + 1;
}

export function severityAtLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(threshold);
}

/** The most severe of several (info when there are none). */
export function highestSeverity(severities: Iterable<Severity>): Severity {
  let highest: Severity = 'info';
  for (const severity of severities) if (severityAtLeast(severity, highest)) highest = severity;
  return highest;
}
