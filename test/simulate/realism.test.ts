// What the simulator writes has the shape real clusters produce: the same field sets for pods,
// nodes, events and audit entries, and only metric and label names that exist in a real
// kube-state-metrics / cAdvisor exposition. Compared with ../shared/real-samples, skipped when absent.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Json } from '../../src/simulate/engine/json.ts';
import { ArraySink, type SimRecord } from '../../src/simulate/engine/records.ts';
import { Simulation } from '../../src/simulate/engine/simulation.ts';
import { loadScenarioFile, resolveScenario } from '../../src/simulate/scenario/load.ts';

const SAMPLES = path.resolve(import.meta.dirname, '../../../shared/real-samples');
const NRI = path.join(SAMPLES, 'nri-kubernetes-1_34');
const present = existsSync(NRI) && existsSync(path.join(SAMPLES, 'audit2rbac-demo.audit.log'));
if (!present)
  console.warn(
    `realism tests skipped: ${SAMPLES} is absent (the real-world samples are not part of the repository)`,
  );

let records: SimRecord[] = [];
beforeAll(() => {
  if (!present) return;
  // Scenarios that between them exercise crash loops, pending pods, lost nodes and RBAC denials.
  for (const name of ['bad-config-rollout', 'node-lost', 'insufficient-memory', 'rbac-forbidden']) {
    const sink = new ArraySink();
    new Simulation(loadScenarioFile(resolveScenario(name)), sink, {
      seed: 5,
      start: Date.parse('2026-03-02T09:00:00Z'),
    }).run();
    records = records.concat(sink.records);
  }
});

function objects(kind: string): Json[] {
  return records
    .filter((r) => r.type === 'object' && r.object.kind === kind)
    .map((r) => (r as { object: Json }).object);
}

/** Keys found at a path across documents: `spec`, `status.containerStatuses[]`, `metadata`. */
function keysAt(docs: Json[], at: string): Set<string> {
  const keys = new Set<string>();
  for (const doc of docs) {
    let values: unknown[] = [doc];
    for (const part of at.split('.').filter(Boolean)) {
      const many = part.endsWith('[]');
      const key = many ? part.slice(0, -2) : part;
      values = values.flatMap((v) => {
        const next = (v as Json | undefined)?.[key];
        return many ? ((next as unknown[] | undefined) ?? []) : next === undefined ? [] : [next];
      });
    }
    for (const v of values)
      if (v && typeof v === 'object' && !Array.isArray(v)) for (const k of Object.keys(v)) keys.add(k);
  }
  return keys;
}

function sorted(set: Set<string>): string[] {
  return [...set].sort();
}

/** The simulated keys are all real ones, and every key all real documents share is simulated. */
function expectSameShape(sim: Json[], real: Json[], at: string, allowedExtra: string[] = []): void {
  const simKeys = keysAt(sim, at);
  const realKeys = keysAt(real, at);
  const unknown = sorted(simKeys).filter((k) => !realKeys.has(k) && !allowedExtra.includes(k));
  expect(unknown, `simulated ${at || '(top)'} keys absent from the real samples`).toEqual([]);
  const always = sorted(realKeys).filter((k) =>
    real.every((doc) => keysAt([doc], at).size === 0 || keysAt([doc], at).has(k)),
  );
  const missing = always.filter((k) => !simKeys.has(k));
  expect(missing, `keys every real ${at || '(top)'} has but the simulation lacks`).toEqual([]);
}

