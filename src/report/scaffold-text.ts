// What `kstory patterns new` says it wrote, and the steps that make the file a pattern. Computes
// nothing.

import type { Scaffold } from '../patterns/scaffold.ts';

/** What `kstory patterns new` wrote, and the steps that make it a pattern. */
export function renderScaffold(scaffold: Scaffold, id: string, dir: string): string {
  const make = scaffold.builtin
    ? [
        `  2. Add fixtures/scenarios/${id}.yaml, a scenario where it happens;`,
        `     npm run fixtures -- ${id} writes ${scaffold.bundles.positive}.`,
      ]
    : [
        '  2. Make the bundles its tests name (kstory simulate, record or import):',
        `     ${scaffold.bundles.positive}, where it happens;`,
        `     ${scaffold.bundles.negative}, where it finds nothing.`,
      ];
  const test = `kstory patterns test ${id}${scaffold.builtin ? ' --require' : ` --patterns ${dir}`}`;
  return `${[
    `wrote ${scaffold.file}`,
    '  1. Replace every FILL-IN in it (how: patterns/README.md).',
    ...make,
    `  3. ${test}, until every test passes.`,
  ].join('\n')}\n`;
}
