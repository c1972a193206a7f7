// `npm run fixtures`: regenerate fixtures/<scenario>.parquet from every built-in scenario in
// fixtures/scenarios/, and the table of fixtures/README.md. Refuses a bundle of 1 MB or more.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSimulate } from '../src/simulate/run.ts';
import { listBuiltinScenarios } from '../src/simulate/scenario/load.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAX_BYTES = 1 << 20;
const only = new Set(process.argv.slice(2));

const rows: string[] = [];
let failed = false;
for (const s of listBuiltinScenarios()) {
  const output = path.join(root, 'fixtures', `${s.name}.parquet`);
  if (only.size === 0 || only.has(s.name)) {
    const result = await runSimulate({ scenario: s.file, output, force: true });
    const kib = (result.bundle.bytes / 1024).toFixed(0);
    process.stderr.write(`${s.name}: ${result.bundle.rows} rows, ${kib} KiB\n`);
    if (result.bundle.bytes >= MAX_BYTES) {
      process.stderr.write(
        `  error: ${s.name}.parquet is ${kib} KiB, over the 1 MB limit for committed fixtures\n`,
      );
      failed = true;
    }
  }
  rows.push(
    `| [\`${s.name}.parquet\`](${s.name}.parquet) | [\`scenarios/${s.name}.yaml\`](scenarios/${s.name}.yaml) | ${s.description} |`,
  );
}

const readme = `# Fixture bundles

Bundles written by \`kstory simulate\` from the scenarios in [\`scenarios/\`](scenarios/), one per
scenario, each under 1 MB. Regenerate them with \`npm run fixtures\` (or \`npm run fixtures -- NAME\`)
after changing the simulator, a scenario or the row conversion (src/kube/to-row.ts);
\`test/simulate/fixtures.shared.ts\` fails when a committed bundle no longer holds what its scenario
produces. Each scenario's \`expect\` block is the
ground truth an analyzer should find: pattern ids with their subjects, and the causal chain, root
cause first. Scenarios share the background in [\`scenarios/backgrounds/web-shop.yaml\`](scenarios/backgrounds/web-shop.yaml):
a small shop with a rollout, HPA scaling, CronJob runs and one restart as routine noise. The
scenario format is described in [\`scenarios/README.md\`](scenarios/README.md); the multi-failure
incident for a first look is \`bad-config-rollout.parquet\`.

| bundle | scenario | the incident it holds |
|---|---|---|
${rows.join('\n')}
`;
writeFileSync(path.join(root, 'fixtures', 'README.md'), readme);
if (failed) process.exitCode = 1;
