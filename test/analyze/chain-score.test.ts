// An incident's confidence: the calibrated figure reads whether the bundle holds its objects' history,
// and its reason names the evidence the bundle holds, not a snapshot it is not.

import { describe, expect, it } from 'vitest';
import { incidentConfidence } from '../../src/analyze/chain-score.ts';
import type { Finding } from '../../src/analyze/report.ts';

const root: Finding = {
  pattern: 'resourcequota-exceeded',
  title: 'Creations refused by a ResourceQuota',
  severity: 'high',
  status: 'stable',
  subject: { namespace: 'shop', kind: 'ReplicaSet', name: 'web-1', container: null },
  first: '2026-03-02T09:00:00.000000Z',
  last: '2026-03-02T09:10:00.000000Z',
  variant: null,
  signals: {},
  confidence: 0.7,
  confidence_reasons: [],
  summary: 'refused',
  detail: null,
  remediation: [],
  references: [],
  evidence: [],
  resolved: null,
};

const scored = (situation: string) =>
  incidentConfidence([root], 0, [{ finding: 0, via: null }], 'high', situation, []);

describe('incidentConfidence', () => {
  it('names the evidence a bundle without its objects’ history holds', () => {
    const audit = scored('audit only');
    expect(audit.reasons.at(-1)).toMatch(
      /^calibrated: evidence 0\.70, 0 corroborating effects, high, audit only → /,
    );
    expect(audit.features.snapshot).toBe(1);
    const logs = scored('logs only');
    expect(logs.reasons.at(-1)).toContain(', high, logs only → ');
    const dump = scored('snapshot: objects+Events');
    expect(dump.reasons.at(-1)).toContain(', high, snapshot: objects+Events → ');
    // The model reads them alike: a bundle without its objects' history.
    expect(logs.confidence).toBe(audit.confidence);
    expect(dump.confidence).toBe(audit.confidence);
  });

  it('says nothing of the evidence when the bundle holds its history', () => {
    const history = scored('history');
    expect(history.reasons.at(-1)).toMatch(/^calibrated: evidence 0\.70, 0 corroborating effects, high → /);
    expect(history.features.snapshot).toBe(0);
    expect(history.confidence).toBeGreaterThan(scored('audit only').confidence);
  });
});
