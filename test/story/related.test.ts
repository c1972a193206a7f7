// The correlation engine: rule files as data (each built-in rule loads, a mistake names its file,
// line and field), and `kstory related` from a claim to the pods that mount it and their Events,
// from a metric series and from an alert (simulated, or imported from Alertmanager) to its pods'
// logs, and clear errors for an unknown start or class.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOINS } from '../../src/correlate/joins.ts';
import { BUILTIN_RULES_DIR, loadRules } from '../../src/correlate/rules.ts';
import { findRelated } from '../../src/story/related/run.ts';
import { openBundle } from '../../src/views/open.ts';
import { kstory, ROOT } from '../support/cli.ts';
import { kstoryInProcess } from '../support/cli-in-process.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const BUNDLE = path.join(ROOT, 'fixtures/bad-config-rollout.parquet');

/** The pods the bundle's `ALERTS` series of an alert name, sorted. */
async function alertedPods(alert: string): Promise<string[]> {
  const bundle = await openBundle([BUNDLE]);
  try {
    const rows = await bundle.query<{ pod: string }>(
      `SELECT DISTINCT metric_labels['pod'] AS pod FROM metrics
       WHERE metric_name = 'ALERTS' AND metric_labels['alertname'] = $1 ORDER BY pod`,
      [alert],
    );
    return rows.map((r) => r.pod);
  } finally {
    bundle.close();
  }
}

