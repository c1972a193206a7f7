// Taking a writer's spool: a new one created, or one left by an earlier run resumed (its cut last
// line dropped), its state rewritten for this writer.

import { existsSync, mkdirSync } from 'node:fs';
import { KstoryError } from '../errors.ts';
import { REDACTION_RULES } from '../kube/redact.ts';
import { TOOL_VERSION } from '../version.ts';
import { FORMAT_VERSION } from './columns.ts';
import { BundleMetadataSchema, type MetadataPatch } from './metadata.ts';
import {
  listSegments,
  lockSpool,
  readSpoolState,
  SPOOL_VERSION,
  type SpoolState,
  truncatePartialLine,
  writeSpoolState,
} from './spool.ts';

/** Spools are readable by their owner only: they hold what a cluster said. */
const DIRECTORY_MODE = 0o700;

/** The spool's state, locked for this process, and the number of the segment to open next. */
export function takeSpool(
  spoolDir: string,
  options: { output: string; metadata: MetadataPatch; resume: boolean; anonymize: boolean },
): { state: SpoolState; nextSegment: number } {
  let state: SpoolState;
  let nextSegment = 1;
  if (existsSync(spoolDir)) {
    if (!options.resume) {
      throw new KstoryError(`a spool already exists at ${spoolDir}`, {
        hint: 'It holds rows of an earlier run: continue it with --resume, or turn it into a bundle with `kstory bundle repair`.',
      });
    }
    lockSpool(spoolDir);
    state = readSpoolState(spoolDir);
    state.metadata = { ...state.metadata, ...stripUndefined(options.metadata) };
    const segments = listSegments(spoolDir);
    for (const segment of segments) {
      if (segment.ndjson) truncatePartialLine(segment.ndjson);
    }
    nextSegment = (segments.at(-1)?.number ?? 0) + 1;
  } else {
    mkdirSync(spoolDir, { recursive: true, mode: DIRECTORY_MODE });
    lockSpool(spoolDir);
    state = {
      spool_version: SPOOL_VERSION,
      output: options.output,
      spooled_bytes: 0,
      anonymize: false,
      metadata: BundleMetadataSchema.parse({
        format_version: FORMAT_VERSION,
        tool_version: TOOL_VERSION,
        created_at: new Date().toISOString(),
        ...stripUndefined(options.metadata),
      }),
    };
  }
  // Segments this writer adds are in the current format: a kstory that reads only older ones must
  // refuse the spool rather than miss them.
  state.spool_version = SPOOL_VERSION;
  // The writer redacts every row, whatever the producer says it did.
  state.metadata.redaction = [...REDACTION_RULES];
  if (options.anonymize) state.anonymize = true;
  writeSpoolState(spoolDir, state);
  return { state, nextSegment };
}

export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
