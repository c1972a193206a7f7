// Ranking: an incident ranks by its root's own case and severity plus what it explains; an explained
// effect only ever adds to the score, by how surely the root explains it.

import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/analyze/chain.ts';
import { creditedReach, explanationCredits } from '../../src/analyze/impact.ts';
import { rankIncidents, scoreIncident } from '../../src/analyze/rank.ts';
import type { ChainStep, Finding } from '../../src/analyze/report.ts';
import type { Severity } from '../../src/vocab/severity.ts';

function aFinding(
  pattern: string,
  kind: string,
  name: string,
  severity: Severity,
  confidence: number,
): Finding {
  return {
    pattern,
    title: pattern,
    severity,
    status: 'stable',
    subject: { namespace: kind === 'Node' ? null : 'shop', kind, name, container: null },
    first: '2026-03-02T09:00:00.000000Z',
    last: '2026-03-02T09:10:00.000000Z',
    variant: null,
    signals: {},
    confidence,
    confidence_reasons: [],
    summary: pattern,
    detail: null,
    remediation: [],
    references: [],
    evidence: [],
    resolved: null,
  };
}

// Pods of Deployment shop/web, selected by Service shop/web; nothing else is related.
const relations = {
  ancestry: (s: { namespace: string | null; kind: string; name: string }) =>
    s.kind === 'Pod' && s.name.startsWith('web-')
      ? [`shop/Pod/${s.name}`, 'shop/ReplicaSet/web-1', 'shop/Deployment/web']
      : [`${s.namespace ?? ''}/${s.kind}/${s.name}`],
  servicesOf: (s: { name: string }) => (s.name.startsWith('web-') ? ['shop/web'] : []),
  controllersFromNames: () => [],
};

const step = (finding: number, from: number | null, strength = 0.9): ChainStep => ({
  finding,
  via: from === null ? null : { from, link: 'test', description: 'test', strength },
});

function incidentOf(findings: readonly Finding[], chain: ChainStep[]): Incident {
  return {
    root: chain[0]!.finding,
    severity: 'high',
    confidence: 0.5,
    confidence_reasons: [],
    confidence_features: { evidence: 0, corroboration: 0, severity: 3, snapshot: 0, coverage: 1 },
    evidence: 0.5,
    chain,
    impact: {
      pods: [],
      workloads: [],
      workloads_from_names: [],
      services: [],
      nodes: [],
      start: '',
      end: '',
      duration_seconds: 0,
    },
    reach: creditedReach(findings, explanationCredits(findings, chain), relations),
    alternatives: [],
    alerts: [],
  };
}

describe('scoreIncident', () => {
  const findings = [
    aFinding('config-changed', 'ConfigMap', 'web-config', 'info', 0.9), // 0
    aFinding('crash-loop-backoff', 'Pod', 'web-a', 'high', 0.8), // 1
    aFinding('crash-loop-backoff', 'Pod', 'web-b', 'high', 0.8), // 2
    aFinding('oom-killed', 'Pod', 'web-a', 'medium', 0.8), // 3
    aFinding('crash-loop-backoff', 'Pod', 'lone', 'medium', 0.7), // 4
  ];

  it('credits each effect by the links down to it and its own confidence', () => {
    const credits = explanationCredits(findings, [step(0, null), step(1, 0, 0.9), step(2, 1, 0.5)]);
    expect(credits.get(0)).toBe(1);
    expect(credits.get(1)).toBeCloseTo(0.72);
    expect(credits.get(2)).toBeCloseTo(0.72 * 0.5 * 0.8);
  });

  it('only ever raises a root by what it explains, more by a stronger link', () => {
    const alone = scoreIncident(incidentOf(findings, [step(3, null)]), findings);
    const weak = scoreIncident(incidentOf(findings, [step(3, null), step(2, 3, 0.2)]), findings);
    const strong = scoreIncident(incidentOf(findings, [step(3, null), step(2, 3, 0.9)]), findings);
    expect(weak).toBeGreaterThan(alone);
    expect(strong).toBeGreaterThan(weak);
  });

  it('adds nothing for a second account of a failure on what is already counted', () => {
    // The OOM kill and the crash loop it causes are both about pod web-a.
    const alone = scoreIncident(incidentOf(findings, [step(3, null)]), findings);
    const withLoop = scoreIncident(incidentOf(findings, [step(3, null), step(1, 3, 0.9)]), findings);
    expect(withLoop).toBe(alone);
  });

  it('ranks a change by the harm it surely caused, not by its own info severity', () => {
    const change = incidentOf(findings, [step(0, null), step(1, 0, 0.9), step(2, 0, 0.9)]);
    const lone = incidentOf(findings, [step(4, null)]);
    // info (1) alone would put the change last; the crash loops it explains are high × 0.72, and
    // reach two pods, their Deployment and their Service, each at 0.72.
    expect(scoreIncident(change, findings)).toBeCloseTo(4 * 0.72 * 0.9 * (1 + Math.log2(1 + 4 * 0.72)), 2);
    expect(rankIncidents([lone, change], findings).map((r) => r.incident)).toEqual([change, lone]);
  });
});
