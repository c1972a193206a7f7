// What exists at the end of a bundle and when objects were created, looked up for the few subjects
// analysis asks about: whether a problem went away with its subject, and start-up churn.

import { VERSION_ORDER_SQL } from '../bundle/columns.ts';
import { listValue } from '../bundle/duckdb.ts';
import type { Bundle } from '../bundle/reader.ts';
import { objectKey } from '../vocab/object-ref.ts';

/**
 * What exists at the end of the bundle, to tell a problem that went away with its subject, and when
 * objects were created, to tell start-up churn from a later failure. A large cluster has tens of
 * thousands of objects and analysis needs a few dozen of them: each is looked up when first needed
 * (`load`), then answered from memory.
 */
export class Existence {
  /** Kinds the bundle records objects of: absence means something only for these. */
  private kinds: ReadonlySet<string> | null = null;
  /** `namespace/Kind/name` → what the bundle says of it; absent from the map once loaded: no record. */
  private readonly objects = new Map<string, { deleted: boolean; created: number | null }>();
  /** Names already looked up, or being looked up by `pending`. */
  private readonly looked = new Set<string>();
  /** Lookups under way: detection asks on several connections at once. */
  private readonly pending = new Set<Promise<void>>();

  /** Look up these objects (and the kinds the bundle records) on `connection`, if not done yet. */
  async load(
    connection: Bundle,
    objects: Iterable<{ namespace: string | null; kind: string; name: string }>,
  ): Promise<void> {
    if (this.kinds === null) {
      const kinds = await connection.query<{ kind: string }>(
        `SELECT DISTINCT kind FROM objects WHERE kind IS NOT NULL AND name IS NOT NULL`,
      );
      this.kinds ??= new Set(kinds.map((k) => k.kind));
    }
    const names = [...new Set([...objects].map((o) => o.name))].filter((n) => !this.looked.has(n));
    if (names.length > 0) {
      for (const name of names) this.looked.add(name);
      const lookup = this.lookUp(connection, names);
      this.pending.add(lookup);
      void lookup.finally(() => this.pending.delete(lookup)).catch(() => {});
    }
    // Another caller may be looking up some of the same names.
    await Promise.all(this.pending);
  }

  private async lookUp(connection: Bundle, names: string[]): Promise<void> {
    const rows = await connection.query<{
      namespace: string | null;
      kind: string;
      name: string;
      deleted: boolean;
      created: number | null;
    }>(
      `SELECT namespace, kind, name,
              last(watch_event ORDER BY ${VERSION_ORDER_SQL}) = 'DELETED' AS deleted,
              epoch_ms(max(created_at))::DOUBLE AS created
       FROM objects WHERE kind IS NOT NULL AND name IN (SELECT unnest(?::VARCHAR[])) GROUP BY ALL`,
      [listValue(names)],
    );
    for (const row of rows) this.objects.set(objectKey(row), { deleted: row.deleted, created: row.created });
  }

  /** Whether the object's last record is its deletion, or it has none though its kind is recorded. */
  gone(object: { namespace: string | null; kind: string; name: string }): boolean {
    if (this.kinds?.has(object.kind) !== true) return false;
    const known = this.objects.get(objectKey(object));
    return known === undefined || known.deleted;
  }

  /** Creation time (ms) of a loaded object (`namespace/Kind/name`), when the bundle has it. */
  created(key: string): number | undefined {
    return this.objects.get(key)?.created ?? undefined;
  }
}
