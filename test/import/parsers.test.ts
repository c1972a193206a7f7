// The small parsers of the importer: JSON document splitting, exposition lines, log paths,
// must-gather timestamps, encodings, format detection, Go key names, timestamps.
import { describe, expect, it } from 'vitest';
import { detectFile, fileHead } from '../../src/import/detect.ts';
import { splitJsonDocuments } from '../../src/import/formats/kube-json.ts';
import { normaliseGoKeys } from '../../src/import/go-keys.ts';
import { logSubjectOf, parseGatherTimestamp } from '../../src/import/layout.ts';
import { detectEncoding } from '../../src/import/text.ts';
import { addMicros, normalizeTs } from '../../src/kube/time.ts';
import { parseExpositionLine } from '../../src/prometheus/exposition.ts';

/** What a text is detected as, named by its syntax for the Kubernetes JSON and YAML formats. */
function detectFormat(text: string, relPath: string): Record<string, unknown> {
  const detection = detectFile(fileHead(text, { path: relPath }));
  if ('skip' in detection) return { kind: 'unknown', reason: detection.skip };
  const { confidence: _, reason: __, ...detail } = detection.match;
  const syntax: Record<string, string> = { 'kube-json': 'json', 'kube-yaml': 'yaml' };
  return { kind: syntax[detection.format.name] ?? detection.format.name, ...detail };
}

describe('splitJsonDocuments', () => {
  it('splits pretty-printed values back to back, braces inside strings included', () => {
    const text = '{\n  "a": "}{"\n}\n{\n  "b": [1, {"c": "\\"}"}]\n}\n';
    expect([...splitJsonDocuments(text)]).toEqual([
      { text: '{\n  "a": "}{"\n}', line: 1 },
      { text: '{\n  "b": [1, {"c": "\\"}"}]\n}', line: 4 },
    ]);
  });

  it('JSON lines go line by line, and a cut value is reported at the end', () => {
    expect([...splitJsonDocuments('{"a":1}\n\n{"b":2\n{"c":3}\n')].map((d) => d.line)).toEqual([1, 3, 4]);
    expect([...splitJsonDocuments('{\n "a": 1\n}\n{\n "b": ')]).toEqual([
      { text: '{\n "a": 1\n}', line: 1 },
      { error: 'truncated JSON document (the file ends inside it)', line: 4 },
    ]);
  });
});

describe('parseExpositionLine', () => {
  it('reads names, escaped label values, special values and timestamps', () => {
    expect(
      parseExpositionLine('up{job="a",path="C:\\\\x",msg="say \\"hi\\"\\n"} +Inf 1700000000000'),
    ).toEqual({
      name: 'up',
      labels: { job: 'a', path: 'C:\\x', msg: 'say "hi"\n' },
      value: Number.POSITIVE_INFINITY,
      timestampMs: 1_700_000_000_000,
    });
    expect(parseExpositionLine('process_cpu_seconds_total 12.5')).toEqual({
      name: 'process_cpu_seconds_total',
      labels: {},
      value: 12.5,
      timestampMs: null,
    });
    expect(parseExpositionLine('# TYPE up gauge')).toBeNull();
  });

  it('names what is wrong with a damaged line', () => {
    expect(parseExpositionLine('up{job="a} 1')).toBe('unterminated label value');
    expect(parseExpositionLine('up{job=a} 1')).toBe('malformed label set');
    expect(parseExpositionLine('up twelve')).toBe('unreadable value "twelve"');
    expect(parseExpositionLine('{} 1')).toBe('not a sample line');
  });
});

