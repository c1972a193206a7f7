// An incident's workloads as every report format says them: one only its pods' names tell (a
// bundle of Events alone) is said to be inferred, so that no reader takes it for a recorded owner.

import type { Impact } from '../analyze/report.ts';

export function workloadLabels(impact: Impact): string[] {
  const named = new Set(impact.workloads_from_names);
  return impact.workloads.map((w) => (named.has(w) ? `${w} (inferred from pod names)` : w));
}
