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

const scored = (situation: string, coverage = 1 / 6) =>
  incidentConfidence([root], 0, [{ finding: 0, via: null }], 'high', { situation, coverage }, []);

describe('incidentConfidence', () => {
  it('names the evidence a bundle without its objects’ history holds', () => {
    const audit = scored('audit only');
    expect(audit.reasons.at(-1)).toMatch(
      /^calibrated: evidence 0\.70, 0 corroborating effects, high, audit only, coverage 1\/6 → /,
    );
    expect(audit.features).toMatchObject({ snapshot: 1, coverage: 1 / 6 });
    const logs = scored('logs only');
    expect(logs.reasons.at(-1)).toContain(', high, logs only, coverage 1/6 → ');
    const dump = scored('snapshot: objects+Events', 2 / 6);
    expect(dump.reasons.at(-1)).toContain(', high, snapshot: objects+Events, coverage 2/6 → ');
    // A bundle without its objects' history, holding one kind of evidence: read alike.
    expect(logs.confidence).toBe(audit.confidence);
    // Holding more never lowers the figure.
    expect(dump.confidence).toBeGreaterThanOrEqual(audit.confidence);
  });

  it('says nothing of the evidence when the bundle holds its history and every source', () => {
    const history = scored('history', 1);
    expect(history.reasons.at(-1)).toMatch(/^calibrated: evidence 0\.70, 0 corroborating effects, high → /);
    expect(history.features).toMatchObject({ snapshot: 0, coverage: 1 });
    expect(history.confidence).toBeGreaterThan(scored('audit only').confidence);
    // A recording without logs or metrics says what it lacks.
    expect(scored('history', 4 / 6).reasons.at(-1)).toContain(', high, coverage 4/6 → ');
  });
});
