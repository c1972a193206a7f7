// Compares an analysis report with a simulator scenario's declared ground truth (its `expect:`
// block): the root cause ranked first, the causal chain in order, every expected finding reported,
// nothing reported about the healthy background, and no incident that the scenario does not explain.

import type { Relations } from '../../src/analyze/relations.ts';
import type { Report, ReportFinding } from '../../src/analyze/report.ts';
import type { Scenario } from '../../src/simulate/scenario/schema.ts';
import { objectKey } from '../../src/vocab/object-ref.ts';

type Expect = Scenario['expect'];
type ExpectedFinding = Expect['findings'][number];

const subjectKey = (f: ReportFinding) => objectKey(f.subject);

function matches(finding: ReportFinding, expected: ExpectedFinding, relations: Relations): boolean {
  return (
    finding.pattern === expected.pattern &&
    relations.concerns(finding.subject, expected.subject) &&
    (expected.container === undefined || finding.subject.container === expected.container)
  );
}

const describe = (f: ReportFinding) =>
  `${f.pattern} on ${subjectKey(f)}${f.subject.container ? `[${f.subject.container}]` : ''}`;

/** Problems found, one line each; empty when the report agrees with the ground truth. */
export function checkGroundTruth(expect: Expect, report: Report, relations: Relations): string[] {
  const problems: string[] = [];
  const findings = report.findings;
  const reported = findings.filter((f) => f.incident !== null);

  for (const expected of expect.findings) {
    if (!reported.some((f) => matches(f, expected, relations))) {
      const unreported = findings.find((f) => matches(f, expected, relations));
      problems.push(
        `expected finding ${expected.pattern} on ${expected.subject}${expected.container ? `[${expected.container}]` : ''} ${
          unreported ? 'found but in no reported incident' : 'not found'
        }`,
      );
    }
  }

  if (expect.chain.length > 0) {
    const top = report.incidents[0];
    if (!top) {
      problems.push('no incident reported');
    } else {
      const root = findings[top.root]!;
      if (root.pattern !== expect.chain[0])
        problems.push(`top incident's root is ${describe(root)}, expected ${expect.chain[0]}`);
      const members = top.chain.map((step) => findings[step.finding]!);
      // Patterns each member descends from, through the links that explain it.
      const parent = new Map(top.chain.map((step) => [step.finding, step.via?.from ?? null]));
      const ancestors = (id: number): Set<string> => {
        const seen = new Set<string>();
        for (let at = parent.get(id) ?? null, guard = 0; at !== null && guard < 64; guard++) {
          seen.add(findings[at]!.pattern);
          at = parent.get(at) ?? null;
        }
        return seen;
      };
      expect.chain.forEach((pattern, j) => {
        const own = members.filter((m) => m.pattern === pattern);
        if (own.length === 0) {
          problems.push(`chain step ${pattern} is not in the top incident`);
          return;
        }
        if (j === 0) return;
        const earlier = expect.chain.slice(0, j);
        if (!own.some((m) => earlier.some((p) => ancestors(m.id).has(p))))
          problems.push(`chain step ${pattern} is not explained by an earlier step (${earlier.join(', ')})`);
        const later = expect.chain.slice(j + 1);
        for (const m of own) {
          const reversed = later.filter((p) => ancestors(m.id).has(p));
          if (reversed.length > 0) problems.push(`chain step ${pattern} is explained by later ${reversed}`);
        }
      });
    }
  }

  for (const healthy of expect.healthy) {
    const noisy = findings.filter((f) => f.severity !== 'info' && relations.concerns(f.subject, healthy));
    if (noisy.length > 0)
      problems.push(`healthy ${healthy} has findings: ${[...new Set(noisy.map(describe))].join('; ')}`);
  }

  // Every reported incident must be about something the scenario expects.
  for (const incident of report.incidents) {
    const members = incident.chain.map((step) => findings[step.finding]!);
    if (!members.some((m) => expect.findings.some((e) => matches(m, e, relations))))
      problems.push(`unexpected incident #${incident.rank}: ${describe(findings[incident.root]!)}`);
  }
  return problems;
}
