// Ingress, Endpoints and HorizontalPodAutoscaler read back from describe: an Ingress's rules and
// the backends kubectl could not resolve, a Service's endpoint addresses ready and not, an
// autoscaler's target, bounds, replicas and conditions.

import { compact, conditionsOf, type DescribeKind, intOf, type Json, metadataOf } from './describe-common.ts';
import { child, type DescribeNode, listOf, someValue } from './describe-tree.ts';

/**
 * Trouble a describe printed that no field of the object holds (`<error: endpoints "web" not
 * found>` beside an Ingress backend): `Reason: message` lines, read by the analysis as trouble.
 */
export const PRINTED_TROUBLE_ANNOTATION = 'kstory.dev/printed-trouble';

/** The object's metadata with the trouble lines added to its annotations. */
export function withTrouble(metadata: Json, trouble: readonly string[]): Json {
  if (trouble.length === 0) return metadata;
  return {
    ...metadata,
    annotations: {
      ...((metadata.annotations as Json | undefined) ?? {}),
      [PRINTED_TROUBLE_ANNOTATION]: trouble.join('\n'),
    },
  };
}

// `api:8080 (10.1.2.3:8080,10.1.2.4:8080)`, `web:http (<none>)`, `web:80 (<error: endpoints "web" not found>)`.
const BACKEND_RE = /^([^\s:]+):(\S+)\s+\((.*)\)$/;

function backendOf(text: string): { backend: Json; error?: string } | null {
  const m = BACKEND_RE.exec(text.trim());
  if (!m) return null;
  const port = /^\d+$/.test(m[2]!) ? { number: Number(m[2]) } : { name: m[2] };
  const error = /^<error: (.*)>$/.exec(m[3]!)?.[1];
  return { backend: { service: { name: m[1], port } }, error };
}

export const describeIngress: DescribeKind = {
  kind: 'Ingress',
  apiVersion: 'networking.k8s.io/v1',
  namespaced: true,
  matches: (keys) =>
    keys.has('Rules') && (keys.has('Default backend') || keys.has('Address') || keys.has('Ingress Class')),
  build: (nodes) => {
    const trouble: string[] = [];
    const rules: Json[] = [];
    let rule: Json | null = null;
    // Rows under the `Host  Path  Backends` header: a host alone, then its paths indented.
    for (const row of flatten(child(nodes, 'Rules')?.children ?? [])) {
      const text = row.value;
      if (/^Host\s+Path\s+Backends/.test(text) || /^-+(\s+-+)*$/.test(text)) continue;
      const parts = text.split(/\s+/);
      const path = parts[0]!.startsWith('/') ? parts[0] : undefined;
      const backend = backendOf(
        path ? parts.slice(1).join(' ') : parts.length > 1 ? parts.slice(1).join(' ') : '',
      );
      if (!path && !backend) {
        rule = compact({ host: parts[0] === '*' ? undefined : parts[0], http: { paths: [] } });
        rules.push(rule);
        continue;
      }
      // `*  /  web:80 (…)` or a path row under the last host.
      if (!path && parts[0] === '*') {
        rule = { http: { paths: [] } };
        rules.push(rule);
      }
      if (!backend) continue;
      rule ??= { http: { paths: [] } };
      if (!rules.includes(rule)) rules.push(rule);
      ((rule.http as Json).paths as Json[]).push(compact({ path, backend: backend.backend }));
      const name = ((backend.backend.service as Json).name as string) ?? '';
      if (backend.error)
        trouble.push(`BackendError: backend ${name} of ${path ?? 'every path'}: ${backend.error}`);
    }
    const defaultText = someValue(nodes, 'Default backend');
    const fallback = defaultText && defaultText !== '<default>' ? backendOf(defaultText) : null;
    // kubectl before 1.24 named kube-system's default-http-backend for an Ingress without one: not its own.
    const ownDefault = fallback && (fallback.backend.service as Json).name !== 'default-http-backend';
    if (ownDefault && fallback.error) trouble.push(`BackendError: default backend: ${fallback.error}`);
    const tls: Json[] = [];
    const tlsNode = child(nodes, 'TLS');
    for (const line of [...listOf(tlsNode), ...(tlsNode?.children.map((c) => c.value) ?? [])]) {
      const m = /^(\S+) terminates (.*)$/.exec(line);
      if (m) tls.push({ secretName: m[1], hosts: m[2]!.split(',').filter((h) => h !== '') });
    }
    const address = someValue(nodes, 'Address');
    return {
      object: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: withTrouble(metadataOf(nodes, true), trouble),
        spec: compact({
          ingressClassName: someValue(nodes, 'Ingress Class'),
          defaultBackend: ownDefault ? fallback.backend : undefined,
          tls: tls.length > 0 ? tls : undefined,
          rules: rules.length > 0 ? rules : undefined,
        }),
        status: {
          loadBalancer: address
            ? {
                ingress: address
                  .split(',')
                  .map((a) => (/^[\d.:a-f]+$/.test(a) ? { ip: a } : { hostname: a })),
              }
            : {},
        },
      },
    };
  },
};

