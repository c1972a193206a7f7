// Large bundles for benchmarks (`kstory simulate --scale nodes=1000,pods=30000,hours=24`). Running
// the full control plane for 30,000 pods over a day would take hours, so this generator replicates
// the documents of a short run (templates.ts) across many identities and the whole time range, in a
// realistic mix of sources: a LIST at the start, rollouts (pods added, scheduled, started, deleted,
// with their events and audit entries), a few crash-looping pods, container logs and metric scrapes.

import type { BundleRow } from '../../bundle/row.ts';
import { KstoryError } from '../../errors.ts';
import { logRow, metricRow } from '../../kube/sample-rows.ts';
import { auditRow, eventRow, objectRow } from '../../kube/to-row.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject, SimRecord } from '../engine/records.ts';
import { Rng } from '../engine/rng.ts';
import { routineLine } from '../logs/app-logs.ts';
import { AppSchema } from '../scenario/workload-schema.ts';
import { harvestTemplates, instantiate, type Template } from './templates.ts';

export interface ScaleSpec {
  nodes: number;
  pods: number;
  hours: number;
  /** Total rows to write, approximately. */
  records: number;
}

const KEYS = ['nodes', 'pods', 'hours', 'records'] as const;

export function parseScale(text: string): ScaleSpec {
  const spec: ScaleSpec = { nodes: 100, pods: 3000, hours: 24, records: 1_000_000 };
  for (const part of text.split(',').filter(Boolean)) {
    const [key, raw] = part.split('=');
    const value = Number((raw ?? '').replace(/_/g, '').replace(/[kK]$/, '000').replace(/[mM]$/, '000000'));
    if (!KEYS.includes(key as (typeof KEYS)[number]) || !Number.isFinite(value) || value <= 0) {
      throw new KstoryError(`${text}: "${part}" is not one of ${KEYS.map((k) => `${k}=N`).join(', ')}`, {
        option: 'scale',
        hint: 'e.g. nodes=1000,pods=30000,hours=24,records=10M',
      });
    }
    spec[key as keyof ScaleSpec] = value;
  }
  if (spec.pods < spec.nodes)
    throw new KstoryError(`${text}: fewer pods than nodes`, {
      option: 'scale',
      hint: 'A cluster runs at least one pod per node.',
    });
  return spec;
}

export interface ScaleResult {
  rows: number;
}

/**
 * Generate the rows of a large bundle. Deterministic for a seed. It yields to the event loop now
 * and then, so that the bundle writer compacts its spool while rows are still being made.
 */