describe.skipIf(!present)('realism against ../shared/real-samples', () => {
  it('pods have the field sets of a Kubernetes 1.34 cluster', () => {
    const real = (parseYaml(readFileSync(path.join(NRI, 'pods.yaml'), 'utf8')) as { items: Json[] }).items;
    const sim = objects('Pod').filter((p) => p.status?.containerStatuses);
    expect(real.length).toBeGreaterThan(2);
    expect(sim.length).toBeGreaterThan(20);
    // Fields some of our pods legitimately have and the sample's pods happen not to: evicted or
    // pending pods (reason, message), terminating pods, probes and env.
    expectSameShape(sim, real, 'metadata', [
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'annotations',
    ]);
    expectSameShape(sim, real, 'spec', ['hostname', 'subdomain']);
    expectSameShape(sim, real, 'spec.containers[]', ['env', 'readinessProbe', 'livenessProbe']);
    expectSameShape(sim, real, 'status', ['reason', 'message']);
    expectSameShape(sim, real, 'status.conditions[]');
    expectSameShape(sim, real, 'status.containerStatuses[]');
    expectSameShape(sim, real, 'status.containerStatuses[].lastState.terminated');
    expectSameShape(sim, real, 'status.containerStatuses[].state.waiting');
  });

  it('nodes have the field sets of a Kubernetes 1.34 node', () => {
    const real = (parseYaml(readFileSync(path.join(NRI, 'nodes.yaml'), 'utf8')) as { items: Json[] }).items;
    const sim = objects('Node');
    expectSameShape(sim, real, 'metadata');
    expectSameShape(sim, real, 'status', []);
    expectSameShape(sim, real, 'status.conditions[]');
    expectSameShape(sim, real, 'status.nodeInfo');
    expect(sorted(keysAt(sim, 'status.allocatable'))).toEqual(
      sorted(keysAt(real, 'status.allocatable')).filter(
        (k) => !['hugepages-32Mi', 'hugepages-64Ki'].includes(k),
      ),
    );
  });

  it('events have the field sets of the events a must-gather holds (core/v1, both recorders)', () => {
    const text = execFileSync(
      'tar',
      [
        '-xJf',
        path.join(SAMPLES, 'must-gather-aws.tar.xz'),
        '-O',
        '--wildcards',
        '*/namespaces/openshift-etcd/core/events.yaml',
      ],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    const real = (parseYaml(text) as { items: Json[] }).items;
    const legacyReal = real.filter((e) => !e.action);
    const seriesReal = real.filter((e) => e.action);
    const events = records.filter((r) => r.type === 'event').map((r) => (r as { event: Json }).event);
    const legacySim = events.filter((e) => !e.action);
    const seriesSim = events.filter((e) => e.action);
    expect(legacySim.length).toBeGreaterThan(50);
    expect(seriesSim.length).toBeGreaterThan(5);
    expectSameShape(legacySim, legacyReal, '');
    // A repeated events.k8s.io event carries its series.
    expectSameShape(seriesSim, seriesReal, '', ['series']);
    expectSameShape(events, real, 'involvedObject');
    expectSameShape(events, real, 'metadata');
  });

  it('audit entries have the fields of a real audit log (v1 names for v1beta1 ones)', () => {
    const real = readFileSync(path.join(SAMPLES, 'audit2rbac-demo.audit.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Json)
      .filter((e) => e.stage === 'ResponseComplete');
    const sim = records.filter((r) => r.type === 'audit').map((r) => (r as { entry: Json }).entry);
    // audit.k8s.io/v1 renamed `timestamp` to stageTimestamp and added requestReceivedTimestamp;
    // the demo log predates userAgent, annotations and request/response bodies at these levels.
    const v1Only = [
      'stageTimestamp',
      'requestReceivedTimestamp',
      'userAgent',
      'annotations',
      'requestObject',
      'responseObject',
    ];
    const realKeys = keysAt(real, '');
    const simKeys = keysAt(sim, '');
    expect(sorted(simKeys).filter((k) => !realKeys.has(k) && !v1Only.includes(k))).toEqual([]);
    for (const k of [
      'kind',
      'apiVersion',
      'level',
      'auditID',
      'stage',
      'requestURI',
      'verb',
      'user',
      'sourceIPs',
      'objectRef',
      'responseStatus',
    ])
      expect(simKeys).toContain(k);
    expectSameShape(sim, real, 'objectRef', ['uid', 'resourceVersion', 'subresource']);
    expectSameShape(
      sim.filter((e) => e.responseStatus.code >= 400),
      real.filter((e) => e.responseStatus.code >= 400),
      'responseStatus',
    );
  });

  it('uses only metric names and label sets that kube-state-metrics and cAdvisor expose', () => {
    const exposition = `${readFileSync(path.join(NRI, 'ksm_metrics'), 'utf8')}\n${readFileSync(path.join(NRI, 'kubelet_metrics_cadvisor'), 'utf8')}`;
    const realLabels = new Map<string, Set<string>>();
    for (const line of exposition.split('\n')) {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/.exec(line);
      if (!m) continue;
      const names = [...m[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)]
        .map((x) => x[1]!)
        .sort()
        .join(',');
      const set = realLabels.get(m[1]!) ?? new Set<string>();
      set.add(names);
      realLabels.set(m[1]!, set);
    }
    // Series kube-state-metrics writes only for objects this cluster did not have: checked against
    // the label names of their siblings, which kube-state-metrics builds the same way.
    for (const [absent, sibling] of [['kube_job_failed', 'kube_job_complete']] as const)
      realLabels.set(absent, realLabels.get(sibling) ?? new Set());
    const simLabels = new Map<string, Set<string>>();
    for (const r of records) {
      // ALERTS is Prometheus' own series of its alerting rules, not an exporter's.
      if (r.type !== 'metric' || r.name === 'ALERTS') continue;
      const set = simLabels.get(r.name) ?? new Set<string>();
      set.add(Object.keys(r.labels).sort().join(','));
      simLabels.set(r.name, set);
    }
    expect(simLabels.size).toBeGreaterThan(30);
    for (const [name, labelSets] of simLabels) {
      expect(realLabels.has(name), `metric ${name} is not in the real exposition`).toBe(true);
      for (const labels of labelSets)
        expect([...(realLabels.get(name) ?? [])], `labels of ${name}`).toContain(labels);
    }
  });
});
