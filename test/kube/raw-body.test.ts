// Bodies taken from the API server's JSON text (src/kube/raw-body.ts): the same as serialising the
// redacted object whenever they are used, and never used when redaction changed more than
// managedFields.

import { describe, expect, it } from 'vitest';
import { encodeRow, RawJson } from '../../src/bundle/spool.ts';
import { rawBody, withoutManagedFields } from '../../src/kube/raw-body.ts';
import { redactObject } from '../../src/kube/redact.ts';
import { type KubeObject, objectRow } from '../../src/kube/to-row.ts';

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
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-1',
      namespace: 'shop',
      uid: 'u-1',
      resourceVersion: '7',
      creationTimestamp: '2026-03-01T10:00:00Z',
      annotations: { note: 'a string with "managedFields":[ in it, escaped in JSON' },
      ...metadata,
    },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'registry.example.com/app:v1', env }] },
    status: { phase: 'Running' },
  };
}

describe('withoutManagedFields', () => {
  it.each([
    ['last in metadata', { managedFields: MANAGED_FIELDS }],
    ['first in metadata', { managedFields: MANAGED_FIELDS, name: 'web-1' }],
  ])('cuts the member out when it is %s, as serialising without it would', (_where, extra) => {
    const pod = aPod(extra);
    if (_where.startsWith('first')) {
      const { managedFields, ...rest } = pod.metadata as Record<string, unknown>;
      pod.metadata = { managedFields, ...rest };
    }
    const redacted = redactObject(pod);
    expect(withoutManagedFields(JSON.stringify(pod))).toBe(JSON.stringify(redacted));
  });

  it('cuts it from pretty-printed text and when it is the only member', () => {
    const pretty = JSON.stringify(aPod({ managedFields: MANAGED_FIELDS }), null, 2);
    expect(JSON.parse(withoutManagedFields(pretty) ?? 'null')).toEqual(
      redactObject(aPod({ managedFields: MANAGED_FIELDS })),
    );
    expect(withoutManagedFields('{"metadata":{ "managedFields": [ {"a":"]"} ] }}')).toBe('{"metadata":{  }}');
  });

  it('refuses text where the key occurs twice or holds no array', () => {
    expect(withoutManagedFields('{"metadata":{"managedFields":[]},"spec":{"managedFields":[]}}')).toBeNull();
    expect(withoutManagedFields('{"metadata":{"managedFields":null}}')).toBeNull();
    expect(withoutManagedFields('{"metadata":{"managedFields":[{"a":"unterminated}]}}')).toBeNull();
    expect(withoutManagedFields('{"metadata":{"name":"x"}}')).toBeNull();
  });
});

describe('rawBody', () => {
  it('is the text itself when redaction changed nothing', () => {
    const pod = aPod();
    const raw = JSON.stringify(pod);
    expect(rawBody(pod, redactObject(pod), raw)).toEqual(new RawJson(raw));
  });

  it('is the text without managedFields when that is all redaction dropped', () => {
    const pod = aPod({ managedFields: MANAGED_FIELDS });
    expect(rawBody(pod, redactObject(pod), JSON.stringify(pod))?.text).toBe(
      JSON.stringify(redactObject(pod)),
    );
  });

  it.each([
    [
      'a Secret',
      { ...aPod({ managedFields: MANAGED_FIELDS }), kind: 'Secret', data: { password: 'aHVudGVyMg==' } },
    ],
    [
      'a credential in an env var',
      aPod({ managedFields: MANAGED_FIELDS }, [{ name: 'DB_PASSWORD', value: 'hunter2' }]),
    ],
    ['a credential-looking annotation', aPod({ annotations: { 'example.com/api-token': 'abc' } })],
  ])('is null for %s: the redacted object is serialised', (_what, obj) => {
    const redacted = redactObject(obj);
    expect(redacted).not.toBe(obj);
    expect(rawBody(obj, redacted, JSON.stringify(obj))).toBeNull();
  });
});

describe('objectRow with the raw text', () => {
  it('writes the same spool line as without it, and never a redacted value', () => {
    const pod = aPod({ managedFields: MANAGED_FIELDS });
    const opts = { ts: '2026-03-01T10:00:00Z', origin: 'watch:pods', watchEvent: 'MODIFIED' as const };
    const withRaw = objectRow(pod, { ...opts, raw: JSON.stringify(pod) });
    expect(withRaw.body).toBeInstanceOf(RawJson);
    expect(encodeRow(withRaw)).toBe(encodeRow(objectRow(pod, opts)));

    const leaky = aPod({ managedFields: MANAGED_FIELDS }, [{ name: 'API_TOKEN', value: 'tok-123456' }]);
    const line = encodeRow(objectRow(leaky, { ...opts, raw: JSON.stringify(leaky) }));
    expect(line).not.toContain('tok-123456');
    expect(line).not.toContain('kube-controller-manager');
  });
});
