// Scoring one sample against its labels, and summing samples up, on small hand-built reports.

import { describe, expect, it } from 'vitest';
import type { Report, ReportFinding } from '../../src/analyze/report.ts';
import type { EvalSample } from '../../src/eval/corpus.ts';
import { specOfKey } from '../../src/eval/match.ts';
import { type Analysis, type Judge, scoreSample } from '../../src/eval/score.ts';
import { summarizeSamples } from '../../src/eval/summary.ts';
import type { Severity } from '../../src/vocab/severity.ts';

/** `pattern@Kind/name`, optionally `severity:confidence` of its incident. */
interface IncidentSpec {
  root: string;
  severity?: Severity;
  confidence?: number;
  effects?: string[];
}

function aFinding(id: number, text: string, incident: number | null): ReportFinding {
  const [pattern, object] = text.split('@') as [string, string];
  const [kind, name] = object.split('/') as [string, string];
  return {
    id,
    pattern,
    subject: { namespace: kind === 'Node' ? null : 'shop', kind, name, container: null },
    incident,
  } as ReportFinding;
}

/** A report whose incidents are in the given order; `loose` findings belong to none. */
function aReport(
  incidents: IncidentSpec[],
  loose: string[] = [],
  snapshotOf: string[] | null = null,
): Report {
  const findings: ReportFinding[] = [];
  const reportIncidents = incidents.map((spec, i) => {
    const root = findings.push(aFinding(findings.length, spec.root, i + 1)) - 1;
    const chain = [{ finding: root, via: null }];
    for (const effect of spec.effects ?? []) {
      const id = findings.push(aFinding(findings.length, effect, i + 1)) - 1;
      chain.push({ finding: id, via: null });
    }
    return {
      rank: i + 1,
      severity: spec.severity ?? 'high',
      confidence: spec.confidence ?? 0.8,
      root,
      chain,
    };
  });
  for (const text of loose) findings.push(aFinding(findings.length, text, null));
  const sources = ['object', 'event', 'audit', 'log', 'metric'].map((source) => ({
    source,
    rows: snapshotOf === null || snapshotOf.includes(source) ? 10 : 0,
  }));
  return {
    incidents: reportIncidents,
    findings,
    bundle: { snapshot: snapshotOf !== null },
    coverage: { sources },
  } as unknown as Report;
}

/** Pattern in the root's patterns, and the exact kind and name. */
const judge: Judge = {
  names: (f, root) =>
    root.patterns.includes(f.pattern) &&
    f.subject.kind === root.subject.kind &&
    f.subject.name === root.subject.name,
  isStep: (f, step) => f.pattern === step.pattern,
};
const analysed = (report: Report): Analysis => ({ ok: true, report, judge, imported: '100 rows' });

function aSample(roots: string[], extra: Partial<EvalSample> = {}): EvalSample {
  return {
    id: 'sample',
    corpus: 'real',
    description: '',
    roots: roots.map((text) => {
      const [pattern, key] = text.split('@') as [string, string];
      return { patterns: [pattern], subject: specOfKey(key) };
    }),
    quiet: roots.length === 0,
    chain: [],
    source: { inputs: [] },
    ...extra,
  };
}

