// Log records a log shipper wrote (OpenTelemetry's collector, Fluent Bit, fluentd): each names its
// pod, namespace and container in the shipper's own attribute names, read through the label
// vocabulary (patterns/vocabulary/labels.yaml), and goes to that container's log stream.

import { addMicros, normalizeTs } from '../kube/time.ts';
import { type LabelVocabulary, loadLabelVocabulary, namedByLabels } from '../vocab/labels.ts';
import { type FileContext, issue } from './context.ts';
import { type LogStream, podLogStream } from './log-stream.ts';

/** The pod's UID, which the vocabulary does not map to an object by itself. */
const POD_UID_KEYS = ['k8s.pod.uid', 'kubernetes.pod_id', 'kubernetes.pod.uid'];

let loaded: LabelVocabulary | undefined;
/** Read once per process: every file of an import asks. */
function vocabulary(): LabelVocabulary {
  loaded ??= loadLabelVocabulary();
  return loaded;
}

export class ShippedLogs {
  private readonly streams = new Map<string, LogStream>();
  private readonly vocabulary = vocabulary();

  constructor(private readonly ctx: FileContext) {}

  /** One record: its flat attributes (`k8s.pod.name`, `kubernetes.pod_name`…), time and text. */
  add(
    attributes: Readonly<Record<string, string>>,
    text: string,
    lineNo: number,
    ts: string,
    stream?: string,
  ): void {
    const named = namedByLabels(attributes, this.vocabulary);
    if (!named.pod || !named.namespace) {
      issue(
        this.ctx,
        lineNo,
        'log record that names no pod and namespace (k8s.pod.name, kubernetes.pod_name…)',
      );
      return;
    }
    const container = named.container ?? soleContainer(this.ctx, named.namespace, named.pod);
    if (container === undefined) {
      issue(this.ctx, lineNo, `log record of ${named.namespace}/${named.pod} that names no container`);
      return;
    }
    const key = `${named.namespace}/${named.pod}/${container}`;
    let log = this.streams.get(key);
    if (!log) {
      const uid = POD_UID_KEYS.map((k) => attributes[k]).find((v) => v);
      log = podLogStream(this.ctx, { namespace: named.namespace, pod: named.pod, container, podUid: uid });
      this.streams.set(key, log);
    }
    log.add(text, lineNo, ts, stream);
  }

  end(): void {
    for (const log of this.streams.values()) log.end();
  }
}

function soleContainer(ctx: FileContext, namespace: string, pod: string): string | undefined {
  const containers = ctx.sink.podInfo(namespace, pod)?.containers ?? [];
  return containers.length === 1 ? containers[0] : undefined;
}

/** Nested objects as dotted keys (`kubernetes.pod_name`), their text and numbers as strings. */
export function flattenAttributes(
  value: Readonly<Record<string, unknown>>,
  prefix = '',
  out: Record<string, string> = {},
): Record<string, string> {
  for (const [key, v] of Object.entries(value)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof v === 'string') out[name] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[name] = String(v);
    else if (typeof v === 'object' && v !== null && !Array.isArray(v) && prefix.split('.').length < 4)
      flattenAttributes(v as Record<string, unknown>, name, out);
  }
  return out;
}

/** A time as shippers write it: RFC 3339, epoch seconds (a number or its text), epoch nanoseconds as text. */
export function shippedTime(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return epochSeconds(value);
  if (typeof value !== 'string' || value === '') return null;
  if (/^\d{16,19}$/.test(value)) return fromNanos(BigInt(value));
  if (/^\d+(\.\d+)?$/.test(value)) return epochSeconds(Number(value));
  const rfc =
    normalizeTs(value) ?? normalizeTs(value.replace(' ', 'T').replace(/ ([+-]\d\d):?(\d\d)$/, '$1:$2'));
  return rfc;
}

function epochSeconds(seconds: number): string {
  const ms = Math.floor(seconds * 1000);
  const micros = Math.round((seconds * 1000 - ms) * 1000);
  return addMicros(new Date(ms).toISOString(), micros);
}

/** Epoch nanoseconds (OTLP's `timeUnixNano`) to bundle form, to the microsecond. */
export function fromNanos(nanos: bigint): string | null {
  if (nanos <= 0n) return null;
  const micros = nanos / 1000n;
  const ms = Number(micros / 1000n);
  return addMicros(new Date(ms).toISOString(), Number(micros % 1000n));
}
