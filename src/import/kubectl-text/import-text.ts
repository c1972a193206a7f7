// A file of kubectl text read section by section (see sections.ts), each written once it is known
// when it was printed (see prepared.ts).

import { type FileContext, skipFile } from '../context.ts';
import { emitInOrder, type PreparedSection } from './prepared.ts';
import { readSection } from './read-sections.ts';
import type { Section } from './sections.ts';

/** Read `sections`; when nothing in them could be read, the file is skipped with `reason`. */
export async function importSections(
  sections: readonly Section[],
  ctx: FileContext,
  reason: string,
): Promise<void> {
  const prepared: PreparedSection[] = [];
  // The order sections ran in, with the times other commands told (they write nothing).
  const ordered: PreparedSection[] = [];
  let direct = false;
  let empty = 0;
  for (const section of sections) {
    const result = await readSection(section, ctx);
    if (result.prepared) prepared.push(result.prepared);
    if (result.prepared || result.told) ordered.push(result.prepared ?? toldOnly(result.told!));
    direct ||= result.direct;
    if (result.empty) empty++;
  }
  emitInOrder(ordered, ctx);
  if (prepared.length > 0 || direct) return;
  skipFile(
    ctx,
    empty === sections.length
      ? 'the command printed nothing (an empty log, or a filter that matched no line)'
      : reason,
  );
}

/** A command's output that says only when it ran. */
function toldOnly(floor: string): PreparedSection {
  return { floor, emit: () => {} };
}
