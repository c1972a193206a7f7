// Large bundles for benchmarks (`kstory simulate --scale nodes=1000,pods=30000,hours=24`). Running
// the full control plane for 30,000 pods over a day would take hours, so this generator replicates
// the documents of a short run (templates.ts) across many identities and the whole time range, in a
// realistic mix of sources: a LIST at the start, rollouts (pods added, scheduled, started, deleted,
// with their events and audit entries), a few crash-looping pods, container logs and metric scrapes.

import type { BundleRow } from '../../bundle/row.ts';
import { auditRow, eventRow, objectRow } from '../../kube/to-row.ts';
import type { Json } from '../engine/json.ts';
import { Rng } from '../engine/rng.ts';
import { ScaleOutput, type ScaleSink } from './output.ts';
import type { ScaleSpec } from './spec.ts';
import { addTelemetry } from './telemetry.ts';
import { pickTemplates } from './template-set.ts';
import { harvestTemplates, instantiate } from './templates.ts';

export interface ScaleResult {
  rows: number;
}

/**
 * Generate the rows of a large bundle. Deterministic for a seed. It yields to the event loop now
 * and then, so that the bundle writer compacts its spool while rows are still being made, and waits
 * while a writer given as `sink` says compaction is behind.
 */
export async function scaleRows(
  spec: ScaleSpec,
  seed: number,
  start: number,
  sink: ScaleSink,
): Promise<ScaleResult> {
  const out = new ScaleOutput(sink);
  const rng = new Rng(seed);
  const records = harvestTemplates(seed, start);
  const { podRunning, podPending, podCrash, node, deployment, replicaSet, events, audits } =
    pickTemplates(records);
  const end = start + spec.hours * 3_600_000;
  const budget = {
    object: spec.records * 0.05,
    event: spec.records * 0.04,
    audit: spec.records * 0.03,
    log: spec.records * 0.18,
  };
  let rv = 5_000_000;
  const emit = (row: BundleRow) => out.emit(row);
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
    Math.floor(Math.min((budget.object - out.rows) / perRollout.object, budget.event / perRollout.event)),
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
    await out.breathe();
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

  // Container logs, then metric scrapes with what is left of the budget.
  const pods = deployments.flatMap((d) => d.pods.map((p) => ({ d, p })));
  const telemetry = await addTelemetry(sink, {
    pods,
    nodeNames,
    start,
    end,
    logBudget: budget.log,
    records: spec.records,
    rowsBefore: out.rows,
    salt: rng.int(0, 2 ** 31 - 1),
  });
  return { rows: out.rows + telemetry };
}
