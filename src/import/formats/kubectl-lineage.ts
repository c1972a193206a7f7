// Ownership trees pasted without their command: `kubectl lineage` (kube-lineage) and `kubectl tree`
// output, a root object and what it owns or relates to drawn as a tree (`├── Pod/web-1`), as the
// objects, owners and Events they print.

import { defineFormat } from '../format.ts';
import { importSections } from '../kubectl-text/import-text.ts';
import { contentLines, numberedLines } from '../kubectl-text/lines.ts';
import { isTreeHeader, isTreeRow } from '../kubectl-text/tree-table.ts';

export const kubectlLineage = defineFormat({
  name: 'kubectl-lineage',
  description:
    'kubectl lineage and kubectl tree output (an object and its dependents as a tree: NAME, READY, STATUS or REASON, AGE) as the objects, owners and Events it shows',
  detect: (head) => {
    const [first, ...rows] = contentLines(head.lines);
    // The root of `lineage helm` is a release, not an object: its dependents say what it is.
    if (!first || !isTreeHeader(first) || !rows.slice(0, 2).some(isTreeRow)) return null;
    // Ages only: when it was printed comes from the rest of the import.
    return { confidence: 0.8, reason: 'ownership tree (kubectl lineage or tree)', late: 'undated' };
  },
  import: async (body, ctx) => {
    const lines = numberedLines(await body.text());
    await importSections([{ command: null, line: 1, lines }], ctx, 'ownership tree kstory could not read');
  },
});
