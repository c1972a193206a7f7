// Alertmanager's alerts, saved from `GET /api/v2/alerts` (amtool and its UI read the same) or as the
// JSON its webhook receivers get (one payload, or one per line), as `ALERTS` samples.

import { messageOf } from '../../errors.ts';
import { alertmanagerAlerts, alertmanagerRows } from '../../prometheus/alertmanager.ts';
import { type FileContext, issue, skipFile } from '../context.ts';
import { defineFormat } from '../format.ts';

/** Fields of an Alertmanager alert beside its labels, and of the webhook payload around alerts. */
const ALERT_FIELDS = /"(startsAt|fingerprint|generatorURL|receiver)"\s*:/g;

export const alertmanager = defineFormat({
  name: 'alertmanager',
  description: 'Alertmanager alerts: the /api/v2/alerts answer, webhook payloads (one, or one per line)',
  detect: (head) => {
    if (!head.text.startsWith('{') && !head.text.startsWith('[')) return null;
    const fields = new Set([...head.text.matchAll(ALERT_FIELDS)].map((m) => m[1]));
    return fields.has('startsAt') && fields.size >= 2 && /"labels"\s*:/.test(head.text)
      ? { confidence: 0.9, reason: 'Alertmanager alerts (startsAt, labels)' }
      : null;
  },
  import: async (body, ctx) => importAlerts(await body.text(), ctx),
});

function importAlerts(text: string, ctx: FileContext): void {
  let documents: { value: unknown; line: number }[];
  try {
    documents = [{ value: JSON.parse(text), line: 1 }];
  } catch {
    // Webhook payloads logged one per line.
    documents = [];
    const lines = text.split('\n');
    for (const [i, line] of lines.entries()) {
      if (line.trim() === '') continue;
      try {
        documents.push({ value: JSON.parse(line), line: i + 1 });
      } catch (error) {
        issue(ctx, i + 1, `invalid JSON: ${messageOf(error)}`);
      }
    }
  }
  const found = documents.map((d) => ({ line: d.line, alerts: alertmanagerAlerts(d.value) }));
  if (!found.some((d) => d.alerts !== null)) {
    skipFile(ctx, 'JSON that holds no Alertmanager alert');
    return;
  }
  for (const { alerts, line } of found) {
    if (alerts === null) {
      issue(ctx, line, 'not an Alertmanager answer or webhook payload (alerts with labels and startsAt)');
      continue;
    }
    const { rows, unreadable } = alertmanagerRows(alerts, ctx.origin);
    // When alerts began and ended: a history, not a snapshot.
    if (rows.length > 0) ctx.stats.history = true;
    for (const row of rows) {
      ctx.sink.observe(ctx.stats, row.ts);
      ctx.sink.row(row, ctx.stats);
    }
    for (const reason of unreadable) issue(ctx, line, reason);
  }
}
