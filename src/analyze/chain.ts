// Causal chains: links findings into incidents. A domain link (patterns/chains/*.yaml) says that a
// finding of one pattern explains one of another when their subjects are related (structurally:
// ownership, node, references, selection) and the effect starts soon after the cause. Each finding
// keeps its strongest explanation; the findings nothing explains are root causes, and each root
// with what it explains is an incident.

import type { ChainLink } from '../patterns/schema.ts';
import { parseDuration } from '../vocab/duration.ts';
import { formatSubject } from '../vocab/object-ref.ts';
import { highestSeverity, type Severity } from '../vocab/severity.ts';
import { concerns } from './alerts.ts';
import { calibratedConfidence, type Features, featuresOf } from './calibration.ts';
import { CALIBRATION_MODEL } from './calibration-model.ts';
import { grants } from './grants.ts';
import { creditedReach, explanationCredits, impactOf } from './impact.ts';
import type { Relations } from './relations.ts';
import type { Alternative, ChainStep, Finding, Impact, ReportAlert } from './report.ts';

/** How much earlier than its cause an effect may be seen. A pattern's onset is when its condition
 * first holds, and conditions need different amounts of evidence: a Deployment is short of ready
 * replicas the moment its first new pod exits, while CrashLoopBackOff is only declared at the
 * kubelet's first back-off, seconds later. Clocks and watch delivery add their own skew. */
const ORDER_TOLERANCE_MS = 60_000;
/** Findings on the same pod, close in time, with no domain link between them: a weak structural link. */
const SAME_POD_LINK: ChainLink = {
  id: 'same-pod',
  description: 'on the same pod, shortly before',
  cause: '*',
  effect: '*',
  join: 'same',
  max_lag: '15m',
  strength: 0.5,
};

export interface Edge {
  cause: number;
  effect: number;
  link: ChainLink;
  /** strength × the cause's confidence: how well this cause explains the effect. */
  weight: number;
}

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

function inOrder(cause: Finding, effect: Finding, maxLagMs: number): boolean {
  const effectStart = Date.parse(effect.first);
  return (
    effectStart >= Date.parse(cause.first) - ORDER_TOLERANCE_MS &&
    effectStart <= Date.parse(cause.last) + maxLagMs
  );
}

/** Whether the effect was seen while the cause held. For an effect whose own evidence quotes its
 * cause (the scheduler quoting a node's not-ready taint), this is enough: the cause was there when
 * the effect was said, and it may have begun long before anything captured shows it (a node known
 * NotReady only from the refusals of pods that had been Pending for hours). */
function overlapping(cause: Finding, effect: Finding, maxLagMs: number): boolean {
  return (
    Date.parse(effect.last) >= Date.parse(cause.first) - ORDER_TOLERANCE_MS &&
    Date.parse(effect.first) <= Date.parse(cause.last) + maxLagMs
  );
}

/** Whether the effect's evidence names the cause's subject, as a FailedCreate message quotes the
 * admission webhook that refused the pod. */
function mentions(effect: Finding, cause: Finding): boolean {
  const name = cause.subject.name;
  return (
    Object.values(effect.signals).some((hit) => hit.text?.includes(name)) ||
    effect.evidence.some((e) => e.excerpt.includes(name))
  );
}

/** Whether the effect's evidence names a taint its cause, a Node, carried: the scheduler quotes
 * the taints pods did not tolerate ("untolerated taint {node.kubernetes.io/not-ready: }"). */
function namesTaint(effect: Finding, cause: Finding, relations: Relations): boolean {
  if (cause.subject.kind !== 'Node') return false;
  const quoted = relations.taintsOf(cause.subject.name).map((key) => `{${key}:`);
  const texts = [
    ...Object.values(effect.signals).map((hit) => hit.text ?? ''),
    ...effect.evidence.map((e) => e.excerpt),
  ];
  return quoted.some((q) => texts.some((t) => t.includes(q)));
}

function samePod(a: Finding, b: Finding): boolean {
  return (
    a.subject.kind === 'Pod' &&
    b.subject.kind === 'Pod' &&
    a.subject.namespace === b.subject.namespace &&
    a.subject.name === b.subject.name
  );
}

