// What an incident affected: the pods, workloads, Services and nodes its findings are about or
// reach through ownership and selection, and how surely its root explains each (what ranking weighs).

import { formatObjectRef, namespacedName, parseObjectKey } from '../vocab/object-ref.ts';
import type { Relations } from './relations.ts';
import type { ChainStep, Finding, Impact } from './report.ts';

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

type ObjectGroup = 'pods' | 'workloads' | 'named' | 'services' | 'nodes';
/** What of the relations impact reads: ownership and the Services that select a pod. */
type Reaches = Pick<Relations, 'ancestry' | 'servicesOf' | 'controllersFromNames'>;

/** The objects one finding affects, each as `group:label` (`pods:shop/web-1`, `nodes:node-a`); a
 * workload only names tell (its pods' names, in a bundle of Events alone) as `named:label`. */
function affectedBy(finding: Finding, relations: Reaches): string[] {
  const s = finding.subject;
  const label = namespacedName(s);
  const out: string[] = [];
  const add = (group: ObjectGroup, name: string) => out.push(`${group}:${name}`);
  if (s.kind === 'Pod') add('pods', label);
  else if (s.kind === 'Node') add('nodes', s.name);
  else if (s.kind === 'Service') add('services', label);
  else if (WORKLOAD_KINDS.has(s.kind)) add('workloads', `${s.kind} ${label}`);
  const named = new Set(relations.controllersFromNames(s));
  for (const ancestor of relations.ancestry(s).slice(1)) {
    const owner = parseObjectKey(ancestor);
    if (WORKLOAD_KINDS.has(owner.kind))
      add(named.has(ancestor) ? 'named' : 'workloads', formatObjectRef(owner));
  }
  if (s.kind === 'Pod') for (const service of relations.servicesOf(s)) add('services', service);
  return out;
}

export function impactOf(members: readonly Finding[], relations: Reaches): Impact {
  const groups: Record<ObjectGroup, Set<string>> = {
    pods: new Set(),
    workloads: new Set(),
    named: new Set(),
    services: new Set(),
    nodes: new Set(),
  };
  for (const finding of members)
    for (const key of affectedBy(finding, relations)) {
      const at = key.indexOf(':');
      groups[key.slice(0, at) as ObjectGroup].add(key.slice(at + 1));
    }
  const start = members.map((f) => f.first).sort()[0]!;
  const end = members
    .map((f) => f.last)
    .sort()
    .at(-1)!;
  // A workload an object or Event of the bundle tells, for one finding, is not only named.
  const named = [...groups.named].filter((w) => !groups.workloads.has(w));
  return {
    pods: [...groups.pods].sort(),
    workloads: [...groups.workloads, ...named].sort(),
    workloads_from_names: named.sort(),
    services: [...groups.services].sort(),
    nodes: [...groups.nodes].sort(),
    start,
    end,
    duration_seconds: Math.max(0, Math.round((Date.parse(end) - Date.parse(start)) / 1000)),
  };
}

/**
 * How surely the root explains each finding of its chain, by index: 1 for the root; for an effect,
 * the credit of its cause × the strength of the link between them × the effect's own confidence
 * (the chance that the link holds and the effect is real). The chain lists causes before effects.
 */
export function explanationCredits(
  findings: readonly Finding[],
  chain: readonly ChainStep[],
): Map<number, number> {
  const credits = new Map<number, number>();
  for (const step of chain) {
    if (!step.via) credits.set(step.finding, 1);
    else
      credits.set(
        step.finding,
        (credits.get(step.via.from) ?? 1) * step.via.strength * findings[step.finding]!.confidence,
      );
  }
  return credits;
}

/** The objects an incident affected, each counted by the surest explanation the root gives of a
 * finding that affects it: an object only a weakly linked effect reaches counts for less than one. */
export function creditedReach(
  findings: readonly Finding[],
  credits: ReadonlyMap<number, number>,
  relations: Reaches,
): number {
  const best = new Map<string, number>();
  for (const [member, credit] of credits)
    for (const affected of affectedBy(findings[member]!, relations)) {
      // A workload counts once, however it is known.
      const key = affected.replace(/^named:/, 'workloads:');
      best.set(key, Math.max(best.get(key) ?? 0, credit));
    }
  let reach = 0;
  for (const credit of best.values()) reach += credit;
  return reach;
}
