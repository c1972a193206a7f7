// Shared by scenarios-*.test.ts (split in two so that both run at once): on every built-in
// simulator scenario, `kstory analyze` agrees with the scenario's ground truth. The root cause is
// ranked first, the causal chain is in order, every expected finding is reported, the healthy
// background has no finding, no incident is about something the scenario does not explain, and no
// alert fired about something no finding explains.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Relations } from '../../src/analyze/relations.ts';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { jsonRenderer } from '../../src/report/analysis-json.ts';
import { plainChalk } from '../../src/report/style.ts';
import { listBuiltinScenarios, loadScenarioFile } from '../../src/simulate/scenario/load.ts';
import { openBundle } from '../../src/views/open.ts';
import { checkGroundTruth } from '../support/ground-truth.ts';
import { reportContractIssues } from '../support/report-contract.ts';

const root = path.resolve(import.meta.dirname, '../..');

export function defineScenarioTests(shard: number, shards: number): void {
  const scenarios = listBuiltinScenarios().filter((_, i) => i % shards === shard);
  describe('kstory analyze against the scenarios’ ground truth', () => {
    for (const { name, file } of scenarios) {
      const bundlePath = path.join(root, 'fixtures', `${name}.parquet`);
      it.skipIf(!existsSync(bundlePath))(`${name}: reports what the scenario declares`, async () => {
        const scenario = loadScenarioFile(file);
        const bundle = await openBundle([bundlePath]);
        try {
          const report = await analyzeBundle(bundle);
          const relations = await Relations.load(bundle);
          expect(checkGroundTruth(scenario.expect, report, relations)).toEqual([]);
          // Every alert the scenario's Prometheus fired is about something its findings explain.
          expect(report.unexplained_alerts).toEqual([]);
          // What `kstory analyze --json` prints keeps its contract (docs/report-format.md and
          // docs/report.schema.json) on every scenario.
          const printed = jsonRenderer.render(report, { chalk: plainChalk, width: 80, explain: false });
          expect(reportContractIssues(JSON.parse(String(printed)))).toEqual([]);
        } finally {
          bundle.close();
        }
      });
    }
  });
}
