// `kubectl describe` output, one or many objects back to back, as objects and Events in the bundle.
// Each block's kind comes from its keys (the command's word only where the text cannot tell); its
// capture time from the absolute times it shows and the ages beside them (see captureOf).

import { addMicros } from '../../kube/time.ts';
import { isLater, observedTimeOf } from '../capture-time.ts';
import { type FileContext, issue, note } from '../context.ts';
import { markDerived } from './derived.ts';
import type { DescribedObject, DescribeKind, Json } from './describe-common.ts';
import { describeCustomResource } from './describe-custom.ts';
import { type EventSubject, parseDescribeEvents } from './describe-events.ts';
import { DESCRIBE_KINDS, describerForKind } from './describe-kinds.ts';
import { lostIndentation, reindent } from './describe-reindent.ts';
import { indentOf, parseDescribeTree, type TextLine } from './describe-tree.ts';
import { emitInOrder, type PreparedSection } from './prepared.ts';
import type { Age } from './time-text.ts';

/** What the command that printed the text says about it, when it is known. */
export interface DescribeHint {
  kind?: string;
  namespace?: string;
}

/** The annotation value of objects read from describe output. */
export const DESCRIBE_SOURCE = 'kubectl describe';

const BLOCK_START_RE = /^Name:\s+\S/;

/** Whether a line opens a describe block. */
export function isDescribeStart(text: string): boolean {
  return BLOCK_START_RE.test(text);
}

interface Block {
  describer: DescribeKind;
  built: DescribedObject;
  eventLines: TextLine[];
  subject: EventSubject;
  /** When the block was printed at the earliest, as far as it says; null when it shows no absolute time. */
  capture: string | null;
}

/** Read the describe blocks in `lines`, to be written once it is known when they were printed. */
export function prepareDescribe(
  lines: readonly TextLine[],
  ctx: FileContext,
  hint: DescribeHint = {},
): PreparedSection | null {
  const blocks: Block[] = [];
  // Without its indentation, a volume's `Name:` would look like the next object's.
  const flat = lostIndentation(lines);
  if (flat)
    note(
      ctx,
      lines[0]?.line,
      'a describe without its indentation (lost when it was pasted): its nesting read from the keys kubectl prints at each level',
    );
  for (const blockLines of splitBlocks(flat ? reindent(lines) : lines, ctx)) {
    const block = readBlock(blockLines, ctx, hint);
    if (block) blocks.push(block);
  }
  if (blocks.length === 0) return null;
  // One command printed them all at once: the latest time any of them shows is when, for each.
  let floor: string | null = null;
  for (const b of blocks) if (b.capture !== null && isLater(b.capture, floor)) floor = b.capture;
  return {
    floor,
    emit: (capture, observed) => {
      for (const b of blocks) emit(b, capture, observed, ctx);
    },
  };
}

/** Import the describe blocks in `lines`; false when none could be read. */
export function importDescribe(
  lines: readonly TextLine[],
  ctx: FileContext,
  hint: DescribeHint = {},
): boolean {
  const prepared = prepareDescribe(lines, ctx, hint);
  if (!prepared) return false;
  emitInOrder([prepared], ctx);
  return true;
}

/** Blocks from each `Name:` line at the left margin to the next. */
function splitBlocks(lines: readonly TextLine[], ctx: FileContext): TextLine[][] {
  const blocks: TextLine[][] = [];
  let current: TextLine[] | null = null;
  for (const line of lines) {
    if (isDescribeStart(line.text)) {
      current = [line];
      blocks.push(current);
    } else if (current) {
      current.push(line);
    } else if (line.text.trim() !== '') {
      issue(
        ctx,
        line.line,
        `text before the first "Name:" of a describe, not read: "${line.text.trim().slice(0, 60)}"`,
      );
    }
  }
  return blocks;
}

