// `kubectl get` tables saved or pasted without their command (or without their header, the columns
// then inferred from the values): pods (with -o wide, -A, --show-labels), nodes, deployments (also
// as kubectl before 1.15 printed them: DESIRED CURRENT, no READY), replica
// sets, daemon sets, jobs, cron jobs, claims, volumes, services, and events (every layout since
// kubectl 1.9), as the objects and Events they print; `kubectl top` tables as usage samples.

import { defineFormat } from '../format.ts';
import { isEventTable } from '../kubectl-text/get-events.ts';
import { kindOfColumns } from '../kubectl-text/get-rows.ts';
import { importSections } from '../kubectl-text/import-text.ts';
import { contentLines, numberedLines } from '../kubectl-text/lines.ts';
import { headerlessTable, isTableHeader, parseTables } from '../kubectl-text/tables.ts';
import { isTopTable } from '../kubectl-text/top.ts';

export const kubectlGet = defineFormat({
  name: 'kubectl-get',
  description:
    'kubectl get tables (pods, nodes, deployments (also of kubectl before 1.15), replicasets, daemonsets, jobs, cronjobs, pvc, pv, services, events; -o wide, -A, --show-labels; rows without their header) as the objects and Events they print; kubectl top pods|nodes tables as usage samples',
  detect: (head) => {
    const content = contentLines(head.lines);
    const [first] = content;
    if (!first) return null;
    // Rows printed without their header (`--no-headers`), a pod's or a node's values telling them.
    if (!isTableHeader(first)) {
      const rows = content.slice(0, 20).map((text, i) => ({ text, line: i + 1 }));
      if (headerlessTable(rows, null) === null) return null;
      return { confidence: 0.55, reason: 'kubectl get rows without their header', late: 'undated' };
    }
    const [table] = parseTables([{ text: first, line: 1 }]);
    const headers = table?.headers ?? [];
    if (!isEventTable(headers) && kindOfColumns(headers) === null && !isTopTable(headers)) return null;
    // Ages only: when it was printed comes from the rest of the import.
    return { confidence: 0.75, reason: 'kubectl get table', late: 'undated' };
  },
  import: async (body, ctx) => {
    const lines = numberedLines(await body.text());
    await importSections([{ command: null, line: 1, lines }], ctx, 'kubectl get table kstory could not read');
  },
});
