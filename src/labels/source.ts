// Where a label comes from, and its stable id: the same bundle (by content, wherever it lies) and
// the same root finding give the same id on every run, so that datasets can be merged and diffed.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Bundle } from '../bundle/reader.ts';
import type { Subject } from '../vocab/object-ref.ts';

export interface LabelSource {
  bundle: string;
  digest: string;
  producer: string;
  scenario: string | null;
  seed: number | null;
}

/** sha256 of the files' contents, in the order given, read as a stream (bundles can be large). */
export async function digestFiles(files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    hash.update('\0');
  }
  return hash.digest('hex');
}

export async function labelSource(bundle: Bundle): Promise<LabelSource> {
  const files = bundle.files.map((f) => f.path);
  const extra = bundle.metadata.extra as { scenario?: unknown; seed?: unknown };
  return {
    bundle: files.map((f) => path.basename(f)).join(', '),
    digest: await digestFiles(files),
    producer: bundle.metadata.producer,
    scenario: typeof extra.scenario === 'string' ? extra.scenario : null,
    seed: typeof extra.seed === 'number' && Number.isInteger(extra.seed) ? extra.seed : null,
  };
}

/** `ts-` and 16 hex digits: the label type's prefix and a hash of the bundle and what it is about. */
export function labelId(
  prefix: string,
  digest: string,
  about: { pattern?: string; subject: Subject; first?: string },
): string {
  const s = about.subject;
  const key = [
    digest,
    about.pattern ?? '',
    s.namespace ?? '',
    s.kind,
    s.name,
    s.container ?? '',
    about.first ?? '',
  ].join('\n');
  return `${prefix}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}
