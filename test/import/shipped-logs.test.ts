// Logs as shippers write them: OpenTelemetry's OTLP JSON (the collector's file exporter) and Fluent
// Bit / fluentd records with kubernetes metadata, each record going to the log of the pod and
// container its attributes name; one import of every shape, read back from the bundle.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/reader.ts';
import type { ImportResult } from '../../src/import/run.ts';
import { fromNanos, shippedTime } from '../../src/import/shipped-logs.ts';
import { jsonl, rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
let result: ImportResult;
let bundle: Bundle;

const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** An ExportLogsServiceRequest of one pod's records. */
function otlpRequest(pod: string, container: string, records: object[]) {
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [
            kv('k8s.namespace.name', 'shop'),
            kv('k8s.pod.name', pod),
            kv('k8s.container.name', container),
            kv('k8s.pod.uid', `uid-${pod}`),
          ],
        },
        scopeLogs: [{ scope: {}, logRecords: records }],
      },
    ],
  };
}

const fluentRecord = (time: string, log: string, pod = 'cart-1') => ({
  time,
  stream: 'stderr',
  log: `${log}\n`,
  kubernetes: {
    pod_name: pod,
    namespace_name: 'shop',
    pod_id: `uid-${pod}`,
    host: 'worker-1',
    container_name: 'cart',
    labels: { app: 'cart' },
  },
});

beforeAll(async () => {
  const otlpLines = scratch.write(
    'otel/logs.json',
    jsonl(
      otlpRequest('checkout-1', 'app', [
        {
          timeUnixNano: '1772442000123456789',
          observedTimeUnixNano: '1772442000200000000',
          severityText: 'ERROR',
          body: { stringValue: 'dial tcp 10.0.0.7:5432: connection refused' },
          attributes: [kv('log.iostream', 'stderr')],
        },
        // No event time: the collector's observation time.
        {
          timeUnixNano: '0',
          observedTimeUnixNano: '1772442001000000000',
          body: { kvlistValue: { values: [kv('msg', 'retrying')] } },
        },
      ]),
      // A node's journal, shipped beside: no pod to put it in.
      {
        resourceLogs: [
          {
            resource: { attributes: [kv('k8s.node.name', 'worker-1')] },
            scopeLogs: [
              {
                logRecords: [
                  { timeUnixNano: '1772442002000000000', body: { stringValue: 'kubelet started' } },
                ],
              },
            ],
          },
        ],
      },
    ),
  );
  const otlpDocument = scratch.write(
    'otel/export.json',
    JSON.stringify(
      otlpRequest('checkout-2', 'app', [
        { timeUnixNano: '1772442003000000000', body: { stringValue: 'ready' } },
      ]),
      null,
      2,
    ),
  );
  const fluentBit = scratch.write(
    'fluent-bit/out.log',
    jsonl(
      fluentRecord('2026-03-02T09:00:04.5Z', 'cart: out of stock'),
      // Merge_Log: the program's JSON fields, without its line.
      {
        time: '2026-03-02T09:00:05Z',
        level: 'error',
        error: 'timeout',
        'kubernetes.pod_name': 'cart-1',
        'kubernetes.namespace_name': 'shop',
        'kubernetes.container_name': 'cart',
      },
    ),
  );
  const fluentBitFile = scratch.write(
    'fluent-bit/kube.var.log',
    `kube.var.log.containers.cart-2: [1772442006.25, ${JSON.stringify(fluentRecord('', 'tagged', 'cart-2'))}]\n`,
  );
  const fluentd = scratch.write(
    'fluentd/buffer.log',
    `2026-03-02T09:00:07+00:00\tkubernetes.var.log.containers.cart-3\t${JSON.stringify(fluentRecord('', 'from fluentd', 'cart-3'))}\n`,
  );
  ({ result, bundle } = (await scratch.import([
    otlpLines,
    otlpDocument,
    fluentBit,
    fluentBitFile,
    fluentd,
  ])) as {
    result: ImportResult;
    bundle: Bundle;
  });
});

afterAll(() => {
  bundle?.close();
  scratch.remove();
});

describe('log shipper output', () => {
  it('reads shippers’ times: RFC 3339, epoch seconds, epoch nanoseconds', () => {
    expect(fromNanos(1772442000123456789n)).toBe('2026-03-02T09:00:00.123456Z');
    expect(shippedTime('1772442000123456789')).toBe('2026-03-02T09:00:00.123456Z');
    expect(shippedTime(1772442006.25)).toBe('2026-03-02T09:00:06.250000Z');
    expect(shippedTime('2026-03-02 09:00:07 +0000')).toBe('2026-03-02T09:00:07Z');
    expect(shippedTime('')).toBeNull();
  });

  it('puts each record in the log of the pod and container its attributes name', async () => {
    expect(result.inputs.map((i) => Object.keys(i.formats)[0])).toEqual([
      'otlp-logs',
      'otlp-logs',
      'fluent-logs',
      'fluent-logs',
      'fluent-logs',
    ]);
    expect(
      await rows(
        bundle,
        `SELECT strftime(ts, '%H:%M:%S.%f') AS t, namespace, pod, container, uid, stream, line
         FROM (SELECT ts, namespace, name AS pod, container, uid, log_stream AS stream, log_line AS line FROM logs)
         ORDER BY ts`,
      ),
    ).toEqual([
      {
        t: '09:00:00.123456',
        namespace: 'shop',
        pod: 'checkout-1',
        container: 'app',
        uid: 'uid-checkout-1',
        stream: 'stderr',
        line: 'dial tcp 10.0.0.7:5432: connection refused',
      },
      {
        t: '09:00:01.000000',
        namespace: 'shop',
        pod: 'checkout-1',
        container: 'app',
        uid: 'uid-checkout-1',
        stream: null,
        line: '{"msg":"retrying"}',
      },
      {
        t: '09:00:03.000000',
        namespace: 'shop',
        pod: 'checkout-2',
        container: 'app',
        uid: 'uid-checkout-2',
        stream: null,
        line: 'ready',
      },
      {
        t: '09:00:04.500000',
        namespace: 'shop',
        pod: 'cart-1',
        container: 'cart',
        uid: 'uid-cart-1',
        stream: 'stderr',
        line: 'cart: out of stock',
      },
      {
        t: '09:00:05.000000',
        namespace: 'shop',
        pod: 'cart-1',
        container: 'cart',
        uid: 'uid-cart-1',
        stream: null,
        line: '{"level":"error","error":"timeout"}',
      },
      {
        t: '09:00:06.250000',
        namespace: 'shop',
        pod: 'cart-2',
        container: 'cart',
        uid: 'uid-cart-2',
        stream: 'stderr',
        line: 'tagged',
      },
      {
        t: '09:00:07.000000',
        namespace: 'shop',
        pod: 'cart-3',
        container: 'cart',
        uid: 'uid-cart-3',
        stream: 'stderr',
        line: 'from fluentd',
      },
    ]);
  });

  it('says which records name no pod, with their line', () => {
    expect(result.inputs[0]!.issues).toEqual([
      expect.objectContaining({ line: 2, reason: expect.stringMatching(/names no pod and namespace/) }),
    ]);
    expect(result.inputs.slice(1).flatMap((i) => i.issues)).toEqual([]);
  });
});
