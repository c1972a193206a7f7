// Prometheus text exposition snapshots (kube-state-metrics, cAdvisor, any /metrics; format 0.0.4 and
// OpenMetrics) as metric rows. Saved Prometheus API answers are JSON: see documents.ts.

import { metricRow } from '../../kube/sample-rows.ts';
import { tsFromMillis } from '../../kube/time.ts';
import { looksLikeExposition, parseExpositionLine } from '../../prometheus/exposition.ts';
import { type FileContext, issue } from '../context.ts';
import { defineFormat } from '../format.ts';
import type { LineBatch } from '../text.ts';

export const prometheusText = defineFormat({
  name: 'prometheus-text',
  description:
    'Prometheus text exposition (a /metrics scrape: kube-state-metrics, cAdvisor, exporters); --at dates it',
  detect: (head) =>
    // Comments other than HELP and TYPE say nothing about the format.
    looksLikeExposition(head.lines.filter((l) => !l.startsWith('# ') || /^# (HELP|TYPE) /.test(l)))
      ? { confidence: 0.7, reason: 'exposition samples' }
      : null,
  import: (body, ctx) => importExpositionLines(body.lines(), ctx),
});

/** Exposition samples carry no time unless the line has one: then --at, else the file's time. */
async function importExpositionLines(batches: AsyncIterable<LineBatch>, ctx: FileContext): Promise<void> {
  for await (const { first, lines } of batches) {
    for (let k = 0; k < lines.length; k++) {
      const parsed = parseExpositionLine(lines[k]!);
      if (parsed === null) continue;
      if (typeof parsed === 'string') {
        issue(ctx, first + k, parsed);
        continue;
      }
      const ts = parsed.timestampMs !== null ? tsFromMillis(parsed.timestampMs) : ctx.fallbackTs;
      ctx.sink.row(
        metricRow({ ts, name: parsed.name, labels: parsed.labels, value: parsed.value, origin: ctx.origin }),
        ctx.stats,
      );
    }
  }
}
