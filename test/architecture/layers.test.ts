// Data flows one way: no module of src/ imports from a layer above its own (cli → report →
// consumers → pipelines → patterns → views → bundle/kube → vocabulary → base), and the report takes
// only types from the core. Checked over the real import graph, and shown to fail on back-edges.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ImportEdge, importGraph, importsOf } from './import-graph.ts';
import { KNOWN_EXCEPTIONS, LAYERS, layerViolations } from './layers.ts';

const SRC = path.resolve(import.meta.dirname, '../../src');

const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly });

describe('the layers of src/', () => {
  it('hold: no module imports from a layer above its own', () => {
    const edges = importGraph(SRC);
    // The graph was read: the CLI reaches the pipelines and the analysis reaches the patterns.
    expect(edges.some((e) => e.from.startsWith('cli/') && e.to.startsWith('analyze/'))).toBe(true);
    expect(edges.some((e) => e.from.startsWith('analyze/') && e.to.startsWith('patterns/'))).toBe(true);
    const known = (e: ImportEdge) => KNOWN_EXCEPTIONS.some((k) => k.from === e.from && k.to === e.to);
    expect(layerViolations(edges.filter((e) => !known(e)))).toEqual([]);
  });

  it('list only exceptions that still break the rule', () => {
    const edges = importGraph(SRC);
    for (const exception of KNOWN_EXCEPTIONS) {
      const edge = edges.find((e) => e.from === exception.from && e.to === exception.to);
      expect(edge && layerViolations([edge]), `${exception.from} → ${exception.to}`).toHaveLength(1);
    }
  });

  it('name each folder once', () => {
    const members = LAYERS.flatMap((l) => l.members);
    expect(new Set(members).size).toBe(members.length);
  });
});

describe('the layering rule', () => {
  it('refuses a back-edge, naming both files and both layers', () => {
    expect(layerViolations([edge('analyze/detect.ts', 'report/format.ts')])).toEqual([
      'analyze/detect.ts imports report/format.ts: pipelines is below report and must not depend on it',
    ]);
    expect(layerViolations([edge('patterns/testing.ts', 'analyze/run.ts')])).toHaveLength(1);
    expect(layerViolations([edge('bundle/reader.ts', 'cli/main.ts', true)])).toHaveLength(1);
    expect(layerViolations([edge('vocab/duration.ts', 'bundle/columns.ts')])).toHaveLength(1);
    expect(layerViolations([edge('kube/fields.ts', 'views/open.ts')])).toHaveLength(1);
  });

  it('refuses imports between folders side by side in one layer', () => {
    expect(layerViolations([edge('record/prometheus.ts', 'import/formats/prometheus.ts')])).toEqual([
      'record/prometheus.ts imports import/formats/prometheus.ts: record and import sit side by side in pipelines and must not depend on each other',
    ]);
  });

  it('lets the report take types from the core and values only from the vocabulary', () => {
    expect(layerViolations([edge('report/analysis-text.ts', 'analyze/run.ts', true)])).toEqual([]);
    expect(layerViolations([edge('report/analysis-text.ts', 'vocab/duration.ts')])).toEqual([]);
    expect(layerViolations([edge('report/analysis-text.ts', 'analyze/detect.ts')])).toEqual([
      'report/analysis-text.ts imports analyze/detect.ts: the report takes only types from the core (values only from errors.ts, version.ts, vocab)',
    ]);
  });

  it('allows imports downwards and within a folder', () => {
    expect(
      layerViolations([
        edge('cli/commands/analyze.ts', 'analyze/run.ts'),
        edge('analyze/run.ts', 'patterns/load.ts'),
        edge('patterns/compile.ts', 'bundle/columns.ts'),
        edge('kube/to-row.ts', 'errors.ts'),
        edge('bundle/writer.ts', 'kube/redact.ts'),
        edge('kube/to-row.ts', 'bundle/row.ts'),
        edge('simulate/kubelet/kubelet.ts', 'simulate/engine/quantity.ts'),
      ]),
    ).toEqual([]);
  });

  it('asks for a place for a folder no layer names', () => {
    expect(layerViolations([edge('newthing/a.ts', 'bundle/reader.ts')])).toEqual([
      'newthing/a.ts imports bundle/reader.ts: src/newthing is in no layer (add it to LAYERS)',
    ]);
  });
});

describe('reading imports', () => {
  it('finds static, re-exported, bare and dynamic imports, and tells type-only ones', () => {
    const text = [
      "import { a, b } from '../x/a.ts';",
      "import type { T } from '../x/t.ts';",
      "import { type U, type V } from '../x/u.ts';",
      "import w, { type W } from '../x/w.ts';",
      'import {',
      '  type Y,',
      '  z,',
      "} from '../x/y.ts';",
      "export { q } from './q.ts';",
      "export type { R } from './r.ts';",
      "export * from './s.ts';",
      "import './side-effect.ts';",
      "import { readFileSync } from 'node:fs';",
      "  const { run } = await import('../x/lazy.ts');",
    ].join('\n');
    expect(importsOf(text)).toEqual([
      { specifier: '../x/a.ts', typeOnly: false },
      { specifier: '../x/t.ts', typeOnly: true },
      { specifier: '../x/u.ts', typeOnly: true },
      { specifier: '../x/w.ts', typeOnly: false },
      { specifier: '../x/y.ts', typeOnly: false },
      { specifier: './q.ts', typeOnly: false },
      { specifier: './r.ts', typeOnly: true },
      { specifier: './s.ts', typeOnly: false },
      { specifier: './side-effect.ts', typeOnly: false },
      { specifier: '../x/lazy.ts', typeOnly: false },
    ]);
  });

  it('does not mistake prose or code for an import', () => {
    expect(importsOf("// we import data from './nowhere.ts' in prose\nconst from = 'x';")).toEqual([]);
  });
});
