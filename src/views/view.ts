// What a view is: the statement that creates it (a .sql file beside its spec, or, for a source's
// rows, generated from the bundle's columns), what it is for, and how patterns read it.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Source } from '../bundle/columns.ts';

/** A derived field patterns can filter on as if it were a column. */
export interface VirtualField {
  sql: string;
  doc: string;
}

/** How the pattern compiler reads a view (see src/patterns/signal-rows.ts). */
export interface SignalSpec {
  /** Subject of a row, as SQL: kind, name and container (its namespace is the `namespace` column). */
  subject: { kind: string; name: string; container: string };
  /** A one-line, human-readable excerpt of a row, shown as evidence. */
  excerpt: string;
  virtual?: Readonly<Record<string, VirtualField>>;
  /** Rows are versions of a state that lasts until the subject's next row, as opposed to point
   * observations (events, audit entries, log lines, samples, changes). */
  state?: boolean;
  /** Columns besides the subject that have a history of their own (a condition `type`). */
  history?: readonly string[];
  /** A row stands for repeats of one occurrence that the producer folded together (an Event whose
   * count grows): how many it stands for, when the first of them was, and what identifies the
   * repeating thing across rows. Such rows are split into bursts (signal-sql.ts). */
  repeats?: { occurrences: string; first: string; identity: string };
}

/** The meaning of a view's columns: one entry per column or run of columns, in the view's order. */
export type ColumnDocs =
  /** `names` may be `['*']`: every column not documented by another entry, where it stands. */
  | { kind: 'list'; entries: readonly { names: readonly string[]; doc: string }[] }
  /** The columns of another view. */
  | { kind: 'as'; view: string }
  /** The bundle's columns common to all sources and those of one source (docs/bundle-format.md):
   * the only ones patterns may name on the view. */
  | { kind: 'source'; source: Source };

export interface ViewDefinition<
  Name extends string = string,
  Signal extends SignalSpec | undefined = SignalSpec | undefined,
> {
  name: Name;
  /** What the view is for. */
  doc: string;
  /** The bundle source its rows describe: how evidence from it is labelled. */
  source: Source;
  /** Views it reads (`bundle` always exists): created before it. */
  reads: readonly string[];
  /** `CREATE VIEW <name> AS ...`, without a final semicolon. */
  create: string;
  columns: ColumnDocs;
  /** The .sql file, relative to src/views/; null for a generated view. */
  file: string | null;
  /** How patterns read it; undefined for a view patterns cannot read. */
  signal: Signal;
}

interface ViewSpec<Name extends string, Signal extends SignalSpec | undefined> {
  name: Name;
  source: Source;
  signal: Signal;
}

/** A definition's type keeps its name and whether patterns can read it, nothing narrower. */
type Defined<Name extends string, Signal> = ViewDefinition<
  Name,
  Signal extends undefined ? undefined : SignalSpec
>;

/**
 * A view whose statement is a .sql file beside the module that defines it. The file starts with a
 * header comment (see docs/views.md): a paragraph saying what the view is for, `Reads:` and
 * `Columns:`; then `CREATE VIEW <name> AS ...;`, runnable as it is in the DuckDB CLI.
 */
export function sqlView<const Name extends string, Signal extends SignalSpec | undefined>(
  moduleUrl: string,
  file: string,
  spec: ViewSpec<Name, Signal>,
): Defined<Name, Signal> {
  const fullPath = fileURLToPath(new URL(file, moduleUrl));
  let text: string;
  try {
    text = readFileSync(fullPath, 'utf8');
  } catch (error) {
    // A build that compiled the TypeScript without copying the SQL beside it (npm run build does both).
    throw new Error(
      `${fullPath}: the SQL of the ${spec.name} view is missing; run npm run build (${String(error)})`,
    );
  }
  return { ...spec, file: path.basename(fullPath), ...parseViewFile(text, spec.name, fullPath) } as Defined<
    Name,
    Signal
  >;
}

/** A source's rows of the bundle. The view has every column of the format, for whoever queries it;
 * patterns may name only the common ones and the source's own, the others being null on its rows. */
