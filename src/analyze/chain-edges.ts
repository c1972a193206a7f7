// Which findings may explain which: a domain link (patterns/chains/*.yaml) joins a finding of its
// cause pattern to one of its effect pattern when their subjects are related (structurally, or by
// what the effect's evidence names) and the effect starts soon after the cause; failures on one pod
// that no link connects are joined weakly, the earlier explaining the later.

import type { ChainLink } from '../patterns/schema.ts';
import { parseDuration } from '../vocab/duration.ts';
import { grants } from './grants.ts';
import type { Relations } from './relations.ts';
import type { Finding } from './report.ts';

/** How much earlier than its cause an effect may be seen. A pattern's onset is when its condition
 * first holds, and conditions need different amounts of evidence: a Deployment is short of ready
 * replicas the moment its first new pod exits, while CrashLoopBackOff is only declared at the
 * kubelet's first back-off, seconds later. Clocks and watch delivery add their own skew. */
const ORDER_TOLERANCE_MS = 60_000;
/** Findings on the same pod, close in time, with no domain link between them: a weak structural link. */
export const SAME_POD_LINK: ChainLink = {
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
