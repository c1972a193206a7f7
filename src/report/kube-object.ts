// Objects printed as `kubectl get -o yaml|json|name` prints them: keys in sorted order (kubectl
// goes through Go maps), JSON indented by four spaces, several objects wrapped in a `List`.

import { stringify } from 'yaml';
import type { Json } from '../kube/fields.ts';
import { escapeControl } from './escape.ts';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

function wrap(objects: readonly Json[], single: boolean): unknown {
  if (single && objects.length === 1) return objects[0];
  return { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } };
}

/** JSON that stays valid and inert on a terminal: C1 controls and bidi marks escaped too. */
export function renderJson(objects: readonly Json[], single: boolean): string {
  const text = JSON.stringify(sortKeys(wrap(objects, single)), null, 4);
  return `${text.replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

export function renderYaml(objects: readonly Json[], single: boolean): string {
  const text = stringify(sortKeys(wrap(objects, single)), { indentSeq: false, lineWidth: 0 });
  return escapeControl(text);
}

/** `pod/web-1`, `deployment.apps/web`: what -o name prints. */
export function renderNames(items: readonly { kind: string; group: string; name: string }[]): string {
  return items
    .map((i) =>
      escapeControl(`${i.kind.toLowerCase()}${i.group ? `.${i.group}` : ''}/${i.name}`, { singleLine: true }),
    )
    .map((line) => `${line}\n`)
    .join('');
}
