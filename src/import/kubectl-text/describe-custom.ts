// Custom resources (cert-manager's Certificate, an Argo CD Application, any CRD) read back from the
// generic describe kubectl prints for them: `API Version:` and `Kind:` then the object's fields as
// `Title Case:` keys (`Last Transition Time` for lastTransitionTime), list items one after another.

import { type DescribeKind, type Json, metadataOf } from './describe-common.ts';
import { child, type DescribeNode, someValue } from './describe-tree.ts';

/** `Last Transition Time` → `lastTransitionTime`, `Dns Names` → `dnsNames`. */
export function fieldOfTitle(title: string): string {
  const [first = '', ...rest] = title.split(' ');
  return (
    first.charAt(0).toLowerCase() +
    first.slice(1) +
    rest.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')
  );
}

function scalar(text: string): unknown {
  if (/^-?\d+$/.test(text) && text.length < 16) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/**
 * The value of a node's children: a map of its keys, a list of maps when a key comes back (kubectl
 * prints each item's keys in turn, with nothing between items), or a list of scalars.
 */
export function valueOfChildren(given: readonly DescribeNode[]): unknown {
  const children = given.map(keyed);
  if (children.length > 0 && children.every((c) => c.key === null))
    return children.map((c) => scalar(c.value));
  const items: Json[] = [];
  let item: Json = {};
  for (const c of children) {
    if (c.key === null) continue;
    const field = fieldOfTitle(c.key);
    if (field in item) {
      items.push(item);
      item = {};
    }
    item[field] = c.children.length > 0 ? valueOfChildren(c.children) : scalar(c.value);
  }
  items.push(item);
  return items.length > 1 ? items : items[0];
}

/** A row the tree kept as text (under `Conditions:`, read as a table elsewhere) as the `Key: value` it is. */
function keyed(node: DescribeNode): DescribeNode {
  if (node.key !== null) return node;
  const m = /^([A-Za-z][\w.()/'-]*(?: [\w.()/'-]+)*):(?:\s+(.*))?$/.exec(node.value);
  return m ? { ...node, key: m[1]!, value: (m[2] ?? '').trim() } : node;
}

export const describeCustomResource: DescribeKind = {
  kind: 'CustomResource',
  apiVersion: '',
  namespaced: true,
  matches: (keys) => keys.has('API Version') && keys.has('Kind'),
  build: (nodes) => {
    const namespaced = someValue(nodes, 'Namespace') !== undefined;
    const metadata = metadataOf(nodes, namespaced);
    const own = child(nodes, 'Metadata')?.children ?? [];
    const created = someValue(own, 'Creation Timestamp');
    if (created && metadata.creationTimestamp === undefined) metadata.creationTimestamp = created;
    const uid = someValue(own, 'UID');
    if (uid) metadata.uid = uid;
    const object: Json = {
      apiVersion: someValue(nodes, 'API Version'),
      kind: someValue(nodes, 'Kind'),
      metadata,
    };
    for (const section of ['Spec', 'Status']) {
      const node = child(nodes, section);
      if (node)
        object[section.toLowerCase()] = node.children.length > 0 ? valueOfChildren(node.children) : {};
    }
    // Conditions are a list even when there is one.
    const status = object.status as Json | undefined;
    if (status?.conditions && !Array.isArray(status.conditions)) status.conditions = [status.conditions];
    return { object };
  },
};
