// Every simulated scenario with a causal chain: the story of its root cause's workload holds every
// step of the ground-truth chain as a finding, each explained (through the story's own findings)
// by a step before it, in a document that follows the story schema with its events in time order.

import { describe, expect, it } from 'vitest';
import { listBuiltinScenarios, loadScenarioFile } from '../../src/simulate/scenario/load.ts';
import { buildStory } from '../../src/story/build.ts';
import { StorySchema } from '../../src/story/schema.ts';
import { ROOT } from '../support/cli.ts';

const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet', 'Pod'];

interface FindingData {
  finding: number;
  pattern: string;
  caused_by: { finding: number; pattern: string } | null;
}

const scenarios = listBuiltinScenarios()
  .map(({ file }) => loadScenarioFile(file))
  .filter((s) => s.expect.chain.length > 0);

/** The workload the chain is about (the first step on a workload), else the root cause's subject,
 * as `Kind/namespace/name`. */
function rootOf(scenario: (typeof scenarios)[number]): string {
  const subjects = scenario.expect.chain.flatMap((p) =>
    scenario.expect.findings.filter((f) => f.pattern === p).map((f) => f.subject),
  );
  const subject = subjects.find((s) => WORKLOADS.includes(s.split('/').at(-2)!)) ?? subjects[0]!;
  const parts = subject.split('/');
  return parts.length === 3 ? `${parts[1]}/${parts[0]}/${parts[2]}` : subject;
}

describe('the story of each scenario’s root cause', () => {
  it('covers the scenarios with a chain', () => {
    expect(scenarios.length).toBeGreaterThan(20);
  });

  for (const scenario of scenarios) {
    it(`${scenario.name}: ${rootOf(scenario)} holds ${scenario.expect.chain.join(' → ')}`, async () => {
      const story = await buildStory([`${ROOT}/fixtures/${scenario.name}.parquet`], rootOf(scenario), {
        limits: { logs: 'none' },
      });
      expect(StorySchema.safeParse(story).error).toBeUndefined();
      const times = story.events.map((e) => e.timestamp);
      expect(times).toEqual([...times].sort());

      const findings = story.events
        .filter((e) => e.event_type === 'FINDING')
        .map((e) => e.data as FindingData);
      const byId = new Map(findings.map((f) => [f.finding, f]));
      const causesOf = (f: FindingData) => {
        const causes: string[] = [];
        for (let c = f.caused_by; c && causes.length < 10; c = byId.get(c.finding)?.caused_by ?? null)
          causes.push(c.pattern);
        return causes;
      };
      const chain = scenario.expect.chain;
      chain.forEach((pattern, i) => {
        const steps = findings.filter((f) => f.pattern === pattern);
        expect(steps.length, `${pattern} in the story`).toBeGreaterThan(0);
        if (i > 0)
          expect(
            steps.some((f) => causesOf(f).some((c) => chain.slice(0, i).includes(c))),
            `${pattern} explained by a step before it`,
          ).toBe(true);
      });
    });
  }
});