/** Nodes in the order printed: a host's path rows nest under it by their indentation. */
function flatten(nodes: readonly DescribeNode[]): DescribeNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

/** `10.1.2.3,10.1.2.4` as EndpointAddresses. */
function addressesOf(text: string | undefined): Json[] {
  return (text ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '' && a !== '<none>')
    .map((ip) => ({ ip }));
}

export const describeEndpoints: DescribeKind = {
  kind: 'Endpoints',
  apiVersion: 'v1',
  namespaced: true,
  matches: (keys) => keys.has('Subsets'),
  build: (nodes) => {
    const subsets: Json[] = [];
    const section = child(nodes, 'Subsets');
    let subset: Json | null = null;
    for (const node of section?.children ?? []) {
      if (node.key === 'Addresses') {
        subset = { addresses: addressesOf(node.value) };
        subsets.push(subset);
      } else if (node.key === 'NotReadyAddresses' && subset) {
        const notReady = addressesOf(node.value);
        if (notReady.length > 0) subset.notReadyAddresses = notReady;
      } else if (node.key === 'Ports' && subset) {
        subset.ports = portsOf(node);
      }
    }
    return {
      object: {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: metadataOf(nodes, true),
        subsets: subsets.filter(
          (s) => (s.addresses as Json[]).length > 0 || (s.notReadyAddresses as Json[] | undefined)?.length,
        ),
      },
    };
  },
};

/** `Name  Port  Protocol` rows of an Endpoints subset. */
function portsOf(node: DescribeNode): Json[] {
  const out: Json[] = [];
  for (const row of node.children) {
    const m = /^(\S+)\s+(\d+)\s+(\w+)$/.exec(row.value);
    if (m)
      out.push(compact({ name: m[1] === '<unset>' ? undefined : m[1], port: Number(m[2]), protocol: m[3] }));
  }
  return out;
}

export const describeHorizontalPodAutoscaler: DescribeKind = {
  kind: 'HorizontalPodAutoscaler',
  apiVersion: 'autoscaling/v2',
  namespaced: true,
  matches: (keys) => keys.has('Reference') && keys.has('Min replicas') && keys.has('Max replicas'),
  build: (nodes) => {
    const target = /^(\w+)\/(\S+)$/.exec(someValue(nodes, 'Reference') ?? '');
    // `Deployment pods:  3 current / 10 desired`.
    const pods = nodes.find((n) => n.key?.endsWith(' pods') && /current \/ \d+ desired/.test(n.value));
    const counts = /^(\d+) current \/ (\d+) desired$/.exec(pods?.value ?? '');
    const conditions = conditionsOf(nodes);
    return {
      object: {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: metadataOf(nodes, true),
        spec: compact({
          scaleTargetRef: target ? { kind: target[1], name: target[2] } : undefined,
          minReplicas: intOf(someValue(nodes, 'Min replicas')),
          maxReplicas: intOf(someValue(nodes, 'Max replicas')),
        }),
        status: compact({
          currentReplicas: counts ? Number(counts[1]) : undefined,
          desiredReplicas: counts ? Number(counts[2]) : undefined,
          conditions: conditions.length > 0 ? conditions : undefined,
        }),
      },
    };
  },
};
