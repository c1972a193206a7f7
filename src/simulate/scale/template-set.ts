// The documents of a short run that a scaled bundle is made of: a running, a pending and a
// crash-looping pod, a node, the Deployment and its ReplicaSet, one Event per reason and one audit
// entry per verb, resource and subresource.

import type { Json } from '../engine/json.ts';
import type { KubeObject, SimRecord } from '../engine/records.ts';
import type { Template } from './templates.ts';

export function pickTemplates(records: SimRecord[]) {
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
  return { podRunning, podPending, podCrash, node, deployment, replicaSet, events, audits };
}
