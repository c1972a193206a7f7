// A command's output formats on its command line, from its renderer registry: --format <name> and
// the flags kept as its aliases (--json, --markdown). Any two of them name two formats, and cannot
// be given together.

import { InvalidArgumentError, Option } from 'commander';
import type { Renderer } from '../report/renderer.ts';

export function formatOptions(renderers: readonly Renderer<never>[], what = 'the report'): Option[] {
  const names = renderers.map((r) => r.name);
  const format = new Option(
    '--format <name>',
    `how to print ${what}: ${renderers.map((r) => `${r.name} (${r.description})`).join(', ')}; default ${names[0]}`,
  ).argParser((value) => {
    // Checked here rather than with .choices(), which would list the names a second time in the help.
    if (!names.includes(value)) throw new InvalidArgumentError(`expected one of ${names.join(', ')}`);
    return value;
  });
  const aliases = renderers
    .filter((r) => r.flag !== undefined)
    .map((r) => new Option(r.flag!, `same as --format ${r.name}`));
  const all = [format, ...aliases];
  for (const option of all)
    option.conflicts(all.filter((other) => other !== option).map((other) => other.attributeName()));
  return all;
}

/** The renderer the flags name: --format's, an alias's, or the first. */
export function chosenRenderer<T>(
  renderers: readonly Renderer<T>[],
  flags: { format?: string },
): Renderer<T> {
  const given = flags as Record<string, unknown>;
  return (
    renderers.find(
      (r) =>
        r.name === flags.format ||
        (r.flag !== undefined && given[new Option(r.flag).attributeName()] === true),
    ) ?? renderers[0]!
  );
}
