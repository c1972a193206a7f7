// The dataset card of `kstory labels --dataset`: README.md beside the splits, saying what the
// dataset holds (counts per split, type, scenario and quality band), how it was split, and its schema.

import type { DatasetCounts, SplitShares } from '../../labels/dataset.ts';

const table = (title: string, counts: Record<string, number>) =>
  [
    `| ${title} | labels |`,
    '|---|---|',
    ...Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `| ${k.replace(/\|/g, '\\|')} | ${n} |`),
  ].join('\n');

export function renderDatasetCard(
  counts: DatasetCounts,
  options: {
    files: Record<string, string>;
    shares: SplitShares;
    bundles: number;
    tool: string;
    schema: string;
  },
): string {
  const test = 100 - options.shares.train - options.shares.validation;
  return `# Kubernetes incident labels

Labels made by \`kstory labels\` (${options.tool}) from ${options.bundles} bundle(s): ${counts.total} labels,
schema \`${options.schema}\` ([labels.schema.json](labels.schema.json); every label was validated
against it before it was written).

## Splits

Labels are split by group, so that no group is in two splits: the scenario of a simulated bundle
(every seed of a scenario goes to the same split: a model is tested on failures it never saw), the
bundle itself for recorded or imported data. A group's split is where the sha256 of its name falls
among ${options.shares.train}% train, ${options.shares.validation}% validation and ${test}% test: the same on every run.

| split | file | labels | groups |
|---|---|---|---|
${(['train', 'validation', 'test'] as const).map((s) => `| ${s} | [${options.files[s]}](${options.files[s]}) | ${counts.bySplit[s]} | ${counts.groupsBySplit[s]} |`).join('\n')}

## Contents

${table('type', counts.byType)}

${table('quality band', counts.byBand)}

${table('scenario', counts.byScenario)}

## Fields

Each label type and field, and how quality is scored, is described in kstory's docs/labels.md;
the JSON Schema is [labels.schema.json](labels.schema.json).
`;
}
