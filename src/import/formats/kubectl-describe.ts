// `kubectl describe` output saved to a file or pasted into a ticket: pods, nodes, workloads, claims,
// volumes, services, ingresses, endpoints, autoscalers, policies, namespaces, quotas and custom
// resources, one or many back to back, read back into objects and their Events (src/import/kubectl-text/).

import { skipFile } from '../context.ts';
import { defineFormat } from '../format.ts';
import { importDescribe, isDescribeStart } from '../kubectl-text/describe.ts';
import { isEventsTableStart, prepareEventsTable } from '../kubectl-text/events-table.ts';
import { importSections } from '../kubectl-text/import-text.ts';
import { contentLines, numberedLines } from '../kubectl-text/lines.ts';
import { emitInOrder } from '../kubectl-text/prepared.ts';

// Fields every describer prints near the top, at the left margin.
const DESCRIBE_FIELD_RE =
  /^(?:Namespace|Labels|Roles|Selector|CreationTimestamp|StorageClass|Priority|Annotations|IsDefaultClass):\s/;

/**
 * A describe pasted from its middle: a field at the left margin first, and its Events table further
 * on (what is read of it; nothing else names the object).
 */
function isDescribeFragment(lines: readonly string[], raw: readonly string[]): boolean {
  if (!/^[A-Z][\w .()/-]*:(?:\s|$)/.test(lines[0]!) || /^Events:/.test(lines[0]!)) return false;
  const at = lines.findIndex((l) => /^Events:\s*$/.test(l));
  // A `Name:` at the margin opens a describe; indented, it is a volume's.
  return at > 0 && isEventsTableStart(lines.slice(at, at + 3)) && !raw.some(isDescribeStart);
}

export const kubectlDescribe = defineFormat({
  name: 'kubectl-describe',
  description:
    'kubectl describe output (pod, node, deployment, replicaset, statefulset, daemonset, job, cronjob, pvc, pv, storageclass, service, endpoints, ingress, networkpolicy, hpa, namespace, resourcequota, limitrange, configmap and secret (metadata only), custom resources such as Certificate; others by name and events), several back to back; the Events table pasted alone (about the object its command names, else the pod a Scheduled row assigns, else an unnamed one, said); rebuilt objects are marked kstory.dev/derived-from',
  detect: (head) => {
    const lines = contentLines(head.lines);
    if (isEventsTableStart(lines.slice(0, 3)))
      return { confidence: 0.85, reason: 'the Events table of a kubectl describe' };
    // The first 20 lines rarely reach the Events of a fragment: the head's first 400 do.
    const raw = head.text.split('\n', 400).map((l) => l.replace(/\r$/, ''));
    if (lines[0] && isDescribeFragment(contentLines(raw), raw))
      return { confidence: 0.6, reason: 'a kubectl describe cut before its Name: (its Events read)' };
    if (!lines[0] || !isDescribeStart(lines[0])) return null;
    if (!lines.slice(1, 12).some((l) => DESCRIBE_FIELD_RE.test(l))) return null;
    return { confidence: 0.8, reason: 'kubectl describe output' };
  },
  import: async (body, ctx) => {
    const lines = numberedLines(await body.text());
    const start = lines.findIndex((l) => l.text.trim() !== '');
    if (start >= 0 && isEventsTableStart(lines.slice(start, start + 3).map((l) => l.text))) {
      const prepared = prepareEventsTable(lines.slice(start), ctx);
      if (prepared) emitInOrder([prepared], ctx);
      else skipFile(ctx, 'an Events table without a row kstory reads');
      return;
    }
    if (start >= 0 && !isDescribeStart(lines[start]!.text)) {
      await importSections(
        [{ command: null, line: 1, lines: lines.slice(start) }],
        ctx,
        'a kubectl describe cut before its Name:, without Events kstory reads',
      );
      return;
    }
    if (!importDescribe(lines, ctx)) skipFile(ctx, 'kubectl describe output of no kind kstory reads');
  },
});