function readBlock(lines: TextLine[], ctx: FileContext, hint: DescribeHint): Block | null {
  const eventsAt = lines.findIndex((l) => /^Events:/.test(l.text) && indentOf(l.text) === 0);
  const body = eventsAt < 0 ? lines : lines.slice(0, eventsAt);
  const eventLines = eventsAt < 0 ? [] : lines.slice(eventsAt + 1);
  const nodes = parseDescribeTree(body);
  const keys = new Set(nodes.map((n) => n.key).filter((k): k is string => k !== null));
  let describer = DESCRIBE_KINDS.find((k) => k.matches(keys, nodes));
  // The command's word decides only what the text cannot: a ReplicationController reads as a ReplicaSet.
  if (hint.kind && (!describer || (describer.kind === 'ReplicaSet' && hint.kind === 'ReplicationController')))
    describer = describerForKind(hint.kind);
  const first = lines[0]!;
  if (!describer) {
    issue(
      ctx,
      first.line,
      `a describe whose kind kstory cannot tell from its fields (${[...keys].slice(0, 6).join(', ')}): not imported; save the command with it, e.g. "kubectl describe <kind> <name>"`,
    );
    return null;
  }
  const built = describer.build(nodes);
  const object = built.object;
  const metadata = object.metadata as Json;
  if (!metadata.name) {
    issue(ctx, first.line, `a ${describer.kind} describe without a name: not imported`);
    return null;
  }
  // A custom resource's describe says its own kind, version and scope.
  const namespaced =
    describer.namespaced && (describer !== describeCustomResource || 'namespace' in metadata);
  if (namespaced && hint.namespace && !keys.has('Namespace')) metadata.namespace = hint.namespace;
  const subject: EventSubject = {
    apiVersion: (object.apiVersion as string | undefined) ?? describer.apiVersion,
    kind: (object.kind as string | undefined) ?? describer.kind,
    name: metadata.name as string,
    namespace: namespaced ? (metadata.namespace as string) : undefined,
    ...built.subject,
  };
  // Every describer but a Secret's ends with its Events (`Events:  <none>` when there are none).
  if (eventsAt < 0 && subject.kind !== 'Secret') {
    const last = lines.findLast((l) => l.text.trim() !== '') ?? first;
    note(
      ctx,
      last.line,
      `the describe of ${subject.kind} ${subject.name} ends at line ${last.line} before its Events: cut short (or printed with --show-events=false), what it shows is read`,
    );
  }
  const { oldest } = parseDescribeEvents(eventLines, subject, '1970-01-01T00:00:00Z', DESCRIBE_SOURCE);
  return { describer, built, eventLines, subject, capture: captureOf(built, oldest) };
}

/**
 * When a describe was printed, as far as it says: at least the newest time it shows (a heartbeat,
 * a container start, a lease renewal), and at least its creation or start plus the age of its
 * oldest event (events about an object come after it). kubectl rounds ages down, so this is a
 * floor, usually within a second of the truth.
 */
function captureOf(built: DescribedObject, oldest: Age | null): string | null {
  let floor: string | null = null;
  const consider = (ts: string | null | undefined) => {
    if (ts && isLater(ts, floor)) floor = ts;
  };
  consider(observedTimeOf(built.object));
  for (const related of built.related ?? []) consider(observedTimeOf(related));
  if (built.since && oldest) consider(addMicros(built.since, oldest.ms * 1000));
  return floor;
}

function emit(block: Block, capture: string, observed: boolean, ctx: FileContext): void {
  const { built } = block;
  built.relative?.(built.object, capture);
  const opts = { stats: ctx.stats, origin: ctx.origin, fallbackTs: capture, observed };
  ctx.sink.object(markDerived(built.object, DESCRIBE_SOURCE), { ...opts, watchEvent: null });
  for (const related of built.related ?? []) {
    // What a describe says of another object (a Deployment's ReplicaSets) is less than that object's
    // own describe or YAML: as another version it would make every field it lacks look changed.
    const meta = related.metadata as { name: string; namespace?: string };
    if (ctx.sink.hasObject(related.kind as string, meta.namespace, meta.name)) continue;
    ctx.sink.object(markDerived(related, DESCRIBE_SOURCE), { ...opts, watchEvent: null });
  }
  const { events, unreadable } = parseDescribeEvents(
    block.eventLines,
    block.subject,
    capture,
    DESCRIBE_SOURCE,
  );
  for (const u of unreadable) issue(ctx, u.line, u.reason);
  for (const ev of events) ctx.sink.event(ev, opts);
}
