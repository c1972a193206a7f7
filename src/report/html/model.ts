// The types the HTML report draws: the analysis Report and the bundle's timeline, and how it names
// an object (the shared vocabulary's form, with the container a finding is about).

import { formatObjectRef } from '../../vocab/object-ref.ts';

export type { Report, ReportFinding, ReportIncident } from '../../analyze/report.ts';
export type { Lane, Mark, Span, Timeline, Version } from '../../analyze/timeline/timeline.ts';

/** `Pod shop/checkout-1 (app)`; a cluster-scoped object without a namespace. */
export function objectLabel(ref: {
  kind: string;
  namespace: string | null;
  name: string;
  container?: string | null;
}): string {
  return `${formatObjectRef(ref)}${ref.container ? ` (${ref.container})` : ''}`;
}