describe('logSubjectOf', () => {
  it('must-gather, /var/log/pods, /var/log/containers, cluster-info dump', () => {
    expect(logSubjectOf('mg/namespaces/shop/pods/web-1/app/app/logs/previous.log')).toMatchObject({
      namespace: 'shop',
      pod: 'web-1',
      container: 'app',
      previous: true,
      layout: 'must-gather',
    });
    expect(
      logSubjectOf('var/log/pods/shop_web-1_0f6a1e0c-1111-2222-3333-444455556666/app/3.log'),
    ).toMatchObject({
      namespace: 'shop',
      pod: 'web-1',
      container: 'app',
      podUid: '0f6a1e0c-1111-2222-3333-444455556666',
    });
    expect(logSubjectOf(`var/log/containers/web-1_shop_app-${'a'.repeat(64)}.log`)).toMatchObject({
      namespace: 'shop',
      pod: 'web-1',
      container: 'app',
    });
    expect(logSubjectOf('dump/shop/web-1/logs.txt')).toMatchObject({
      namespace: 'shop',
      pod: 'web-1',
      container: null,
    });
    expect(logSubjectOf('notes/app.log')).toBeNull();
  });
});

describe('parseGatherTimestamp', () => {
  it('takes the end time (last line) in UTC', () => {
    const text =
      '2021-08-03 12:11:56.91501602 +0200 CEST m=+1.651641915\n2021-08-03 12:14:13.632016778 +0200 CEST m=+138.368642668\n';
    expect(parseGatherTimestamp(text)).toBe('2021-08-03T10:14:13.632016Z');
    expect(parseGatherTimestamp('yesterday')).toBeNull();
  });
});

describe('detectEncoding and detectFormat', () => {
  it('reads byte-order marks and BOM-less UTF-16; refuses binary', () => {
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x7b, 0]))).toEqual({ encoding: 'utf-16le', bom: 2 });
    expect(detectEncoding(Buffer.from('{"a":1}', 'utf16le'))).toEqual({ encoding: 'utf-16le', bom: 0 });
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ encoding: 'utf-8', bom: 3 });
    expect(detectEncoding(Buffer.from([0x89, 0x50, 0, 0, 0, 0x0d, 0x0a, 0]))).toBeNull();
  });

  it('decides by content, not by name', () => {
    const audit = '{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"x"}\n';
    expect(detectFormat(audit, 'pods.yaml')).toEqual({ kind: 'audit-log' });
    expect(detectFormat(`{"kind":"Ev\n${audit}`, 'x')).toEqual({ kind: 'audit-log' });
    expect(detectFormat('apiVersion: v1\nkind: Pod\n', 'audit.log')).toEqual({ kind: 'yaml' });
    expect(detectFormat('2026-03-01T10:00:00Z stdout F hi\n', 'a.json')).toEqual({
      kind: 'container-log',
      flavour: 'cri',
    });
    expect(detectFormat('# HELP up x\nup 1\n', 'a')).toEqual({ kind: 'prometheus-text' });
    expect(detectFormat('{{- if .Values.x }}\napiVersion: v1\n', 'a.yaml')).toMatchObject({
      kind: 'unknown',
    });
  });
});

describe('normaliseGoKeys', () => {
  it('lower-cases Go field names, keeps user keys, flattens TypeMeta', () => {
    expect(
      normaliseGoKeys({
        TypeMeta: { Kind: 'Pod', APIVersion: 'v1' },
        ObjectMeta: { Name: 'p', UID: 'u', Labels: { App: 'X' } },
        Status: { PodIP: '10.0.0.1' },
      }),
    ).toEqual({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'p', uid: 'u', labels: { App: 'X' } },
      status: { podIP: '10.0.0.1' },
    });
  });
});

describe('timestamps', () => {
  it('normalizeTs keeps microseconds, converts offsets, rejects the rest', () => {
    expect(normalizeTs('2026-03-01T10:00:00.123456789Z')).toBe('2026-03-01T10:00:00.123456Z');
    expect(normalizeTs('2026-03-01T12:00:00.5+02:00')).toBe('2026-03-01T10:00:00.5Z');
    expect(normalizeTs('2026-03-01 10:00:00Z')).toBe('2026-03-01T10:00:00Z');
    expect(normalizeTs('01/03/2026')).toBeNull();
  });

  it('addMicros carries across seconds', () => {
    expect(addMicros('2026-03-01T10:00:00Z', 1)).toBe('2026-03-01T10:00:00.000001Z');
    expect(addMicros('2026-03-01T10:00:59.999999Z', 2)).toBe('2026-03-01T10:01:00.000001Z');
  });
});
