// Small builders for inline scenarios: a two-worker cluster, a web Deployment, a run to rows.

import type { BundleRow } from '../../src/bundle/row.ts';
import type { Json } from '../../src/simulate/engine/json.ts';
import { simulateRows } from '../../src/simulate/run.ts';
import { parseScenario } from '../../src/simulate/scenario/load.ts';

export const NODES = [
  {
    name: 'cp',
    role: 'control-plane',
    taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
  },
  { name: 'worker', count: 2, cpu: 2, memory: '4Gi' },
];

export function aScenario(overrides: Json): ReturnType<typeof parseScenario> {
  return parseScenario(
    {
      name: 'inline',
      description: 'inline test scenario',
      duration: '20m',
      nodes: NODES,
      namespaces: ['app'],
      metrics: { interval: '60s' },
      ...overrides,
    },
    'inline.yaml',
  );
}

export function aDeployment(overrides: Json = {}): Json {
  return {
    kind: 'Deployment',
    namespace: 'app',
    name: 'web',
    replicas: 2,
    service: { port: 80 },
    containers: [
      {
        name: 'app',
        image: 'registry.example.com/web:1.0.0',
        ports: [8080],
        requests: { cpu: '100m', memory: '64Mi' },
        limits: { memory: '128Mi' },
        readiness: { path: '/ready', port: 8080 },
        app: { type: 'web' },
      },
    ],
    ...overrides,
  };
}

export function run(overrides: Json, seed?: number): BundleRow[] {
  const rows: BundleRow[] = [];
  simulateRows(aScenario(overrides), { seed }, (row) => rows.push(row));
  return rows;
}

export const bodyOf = (r: BundleRow) => r.body as Json;

/** The last version of an object in the rows. */
export function lastObject(rows: BundleRow[], kind: string, name: string): Json | undefined {
  const found = rows.filter((r) => r.source === 'object' && r.kind === kind && r.name === name).at(-1);
  return found ? bodyOf(found) : undefined;
}

export function events(rows: BundleRow[], reason: string): BundleRow[] {
  return rows.filter((r) => r.source === 'event' && r.event_reason === reason);
}
