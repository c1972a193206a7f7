// API-server audit logs: JSON lines of audit.k8s.io/v1 or v1beta1 events, streamed line by line
// (logs run to gigabytes). This is the hot path of `kstory import`: one JSON.parse per line, and
// the line itself becomes the row's body when redaction has nothing to change.

import { messageOf } from '../../errors.ts';
import { readAuditLine } from '../../kube/audit.ts';
import { type FileContext, issue } from '../context.ts';

export { isAuditEntry } from '../../kube/audit.ts';

export async function importAuditLines(
  batches: AsyncIterable<{ first: number; lines: string[] }>,
  ctx: FileContext,
): Promise<void> {
  ctx.stats.history = true;
  const sinkOpts = { stats: ctx.stats, origin: ctx.origin };
  for await (const { first, lines } of batches) {
    for (let k = 0; k < lines.length; k++) {
      const line = lines[k]!;
      const read = readAuditLine(line);
      switch (read.type) {
        case 'blank':
          break;
        case 'received':
          // Parsed only if its request never completes (see ImportSink.auditRequestReceived).
          ctx.sink.auditRequestReceived(read.id, line, {
            ...sinkOpts,
            file: ctx.entry.path,
            line: first + k,
          });
          break;
        case 'invalid':
          issue(ctx, first + k, read.reason);
          break;
        case 'entry':
          try {
            ctx.sink.audit(read.entry, line, sinkOpts);
          } catch (error) {
            issue(ctx, first + k, messageOf(error));
          }
      }
    }
  }
}