export async function scaleRows(
  spec: ScaleSpec,
  seed: number,
  start: number,
  onRow: (row: BundleRow) => void,
): Promise<ScaleResult> {
  let lastYield = 0;
  const breathe = async () => {
    if (rows - lastYield < 100_000) return;
    lastYield = rows;
    await new Promise((resolve) => setImmediate(resolve));
  };
  const rng = new Rng(seed);
  const records = harvestTemplates(seed, start);
  const objects = records.filter((r): r is Extract<SimRecord, { type: 'object' }> => r.type === 'object');
  const last = (pred: (o: KubeObject) => boolean) => {
    const found = objects.filter((r) => pred(r.object)).at(-1);
    if (!found) throw new Error('scale: template missing');
    return { text: JSON.stringify(found.object), at: found.ts, object: found.object };
  };
  const isApp = (o: KubeObject) => o.kind === 'Pod' && o.metadata.name.startsWith('tmpl-app-');
  const podRunning = last(
    (o) => isApp(o) && (o.status as Json)?.phase === 'Running' && !o.metadata.deletionTimestamp,
  );
  const podPending = {
    text: JSON.stringify(objects.find((r) => isApp(r.object) && r.watchEvent === 'ADDED')!.object),
    at: objects.find((r) => isApp(r.object) && r.watchEvent === 'ADDED')!.ts,
  };
  const podCrash = last(
    (o) =>
      o.kind === 'Pod' &&
      o.metadata.name.startsWith('tmpl-crash-') &&
      JSON.stringify(o.status).includes('CrashLoopBackOff'),
  );
  const node = last((o) => o.kind === 'Node');
  const deployment = last((o) => o.kind === 'Deployment' && o.metadata.name === 'tmpl-app');
  const replicaSet = last(
    (o) =>
      o.kind === 'ReplicaSet' &&
      o.metadata.name === (podRunning.object.metadata.ownerReferences?.[0]?.name ?? ''),
  );
  const events = new Map<string, Template>();
  for (const r of records) {
    if (r.type !== 'event') continue;
    const reason = String((r.event as Json).reason);
    if (!events.has(reason)) events.set(reason, { text: JSON.stringify(r.event), at: r.ts });
  }
  const audits = new Map<string, Template>();
  for (const r of records) {
    if (r.type !== 'audit') continue;
    const e = r.entry as Json;
    const key = `${e.verb}/${e.objectRef?.resource}/${e.objectRef?.subresource ?? ''}`;
    if (!audits.has(key))
      audits.set(key, { text: JSON.stringify(r.entry), at: Date.parse(String(e.stageTimestamp)) });
  }

  const end = start + spec.hours * 3_600_000;
  const budget = {
    object: spec.records * 0.05,
    event: spec.records * 0.04,
    audit: spec.records * 0.03,
    log: spec.records * 0.18,
  };
  let rows = 0;
  let rv = 5_000_000;
  const emit = (row: BundleRow) => {
    onRow(row);
    rows++;
  };
  const tmplPod = podRunning.object;
  const tmplRs = replicaSet.object.metadata;
  const tmplNode = node.object.metadata.name;
  const tmplNs = 'tmpl-ns';
  const withRv = (o: Json) => {
    (o.metadata as Json).resourceVersion = String(++rv);
    return o;
  };

  // The cluster's identities.
  const nodeNames = Array.from(
    { length: spec.nodes },
    (_, i) =>
      `ip-10-${Math.floor(i / 250) + 1}-${Math.floor((i % 250) / 2)}-${(i % 2) * 100 + 10 + (i % 90)}.ec2.internal`,
  );
  const perDeployment = 8;
  const deployments = Array.from({ length: Math.ceil(spec.pods / perDeployment) }, (_, i) => ({
    namespace: `team-${String(i % Math.max(1, Math.ceil(spec.pods / 400))).padStart(3, '0')}`,
    name: `svc-${i.toString(36).padStart(4, '0')}`,
    uid: rng.uuid(),
    rsName: '',
    rsUid: rng.uuid(),
    pods: [] as { name: string; uid: string; node: string; ip: string }[],
  }));
  let ipCounter = 0;
  const newPod = (d: (typeof deployments)[number]) => ({
    name: `${d.rsName}-${rng.nameSuffix()}`,
    uid: rng.uuid(),
    node: nodeNames[rng.int(0, nodeNames.length - 1)]!,
    ip: `10.${100 + ((ipCounter >> 16) % 100)}.${(ipCounter >> 8) & 255}.${ipCounter++ & 255}`,
  });
  for (const d of deployments) {
    d.rsName = `${d.name}-${rng.nameSuffix(10)}`;
    for (let i = 0; i < perDeployment; i++) d.pods.push(newPod(d));
  }
  // The template Deployment and ReplicaSet become one of the cluster's Deployments.
  const deploymentSwaps = (d: (typeof deployments)[number]): [string, string][] => [
    ['tmpl-app', d.name],
    [tmplNs, d.namespace],
    [String(deployment.object.metadata.uid), d.uid],
    [tmplRs.name, d.rsName],
    [tmplRs.uid!, d.rsUid],
  ];
  const podSwaps = (d: (typeof deployments)[number], p: (typeof d.pods)[number]): [string, string][] => [
    [tmplPod.metadata.name, p.name],
    [tmplPod.metadata.uid!, p.uid],
    [tmplRs.name, d.rsName],
    [tmplRs.uid!, d.rsUid],
    ['tmpl-app', d.name],
    [tmplNode, p.node],
    [String((tmplPod.status as Json).podIP), p.ip],
    [tmplNs, d.namespace],
  ];

  // The initial LIST.
  for (const [i, name] of nodeNames.entries()) {
    const o = withRv(
      instantiate(
        node,
        [
          [tmplNode, name],
          [String(node.object.metadata.uid), rng.uuid()],
          ['10.0.1.20', `10.0.${Math.floor(i / 250)}.${i % 250}`],
        ],
        start,
      ),
    );
    emit(objectRow(o, { ts: new Date(start).toISOString(), origin: 'simulate', watchEvent: 'LISTED' }));
  }
  for (const d of deployments) {
    const swaps = deploymentSwaps(d);
    emit(
      objectRow(withRv(instantiate(deployment, swaps, start)), {
        ts: new Date(start).toISOString(),
        origin: 'simulate',
        watchEvent: 'LISTED',
      }),
    );
    emit(
      objectRow(withRv(instantiate(replicaSet, swaps, start)), {
        ts: new Date(start).toISOString(),
        origin: 'simulate',
        watchEvent: 'LISTED',
      }),
    );
    for (const p of d.pods)
      emit(
        objectRow(withRv(instantiate(podRunning, podSwaps(d, p), start)), {
          ts: new Date(start).toISOString(),
          origin: 'simulate',
          watchEvent: 'LISTED',
        }),
      );
  }

  // Rollouts spread over the range: each replaces a deployment's pods one by one.
  const perRollout = {
    object: perDeployment * 5 + 4,
    event: perDeployment * 6 + 2,
    audit: perDeployment * 4 + 2,
  };
  const rollouts = Math.max(
    1,
    Math.floor(Math.min((budget.object - rows) / perRollout.object, budget.event / perRollout.event)),
  );
  const eventOf = (reason: string, swaps: [string, string][], at: number) => {
    const t = events.get(reason);
    if (t) emit(eventRow(instantiate(t, swaps, at), { origin: 'simulate' }));
  };
  const auditOf = (key: string, swaps: [string, string][], at: number) => {
    const t = audits.get(key);
    if (t) emit(auditRow({ ...instantiate(t, swaps, at), auditID: rng.uuid() }, { origin: 'simulate' }));
  };
  for (let r = 0; r < rollouts; r++) {
    await breathe();
    const d = deployments[rng.int(0, deployments.length - 1)]!;
    let at = start + Math.floor(rng.next() * (end - start - 600_000));
    const oldRs = d.rsName;
    d.rsName = `${d.name}-${rng.nameSuffix(10)}`;
    d.rsUid = rng.uuid();
    auditOf(
      'patch/deployments/',
      [
        ['tmpl-app', d.name],
        [tmplNs, d.namespace],
      ],
      at,
    );
    const depSwaps = deploymentSwaps(d);
    emit(
      objectRow(withRv(instantiate(deployment, depSwaps, at)), {
        ts: new Date(at).toISOString(),
        origin: 'simulate',
        watchEvent: 'MODIFIED',
      }),
    );
    emit(
      objectRow(withRv(instantiate(replicaSet, depSwaps, at)), {
        ts: new Date(at).toISOString(),
        origin: 'simulate',
        watchEvent: 'ADDED',
      }),
    );
    eventOf('ScalingReplicaSet', depSwaps, at);
    const next = d.pods.map((old) => {
      at += rng.int(4000, 15000);
      const p = newPod(d);
      const swaps = podSwaps(d, p);
      const ts = (ms: number) => new Date(ms).toISOString();
      emit(
        objectRow(withRv(instantiate(podPending, swaps, at)), {
          ts: ts(at),
          origin: 'simulate',
          watchEvent: 'ADDED',
        }),
      );
      eventOf(
        'SuccessfulCreate',
        [
          [tmplRs.name, d.rsName],
          [tmplPod.metadata.name, p.name],
          [tmplNs, d.namespace],
        ],
        at,
      );
      auditOf('create/pods/binding', swaps, at + 20);
      eventOf('Scheduled', swaps, at + 30);
      for (const reason of ['Pulled', 'Created', 'Started']) eventOf(reason, swaps, at + 1500);
      auditOf('patch/pods/status', swaps, at + 1600);
      emit(
        objectRow(withRv(instantiate(podRunning, swaps, at + 4000)), {
          ts: ts(at + 4000),
          origin: 'simulate',
          watchEvent: 'MODIFIED',
        }),
      );
      const oldSwaps: [string, string][] = [
        ...podSwaps(d, old).filter(([from]) => from !== tmplRs.name),
        [tmplRs.name, oldRs],
      ];
      const terminating = instantiate(podRunning, oldSwaps, at + 5000);
      (terminating.metadata as Json).deletionTimestamp = new Date(at + 35_000)
        .toISOString()
        .replace(/\.\d+Z$/, 'Z');
      emit(objectRow(withRv(terminating), { ts: ts(at + 5000), origin: 'simulate', watchEvent: 'MODIFIED' }));
      eventOf('Killing', oldSwaps, at + 5000);
      auditOf('patch/pods/status', oldSwaps, at + 6500);
      emit(
        objectRow(withRv(instantiate(podRunning, oldSwaps, at + 7000)), {
          ts: ts(at + 7000),
          origin: 'simulate',
          watchEvent: 'DELETED',
        }),
      );
      return p;
    });
    d.pods = next;
  }

  // A few crash-looping pods: their BackOff events and status updates recur all along.
  const crashing = deployments.slice(0, Math.max(1, Math.floor(deployments.length / 200)));
  const crashEvents = Math.max(0, budget.event - rollouts * perRollout.event);
  const crashEvery = Math.max(60_000, ((end - start) * crashing.length) / Math.max(1, crashEvents / 2));
  for (const d of crashing) {
    const p = d.pods[0]!;
    const swaps: [string, string][] = [
      ...podSwaps(d, p),
      [podCrash.object.metadata.name, p.name],
      [podCrash.object.metadata.uid!, p.uid],
      ['tmpl-crash', d.name],
    ];
    for (let at = start; at < end; at += crashEvery) {
      eventOf('BackOff', swaps, at);
      emit(
        objectRow(withRv(instantiate(podCrash, swaps, at)), {
          ts: new Date(at).toISOString(),
          origin: 'simulate',
          watchEvent: 'MODIFIED',
        }),
      );
    }
  }

  // Reads by controllers and monitoring fill the audit budget.
  const reads = Math.max(0, budget.audit - rollouts * perRollout.audit);
  for (let i = 0; i < reads; i++)
    auditOf('list/pods/', [], start + Math.floor(((end - start) * i) / Math.max(1, reads)));

  // Container logs.
  const app = AppSchema.parse({ type: 'web' });
  const pods = deployments.flatMap((d) => d.pods.map((p) => ({ d, p })));
  const linesPerPod = Math.max(1, Math.floor(budget.log / pods.length));
  for (const { d, p } of pods) {
    await breathe();
    const step = (end - start) / linesPerPod;
    for (let i = 0; i < linesPerPod; i++) {
      const line = routineLine(app, rng);
      emit(
        logRow({
          ts: new Date(start + Math.floor(i * step + rng.next() * step)).toISOString(),
          namespace: d.namespace,
          pod: p.name,
          container: 'app',
          line: line.line,
          stream: line.stream,
          node: p.node,
          podUid: p.uid,
          origin: 'simulate',
        }),
      );
    }
  }

  // Metric scrapes: what is left of the budget, evenly over the range.
  const seriesPerPod = 5;
  const left = Math.max(0, spec.records - rows);
  // The last scrape is cut where the records run out (one still in progress when the window ends).
  const scrapes = Math.max(1, Math.ceil(left / (pods.length * seriesPerPod + nodeNames.length * 2)));
  const interval = (end - start) / scrapes;
  const cpu = new Map<string, number>();
  for (let s = 0; s < scrapes; s++) {
    await breathe();
    const ts = new Date(start + Math.floor(s * interval)).toISOString();
    for (const name of nodeNames) {
      emit(
        metricRow({
          ts,
          name: 'kube_node_status_condition',
          labels: { node: name, condition: 'Ready', status: 'true' },
          value: 1,
          origin: 'simulate',
        }),
      );
      emit(
        metricRow({
          ts,
          name: 'kube_node_spec_unschedulable',
          labels: { node: name },
          value: 0,
          origin: 'simulate',
        }),
      );
    }
    for (const { d, p } of pods) {
      if (s === scrapes - 1 && rows >= spec.records) break;
      const base = { namespace: d.namespace, pod: p.name, uid: p.uid };
      const c = { ...base, container: 'app' };
      const cad = {
        container: 'app',
        id: `/kubepods/burstable/pod${p.uid}/${p.uid.replaceAll('-', '')}`,
        image: 'registry.example.com/app:1.0.0',
        name: p.uid.replaceAll('-', ''),
        namespace: d.namespace,
        pod: p.name,
      };
      const used = (cpu.get(p.uid) ?? 0) + (interval / 1000) * rng.around(0.05, 0.3);
      cpu.set(p.uid, used);
      emit(
        metricRow({
          ts,
          name: 'kube_pod_status_phase',
          labels: { ...base, phase: 'Running' },
          value: 1,
          origin: 'simulate',
        }),
      );
      emit(
        metricRow({ ts, name: 'kube_pod_container_status_ready', labels: c, value: 1, origin: 'simulate' }),
      );
      emit(
        metricRow({
          ts,
          name: 'kube_pod_container_status_restarts_total',
          labels: c,
          value: 0,
          origin: 'simulate',
        }),
      );
      emit(
        metricRow({
          ts,
          name: 'container_memory_working_set_bytes',
          labels: cad,
          value: Math.round(rng.around(120 * 2 ** 20, 0.1)),
          origin: 'simulate',
        }),
      );
      emit(
        metricRow({
          ts,
          name: 'container_cpu_usage_seconds_total',
          labels: { ...cad, cpu: 'total' },
          value: Number(used.toFixed(6)),
          origin: 'simulate',
        }),
      );
    }
  }
  return { rows };
}
