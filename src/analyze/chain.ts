// Causal chains: groups linked findings into incidents. Each finding keeps its strongest
// explanation among the edges chain-edges.ts found; the findings nothing explains are root causes,
// and each root with what it explains is an incident, scored by chain-score.ts.

import type { ChainLink } from '../patterns/schema.ts';
import { parseDuration } from '../vocab/duration.ts';
import { formatSubject } from '../vocab/object-ref.ts';
import { highestSeverity, type Severity } from '../vocab/severity.ts';
import { concerns } from './alerts.ts';
import { type Features, FULL_EVIDENCE, type HeldEvidence } from './calibration.ts';
import { type Edge, SAME_POD_LINK } from './chain-edges.ts';
import { incidentConfidence, round } from './chain-score.ts';
import { creditedReach, explanationCredits, impactOf } from './impact.ts';
import type { Relations } from './relations.ts';
import type { Alternative, ChainStep, Finding, Impact, ReportAlert } from './report.ts';

export interface Incident {
  root: number;
  severity: Severity;
  confidence: number;
  confidence_reasons: string[];
  /** What the confidence was computed from (calibration.ts): what the model is fitted on. */
  confidence_features: Features;
  /** The evidence score before calibration: root confidence × geometric mean of its links. */
  evidence: number;
  chain: ChainStep[];
  impact: Impact;
  /** The objects it affected, each counted by how surely the root explains it (impact.ts): what
   * ranking weighs as its reach. */
  reach: number;
  alternatives: Alternative[];
  /** Alerts that fired about its findings' subjects. */
  alerts: ReportAlert[];
}

/** The same failure on several pods of one workload is one incident, not one per pod. */
const SIBLING_LINK: ChainLink = {
  id: 'same-workload',
  description: 'the same failure on another pod of the workload',
  cause: '*',
  effect: '*',
  join: 'owner',
  max_lag: '30m',
  strength: 1,
};

/** Attach each unexplained pod-level finding to the earliest unexplained finding of the same pattern
 * on a sibling pod (same top-level controller) that overlaps it in time. For patterns whose variants
 * name causes, of the same variant too: a workload's pods refused for want of CPU are one incident,
 * those refused for its node selector another. */
