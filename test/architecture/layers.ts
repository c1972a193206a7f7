// The layers of src/, lowest first, and the rule between them: a module imports from its own folder
// and from lower layers only; folders side by side in one layer do not import each other; report/
// takes values only from the shared layers at the bottom, types from any. docs/contributing.md explains why.

import type { ImportEdge } from './import-graph.ts';

export interface Layer {
  name: string;
  /** Top-level folders of src/ (or files directly in it) that belong to the layer. */
  members: readonly string[];
  /** Spoken by every layer: the report may take values from it, not only types. */
  shared?: true;
  /** Its folders are two halves of one job and may use each other. */
  together?: true;
}

export const LAYERS: readonly Layer[] = [
  // Errors a user can act on, and the version.
  { name: 'base', members: ['errors.ts', 'version.ts'], shared: true },
  // What every layer speaks: durations, object references, severities, placeholders, problems in files.
  { name: 'vocabulary', members: ['vocab'], shared: true },
  // The bundle file format (columns, writer, reader), and Kubernetes objects as bundle rows (fields,
  // quantities, audit entries, the redaction the writer applies): each needs the other.
  { name: 'bundle', members: ['bundle', 'kube'], together: true },
  // Derived views of a bundle, and Prometheus answers and exposition text parsed into rows.
  { name: 'views', members: ['views', 'prometheus'] },
  // The pattern language: schema, loader, compiler to SQL over the views.
  { name: 'patterns', members: ['patterns'] },
  // The correlation rules and the object graph they join over: analysis and stories both follow them.
  { name: 'correlation', members: ['correlate'] },
  // The pipelines: each produces bundles or reads them, on its own.
  { name: 'pipelines', members: ['record', 'import', 'simulate', 'analyze'] },
  // What builds on the pipelines' results: stories, serving a bundle, evaluation, training labels.
  { name: 'consumers', members: ['story', 'serve', 'eval', 'labels'] },
  // Renderers: format what the layers below computed, and compute nothing.
  { name: 'report', members: ['report'] },
  // The command line: parses flags, calls the core, renders, sets the exit code.
  { name: 'cli', members: ['cli'] },
];

/**
 * Imports that break the rule today, each with what removes it. Kept short: a new entry needs a
 * reason and a way out, and an entry that no longer matches an import fails the test.
 */
export const KNOWN_EXCEPTIONS: readonly { from: string; to: string; until: string }[] = [];

/** The folder (or top-level file) of a path relative to src/: `analyze` for `analyze/run.ts`. */
export function memberOf(file: string): string {
  return file.split('/')[0]!;
}

/** Where each member sits: its layer's index, lowest 0. */
export function layerIndex(layers: readonly Layer[] = LAYERS): Map<string, number> {
  return new Map(layers.flatMap((layer, i) => layer.members.map((m): [string, number] => [m, i])));
}

/** Each import that breaks the rule, said in one line naming both files. */
export function layerViolations(edges: readonly ImportEdge[], layers: readonly Layer[] = LAYERS): string[] {
  const index = layerIndex(layers);
  const shared = new Set(layers.filter((l) => l.shared).flatMap((l) => l.members));
  const violations: string[] = [];
  for (const edge of edges) {
    const from = memberOf(edge.from);
    const to = memberOf(edge.to);
    if (from === to) continue;
    const a = index.get(from);
    const b = index.get(to);
    const at = `${edge.from} imports ${edge.to}`;
    if (a === undefined || b === undefined) {
      violations.push(`${at}: src/${a === undefined ? from : to} is in no layer (add it to LAYERS)`);
    } else if (b > a) {
      violations.push(`${at}: ${layers[a]!.name} is below ${layers[b]!.name} and must not depend on it`);
    } else if (b === a && !layers[a]!.together) {
      violations.push(
        `${at}: ${from} and ${to} sit side by side in ${layers[a]!.name} and must not depend on each other`,
      );
    } else if (from === 'report' && !edge.typeOnly && !shared.has(to)) {
      violations.push(
        `${at}: the report takes only types from the core (values only from ${[...shared].join(', ')})`,
      );
    }
  }
  return violations;
}