function ruleDir(files: Record<string, string>): string {
  const dir = path.join(tempDir(), `rules-${Object.keys(files).join('-')}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('correlation rules', () => {
  it('loads every built-in rule, and every join is used by one', () => {
    const rules = loadRules([BUILTIN_RULES_DIR]);
    expect(rules.length).toBeGreaterThan(20);
    expect(new Set(rules.map((r) => r.join))).toEqual(new Set(Object.keys(JOINS)));
  });

  it('names the file, line and field of a mistake', () => {
    const bad = ruleDir({
      'pod-node.yaml': 'id: pod-node\ndescription: x\nfrom: Pod\nto: Node\njoin: runs-onn\n',
    });
    expect(() => loadRules([bad])).toThrow(/pod-node\.yaml:5: field join: .*runs-on/);
    const lower = ruleDir({
      'a-b.yaml': 'id: a-b\ndescription: x\nfrom: [Pod, pod]\nto: Node\njoin: runs-on\n',
    });
    expect(() => loadRules([lower])).toThrow(/a-b\.yaml:3: field from\.1: /);
    const named = ruleDir({ 'c-d.yaml': 'id: other\ndescription: x\nfrom: Pod\nto: Node\njoin: runs-on\n' });
    expect(() => loadRules([named])).toThrow(/c-d\.yaml:1: field id: "other" must equal the file name/);
    const signal = ruleDir({ 'e-f.yaml': 'id: e-f\ndescription: x\nfrom: Pod\nto: logs\njoin: runs-on\n' });
    expect(() => loadRules([signal])).toThrow(/e-f\.yaml: field join: runs-on leads to objects/);
  });
});

describe('kstory related', () => {
  it('goes from a claim to the pods that mount it and their Events, by the shortest rule paths', async () => {
    const result = await findRelated([BUNDLE], 'PersistentVolumeClaim/shop/data-orders-db-0', {
      goals: ['Pod', 'events'],
      findings: false,
    });
    const pod = result.nodes.find((n) => n.class === 'Pod' && n.object.name === 'orders-db-0');
    expect(pod?.path).toEqual(['dependency-pods']);
    const events = result.nodes.find((n) => n.class === 'events' && n.object.name === 'orders-db-0');
    expect(events?.path).toEqual(['dependency-pods', 'object-events']);
    expect(events?.signals?.count).toBeGreaterThan(0);
    expect(events?.signals?.samples[0]).toMatch(/on Pod orders-db-0/);
    // A shared ServiceAccount or Node is not a way to every pod of the namespace.
    expect(
      result.nodes
        .filter((n) => n.class === 'Pod')
        .map((n) => n.object.name)
        .sort(),
    ).toEqual(['orders-db-0', 'orders-db-1']);
  });

  it('goes from a metric series, in any ecosystem’s label names, to the logs of its pod', async () => {
    const logs = await findRelated(
      [BUNDLE],
      'container_memory_working_set_bytes{k8s_namespace_name="shop",k8s_pod_name="checkout-64c8d548db-fwkn6"}',
      {
        goals: ['logs'],
        findings: false,
      },
    );
    expect(logs.start.object).toMatchObject({ kind: 'Pod', name: 'checkout-64c8d548db-fwkn6' });
    const lines = logs.nodes.find((n) => n.class === 'logs');
    expect(lines?.path).toEqual(['pod-logs']);
    expect(lines?.signals?.count).toBeGreaterThan(10);
  });

  it('goes from a series that names only a namespace to the logs of pods in it, and says what it left out', async () => {
    const result = await findRelated([BUNDLE], 'kube_resourcequota{namespace="shop"}', {
      goals: ['logs'],
      findings: false,
    });
    expect(result.start.object).toMatchObject({ kind: 'Namespace', name: 'shop' });
    const logs = result.nodes.filter((n) => n.class === 'logs');
    expect(logs.length).toBeGreaterThan(5);
    // The pods the rule lists (those with logs), and those it left out through what runs them.
    const listed = logs.filter((n) => n.path.join() === 'namespace-objects,pod-logs');
    expect(listed.length).toBeGreaterThan(5);
    expect(listed.length).toBeLessThanOrEqual(20);
    for (const n of logs) expect([n.path[0], n.path.at(-1)]).toEqual(['namespace-objects', 'pod-logs']);
    // The fixture's namespace held more pods than the rule lists: the rest are counted.
    expect(result.capped).toEqual([
      expect.objectContaining({ from: result.start.id, rule: 'namespace-objects', class: 'Pod', listed: 20 }),
    ]);
    expect(result.capped[0]!.total).toBeGreaterThan(20);
  });

  it('goes from an alert the simulated Prometheus fired to the logs of every pod it names, in one command', async () => {
    // KubePodCrashLooping fires in the scenario's own ALERTS series, one series per crash-looping pod.
    const result = await kstoryInProcess(
      'related',
      BUNDLE,
      'KubePodCrashLooping',
      '--goal',
      'logs',
      '--format',
      'json',
      '--no-findings',
    );
    expect(result.stderr).toBe('');
    const related = JSON.parse(result.stdout);
    expect(related.start.object).toMatchObject({ kind: 'Alert', name: 'KubePodCrashLooping' });
    const logs = related.nodes.filter((n: { class: string }) => n.class === 'logs');
    const alerted = await alertedPods('KubePodCrashLooping');
    expect(alerted.length).toBeGreaterThan(1);
    expect(logs.map((n: { object: { name: string } }) => n.object.name).sort()).toEqual(alerted);
    for (const n of logs) {
      expect(n.path).toEqual(['alert-objects', 'pod-logs']);
      expect(n.signals.count).toBeGreaterThan(10);
    }
  });

  it('goes from an alert Alertmanager sent to the logs of the pod it names, and back', async () => {
    // Alertmanager's /api/v2/alerts answer, saved beside the recording and imported on its own: an
    // application's alert, about a pod no alert of the recording names.
    const alerts = path.join(tempDir(), 'alerts.json');
    writeFileSync(
      alerts,
      JSON.stringify([
        {
          labels: {
            alertname: 'FrontendErrorRateHigh',
            severity: 'critical',
            namespace: 'shop',
            pod: 'frontend-689dfd875b-mx4qj',
            container: 'web',
          },
          annotations: { summary: 'The frontend answers 5% of requests with errors.' },
          startsAt: '2026-03-02T09:12:00Z',
          updatedAt: '2026-03-02T09:20:00Z',
          endsAt: '2026-03-02T09:24:00Z',
          status: { state: 'active', silencedBy: [], inhibitedBy: [] },
          fingerprint: '5c3f0e9d1a2b4c6d',
          generatorURL: 'http://prometheus.example:9090/graph',
        },
      ]),
    );
    const imported = path.join(tempDir(), 'alerts.parquet');
    expect(kstory(['import', alerts, '-o', imported, '--no-progress']).code).toBe(0);
    const forward = await findRelated([BUNDLE, imported], 'FrontendErrorRateHigh', {
      goals: ['logs'],
      findings: false,
    });
    const logs = forward.nodes.find((n) => n.class === 'logs');
    expect(logs?.object).toMatchObject({ kind: 'Pod', name: 'frontend-689dfd875b-mx4qj' });
    expect(logs?.path).toEqual(['alert-objects', 'pod-logs']);
    expect(logs?.signals?.count).toBeGreaterThan(10);

    // And back: the pod's alerts, from when the alert began to when it was last known to fire.
    const back = await findRelated([BUNDLE, imported], 'Pod/shop/frontend-689dfd875b-mx4qj', {
      goals: ['alerts'],
      findings: false,
    });
    const fired = back.nodes.find((n) => n.class === 'alerts');
    expect(fired?.signals).toMatchObject({
      count: 2,
      first: '2026-03-02T09:12:00.000Z',
      last: '2026-03-02T09:20:00.000Z',
    });
    expect(fired?.signals?.samples[0]).toBe('FrontendErrorRateHigh (critical) firing');
  });

  it('draws the graph for Graphviz and Mermaid, and names the nearest classes of an unknown goal', () => {
    const dot = kstory([
      'related',
      BUNDLE,
      'Pod/shop/orders-db-0',
      '--goal',
      'Node',
      '--format',
      'dot',
      '--no-findings',
    ]);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toMatch(/^digraph related \{/);
    expect(dot.stdout).toMatch(/-> n_\w+ \[label="pod-node"\]/);
    const mermaid = kstory([
      'related',
      BUNDLE,
      'Pod/shop/orders-db-0',
      '--goal',
      'Node',
      '--format',
      'mermaid',
      '--no-findings',
    ]);
    expect(mermaid.stdout).toMatch(/^flowchart LR\n/);
    expect(mermaid.stdout).toMatch(/-->\|pod-node\|/);

    const unknown = kstory(['related', BUNDLE, 'Pod/shop/orders-db-0', '--goal', 'Nodes', '--no-findings']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--goal Nodes: no rule leads to a class of that name/);
    expect(unknown.stderr).toMatch(/Nearest classes: Node/);
    const start = kstory(['related', BUNDLE, 'Pod/shop/orders-db', '--no-findings']);
    expect(start.code).toBe(2);
    expect(start.stderr).toMatch(/Pod\/shop\/orders-db-0/);
  });
});
