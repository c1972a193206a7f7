// The order test files start in: the slowest first, so that the run never ends with one worker
// busy on a long file while the others are idle. Known slow files lead (CI has no timing cache).

import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that take several seconds or more (measured on two cores), slowest first. A file missing
 * here still runs, only later: add one that takes over about five seconds, or split it in two.
 */
export const SLOW_FIRST = [
  'test/bundle/anonymize.test.ts',
  'test/cli/analyze.test.ts',
  'test/record/replay.test.ts',
  'test/story/scenarios.test.ts',
  'test/record/cli.test.ts',
  'test/cli/cli.test.ts',
  'test/cli/eval.test.ts',
  'test/simulate/fixtures-1.test.ts',
  'test/analyze/real-samples.test.ts',
  'test/simulate/fixtures-0.test.ts',
  'test/record/prometheus.test.ts',
  'test/story/cli.test.ts',
  'test/bundle/planted-secrets.test.ts',
  'test/patterns/catalogue.test.ts',
  'test/record/logs.test.ts',
  'test/bundle/kill.test.ts',
  'test/analyze/scenarios-1.test.ts',
  'test/analyze/scenarios-0.test.ts',
  'test/serve/kubectl.test.ts',
  'test/serve/offline-cli.test.ts',
  'test/record/record.test.ts',
  'test/record/until.test.ts',
  'test/import/real-samples.test.ts',
  'test/serve/get-cli.test.ts',
  'test/record/window-filters.test.ts',
  'test/report/html-browser.test.ts',
  'test/analyze/clusters.test.ts',
  'test/cli/patterns-new.test.ts',
];

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const at = SLOW_FIRST.findIndex((file) => spec.moduleId.endsWith(file));
      return at === -1 ? SLOW_FIRST.length : at;
    };
    // A stable sort: files outside the list keep the base order (cached durations, else size).
    return sorted
      .map((spec, i) => ({ spec, i }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i)
      .map((x) => x.spec);
  }
}
