// Chain files: the domain links of patterns/chains/*.yaml (and of a user's --patterns directories),
// read and checked against the patterns they name, so that linking findings never meets a bad link.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { KstoryError } from '../errors.ts';
import { ChainFileSchema, type ChainLink } from '../patterns/schema.ts';
import { describeProblem, isProblem, type Problem, readYaml, zodProblem } from '../vocab/zod-issue.ts';

export interface LoadedLink extends ChainLink {
  file: string;
}

export function loadChainLinks(dirs: readonly string[], patternIds: ReadonlySet<string>): LoadedLink[] {
  const links: LoadedLink[] = [];
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
    } catch {
      continue;
    }
    for (const name of files.sort()) {
      const file = path.join(dir, name);
      const text = readFileSync(file, 'utf8');
      let parsed: ReturnType<typeof ChainFileSchema.safeParse> | null = null;
      try {
        // js-yaml, as for patterns (load.ts): read on every analysis, it is several times faster.
        parsed = ChainFileSchema.safeParse(loadYaml(text, { schema: CORE_SCHEMA, filename: file }));
      } catch {
        // Not valid YAML: said below, with its line.
      }
      if (!parsed?.success) {
        // `yaml`'s document model tells the line of what is wrong.
        const source = readYaml(text, file);
        if (isProblem(source)) failChain(source);
        parsed = parsed ?? ChainFileSchema.safeParse(source.document.toJS());
        if (!parsed.success) failChain(zodProblem(parsed.error, file, source));
      }
      parsed.data.links.forEach((spec, i) => {
        const ids = { cause: [spec.cause].flat(), effect: [spec.effect].flat() };
        for (const field of ['cause', 'effect'] as const) {
          for (const id of ids[field]) {
            if (!patternIds.has(id)) {
              failChain(
                { file, field: `links.${i}.${field}`, message: `"${id}" is not a pattern id` },
                'Link patterns by the id of their file in patterns/.',
              );
            }
          }
        }
        for (const cause of ids.cause)
          for (const effect of ids.effect) if (cause !== effect) links.push({ ...spec, cause, effect, file });
      });
    }
  }
  return links;
}

function failChain(
  problem: Problem,
  hint = 'A chain file holds `links:`, each with id, description, cause, effect, join, max_lag and strength.',
): never {
  throw new KstoryError(describeProblem(problem), { hint });
}