describe('scoreSample', () => {
  it('a root ranked first is a hit, with what was ranked first', () => {
    const result = scoreSample(
      aSample(['node-not-ready@Node/a']),
      analysed(aReport([{ root: 'node-not-ready@Node/a', severity: 'critical', confidence: 0.9 }])),
    );
    expect(result.cases).toEqual([
      expect.objectContaining({
        id: 'sample',
        expected: { patterns: ['node-not-ready'], subject: 'Node a' },
        first: { pattern: 'node-not-ready', subject: 'Node a', severity: 'critical', confidence: 0.9 },
        rank: 1,
        outcome: 'hit',
        why: 'ranked first',
      }),
    ]);
    expect(result.incidents).toEqual([expect.objectContaining({ rank: 1, correct: true })]);
  });

  it('a root ranked lower says its rank; another root above it is a wrong one', () => {
    const [c] = scoreSample(
      aSample(['node-not-ready@Node/a']),
      analysed(aReport([{ root: 'failed-scheduling@Pod/web' }, { root: 'node-not-ready@Node/a' }])),
    ).cases;
    expect(c).toMatchObject({ rank: 2, position: 2, outcome: 'ranked', why: 'root ranked 2' });
  });

  it('says where a missed root went: under another root, in no incident, or nowhere', () => {
    const under = scoreSample(
      aSample(['node-not-ready@Node/a']),
      analysed(aReport([{ root: 'failed-scheduling@Pod/web', effects: ['node-not-ready@Node/a'] }])),
    ).cases[0];
    expect(under).toMatchObject({
      rank: null,
      outcome: 'wrong-root',
      why: 'wrong root; found under #1 (root failed-scheduling on shop/Pod web)',
    });
    const transient = scoreSample(
      aSample(['oom-killed@Pod/web']),
      analysed(aReport([], ['oom-killed@Pod/web'])),
    ).cases[0];
    expect(transient).toMatchObject({
      outcome: 'no-incident',
      why: 'imported (100 rows) but no incident; found, but in no reported incident (transient)',
    });
    const absent = scoreSample(
      aSample(['oom-killed@Pod/web']),
      analysed(aReport([{ root: 'crash-loop-backoff@Pod/web' }])),
    ).cases[0];
    expect(absent).toMatchObject({ outcome: 'wrong-root', why: 'wrong root; not found' });
  });

  it('a sample that could not be imported misses every root, saying why', () => {
    const result = scoreSample(aSample(['a@Pod/x', 'b@Pod/y']), {
      ok: false,
      stage: 'import',
      error: 'no format recognised',
    });
    expect(result.status).toBe('not-imported');
    expect(result.cases.map((c) => [c.id, c.outcome, c.why])).toEqual([
      ['sample#1', 'not-imported', 'not imported: no format recognised'],
      ['sample#2', 'not-imported', 'not imported: no format recognised'],
    ]);
  });

  it('several labelled roots are cases of their own, not pushed down by each other', () => {
    const result = scoreSample(
      aSample(['pod-evicted@Pod/a', 'crash-loop-backoff@Pod/b', 'crash-loop-backoff@Pod/c']),
      analysed(
        aReport([
          { root: 'crash-loop-backoff@Pod/b' },
          { root: 'pod-evicted@Pod/a' },
          { root: 'memory-near-limit@Pod/z' },
          { root: 'crash-loop-backoff@Pod/c' },
        ]),
      ),
    );
    expect(result.cases.map((c) => [c.id, c.rank, c.position, c.outcome])).toEqual([
      ['sample#1', 1, 2, 'hit'],
      ['sample#2', 1, 1, 'hit'],
      ['sample#3', 2, 4, 'ranked'],
    ]);
    expect(result.cases[0]!.why).toBe('ranked first (#2 in the report, after other labelled roots)');
    expect(result.incidents.map((i) => i.correct)).toEqual([true, true, false, true]);
  });

  it('a quiet sample counts its incidents at high or above as noise', () => {
    const noisy = scoreSample(
      aSample([]),
      analysed(
        aReport([
          { root: 'a@Pod/x', severity: 'critical' },
          { root: 'b@Pod/y', severity: 'high' },
          { root: 'c@Pod/z', severity: 'medium' },
        ]),
      ),
    );
    expect(noisy.cases).toEqual([
      expect.objectContaining({
        expected: null,
        outcome: 'noisy',
        noise: 2,
        why: '2 incidents at high or above',
      }),
    ]);
    expect(noisy.incidents.every((i) => !i.correct)).toBe(true);
    const calm = scoreSample(aSample([]), analysed(aReport([{ root: 'c@Pod/z', severity: 'medium' }])));
    expect(calm.cases[0]).toMatchObject({ outcome: 'quiet', noise: 0, why: 'quiet (1 below high)' });
  });

  it('finds the chain steps in the root’s incident', () => {
    const sample = aSample(['config-changed@ConfigMap/cfg'], {
      chain: [
        { pattern: 'crash-loop-backoff', subjects: [] },
        { pattern: 'deployment-rollout-stuck', subjects: [] },
      ],
    });
    const [c] = scoreSample(
      sample,
      analysed(aReport([{ root: 'config-changed@ConfigMap/cfg', effects: ['crash-loop-backoff@Pod/web'] }])),
    ).cases;
    expect(c!.chain).toEqual({
      expected: ['crash-loop-backoff', 'deployment-rollout-stuck'],
      found: ['crash-loop-backoff'],
    });
  });
});

describe('summarizeSamples', () => {
  it('sums up accuracy, chain recall, noise and calibration over samples', () => {
    const hit = scoreSample(
      aSample(['a@Pod/x'], { id: 'one', chain: [{ pattern: 'b', subjects: [] }] }),
      analysed(
        aReport([
          { root: 'a@Pod/x', confidence: 0.9, effects: ['b@Pod/y'] },
          { root: 'z@Pod/z', severity: 'low', confidence: 0.3 },
        ]),
      ),
    );
    const second = scoreSample(
      aSample(['a@Pod/x'], { id: 'two' }),
      analysed(
        aReport(
          [
            { root: 'q@Pod/q', confidence: 0.6 },
            { root: 'a@Pod/x', confidence: 0.7 },
          ],
          [],
          ['event', 'object'],
        ),
      ),
    );
    const failed = scoreSample(aSample(['a@Pod/x'], { id: 'three' }), {
      ok: false,
      stage: 'import',
      error: 'x',
    });
    const quiet = scoreSample(
      aSample([], { id: 'four' }),
      analysed(aReport([{ root: 'n@Pod/n', severity: 'high', confidence: 0.5 }])),
    );
    const s = summarizeSamples([hit, second, failed, quiet]);
    expect(s.top1).toEqual({ hits: 1, total: 3, rate: 1 / 3 });
    expect(s.top3).toEqual({ hits: 2, total: 3, rate: 2 / 3 });
    expect(s.chainRecall).toEqual({ hits: 1, total: 1, rate: 1 });
    expect(s.quiet).toEqual({ hits: 0, total: 1, rate: 0, noise: 1 });
    expect(s.failed).toBe(1);
    // At medium or above: 0.9 right, 0.6 wrong, 0.7 right, 0.5 wrong (the low 0.3 is left out).
    expect(s.calibration.incidents.count).toBe(4);
    expect(s.calibration.incidents.brier).toBeCloseTo((0.01 + 0.36 + 0.09 + 0.25) / 4, 10);
    // First incident of each analysed sample: 0.9 right, 0.6 wrong, 0.5 wrong.
    expect(s.calibration.top1.count).toBe(3);
    expect(s.calibration.top1.brier).toBeCloseTo((0.01 + 0.36 + 0.25) / 3, 10);
    // By evidence: the snapshot of objects and Events (0.6 wrong, 0.7 right) apart from the others.
    expect(s.calibration.bySituation.map((g) => [g.situation, g.samples, g.calibration.count])).toEqual([
      ['history', 2, 2],
      ['snapshot: objects+Events', 1, 2],
    ]);
    expect(s.calibration.bySituation[1]!.calibration.brier).toBeCloseTo((0.36 + 0.09) / 2, 10);
  });
});
