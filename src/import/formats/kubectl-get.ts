// `kubectl get` tables saved or pasted without their command: pods (with -o wide, -A,
// --show-labels), nodes, deployments, replica sets, daemon sets, jobs, cron jobs, claims, volumes,
// services, and events (every layout since kubectl 1.9), as the objects and Events they print.

import { defineFormat } from '../format.ts';
import { isEventTable } from '../kubectl-text/get-events.ts';
import { kindOfColumns } from '../kubectl-text/get-rows.ts';
import { importSections } from '../kubectl-text/import-text.ts';
import { contentLines, numberedLines } from '../kubectl-text/lines.ts';
import { isTableHeader, parseTables } from '../kubectl-text/tables.ts';

export const kubectlGet = defineFormat({
  name: 'kubectl-get',
  description:
    'kubectl get tables (pods, nodes, deployments, replicasets, daemonsets, jobs, cronjobs, pvc, pv, services, events; -o wide, -A, --show-labels) as the objects and Events they print',
  detect: (head) => {
    const [first] = contentLines(head.lines);
    if (!first || !isTableHeader(first)) return null;
    const [table] = parseTables([{ text: first, line: 1 }]);
    const headers = table?.headers ?? [];
    if (!isEventTable(headers) && kindOfColumns(headers) === null) return null;
    // Ages only: when it was printed comes from the rest of the import.
    return { confidence: 0.75, reason: 'kubectl get table', late: 'undated' };
  },
  import: async (body, ctx) => {
    const lines = numberedLines(await body.text());
    await importSections([{ command: null, line: 1, lines }], ctx, 'kubectl get table kstory could not read');
  },
});
