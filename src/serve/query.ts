// Reading a resource at an instant the way the API server answers a list: narrowed by namespace,
// name, label and field selectors, in key order, as objects (in the resource's own shape) or as a
// meta.k8s.io/v1 Table. Shared by the server and the offline `kstory get`.

import type { Json } from '../kube/fields.ts';
import { printerFor } from './columns/index.ts';
import { toCoreEvent, toEventsV1 } from './event-shapes.ts';
import type { Instant } from './instant.ts';
import type { ApiResource } from './resources.ts';
import { matchesFields, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import type { BundleState, EventScope, StoredObject } from './state.ts';

export interface ListOptions {
  namespace?: string;
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export function isEventResource(resource: ApiResource): boolean {
  return resource.kind === 'Event' && (resource.group === '' || resource.group === 'events.k8s.io');
}

/** Selections made of a snapshot, kept as long as the snapshot is: a paged list asks for the same
 * selection once a page, and a selector reads every object's JSON (half a second for 30,000 pods). */
const selections = new WeakMap<readonly StoredObject[], Map<string, Promise<StoredObject[]>>>();
const SELECTIONS_PER_SNAPSHOT = 8;

/** The objects a list returns. Selector errors throw SelectorError (a 400 for the server). */
export async function selectObjects(
  state: BundleState,
  resource: ApiResource,
  at: Instant,
  options: ListOptions,
): Promise<StoredObject[]> {
  const fields = options.fieldSelector ? parseFieldSelector(options.fieldSelector, resource.kind) : [];
  const labels = options.labelSelector ? parseLabelSelector(options.labelSelector) : null;
  const scope: EventScope = { namespace: options.namespace, name: options.name };
  if (isEventResource(resource)) {
    // kubectl describe asks for the events of one object: read only those rows.
    for (const f of fields) {
      if (!f.equal) continue;
      if (f.field.endsWith('.name') && f.field !== 'metadata.name') scope.involvedName = f.value;
      if (f.field.endsWith('.kind')) scope.involvedKind = f.value;
    }
    if (scope.involvedName !== undefined) {
      return select(await state.objectsAt(resource, at, scope), resource, {}, labels, fields);
    }
  }
  const whole = await state.objectsAt(resource, at);
  if (scope.namespace === undefined && scope.name === undefined && fields.length === 0 && !labels)
    return whole;
  const key = JSON.stringify([scope.namespace, scope.name, options.labelSelector, options.fieldSelector]);
  let made = selections.get(whole);
  if (!made) {
    made = new Map();
    selections.set(whole, made);
  }
  const hit = made.get(key);
  if (hit) return hit;
  const selection = Promise.resolve(select(whole, resource, scope, labels, fields));
  made.set(key, selection);
  // The oldest selection goes first.
  if (made.size > SELECTIONS_PER_SNAPSHOT) made.delete(made.keys().next().value as string);
  return selection;
}

function select(
  items: readonly StoredObject[],
  resource: ApiResource,
  scope: EventScope,
  labels: ReturnType<typeof parseLabelSelector> | null,
  fields: ReturnType<typeof parseFieldSelector>,
): StoredObject[] {
  const kind = isEventResource(resource) ? 'Event' : resource.kind;
  return items.filter((item) => {
    if (scope.namespace !== undefined && item.namespace !== scope.namespace) return false;
    if (scope.name !== undefined && item.name !== scope.name) return false;
    if (fields.length === 0 && !labels) return true;
    const obj = isEventResource(resource) ? toCoreEvent(item.object) : item.object;
    return (!labels || labels(obj)) && matchesFields(obj, kind, fields);
  });
}

/** The object as this resource serves it (Events converted to the API version asked for). */
export function servedObject(resource: ApiResource, item: StoredObject): Json {
  if (!isEventResource(resource)) return item.object;
  return resource.group === 'events.k8s.io' ? toEventsV1(item.object) : toCoreEvent(item.object);
}

/** The JSON text of the object as served: the recorded text when no conversion is needed. */
export function servedText(resource: ApiResource, item: StoredObject): string {
  if (!isEventResource(resource)) return item.text;
  return JSON.stringify(servedObject(resource, item));
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableRow {
  cells: unknown[];
  object?: Json;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: ReturnType<typeof printerFor>['columns'];
  rows: TableRow[];
}

function partialMetadata(obj: Json): Json {
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: obj.metadata ?? {},
  };
}

/** One row per object, cells computed at `at` (ages, restarts "5m ago"). */
export function tableRows(
  resource: ApiResource,
  items: readonly StoredObject[],
  at: Instant,
  include: IncludeObject = 'Metadata',
): TableRow[] {
  const printer = printerFor(resource);
  return items.map((item) => {
    const served = servedObject(resource, item);
    const obj = isEventResource(resource) ? toCoreEvent(served) : served;
    const row: TableRow = { cells: printer.cells(obj, at) };
    if (include === 'Object') row.object = served;
    else if (include === 'Metadata') row.object = partialMetadata(served);
    return row;
  });
}

export function tableOf(
  resource: ApiResource,
  items: readonly StoredObject[],
  at: Instant,
  include: IncludeObject = 'Metadata',
  metadata: Table['metadata'] = {},
): Table {
  return { ...tableHead(resource, metadata), rows: tableRows(resource, items, at, include) };
}

/** A Table's members before its rows, in the order the API server writes them. */
function tableHead(resource: ApiResource, metadata: Table['metadata']): Omit<Table, 'rows'> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: printerFor(resource).columns,
  };
}

/** The JSON text of each object's row, kept beside the object per instant and form: the pages of a
 * list and repeated lists join the texts instead of computing and serialising the rows again. */
export function tableRowTexts(
  resource: ApiResource,
  items: readonly StoredObject[],
  at: Instant,
  include: IncludeObject = 'Metadata',
): string[] {
  const printer = printerFor(resource);
  if (include === 'Object') {
    // Rows holding whole objects are not kept (they would double the snapshot's memory), and the
    // object goes out as the recorded text, as a list's items do.
    return items.map((item) => {
      const served = servedObject(resource, item);
      const obj = isEventResource(resource) ? toCoreEvent(served) : served;
      return `{"cells":${JSON.stringify(printer.cells(obj, at))},"object":${servedText(resource, item)}}`;
    });
  }
  const key = `row:${resource.group}/${resource.version}/${resource.kind}@${at}:${include}`;
  return items.map((item) =>
    item.memo(key, () => JSON.stringify(tableRows(resource, [item], at, include)[0])),
  );
}

/** The Table as JSON text: what JSON.stringify(tableOf(...)) writes, made of the rows' kept texts. */
export function tableText(
  resource: ApiResource,
  items: readonly StoredObject[],
  at: Instant,
  include: IncludeObject = 'Metadata',
  metadata: Table['metadata'] = {},
): string {
  const head = JSON.stringify(tableHead(resource, metadata));
  return `${head.slice(0, -1)},"rows":[${tableRowTexts(resource, items, at, include).join(',')}]}`;
}
