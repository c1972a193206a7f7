// Creates the registry's views over a database that has a `bundle` relation, each after the views it
// reads.

import type { Database } from '../bundle/duckdb.ts';
import { VIEWS } from './registry.ts';
import type { ViewDefinition } from './view.ts';

/** The views in an order where each comes after those it reads; throws on a view that reads an
 * unknown view or on a cycle, both mistakes in a view's header. */
export function creationOrder(views: readonly ViewDefinition[] = VIEWS): ViewDefinition[] {
  const names = new Set(views.map((v) => v.name));
  for (const view of views) {
    const unknown = view.reads.filter((r) => !names.has(r));
    if (unknown.length > 0)
      throw new Error(`the ${view.name} view reads unknown views: ${unknown.join(', ')}`);
  }
  const ordered: ViewDefinition[] = [];
  const done = new Set<string>();
  while (ordered.length < views.length) {
    const next = views.find((v) => !done.has(v.name) && v.reads.every((r) => done.has(r)));
    if (!next) {
      const left = views.filter((v) => !done.has(v.name)).map((v) => v.name);
      throw new Error(`the views ${left.join(', ')} read each other in a cycle`);
    }
    ordered.push(next);
    done.add(next.name);
  }
  return ordered;
}

export async function createViews(db: Database, views: readonly ViewDefinition[] = VIEWS): Promise<void> {
  for (const view of creationOrder(views)) await db.run(view.create);
}
