// Importing an audit export, whatever cloud or shipper made it: each document of the file (shapes.ts)
// is searched for entries (entries.ts), Google Cloud entries become audit.k8s.io events
// (google.ts), and every event goes the way of an API server's own audit log; the cluster the
// export names is kept for the bundle's metadata (clusters.ts).

import { isItemError } from '../../errors.ts';
import type { AuditEntry } from '../../kube/audit.ts';
import type { Json } from '../../kube/fields.ts';
import { normalizeTs, tsFromMillis } from '../../kube/time.ts';
import { type FileContext, issue } from '../context.ts';
import type { FileBody, FileHead } from '../format.ts';
import { type ClusterIdentity, identifyCluster, noteCluster } from './clusters.ts';
import { type FoundEntry, findEntries, isWrapped } from './entries.ts';
import { auditEventOfGoogleEntry } from './google.ts';
import { bodyDocuments, type ExportShape, headDocuments, shapeOf } from './shapes.ts';

/** What detection learns from a file's head: its shape, and the entries of the documents in it. */
export interface ExportSniff {
  shape: ExportShape;
  /** Entries found in the documents that fit whole in the head, and the cluster each names. */
  entries: { found: FoundEntry; cluster: ClusterIdentity | null }[];
  /** The head's text, for markers when no whole document fits in it. */
  text: string;
}

// Each audit format asks about the same head: it is read once.
const sniffed = new WeakMap<FileHead, ExportSniff | null>();

// Every entry found has one of these: a head without any is not searched (most files of a dump).
const ENTRY_MARKER_RE = /auditID|AuditId|protoPayload|audit\.k8s\.io/;

export function sniffExport(head: FileHead): ExportSniff | null {
  if (sniffed.has(head)) return sniffed.get(head)!;
  const shape = ENTRY_MARKER_RE.test(head.text) ? shapeOf(head) : null;
  let sniff: ExportSniff | null = null;
  if (shape !== null) {
    const entries: ExportSniff['entries'] = [];
    for (const doc of headDocuments(head, shape)) {
      if (!('value' in doc)) continue;
      for (const found of findEntries(doc.value)) {
        entries.push({ found, cluster: identifyCluster(found) });
      }
    }
    sniff = { shape, entries, text: head.text };
  }
  sniffed.set(head, sniff);
  return sniff;
}

/** Whether the head's entries come wrapped: an envelope, a prefix, a dropped kind, a cloud's own form. */
export function wrappedEntries(sniff: ExportSniff): number {
  return sniff.entries.filter((e) => isWrapped(e.found)).length;
}

/** The format's match: detection's claim, with the shape that import cuts the file by. */
export interface ExportMatch {
  confidence: number;
  reason: string;
  shape: ExportShape;
}

export async function importAuditExport(body: FileBody, ctx: FileContext, match: ExportMatch): Promise<void> {
  ctx.stats.history = true;
  for await (const doc of bodyDocuments(body, match.shape)) {
    if ('error' in doc) {
      issue(ctx, doc.line, doc.error);
      continue;
    }
    const found = findEntries(doc.value);
    if (found.length === 0) {
      issue(
        ctx,
        doc.line,
        'no audit event in it (neither an audit.k8s.io Event nor a Google Cloud audit entry, also inside its fields)',
      );
      continue;
    }
    for (const entry of found) takeEntry(entry, doc.line, ctx);
  }
}

function takeEntry(found: FoundEntry, line: number, ctx: FileContext): void {
  const cluster = identifyCluster(found);
  if (cluster) noteCluster(ctx.stats.clusters, cluster);
  let event: AuditEntry;
  if (found.entry.type === 'google') {
    const converted = auditEventOfGoogleEntry(found.entry.entry);
    if ('skip' in converted) {
      issue(ctx, line, converted.skip);
      return;
    }
    event = converted.event;
  } else {
    const dated = withEnvelopeTime(found.entry.event, found.envelopes);
    if (dated === null) {
      issue(
        ctx,
        line,
        `audit event ${String(found.entry.event.auditID)} carries no time, nor does its envelope`,
      );
      return;
    }
    event = dated;
  }
  try {
    ctx.sink.audit(event, undefined, { stats: ctx.stats, origin: ctx.origin });
  } catch (error) {
    if (!isItemError(error)) throw error;
    issue(ctx, line, error.message);
  }
}

const EVENT_TIMES = ['stageTimestamp', 'timestamp', 'requestReceivedTimestamp'] as const;
const ENVELOPE_TIMES = ['time', '@timestamp', 'timestamp', 'TimeGenerated', 'receiveTimestamp'] as const;

/**
 * An event that a shipper passed on without its times takes the envelope's: when the line was
 * written or shipped (seconds later at most). Null when neither says.
 */
function withEnvelopeTime(event: AuditEntry, envelopes: readonly Json[]): AuditEntry | null {
  if (EVENT_TIMES.some((key) => normalizeTs(event[key]) !== null)) return event;
  for (let i = envelopes.length - 1; i >= 0; i--) {
    for (const key of ENVELOPE_TIMES) {
      const value = envelopes[i]![key];
      // CloudWatch writes epoch milliseconds.
      const ts = typeof value === 'number' && value > 1e11 ? tsFromMillis(value) : normalizeTs(value);
      if (ts !== null) return { ...event, stageTimestamp: ts };
    }
  }
  return null;
}