export function sourceView<const Name extends string, Signal extends SignalSpec | undefined>(
  spec: ViewSpec<Name, Signal> & {
    doc: string /** SQL: rows of the source the view leaves out. */;
    except?: string;
    /** SQL: columns read another way than as stored, by name (the expression reads the stored ones). */
    replace?: Readonly<Record<string, string>>;
  },
): Defined<Name, Signal> {
  const { except, replace, ...rest } = spec;
  const replaced = Object.entries(replace ?? {}).map(([column, sql]) => `${sql} AS ${column}`);
  return {
    ...rest,
    reads: [],
    create: `CREATE VIEW ${spec.name} AS SELECT *${replaced.length > 0 ? ` REPLACE (${replaced.join(', ')})` : ''} FROM bundle WHERE source = '${spec.source}'${except ? ` AND NOT coalesce(${except}, false)` : ''}`,
    columns: { kind: 'source', source: spec.source },
    file: null,
  } as Defined<Name, Signal>;
}

/** The query a view is defined by, without `CREATE VIEW <name> AS`: to create the relation another
 * way (as a table) without creating the view first. */
export function viewQuery(view: Pick<ViewDefinition, 'name' | 'create'>): string {
  const prefix = `CREATE VIEW ${view.name} AS`;
  if (!view.create.startsWith(prefix)) throw new Error(`the ${view.name} view is not created by ${prefix}`);
  return view.create.slice(prefix.length).trim();
}

const HEADER_LINE = /^--(?: (.*))?$/;
const COLUMN_ENTRY = /^ {2}([a-z_*][a-z0-9_, *]*): (.+)$/;
const CONTINUATION = /^ {4}(\S.*)$/;

/** The parts of a view's .sql file; throws, naming the file, on one that does not follow the form. */
export function parseViewFile(
  text: string,
  name: string,
  file: string,
): Pick<ViewDefinition, 'doc' | 'reads' | 'create' | 'columns'> {
  const fail = (why: string): never => {
    throw new Error(`${file}: ${why} (see docs/views.md)`);
  };
  const lines = text.split('\n');
  const header: string[] = [];
  let body = 0;
  for (; body < lines.length; body++) {
    const match = HEADER_LINE.exec(lines[body]!);
    if (!match) break;
    header.push(match[1] ?? '');
  }
  const statement = lines.slice(body).join('\n').trim().replace(/;$/, '');
  const created = /^CREATE VIEW ([a-z_]+) AS\s/.exec(statement);
  if (!created) fail('after the header comes `CREATE VIEW <name> AS ...;`');
  if (created![1] !== name) fail(`it creates the view ${created![1]}, not ${name}`);

  const paragraphs: string[][] = [[]];
  for (const line of header) {
    if (line.trim() === '') paragraphs.push([]);
    else paragraphs.at(-1)!.push(line);
  }
  const sections = paragraphs.filter((p) => p.length > 0);
  const doc = sections[0]?.join(' ') ?? '';
  const prefix = `${name}: `;
  if (!doc.startsWith(prefix)) fail(`the header starts with "-- ${prefix}" and what the view is for`);

  const readsLine = sections.find((p) => p[0]!.startsWith('Reads: '));
  if (readsLine?.length !== 1) fail('the header has one line "-- Reads: <views>"');
  const reads = readsLine![0]!
    .slice('Reads: '.length)
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== 'bundle');

  const columnsSection = sections.find((p) => p[0]!.startsWith('Columns:'));
  if (!columnsSection) fail('the header has a "-- Columns:" section');
  const [first, ...rest] = columnsSection!;
  const as = /^Columns: as ([a-z_]+)$/.exec(first!);
  let columns: ColumnDocs;
  if (as) {
    if (rest.length > 0) fail('"Columns: as <view>" stands alone');
    columns = { kind: 'as', view: as[1]! };
  } else {
    if (first !== 'Columns:') fail('"Columns:" is followed by one line per column');
    const entries: { names: string[]; doc: string }[] = [];
    for (const line of rest) {
      const entry = COLUMN_ENTRY.exec(line);
      const continued = CONTINUATION.exec(line);
      if (entry) {
        entries.push({ names: entry[1]!.split(',').map((n) => n.trim()), doc: entry[2]! });
      } else if (continued && entries.length > 0) {
        entries.at(-1)!.doc += ` ${continued[1]}`;
      } else {
        fail(`"${line}" is neither "  <column>: <meaning>" nor its continuation`);
      }
    }
    columns = { kind: 'list', entries };
  }
  return { doc: doc.slice(prefix.length), reads, create: statement, columns };
}
