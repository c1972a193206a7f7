// The general unwrapping of envelopes: an entry found as an object or as JSON text in a field, every
// item of a list, one entry per record even when a collector keeps a second rendering of it, and a
// bounded depth.
import { describe, expect, it } from 'vitest';
import { envelopeString, findWrapped, parseJsonText } from '../../src/import/envelope.ts';

type Json = Record<string, unknown>;
const entry = (id: string) => ({ auditID: id, verb: 'get' });
const recognise = (v: Json) => (typeof v.auditID === 'string' ? (v.auditID as string) : null);
const found = (doc: unknown, limits = {}) =>
  findWrapped(doc, recognise, limits).map((f) => [f.entry, f.path, f.envelopes.length]);

describe('findWrapped', () => {
  it('finds the document itself, an object field, JSON text in a field, and JSON text inside JSON text', () => {
    expect(found(entry('a'))).toEqual([['a', '', 0]]);
    expect(found({ jsonPayload: entry('b') })).toEqual([['b', 'jsonPayload', 1]]);
    expect(found({ stream: 'stdout', log: `${JSON.stringify(entry('c'))}\n` })).toEqual([['c', 'log', 1]]);
    const twice = JSON.stringify({ message: JSON.stringify(entry('d')) });
    expect(found({ properties: { log: twice } })).toEqual([['d', 'properties.log.message', 3]]);
  });

  it('takes every item of a list, and one entry per record: the first field that holds one', () => {
    expect(
      found({
        events: [
          { message: JSON.stringify(entry('a')) },
          { message: 'GET /healthz' },
          { message: JSON.stringify(entry('b')) },
        ],
      }),
    ).toEqual([
      ['a', 'events[0].message', 2],
      ['b', 'events[2].message', 2],
    ]);
    // A collector's test case holds the raw line and its parsed rendering: one entry, not two.
    expect(
      found({ input: { message: JSON.stringify(entry('a')) }, expected: { parsed: entry('a') } }),
    ).toEqual([['a', 'input.message', 2]]);
  });

  it('stops at its depth bounds, and leaves plain text, numbers and broken JSON alone', () => {
    let deep: unknown = entry('deep');
    for (let i = 0; i < 10; i++) deep = { wrap: deep };
    expect(found(deep)).toEqual([]);
    expect(found(deep, { maxDepth: 12 })).toHaveLength(1);
    let text: unknown = entry('t');
    for (let i = 0; i < 4; i++) text = JSON.stringify({ m: text });
    expect(found({ m: text })).toEqual([]);
    expect(found({ a: 'plain', b: 42, c: '{"auditID": "cut', d: null })).toEqual([]);
  });

  it('envelopeString reads the innermost envelope first', () => {
    const [hit] = findWrapped(
      { logGroup: 'outer', batch: { logGroup: 'inner', message: JSON.stringify(entry('x')) } },
      recognise,
    );
    expect(envelopeString(hit!.envelopes, ['logGroup'])).toBe('inner');
    expect(envelopeString(hit!.envelopes, ['missing'])).toBeNull();
  });

  it('parseJsonText takes objects and arrays only', () => {
    expect(parseJsonText(' {"a":1}\n')).toEqual({ a: 1 });
    expect(parseJsonText('[1]')).toEqual([1]);
    expect(parseJsonText('42')).toBeUndefined();
    expect(parseJsonText('{not json}')).toBeUndefined();
  });
});
