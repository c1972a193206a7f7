// The root a user names: `Kind/namespace/name` (`deployment/shop/checkout`), `namespace/Kind/name`,
// `Kind/name` for a cluster-scoped object or one whose name is unique, or a UID. An unknown one is
// an error that lists the nearest names the bundle holds.

import type { CatalogueObject } from '../correlate/catalogue.ts';
import { KstoryError } from '../errors.ts';
import { nearestNames } from '../vocab/nearest.ts';

const path = (o: CatalogueObject) => `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

/** The incarnation the target names: the newest one when an object was created again. */
export function resolveTarget(text: string, objects: readonly CatalogueObject[]): CatalogueObject {
  const byUid = objects.find((o) => o.uid === text);
  if (byUid) return byUid;
  const kinds = new Map<string, string>();
  for (const o of objects) kinds.set(o.kind.toLowerCase(), o.kind);
  const kindOf = (word: string | undefined) =>
    word === undefined ? undefined : kinds.get(word.toLowerCase());
  const parts = text.split('/');
  let matches: CatalogueObject[] = [];
  if (parts.length === 3) {
    const [a, b, name] = parts as [string, string, string];
    const kind = kindOf(a) ?? kindOf(b);
    const namespace = kindOf(a) ? b : a;
    matches = objects.filter(
      (o) => o.kind === kind && o.namespace === (namespace || null) && o.name === name,
    );
  } else if (parts.length === 2) {
    const kind = kindOf(parts[0]);
    matches = objects.filter((o) => o.kind === kind && o.name === parts[1]);
    const namespaces = new Set(matches.map((o) => o.namespace));
    if (namespaces.size > 1)
      throw new KstoryError(`${text} names objects in several namespaces`, {
        hint: `Say which: ${[...namespaces].map((n) => `${kind}/${n}/${parts[1]}`).join(', ')}.`,
      });
  }
  if (matches.length > 0)
    return matches.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0)).at(-1)!;
  const nearest = nearestNames(text, objects.map(path));
  throw new KstoryError(`the bundle holds no object ${text}`, {
    hint:
      nearest.length > 0
        ? `Nearest names it holds: ${nearest.join(', ')}.`
        : 'Name it as Kind/namespace/name (deployment/shop/checkout), Kind/name for a cluster-scoped object, or by UID.',
  });
}
