// Hashes the control plane derives names from: pod-template-hash (FNV-32a rendered with the safe
// alphabet, as the Deployment controller does) and stable digests for image IDs and container IDs.

import { createHash } from 'node:crypto';
import { NAME_ALPHABET } from './rng.ts';

export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

/** rand.SafeEncodeString: each character mapped onto the alphabet without vowels. */
export function safeEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += NAME_ALPHABET[text.charCodeAt(i) % NAME_ALPHABET.length];
  return out;
}

/** The `pod-template-hash` of a pod template, as controller.ComputeHash renders it. */
export function podTemplateHash(template: unknown, collisionCount = 0): string {
  const base = fnv32a(stableStringify(template));
  const withCollision = collisionCount > 0 ? fnv32a(`${base}:${collisionCount}`) : base;
  return safeEncode(String(withCollision));
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with sorted keys, so that equal objects hash equally whatever their key order. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

const templateHashes = new WeakMap<object, string>();

/** A short stable hash of a workload's pod template, cached per template object. */
export function templateRevisionHash(template: object): string {
  let h = templateHashes.get(template);
  if (h === undefined) {
    h = safeEncode(String(fnv32a(stableStringify(template)))).slice(0, 10);
    templateHashes.set(template, h);
  }
  return h;
}
