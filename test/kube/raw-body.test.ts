// Watch lines parsed with managedFields cut out of the bytes (src/kube/raw-body.ts): the same object
// as parsing the line whole and dropping them, and a body text that is the redacted object's own,
// used only when redaction changes nothing else.

import { describe, expect, it } from 'vitest';
import { encodeRow, RawJson } from '../../src/bundle/spool.ts';
import { managedFieldsMember, parseWatchLine } from '../../src/kube/raw-body.ts';
import { Redactor } from '../../src/kube/redact.ts';
import { type KubeObject, eventRow as toEventRow, objectRow as toObjectRow } from '../../src/kube/to-row.ts';

/** FieldsV1 as the API server writes it: keys holding JSON with escaped quotes. */
const MANAGED_FIELDS = [
  {
    manager: 'kube-controller-manager',
    operation: 'Update',
    apiVersion: 'v1',
    time: '2026-03-01T10:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {} } } },
      'f:note': { 'k:{"path":"C:\\\\x\\"]}"}': {} },
    },
  },
  { manager: 'kubelet', operation: 'Update', subresource: 'status', fieldsType: 'FieldsV1', fieldsV1: {} },
];

function aPod(
  metadata: Record<string, unknown> = {},
  env: { name: string; value: string }[] = [],
): KubeObject {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: 'web-1',
      namespace: 'shop',
      uid: 'u-1',
      resourceVersion: '7',
      creationTimestamp: '2026-03-01T10:00:00Z',
      annotations: { note: 'a string with "managedFields":[ in it, escaped in JSON', ünïcode: '日本語 ✓' },
      ...metadata,
    },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'registry.example.com/app:v1', env }] },
    status: { phase: 'Running' },
  };
}

function withoutManagedFields(object: KubeObject): KubeObject {
  const { managedFields: _, ...metadata } = object.metadata ?? {};
  return { ...object, metadata };
}

function watchLine(type: string, object: unknown, space?: number): Buffer {
  return Buffer.from(JSON.stringify({ type, object }, null, space));
}

describe('parseWatchLine', () => {
  it.each([
    ['last in metadata', aPod({ managedFields: MANAGED_FIELDS })],
    ['first in metadata', { ...aPod(), metadata: { managedFields: MANAGED_FIELDS, ...aPod().metadata } }],
    ['the only member of metadata', { ...aPod(), metadata: { managedFields: MANAGED_FIELDS } }],
  ])('cuts managedFields out when they are %s: the object and its text lack them', (_where, pod) => {
    const parsed = parseWatchLine(watchLine('MODIFIED', pod));
    expect(parsed?.event).toEqual({ type: 'MODIFIED', object: withoutManagedFields(pod) });
    expect(parsed?.object?.text).toBe(JSON.stringify(withoutManagedFields(pod)));
  });

  it('joins a line longer than a megabyte as well as the lines after it', () => {
    const long = 'x'.repeat(1 << 20);
    for (const note of [`${long} ✓`, 'short']) {
      const pod = aPod({ managedFields: MANAGED_FIELDS, annotations: { note } });
      const parsed = parseWatchLine(watchLine('MODIFIED', pod));
      expect(parsed?.object?.text === JSON.stringify(withoutManagedFields(pod))).toBe(true);
      const object = parsed?.event.object as KubeObject | undefined;
      expect(object?.metadata?.annotations?.note === note).toBe(true);
    }
  });

  it('keeps the text of an object without managedFields, and parses a pretty-printed line whole', () => {
    const plain = parseWatchLine(watchLine('ADDED', aPod()));
    expect(plain?.object?.text).toBe(JSON.stringify(aPod()));
    const pod = aPod({ managedFields: MANAGED_FIELDS });
    const pretty = parseWatchLine(watchLine('ADDED', pod, 2));
    expect(pretty).toEqual({ event: { type: 'ADDED', object: pod }, object: null });
  });

  it('cuts nothing but the metadata member: a field of that name elsewhere stays', () => {
    const widget = {
      kind: 'Widget',
      apiVersion: 'example.com/v1',
      spec: { managedFields: ['kept'] },
      metadata: { name: 'w', managedFields: MANAGED_FIELDS, labels: { managedFields: 'kept' } },
    };
    const parsed = parseWatchLine(watchLine('ADDED', widget));
    expect(parsed?.event.object).toEqual({
      ...widget,
      metadata: { name: 'w', labels: { managedFields: 'kept' } },
    });
    const noMetadataMember = { kind: 'Widget', apiVersion: 'example.com/v1', spec: { managedFields: [1] } };
    expect(parseWatchLine(watchLine('ADDED', noMetadataMember))?.event.object).toEqual(noMetadataMember);
  });

  it('gives no text for lines in another form: their rows are the parsed object redacted', () => {
    const pod = aPod({ managedFields: MANAGED_FIELDS });
    for (const line of [
      JSON.stringify({ object: pod, type: 'ADDED' }),
      JSON.stringify({ type: 'ADDED', object: pod, extra: 1 }),
      ` ${JSON.stringify({ type: 'ADDED', object: pod })}`,
    ]) {
      const parsed = parseWatchLine(Buffer.from(line));
      expect(parsed?.object).toBeNull();
      expect(parsed?.event.type).toBe('ADDED');
      const redactor = new Redactor();
      expect(redactor.value(parsed?.event.object)).toEqual(redactor.value(pod));
    }
  });

  it('gives no text for a line that is not UTF-8: only its decoded text reaches the spool', () => {
    const line = watchLine('ADDED', aPod({ managedFields: MANAGED_FIELDS, name: 'web-\u00e9' }));
    const broken = Buffer.from(line);
    broken[line.indexOf('\u00e9')] = 0xff;
    const parsed = parseWatchLine(broken);
    expect(parsed?.object).toBeNull();
    expect(parsed?.event.object).toMatchObject({ metadata: { name: 'web-\ufffd\ufffd' } });
  });

  it('skips blank lines and throws on what is not JSON', () => {
    expect(parseWatchLine(Buffer.from(' \r'))).toBeNull();
    expect(() =>
      parseWatchLine(Buffer.from('{"type":"ADDED","object":{"metadata":{"managedFields":[}}')),
    ).toThrow();
  });
});

