// Reading the objects a describe output prints: the report walks the JSON it is given with these,
// and takes nothing but types from the layers that computed it.

import type { Json } from '../../kube/fields.ts';

export type { Json };

export function rec(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
