// Links between the labels of one bundle: a troubleshooting label and the incident summary of the
// same incident are `same_incident` both ways; an incident whose root is a container's memory or
// CPU running out is `caused_by` that container's resource-optimisation label, which is
// `same_incident` back. Pure: the labels come in, links are added to copies of them.

import type { Label } from './schema.ts';

/** Root patterns that say a container's requests or limits did not fit what it used. */
export const RESOURCE_ROOTS = new Set(['memory-near-limit', 'oom-killed', 'cpu-throttling']);

export interface IncidentKeys {
  /** The troubleshooting label's id. */
  troubleshooting: string;
  /** The incident summary's id, when one was made. */
  summary: string | null;
  rootPattern: string;
  /** `namespace/Kind/name/container` of the root's workload (or object) and container. */
  rootWorkload: string;
}

export const workloadKey = (w: {
  namespace: string | null;
  kind: string;
  name: string;
  container: string | null;
}) => `${w.namespace ?? ''}/${w.kind}/${w.name}/${w.container ?? ''}`;

export function relateLabels(labels: readonly Label[], incidents: readonly IncidentKeys[]): Label[] {
  const links = new Map<string, { type: 'same_incident' | 'caused_by'; target: string }[]>();
  const link = (from: string, type: 'same_incident' | 'caused_by', target: string) => {
    if (!links.has(from)) links.set(from, []);
    links.get(from)!.push({ type, target });
  };
  const resourceOf = new Map<string, string>();
  for (const label of labels)
    if (label.type === 'resource_optimisation') resourceOf.set(workloadKey(label.workload), label.id);
  const ids = new Set(labels.map((l) => l.id));
  for (const incident of incidents) {
    if (!ids.has(incident.troubleshooting)) continue;
    if (incident.summary && ids.has(incident.summary)) {
      link(incident.troubleshooting, 'same_incident', incident.summary);
      link(incident.summary, 'same_incident', incident.troubleshooting);
    }
    const resource = RESOURCE_ROOTS.has(incident.rootPattern)
      ? resourceOf.get(incident.rootWorkload)
      : undefined;
    if (resource) {
      link(incident.troubleshooting, 'caused_by', resource);
      if (incident.summary && ids.has(incident.summary)) link(incident.summary, 'caused_by', resource);
      link(resource, 'same_incident', incident.troubleshooting);
    }
  }
  return labels.map((label) =>
    links.has(label.id)
      ? { ...label, relationships: [...label.relationships, ...links.get(label.id)!] }
      : label,
  );
}
