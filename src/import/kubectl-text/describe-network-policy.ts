// NetworkPolicy read back from describe: the pods it selects and, per direction it affects, its
// rules as kubectl prints them (`To Port:` lines, `From:`/`To:` peers of pod and namespace
// selectors or IP blocks, `----------` between rules), so that who may reach whom is in the object.

import { compact, type DescribeKind, type Json, metadataOf, parseSelector } from './describe-common.ts';
import { child, type DescribeNode, fieldValue, someValue } from './describe-tree.ts';

type Direction = 'ingress' | 'egress';

/** `<none>` (with what kubectl adds after it) is the empty selector: every pod, or namespace; one
 * kstory cannot read stays unknown rather than widened to every pod. */
const selectorOf = (text: string): Json | undefined => (/^<none>/.test(text) ? {} : parseSelector(text));

/** `8080/TCP`, `http/TCP`, `32000-32768/TCP` (endPort), `<nil>/UDP` (a protocol alone). */
function portOf(text: string): Json | null {
  const m = /^(\S+?)(?:-(\d+))?\/(\w+)$/.exec(text);
  if (!m) return null;
  const port = m[1] === '<nil>' ? undefined : /^\d+$/.test(m[1]!) ? Number(m[1]) : m[1];
  return compact({ protocol: m[3], port, endPort: m[2] ? Number(m[2]) : undefined });
}

/** The rules of each direction from the Spec's lines in the order printed. */
function rulesOf(spec: readonly DescribeNode[]): Partial<Record<Direction, Json[]>> {
  const out: Partial<Record<Direction, Json[]>> = {};
  let direction: Direction | null = null;
  let rule: Json | null = null;
  let peer: Json | null = null;
  const peersKey = () => (direction === 'ingress' ? 'from' : 'to');
  const currentRule = () => {
    if (!rule && direction) {
      rule = {};
      out[direction]!.push(rule);
    }
    return rule!;
  };
  const visit = (node: DescribeNode) => {
    const text = node.key === null ? node.value : `${node.key}:`;
    const allowing = /^Allowing (ingress|egress) traffic:$/.exec(text);
    if (allowing) {
      direction = allowing[1] as Direction;
      out[direction] = [];
      rule = null;
      peer = null;
    } else if (/^Not affecting (ingress|egress) traffic$/.test(text)) {
      direction = null;
    } else if (direction && node.key === null && /^-+$/.test(node.value)) {
      rule = null;
      peer = null;
    } else if (direction && node.key === 'To Port') {
      const port = portOf(node.value);
      const r = currentRule();
      // `<any> (traffic allowed to all ports)`: a rule without ports.
      if (port) r.ports = [...((r.ports as Json[] | undefined) ?? []), port];
    } else if (direction && (node.key === 'From' || node.key === 'To')) {
      const r = currentRule();
      const peers = (r[peersKey()] as Json[] | undefined) ?? [];
      // `<any> (traffic not restricted by source)`: a rule without peers.
      if (node.value === '') {
        peer = {};
        r[peersKey()] = [...peers, peer];
      }
    } else if (direction && peer && (node.key === 'PodSelector' || node.key === 'NamespaceSelector')) {
      const selector = selectorOf(node.value);
      if (selector) peer[node.key === 'PodSelector' ? 'podSelector' : 'namespaceSelector'] = selector;
    } else if (direction && peer && node.key === 'IPBlock') {
      peer.ipBlock = {};
    } else if (direction && peer && (node.key === 'CIDR' || node.key === 'Except')) {
      const block = (peer.ipBlock as Json | undefined) ?? {};
      peer.ipBlock = block;
      if (node.key === 'CIDR') block.cidr = node.value;
      else if (node.value !== '') block.except = node.value.split(/,\s*/);
    }
    for (const c of node.children) visit(c);
  };
  for (const node of spec) visit(node);
  return out;
}

export const describeNetworkPolicy: DescribeKind = {
  kind: 'NetworkPolicy',
  apiVersion: 'networking.k8s.io/v1',
  namespaced: true,
  matches: (keys, nodes) =>
    keys.has('Spec') && child(child(nodes, 'Spec')?.children, 'PodSelector') !== undefined,
  build: (nodes) => {
    const spec = child(nodes, 'Spec')?.children ?? [];
    // `app=web`, or `<none> (Allowing the specific traffic to all pods in this namespace)`.
    const selectorText = fieldValue(spec, 'PodSelector') ?? '';
    const types = someValue(spec, 'Policy Types')?.split(/,\s*/);
    const rules = rulesOf(spec);
    // Older kubectl printed both directions whatever the policy types: the types say which count.
    const affects = (d: Direction) => !types || types.includes(d === 'ingress' ? 'Ingress' : 'Egress');
    return {
      object: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: metadataOf(nodes, true),
        spec: compact({
          podSelector: selectorOf(selectorText),
          policyTypes: types,
          // An empty list isolates the selected pods in that direction.
          ingress: affects('ingress') ? rules.ingress : undefined,
          egress: affects('egress') ? rules.egress : undefined,
        }),
      },
    };
  },
};
