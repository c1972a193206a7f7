// Every registered view: created from the views it says it reads, documented column for column as
// DuckDB describes it, its spec naming only what it has, runnable on real bundles and by hand.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMN_NAMES, sourceColumns } from '../../src/bundle/columns.ts';
import { Database } from '../../src/bundle/duckdb.ts';
import { patternColumns, viewColumns } from '../../src/views/catalogue.ts';
import { createViews, creationOrder } from '../../src/views/create.ts';
import { openBundle } from '../../src/views/open.ts';
import { SIGNAL_VIEWS, VIEWS, type ViewName, viewNamed } from '../../src/views/registry.ts';
import { parseViewFile, type ViewDefinition } from '../../src/views/view.ts';
import { writeBundle } from '../support/bundles.ts';
import { ROOT } from '../support/cli.ts';
import { useTempDir } from '../support/temp.ts';
import { emptyBundleDb } from '../support/views.ts';

const VIEWS_DIR = path.join(ROOT, 'src/views');

/** The view and every view it reads, directly or not. */
function withReads(view: ViewDefinition): ViewDefinition[] {
  const needed = new Map<string, ViewDefinition>();
  const visit = (v: ViewDefinition) => {
    if (needed.has(v.name)) return;
    needed.set(v.name, v);
    for (const read of v.reads) visit(viewNamed(read)!);
  };
  visit(view);
  return [...needed.values()];
}

/** The columns a view's header documents, expanded, in order. */
function documentedColumns(
  docs: { entries: readonly { names: readonly string[] }[] },
  described: readonly string[],
) {
  const named = new Set(docs.entries.flatMap((e) => e.names).filter((n) => n !== '*'));
  return docs.entries.flatMap((e) =>
    e.names.flatMap((n) => (n === '*' ? described.filter((d) => !named.has(d)) : [n])),
  );
}

describe('the view registry', () => {
  it('lists each view once, and patterns read every view but markers', () => {
    expect(new Set(VIEWS.map((v) => v.name)).size).toBe(VIEWS.length);
    expect(
      VIEWS.filter((v) => !(SIGNAL_VIEWS as readonly string[]).includes(v.name)).map((v) => v.name),
    ).toEqual(['markers']);
  });

  for (const view of VIEWS) {
    it(`creates ${view.name} from the views it reads alone`, async () => {
      const db = await emptyBundleDb();
      try {
        await createViews(db, withReads(view));
        const rows = await db.all(`SELECT count(*)::INTEGER AS n FROM ${view.name}`);
        expect(rows).toEqual([{ n: 0 }]);
      } finally {
        db.close();
      }
    });

    it(`documents the columns of ${view.name} as DuckDB describes them`, () => {
      const described = viewColumns(view.name).map((c) => c.name);
      const docs = view.columns;
      if (docs.kind === 'list') {
        expect(documentedColumns(docs, described)).toEqual(described);
        expect(patternColumns(view.name)).toEqual(described);
      } else if (docs.kind === 'as') {
        expect(described).toEqual(viewColumns(docs.view as ViewName).map((c) => c.name));
        expect(patternColumns(view.name)).toEqual(patternColumns(docs.view as ViewName));
      } else {
        // A source's rows have every column of the format; patterns name only the source's own.
        expect(described).toEqual(COLUMN_NAMES);
        expect(patternColumns(view.name)).toEqual(sourceColumns(docs.source).map((c) => c.name));
      }
    });
  }
});

describe('the spec of each view patterns read', () => {
  let db: Database;
  beforeAll(async () => {
    db = await emptyBundleDb();
    await createViews(db);
  });
  afterAll(() => db.close());

  for (const view of VIEWS) {
    const signal = view.signal;
    if (!signal) continue;
    it(`names only columns ${view.name} has`, async () => {
      const columns = new Set(patternColumns(view.name));
      const expressions = [
        signal.subject.kind,
        signal.subject.name,
        signal.subject.container,
        signal.excerpt,
        ...Object.values(signal.virtual ?? {}).map((v) => v.sql),
        ...(signal.history ?? []),
        ...(signal.repeats ? Object.values(signal.repeats) : []),
      ];
      for (const expression of expressions) {
        if (/^[a-z_]+$/.test(expression)) expect(columns).toContain(expression);
        // DuckDB binds every column an expression names, even when the view is empty.
        await expect(db.all(`SELECT ${expression} FROM ${view.name}`)).resolves.toEqual([]);
      }
      for (const field of Object.keys(signal.virtual ?? {})) expect(columns).not.toContain(field);
    });
  }
});