export function linkFindings(
  findings: readonly Finding[],
  links: readonly ChainLink[],
  relations: Relations,
  options: { snapshot?: boolean } = {},
): Edge[] {
  // A snapshot shows no onsets: a finding's times are the last changes its objects carry (a crash
  // loop's last restart, a Deployment's condition updated days before when it first fell short), so
  // there a cause and its effect need only have held together.
  const ordered = options.snapshot ? overlapping : inOrder;
  const byPattern = new Map<string, number[]>();
  findings.forEach((f, i) => {
    byPattern.set(f.pattern, [...(byPattern.get(f.pattern) ?? []), i]);
  });
  const edges: Edge[] = [];
  const linked = new Set<string>();
  for (const link of links) {
    const lag = parseDuration(link.max_lag);
    for (const c of byPattern.get(link.cause) ?? []) {
      for (const e of byPattern.get(link.effect) ?? []) {
        if (c === e) continue;
        const cause = findings[c]!;
        const effect = findings[e]!;
        if (!(link.join === 'taint' ? overlapping : ordered)(cause, effect, lag)) continue;
        const joined =
          link.join === 'mentions'
            ? mentions(effect, cause)
            : link.join === 'taint'
              ? namesTaint(effect, cause, relations)
              : link.join === 'grants'
                ? grants(effect, cause, relations)
                : relations.related(link.join, cause.subject, effect.subject);
        if (!joined) continue;
        edges.push({ cause: c, effect: e, link, weight: link.strength * cause.confidence });
        linked.add(`${c}>${e}`).add(`${e}>${c}`);
      }
    }
  }
  // Failures on the same pod that no domain link connects: the earlier weakly explains the later.
  const lag = parseDuration(SAME_POD_LINK.max_lag);
  findings.forEach((cause, c) => {
    findings.forEach((effect, e) => {
      if (c === e || linked.has(`${c}>${e}`) || cause.severity === 'info' || effect.severity === 'info')
        return;
      if (!samePod(cause, effect) || !ordered(cause, effect, lag)) return;
      const earlier =
        cause.first < effect.first || (cause.first === effect.first && cause.pattern < effect.pattern);
      if (earlier)
        edges.push({
          cause: c,
          effect: e,
          link: SAME_POD_LINK,
          weight: SAME_POD_LINK.strength * cause.confidence,
        });
    });
  });
  return edges;
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
    snapshot?: boolean;
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
  findings.forEach((root, r) => {
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
      options.snapshot ?? false,
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

/** Low-severity findings (error lines in logs, CPU throttling) support a chain rather than carry it. */
export function isSupporting(finding: Finding): boolean {
  return finding.severity === 'low' || finding.severity === 'info';
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * The incident's confidence: its evidence score (scoreChain), with how many effects corroborate it
 * (each alert that fired about its subjects one more, by alert name), its severity and whether the
 * bundle is a snapshot, mapped by the fitted calibration model to the probability that its root
 * cause is right.
 */
function incidentConfidence(
  findings: readonly Finding[],
  root: number,
  chain: readonly ChainStep[],
  severity: Severity,
  snapshot: boolean,
  alerts: readonly ReportAlert[],
): { confidence: number; reasons: string[]; features: Features; evidence: number } {
  const evidence = scoreChain(findings, root, chain);
  const findingEffects = chain.filter((step) => step.via && !isSupporting(findings[step.finding]!)).length;
  const alertNames = [...new Set(alerts.map((a) => a.alertname))];
  const effects = findingEffects + alertNames.length;
  const features = featuresOf({ evidence: evidence.confidence, effects, severity, snapshot });
  const confidence = calibratedConfidence(features);
  return {
    confidence,
    features,
    evidence: evidence.confidence,
    reasons: [
      ...evidence.reasons,
      ...(alertNames.length > 0
        ? [
            `corroborated by ${alertNames.length} alert${alertNames.length === 1 ? '' : 's'} that fired about its subjects: ${alertNames.join(', ')}`,
          ]
        : []),
      `calibrated: evidence ${evidence.confidence.toFixed(2)}, ${effects} corroborating effect${effects === 1 ? '' : 's'}, ${severity}${snapshot ? ', snapshot' : ''} → ${confidence.toFixed(2)} (${CALIBRATION_MODEL.fitted_on})`,
    ],
  };
}

/** The root's confidence, times the geometric mean of each link's strength × its effect's confidence. */
function scoreChain(
  findings: readonly Finding[],
  root: number,
  chain: readonly ChainStep[],
): { confidence: number; reasons: string[] } {
  const rootFinding = findings[root]!;
  const reasons = [
    `${rootFinding.confidence.toFixed(2)} root cause ${rootFinding.pattern} (${formatSubject(rootFinding.subject)})`,
  ];
  const factors: number[] = [];
  for (const step of chain) {
    if (!step.via) continue;
    const effect = findings[step.finding]!;
    // Supporting signs (low-severity findings such as error lines in logs) illustrate the chain;
    // they neither strengthen nor weaken the confidence that the root caused it.
    if (isSupporting(effect)) continue;
    const factor = step.via.strength * effect.confidence;
    factors.push(factor);
    reasons.push(
      `× link ${step.via.link} (${step.via.strength.toFixed(2)}) to ${effect.pattern} (${effect.confidence.toFixed(2)}) = ${factor.toFixed(2)}`,
    );
  }
  let confidence = rootFinding.confidence;
  if (factors.length > 0) {
    const mean = factors.reduce((product, f) => product * f, 1) ** (1 / factors.length);
    confidence *= mean;
    reasons.push(
      `chain confidence ${rootFinding.confidence.toFixed(2)} × geometric mean ${mean.toFixed(2)} = ${round(confidence).toFixed(2)}`,
    );
  }
  return { confidence: round(confidence), reasons };
}
