// `kubectl describe` of kinds without a describer of their own (custom resources, ConfigMaps,
// Services...): the object's fields as an indented outline with kubectl's "Title Case" names.

import type { DescribeInput } from '../../serve/describe.ts';
import { eventsTable, labelsAndAnnotations } from './common.ts';
import { type Json, rec, str } from './fields.ts';
import { DescribeWriter } from './writer.ts';

/** `creationTimestamp` → `Creation Timestamp`, as kubectl names fields. */
export function titleCase(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const SKIPPED_METADATA = new Set(['name', 'namespace', 'labels', 'annotations', 'managedFields']);

function outline(w: DescribeWriter, level: number, value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item && typeof item === 'object') outline(w, level, item);
      else w.line(level, String(item));
    }
    return;
  }
  // kubectl lists the fields of an object in sorted order.
  for (const [key, v] of Object.entries(rec(value) ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'object') {
      if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) {
        w.line(level, `${titleCase(key)}:`);
        for (const x of v) w.line(level + 1, String(x));
        continue;
      }
      w.line(level, `${titleCase(key)}:`);
      outline(w, level + 1, v);
    } else w.line(level, `${titleCase(key)}:`, String(v));
  }
}

export function describeGeneric({ object, events, at }: DescribeInput): string {
  const w = new DescribeWriter();
  const metadata = rec(object.metadata) ?? {};
  w.field(0, 'Name', str(metadata.name));
  if (str(metadata.namespace)) w.field(0, 'Namespace', String(metadata.namespace));
  labelsAndAnnotations(w, object);
  w.field(0, 'API Version', str(object.apiVersion));
  w.field(0, 'Kind', str(object.kind));
  const rest: Json = {};
  for (const [k, v] of Object.entries(metadata)) if (!SKIPPED_METADATA.has(k)) rest[k] = v;
  w.line(0, 'Metadata:');
  outline(w, 1, rest);
  for (const [key, v] of Object.entries(object)) {
    if (['apiVersion', 'kind', 'metadata'].includes(key) || v === null || v === undefined) continue;
    if (typeof v === 'object') {
      w.line(0, `${titleCase(key)}:`);
      outline(w, 1, v);
    } else w.line(0, `${titleCase(key)}:`, String(v));
  }
  eventsTable(w, events, at);
  return w.toString();
}
