// `kubectl get` output read back: each table's rows as the objects or Events they print, the kind
// from `kind/name` names, the command, or the columns. Ages are counted back from when it was printed.

import { type FileContext, issue, note } from '../context.ts';
import type { KubectlCommand } from './command.ts';
import { kindOfWord } from './command.ts';
import { markDerived } from './derived.ts';
import type { TextLine } from './describe-tree.ts';
import { eventOfRow, isEventTable } from './get-events.ts';
import { kindOfColumns, objectOfRow } from './get-rows.ts';
import type { PreparedSection } from './prepared.ts';
import { headerlessTable, parseTables, type Table } from './tables.ts';

/** Read the tables in `lines`, or null when there are none. */
export function prepareGet(
  lines: readonly TextLine[],
  command: KubectlCommand | null,
  ctx: FileContext,
): PreparedSection | null {
  let tables = parseTables(lines);
  if (tables.length === 0 && (command === null || command.verb === 'get')) {
    const headerless = headerlessTable(lines, command);
    if (headerless) noteInferred(headerless, command, lines[0]!.line, ctx);
    tables = headerless ? [headerless] : [];
  }
  if (tables.length === 0) return null;
  const source = `kubectl get${command?.output === 'wide' ? ' -o wide' : ''}`;
  const namespace = command?.namespace ?? 'default';
  return {
    floor: null,
    emit: (capture, observed) => {
      const opts = { stats: ctx.stats, origin: ctx.origin, fallbackTs: capture, observed };
      for (const table of tables) {
        if (isEventTable(table.headers)) {
          for (const row of table.rows) {
            const ev = eventOfRow(row, { namespace, capture });
            if (typeof ev === 'string') issue(ctx, row.line, ev);
            else ctx.sink.event(ev, opts);
          }
          continue;
        }
        for (const row of table.rows) {
          const { kind, cells } = kindOfRow(row.cells, table, command);
          if (!kind) {
            issue(
              ctx,
              row.line,
              `a row of a table whose kind kstory cannot tell (${table.headers.join(' ')}): not imported`,
            );
            continue;
          }
          const obj = objectOfRow(cells, {
            kind,
            namespace,
            capture,
            podContainers: (ns, pod) => ctx.sink.podInfo(ns, pod)?.containers,
          });
          if (!obj) continue;
          // A row says less than the describe or the object read before it (tables are read late):
          // as another version it would make every field it lacks look changed.
          const meta = obj.metadata as { name: string; namespace?: string };
          if (ctx.sink.hasObject(kind, meta.namespace, meta.name)) continue;
          ctx.sink.object(markDerived(obj, source), { ...opts, watchEvent: null });
        }
      }
    },
  };
}

/** The summary says which columns rows printed without a header were read with, and from what. */
function noteInferred(table: Table, command: KubectlCommand | null, line: number, ctx: FileContext): void {
  const from =
    table.inferred === 'command'
      ? `from the command "${command!.text}"`
      : `from what the values look like (${isEventTable(table.headers) ? 'Event' : (kindOfColumns(table.headers) ?? 'unknown kind')} rows; no command or header says)`;
  note(ctx, line, `a table printed without its header: columns inferred ${from}: ${table.headers.join(' ')}`);
}

/** `pod/x` names say the kind (`kubectl get pods,svc`); else the command's one kind, else the columns. */
function kindOfRow(
  cells: Record<string, string>,
  table: Table,
  command: KubectlCommand | null,
): { kind: string | null; cells: Record<string, string> } {
  const name = cells.NAME ?? '';
  const slash = name.indexOf('/');
  if (slash > 0) {
    const kind = kindOfWord(name.slice(0, slash));
    if (kind) return { kind, cells: { ...cells, NAME: name.slice(slash + 1) } };
  }
  if (command?.kinds.length === 1) return { kind: command.kinds[0]!, cells };
  return { kind: kindOfColumns(table.headers), cells };
}