describe('managedFieldsMember', () => {
  it('finds the member with one comma beside it, and nothing in text it cannot follow', () => {
    const text = Buffer.from('{"metadata":{"a":1,"managedFields":[{"x":"]"}]},"spec":{}}');
    const [from, to] = managedFieldsMember(text, 0, text.length) ?? [0, 0];
    expect(`${text.subarray(0, from)}${text.subarray(to)}`).toBe('{"metadata":{"a":1},"spec":{}}');
    for (const broken of [
      '{"metadata":{"managedFields":[{"a":"unterminated}]}}',
      '{"metadata":{"name":"x"}}',
      '{"metadata":"x"}',
      '{"metadata":{"managedFields":[]',
    ])
      expect(managedFieldsMember(Buffer.from(broken), 0, broken.length)).toBeNull();
  });
});

describe('rows with the text from the watch, as the writer redacts them', () => {
  const opts = { ts: '2026-03-01T10:00:00Z', origin: 'watch:pods', watchEvent: 'MODIFIED' as const };
  const redactor = new Redactor();
  const objectRow = (obj: KubeObject, o: Parameters<typeof toObjectRow>[1]) =>
    redactor.row(toObjectRow(obj, o));
  const eventRow = (ev: unknown, o?: Parameters<typeof toEventRow>[1]) => redactor.row(toEventRow(ev, o));

  it('write the same spool line as the object serialised, managedFields dropped', () => {
    const pod = aPod({ managedFields: MANAGED_FIELDS });
    const parsed = parseWatchLine(watchLine('MODIFIED', pod));
    const row = objectRow(parsed?.event.object as KubeObject, { ...opts, raw: parsed?.object ?? undefined });
    expect(row.body).toBeInstanceOf(RawJson);
    expect(encodeRow(row)).toBe(encodeRow(objectRow(pod, opts)));
    expect(encodeRow(row)).not.toContain('kube-controller-manager');

    const event = {
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name: 'web-1.1', namespace: 'shop', managedFields: MANAGED_FIELDS },
      involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
      reason: 'BackOff',
      lastTimestamp: '2026-03-01T10:01:00Z',
    };
    const parsedEvent = parseWatchLine(watchLine('ADDED', event));
    const eventWithRaw = eventRow(parsedEvent?.event.object, { raw: parsedEvent?.object ?? undefined });
    expect(eventWithRaw.body).toBeInstanceOf(RawJson);
    expect(encodeRow(eventWithRaw)).toBe(encodeRow(eventRow(event)));
  });

  it.each([
    [
      'a Secret',
      { ...aPod({ managedFields: MANAGED_FIELDS }), kind: 'Secret', data: { password: 'aHVudGVyMg==' } },
      'aHVudGVyMg==',
    ],
    [
      'a credential in an env var',
      aPod({ managedFields: MANAGED_FIELDS }, [{ name: 'DB_PASSWORD', value: 'hunter2' }]),
      'hunter2',
    ],
    ['a credential-looking annotation', aPod({ annotations: { 'example.com/api-token': 'abc' } }), '"abc"'],
  ])('are never the text for %s: the redacted object is serialised', (_what, obj, secret) => {
    const parsed = parseWatchLine(watchLine('MODIFIED', obj));
    const row = objectRow(parsed?.event.object as KubeObject, { ...opts, raw: parsed?.object ?? undefined });
    expect(row.body).not.toBeInstanceOf(RawJson);
    expect(row.body).toEqual(redactor.value(obj));
    expect(encodeRow(row)).not.toContain(secret);
  });
});
