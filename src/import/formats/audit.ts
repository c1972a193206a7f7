// API-server audit logs: JSON lines of audit.k8s.io/v1 or v1beta1 events (logs run to gigabytes).
// A plain kube-apiserver log at level Metadata on disk is read whole in DuckDB (audit-sql/); any
// other is streamed line by line: one JSON.parse per line, and the line itself becomes the row's
// body when redaction has nothing to change.

import { messageOf } from '../../errors.ts';
import { isAuditEntry, readAuditLine } from '../../kube/audit.ts';
import { type FileContext, issue } from '../context.ts';
import { defineFormat } from '../format.ts';
import type { LineBatch } from '../text.ts';

export const auditLog = defineFormat({
  name: 'audit-log',
  description: 'API-server audit logs: audit.k8s.io v1 and v1beta1 events, one JSON object per line',
  detect: (head) => {
    if (!head.text.startsWith('{') && !head.text.startsWith('[')) return null;
    // A damaged first line must not hide an audit log: look at the first few lines.
    for (const line of head.lines.slice(0, 5)) {
      try {
        if (isAuditEntry(JSON.parse(line))) return { confidence: 0.9, reason: 'audit.k8s.io events' };
      } catch {
        // A pretty-printed document or a damaged line: try the next one.
      }
    }
    return null;
  },
  import: async (body, ctx) => {
    // A plain log on disk is read whole in DuckDB when it can be (audit-sql/logs.ts).
    const disk = ctx.entry.disk;
    if (
      disk &&
      (await ctx.sink.auditLogInSql(disk, { stats: ctx.stats, origin: ctx.origin }, body.showRead))
    ) {
      ctx.stats.history = true;
      body.readFromDisk();
      return;
    }
    return importAuditLines(body.lines(), ctx);
  },
});

async function importAuditLines(batches: AsyncIterable<LineBatch>, ctx: FileContext): Promise<void> {
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