describe('views over real bundles', () => {
  const tmp = useTempDir();

  it('all run on an empty bundle', async () => {
    const bundle = await openBundle([await writeBundle(tmp(), 'empty.parquet', [])]);
    try {
      for (const view of VIEWS) {
        expect(await bundle.query(`SELECT count(*)::INTEGER AS n FROM ${view.name}`)).toEqual([{ n: 0 }]);
      }
    } finally {
      bundle.close();
    }
  });

  it('all run on a fixture bundle, and the rows of each source view come from that source only', async () => {
    const bundle = await openBundle([path.join(ROOT, 'fixtures/bad-config-rollout.parquet')]);
    try {
      const counts: Record<string, number> = {};
      for (const view of VIEWS) {
        const [row] = await bundle.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${view.name}`);
        counts[view.name] = row!.n;
        const described = await bundle.query<{ column_name: string; column_type: string }>(
          `DESCRIBE ${view.name}`,
        );
        expect(described.map((d) => ({ name: d.column_name, type: d.column_type }))).toEqual(
          viewColumns(view.name),
        );
      }
      expect(counts.objects).toBeGreaterThan(counts.pods!);
      expect(counts.containers).toBeGreaterThan(0);
      expect(counts.changes).toBeGreaterThan(0);
      const [bySource] = await bundle.query<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM bundle WHERE source IN ('object', 'event')`,
      );
      expect(counts.objects! + counts.events!).toBe(bySource!.n);
    } finally {
      bundle.close();
    }
  });
});

/** The statements under "By hand" in a .sql file's header: SQL, or `.read <file>` as in the DuckDB CLI. */
function byHand(file: string): string[] {
  const lines = readFileSync(path.join(VIEWS_DIR, file), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('-- By hand'));
  expect(start, `${file} says how to run it by hand`).toBeGreaterThan(0);
  const statements: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const match = /^-- {3}(.+)$/.exec(line);
    if (!match) break;
    statements.push(match[1]!);
  }
  return statements;
}

describe('each .sql file, by hand', () => {
  for (const view of VIEWS.filter((v) => v.file !== null)) {
    it(`${view.file} gives rows on the fixture its header names`, async () => {
      const db = await Database.open({ memoryLimit: '512MB', threads: 1 });
      try {
        const statements = byHand(view.file!);
        let rows: unknown[] = [];
        for (const statement of statements) {
          const read = /^\.read (\S+)$/.exec(statement);
          const sql = read
            ? readFileSync(path.join(ROOT, read[1]!), 'utf8')
            : statement.replaceAll("'fixtures/", `'${ROOT}/fixtures/`);
          rows = await db.all(sql);
        }
        expect(statements.at(-1)).toMatch(new RegExp(`FROM ${view.name}\\b`));
        expect(rows.length).toBeGreaterThan(0);
      } finally {
        db.close();
      }
    });
  }
});

describe('a view file', () => {
  const header = [
    '-- demo: what it is for.',
    '--',
    '-- Reads: objects',
    '--',
    '-- Columns:',
    '--   ts: when',
  ];

  it('is read into its purpose, reads, columns and statement', () => {
    const text = [...header, '', 'CREATE VIEW demo AS', 'SELECT ts FROM objects;', ''].join('\n');
    expect(parseViewFile(text, 'demo', 'demo.sql')).toEqual({
      doc: 'what it is for.',
      reads: ['objects'],
      create: 'CREATE VIEW demo AS\nSELECT ts FROM objects',
      columns: { kind: 'list', entries: [{ names: ['ts'], doc: 'when' }] },
    });
  });

  it('is refused, naming the file, when it creates another view or lacks a section', () => {
    const body = ['', 'CREATE VIEW demo AS SELECT 1;'];
    expect(() =>
      parseViewFile([...header, '', 'CREATE VIEW other AS SELECT 1;'].join('\n'), 'demo', 'x.sql'),
    ).toThrow('x.sql: it creates the view other, not demo');
    expect(() =>
      parseViewFile([header[0], '--', header[4], header[5], ...body].join('\n'), 'demo', 'x.sql'),
    ).toThrow('x.sql: the header has one line "-- Reads: <views>"');
    expect(() => parseViewFile([...header.slice(0, 4), ...body].join('\n'), 'demo', 'x.sql')).toThrow(
      'x.sql: the header has a "-- Columns:" section',
    );
    expect(() => parseViewFile([...header, '--   oops', ...body].join('\n'), 'demo', 'x.sql')).toThrow(
      '"  oops" is neither',
    );
  });

  it('orders views after those they read, and refuses unknown reads and cycles', () => {
    const view = (name: string, reads: string[]) => ({ ...VIEWS[0], name, reads }) as ViewDefinition;
    expect(creationOrder([view('a', ['b']), view('b', [])]).map((v) => v.name)).toEqual(['b', 'a']);
    expect(() => creationOrder([view('a', ['nope'])])).toThrow('the a view reads unknown views: nope');
    expect(() => creationOrder([view('a', ['b']), view('b', ['a'])])).toThrow('read each other in a cycle');
  });
});

describe('the columns the build described', () => {
  it('are those DuckDB describes of the views now, and the built catalogue reads them', async () => {
    // Built by `npm run build` (npm test builds first); source describes the views at start.
    const dist = path.join(ROOT, 'dist/src/views');
    const compiled = JSON.parse(readFileSync(path.join(dist, 'view-columns.json'), 'utf8')) as {
      value: [string, { name: string; type: string }[]][];
    };
    expect(compiled.value).toEqual(VIEWS.map((v) => [v.name, viewColumns(v.name)]));
    const built = (await import(
      path.join(dist, 'catalogue.js')
    )) as typeof import('../../src/views/catalogue.ts');
    for (const view of VIEWS) expect(built.viewColumns(view.name)).toEqual(viewColumns(view.name));
  });
});
