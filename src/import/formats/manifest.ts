// Manifests (what someone applied: objects with no uid, resourceVersion, creation time or status),
// as found beside real artifacts in incident folders and test fixtures. They say what was meant to
// run, not what the cluster held, so they are named and skipped rather than read as cluster state.

import { CORE_SCHEMA, loadAll } from 'js-yaml';
import type { SkippedContent } from '../format.ts';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An object as written to be applied: a spec to apply, and nothing the API server sets. (An object
 * without a spec, such as a kubeconfig or a bare test object, is left to the object formats.)
 */
function isManifestObject(doc: unknown): boolean {
  if (!isRecord(doc) || typeof doc.kind !== 'string' || typeof doc.apiVersion !== 'string') return false;
  if (!isRecord(doc.spec) || Object.keys(doc.spec).length === 0) return false;
  const metadata = isRecord(doc.metadata) ? doc.metadata : {};
  if (metadata.uid !== undefined || metadata.resourceVersion !== undefined) return false;
  if (typeof metadata.creationTimestamp === 'string') return false;
  return !isRecord(doc.status) || Object.keys(doc.status).length === 0;
}

export const manifest: SkippedContent = {
  name: 'manifest',
  description:
    'manifests (objects without uid, resourceVersion, creation time or status): what was applied, not what the cluster held',
  detect: (head) => {
    // Whole small YAML files only: an export of live objects always carries what the server sets.
    if (!head.complete || !/^(?:---\s*\n)?(?:#.*\n)*(?:apiVersion|kind):/m.test(head.text.slice(0, 4096)))
      return null;
    let docs: unknown[];
    try {
      docs = loadAll(head.text, undefined, { schema: CORE_SCHEMA, json: true }).filter(
        (d) => d !== null && d !== undefined,
      );
    } catch {
      return null;
    }
    if (docs.length === 0 || !docs.every(isManifestObject)) return null;
    return {
      confidence: 0.6,
      reason: 'manifest (no uid, resourceVersion or status): what was applied, not cluster state',
    };
  },
};
