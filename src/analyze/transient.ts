// Transient judgement: which incidents are the start-up churn of a living cluster (problems that
// began as their subject or namespace was created and cleared by themselves within minutes), told
// as a count rather than as incidents.

import { objectKey } from '../vocab/object-ref.ts';
import type { Incident } from './chain.ts';
import type { Existence } from './existence.ts';
import type { Finding } from './report.ts';

/** Problems shorter than this that cleared by themselves, with no change explaining them, are the
 * churn of a living cluster (a pod starting before its dependencies, an install settling). */
const TRANSIENT_MS = 15 * 60_000;
/** How soon after its subject was created a problem counts as start-up churn... */
const STARTUP_MS = 10 * 60_000;
/** ...or after its namespace was created: an application (or a whole cluster) being installed,
 * whose pods come and go before it settles. */
const INSTALL_MS = 30 * 60_000;

/**
 * Start-up churn: an incident whose every problem began within minutes of its subject's (or its
 * namespace's) creation and cleared by itself soon after, with no recorded cause. It is reported as a count, not an
 * incident. The same short problem on an object that had been running fine (a DNS outage of ten
 * minutes) is an incident.
 */
export function isTransient(incident: Incident, findings: readonly Finding[], existence: Existence): boolean {
  const members = incident.chain.map((step) => findings[step.finding]!);
  if (members.some((m) => m.resolved === null || m.severity === 'info' || m.severity === 'critical'))
    return false;
  const start = Math.min(...members.map((m) => Date.parse(m.first)));
  const end = Math.max(...members.map((m) => Date.parse(m.resolved!)));
  return (
    end - start <= TRANSIENT_MS &&
    members.every((m) => {
      const onset = Date.parse(m.first);
      const created = existence.created(objectKey(m.subject));
      const installed = m.subject.namespace
        ? existence.created(objectKey({ kind: 'Namespace', name: m.subject.namespace }))
        : undefined;
      return (
        (created !== undefined && onset - created <= STARTUP_MS) ||
        (installed !== undefined && onset - installed <= INSTALL_MS)
      );
    })
  );
}
