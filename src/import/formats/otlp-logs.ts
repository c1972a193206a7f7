// OpenTelemetry logs as the collector's file exporter writes them (OTLP JSON: one
// ExportLogsServiceRequest per line, or one document): resourceLogs → scopeLogs → logRecords, the
// pod, namespace and container in the resource's attributes (k8s.pod.name, k8s.namespace.name,
// k8s.container.name) or the record's own.

import { messageOf } from '../../errors.ts';
import { type FileContext, issue, skipFile } from '../context.ts';
import { defineFormat, type FormatMatch } from '../format.ts';
import { fromNanos, ShippedLogs } from '../shipped-logs.ts';

interface OtlpMatch extends FormatMatch {
  /** One request per line (the file exporter), or one document over many lines. */
  lines: boolean;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const otlpLogs = defineFormat<OtlpMatch>({
  name: 'otlp-logs',
  description:
    'OpenTelemetry logs in OTLP JSON (the collector file exporter: resourceLogs, scopeLogs, logRecords with k8s.* attributes)',
  detect: (head) => {
    if (!head.text.startsWith('{') || !/"resourceLogs"\s*:/.test(head.text.slice(0, 4096))) return null;
    const first = head.lines[0]?.trim() ?? '';
    return {
      confidence: 0.9,
      reason: 'OTLP JSON logs (resourceLogs)',
      lines: first.length > 1 && first.endsWith('}'),
    };
  },
  import: async (body, ctx, match) => {
    const logs = new ShippedLogs(ctx);
    let records = 0;
    if (match.lines) {
      for await (const { first, lines } of body.lines()) {
        for (const [k, line] of lines.entries()) {
          if (line.trim() === '') continue;
          let request: unknown;
          try {
            request = JSON.parse(line);
          } catch (error) {
            issue(ctx, first + k, `invalid JSON: ${messageOf(error)}`);
            continue;
          }
          records += importRequest(request, first + k, logs, ctx);
        }
      }
    } else {
      let request: unknown;
      try {
        request = JSON.parse(await body.text());
      } catch (error) {
        issue(ctx, 1, `invalid JSON: ${messageOf(error)}`);
        return;
      }
      records += importRequest(request, 1, logs, ctx);
    }
    logs.end();
    if (records === 0) skipFile(ctx, 'OTLP JSON that holds no log record');
  },
});

/** The records of one ExportLogsServiceRequest; how many there were. */
function importRequest(request: unknown, lineNo: number, logs: ShippedLogs, ctx: FileContext): number {
  if (!isRecord(request) || !Array.isArray(request.resourceLogs)) {
    issue(ctx, lineNo, 'not an OTLP logs request (resourceLogs)');
    return 0;
  }
  let records = 0;
  for (const resourceLogs of request.resourceLogs) {
    if (!isRecord(resourceLogs)) continue;
    const resource = attributesOf(
      isRecord(resourceLogs.resource) ? resourceLogs.resource.attributes : undefined,
    );
    for (const scopeLogs of asArray(resourceLogs.scopeLogs ?? resourceLogs.instrumentationLibraryLogs)) {
      if (!isRecord(scopeLogs)) continue;
      for (const record of asArray(scopeLogs.logRecords)) {
        if (!isRecord(record)) continue;
        records++;
        const ts = nanosTime(record.timeUnixNano) ?? nanosTime(record.observedTimeUnixNano);
        if (ts === null) {
          issue(ctx, lineNo, 'OTLP log record without timeUnixNano or observedTimeUnixNano');
          continue;
        }
        const attributes = { ...resource, ...attributesOf(record.attributes) };
        const stream = attributes['log.iostream'];
        logs.add(
          attributes,
          textOf(record.body),
          lineNo,
          ts,
          stream === 'stdout' || stream === 'stderr' ? stream : undefined,
        );
      }
    }
  }
  return records;
}

/** OTLP JSON writes 64-bit times as decimal text (numbers are read too). */
function nanosTime(value: unknown): string | null {
  if (typeof value === 'string' && /^\d+$/.test(value)) return fromNanos(BigInt(value));
  if (typeof value === 'number' && Number.isSafeInteger(value)) return fromNanos(BigInt(value));
  return null;
}

/** `[{key, value: AnyValue}]` as flat text attributes. */
function attributesOf(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of asArray(list)) {
    if (!isRecord(kv) || typeof kv.key !== 'string') continue;
    const value = anyValue(kv.value);
    if (value !== undefined && value !== null)
      out[kv.key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/** An OTLP AnyValue as plain JSON. */
function anyValue(value: unknown): unknown {
  if (!isRecord(value)) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('boolValue' in value) return value.boolValue;
  if ('bytesValue' in value) return value.bytesValue;
  if (isRecord(value.arrayValue)) return asArray(value.arrayValue.values).map(anyValue);
  if (isRecord(value.kvlistValue))
    return Object.fromEntries(
      asArray(value.kvlistValue.values)
        .filter((kv): kv is Json => isRecord(kv) && typeof kv.key === 'string')
        .map((kv) => [kv.key, anyValue(kv.value)]),
    );
  return null;
}

/** The body as the line a program wrote: text as it is, structured bodies as JSON. */
function textOf(body: unknown): string {
  const value = anyValue(body);
  if (typeof value === 'string') return value.replace(/\r?\n$/, '');
  return value === undefined || value === null ? '' : JSON.stringify(value);
}