function adoptSiblings(
  findings: readonly Finding[],
  parent: Map<number, Edge>,
  relations: Relations,
  groupByVariant: ReadonlySet<string>,
): void {
  const groups = new Map<string, number[]>();
  findings.forEach((finding, i) => {
    if (parent.has(i) || finding.subject.kind !== 'Pod') return;
    const ancestry = relations.ancestry(finding.subject);
    if (ancestry.length < 2) return;
    const cause = groupByVariant.has(finding.pattern) ? (finding.variant ?? '') : '';
    const key = `${finding.pattern}|${cause}|${ancestry.at(-1)}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const lag = parseDuration(SIBLING_LINK.max_lag);
  for (const members of groups.values()) {
    members.sort((a, b) => findings[a]!.first.localeCompare(findings[b]!.first));
    const [first, ...rest] = members;
    if (first === undefined) continue;
    for (const sibling of rest) {
      if (Date.parse(findings[sibling]!.first) > Date.parse(findings[first]!.last) + lag) continue;
      parent.set(sibling, { cause: first, effect: sibling, link: SIBLING_LINK, weight: 1 });
    }
  }
}

/**
 * Findings on one object that explain each other are accounts of one state, the explaining one the
 * more specific (the node's pod network missing → the node NotReady). An effect both could explain
 * is attached to the more specific account when a link of the catalogue says how it causes it: pods
 * refused for the node's not-ready taint read "the node has no pod network", not "the node is lost";
 * a rollout stopped by failing init containers reads so, not only through the crash loop they cause.
 */
function preferUpstreamOnSameSubject(
  findings: readonly Finding[],
  incoming: ReadonlyMap<number, Edge[]>,
  parent: Map<number, Edge>,
): void {
  for (const [effect, chosen] of parent) {
    let edge = chosen;
    for (let depth = 0; depth < findings.length; depth++) {
      const above = parent.get(edge.cause);
      if (!above || !sameSubject(findings[above.cause]!, findings[edge.cause]!)) break;
      // A domain link only: the same-pod fallback says nothing of how the state causes the effect.
      const upstream = incoming
        .get(effect)
        ?.find((candidate) => candidate.cause === above.cause && candidate.link !== SAME_POD_LINK);
      if (!upstream) break;
      edge = upstream;
    }
    parent.set(effect, edge);
  }
}

function sameSubject(a: Finding, b: Finding): boolean {
  return formatSubject(a.subject) === formatSubject(b.subject);
}

/** Group linked findings into incidents, each explained by its root cause. */
export function buildIncidents(
  findings: readonly Finding[],
  edges: readonly Edge[],
  relations: Relations,
  options: {
    /** The evidence the bundle holds (calibration.ts heldEvidence); a full recording's when not
     * given. */
    held?: HeldEvidence;
    /** Patterns whose variants name different causes (`group_by_variant`). */
    groupByVariant?: ReadonlySet<string>;
    /** The alerts that fired in the window (alerts.ts). */
    alerts?: readonly ReportAlert[];
  } = {},
): Incident[] {
  // Each finding keeps its strongest explanation; the others become alternatives.
  const incoming = new Map<number, Edge[]>();
  for (const edge of edges) incoming.set(edge.effect, [...(incoming.get(edge.effect) ?? []), edge]);
  const parent = new Map<number, Edge>();
  for (const [effect, candidates] of incoming) {
    const best = [...candidates].sort((a, b) => b.weight - a.weight || a.cause - b.cause)[0]!;
    // Refuse a parent that would close a cycle.
    let ancestor: number | undefined = best.cause;
    let cycle = false;
    for (let depth = 0; ancestor !== undefined && depth < findings.length; depth++) {
      if (ancestor === effect) {
        cycle = true;
        break;
      }
      ancestor = parent.get(ancestor)?.cause;
    }
    if (!cycle) parent.set(effect, best);
  }
  preferUpstreamOnSameSubject(findings, incoming, parent);
  adoptSiblings(findings, parent, relations, options.groupByVariant ?? new Set());
  const children = new Map<number, number[]>();
  for (const [effect, edge] of parent)
    children.set(edge.cause, [...(children.get(edge.cause) ?? []), effect]);

  const incidents: Incident[] = [];
  findings.forEach((_root, r) => {
    if (parent.has(r)) return;
    const members: number[] = [];
    const stack = [r];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (members.includes(next)) continue;
      members.push(next);
      stack.push(...(children.get(next) ?? []));
    }
    // A change that explains nothing is context, not an incident: so are the same change on several
    // pods of a workload (pods a person deleted during a drain).
    if (members.every((m) => findings[m]!.severity === 'info')) return;
    // Causal order: the root, what it explains directly, what those explain, ...; in time order
    // within each step.
    const depth = (m: number) => {
      let d = 0;
      for (let at = m; at !== r && d < members.length; d++) at = parent.get(at)!.cause;
      return d;
    };
    const chain: ChainStep[] = members
      .sort((a, b) => depth(a) - depth(b) || findings[a]!.first.localeCompare(findings[b]!.first))
      .map((m) => {
        const edge = parent.get(m);
        return {
          finding: m,
          via:
            m === r || !edge
              ? null
              : {
                  from: edge.cause,
                  link: edge.link.id,
                  description: edge.link.description,
                  strength: edge.link.strength,
                },
        };
      });
    const alternatives: Alternative[] = members.flatMap((m) =>
      (incoming.get(m) ?? [])
        .filter((edge) => parent.get(m) !== edge && !members.includes(edge.cause))
        .map((edge) => ({
          finding: edge.cause,
          explains: m,
          link: edge.link.id,
          confidence: round(edge.weight * findings[m]!.confidence),
          why: whyLower(edge, m === r ? undefined : parent.get(m), findings),
        })),
    );
    const severity = highestSeverity(members.map((m) => findings[m]!.severity));
    const alerts = (options.alerts ?? []).filter((a) =>
      members.some((m) => concerns(a.subject, findings[m]!.subject, relations)),
    );
    const { confidence, reasons, features, evidence } = incidentConfidence(
      findings,
      r,
      chain,
      severity,
      options.held ?? FULL_EVIDENCE,
      alerts,
    );
    incidents.push({
      root: r,
      severity,
      confidence,
      confidence_reasons: reasons,
      confidence_features: features,
      evidence,
      chain,
      impact: impactOf(
        members.map((m) => findings[m]!),
        relations,
      ),
      reach: creditedReach(findings, explanationCredits(findings, chain), relations),
      alternatives: alternatives.sort((a, b) => b.confidence - a.confidence),
      alerts,
    });
  });
  return incidents;
}

/** Why a cause that could explain an effect ranks below the one the chain holds (or below the root,
 * when the effect is the root: no cause outweighed the root's own evidence). */
function whyLower(edge: Edge, chosen: Edge | undefined, findings: readonly Finding[]): string {
  const own = `link ${edge.link.id} × its confidence = ${edge.weight.toFixed(2)}`;
  if (!chosen)
    return `it would explain the root, but ${own} was not preferred (it would close a cycle, or it explains a sibling)`;
  const cause = findings[chosen.cause]!;
  return `${own}, below ${chosen.weight.toFixed(2)} for ${cause.pattern} (${formatSubject(cause.subject)}) by link ${chosen.link.id}`;
}
