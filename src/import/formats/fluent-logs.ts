// Fluent Bit and fluentd output with Kubernetes metadata (their kubernetes filter): JSON records
// with `kubernetes: {pod_name, namespace_name, container_name, host, pod_id}` or those keys already
// flattened (`kubernetes.pod_name`, `kubernetes_pod_name`), one per line: the json_lines form of
// Fluent Bit's file and stdout outputs, its default file output (`tag: [time, {record}]`), its
// msgpack-as-JSON arrays (`[time, {record}]`) and fluentd's file output (`time<TAB>tag<TAB>record`).

import { type FileContext, issue, skipFile } from '../context.ts';
import { defineFormat } from '../format.ts';
import { flattenAttributes, ShippedLogs, shippedTime } from '../shipped-logs.ts';

/** Kubernetes metadata a shipper's kubernetes filter adds, nested or flattened. */
const METADATA_RE =
  /"kubernetes"\s*:\s*\{[\s\S]*?"(pod_name|namespace_name)"|"kubernetes[._](pod_name|namespace_name)"/;
/** `tag: [1712345678.123, {` (Fluent Bit's file output), `[1712345678.123, {` or `[[1712345678.123, {}], {`. */
const TAGGED_RE = /^(?:[^\s:[{]+: )?\[\[?\s*(\d+(?:\.\d+)?)\s*,\s*(?:\{\s*\}\s*\]\s*,\s*)?\{/;
/** fluentd's file output: an RFC 3339 time, a tab, the tag, a tab, the record. */
const FLUENTD_RE = /^(\d{4}-\d\d-\d\d[T ][0-9:.]+(?:Z|\s?[+-]\d\d:?\d\d)?)\t[^\t]+\t(\{.*)$/s;

/** Where the program's own line is: the runtime parsers' `log`, else a message field. */
const TEXT_KEYS = ['log', 'message', 'msg', 'MESSAGE'];
const TIME_KEYS = ['time', '@timestamp', 'timestamp', 'date'];
/** What shippers add around a line: not part of a merged (structured) record's text. */
const ENVELOPE_KEYS = new Set(['kubernetes', 'stream', 'logtag', '_p', ...TIME_KEYS]);

export const fluentLogs = defineFormat({
  name: 'fluent-logs',
  description:
    'Fluent Bit / fluentd output with kubernetes metadata (kubernetes.pod_name…): JSON lines, Fluent Bit file output, fluentd file output',
  detect: (head) => {
    const line = head.lines.find((l) => l.trim() !== '') ?? '';
    if (!METADATA_RE.test(line)) return null;
    const shape = line.startsWith('{') || TAGGED_RE.test(line) || FLUENTD_RE.test(line);
    return shape
      ? { confidence: 0.9, reason: 'log records with kubernetes metadata (Fluent Bit, fluentd)' }
      : null;
  },
  import: async (body, ctx) => {
    const logs = new ShippedLogs(ctx);
    let records = 0;
    for await (const { first, lines } of body.lines()) {
      for (const [k, line] of lines.entries()) {
        if (line.trim() === '') continue;
        records++;
        importRecord(line, first + k, logs, ctx);
      }
    }
    logs.end();
    if (records === 0) skipFile(ctx, 'no log record');
  },
});

function importRecord(line: string, lineNo: number, logs: ShippedLogs, ctx: FileContext): void {
  let json = line;
  let outerTime: string | null = null;
  const tagged = TAGGED_RE.exec(line);
  const fluentd = tagged ? null : FLUENTD_RE.exec(line);
  if (tagged) {
    outerTime = shippedTime(Number(tagged[1]));
    json = line.slice(line.indexOf('{', tagged[0].length - 1)).replace(/\]\s*$/, '');
  } else if (fluentd) {
    outerTime = shippedTime(fluentd[1]);
    json = fluentd[2]!;
  }
  let record: unknown;
  try {
    record = JSON.parse(json);
  } catch {
    issue(ctx, lineNo, 'not a JSON log record');
    return;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    issue(ctx, lineNo, 'not a JSON log record');
    return;
  }
  const fields = record as Record<string, unknown>;
  const ts = TIME_KEYS.map((k) => shippedTime(fields[k])).find((t) => t !== null) ?? outerTime;
  if (ts === null || ts === undefined) {
    issue(ctx, lineNo, `log record without a time (${TIME_KEYS.join(', ')})`);
    return;
  }
  const textKey = TEXT_KEYS.find((k) => typeof fields[k] === 'string');
  // A record whose line the shipper parsed and merged (Merge_Log) keeps the program's fields.
  const text = textKey
    ? (fields[textKey] as string).replace(/\r?\n$/, '')
    : JSON.stringify(
        Object.fromEntries(
          Object.entries(fields).filter(([k]) => !ENVELOPE_KEYS.has(k) && !k.startsWith('kubernetes')),
        ),
      );
  const stream = fields.stream === 'stdout' || fields.stream === 'stderr' ? fields.stream : undefined;
  logs.add(flattenAttributes(fields), text, lineNo, ts, stream);
}
