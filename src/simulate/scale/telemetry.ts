// The container logs and metric scrapes of a scaled bundle: routine lines of every pod spread over
// the range, then kube-state-metrics and cAdvisor series scraped evenly with what is left of the budget.

import { logRow, metricRow } from '../../kube/sample-rows.ts';
import type { Rng } from '../engine/rng.ts';
import { routineLine } from '../logs/app-logs.ts';
import { AppSchema } from '../scenario/workload-schema.ts';
import type { ScaleOutput } from './output.ts';

/** A pod of the scaled cluster and the Deployment it belongs to. */
export interface ScalePod {
  d: { namespace: string };
  p: { name: string; uid: string; node: string };
}

export async function emitLogs(
  out: ScaleOutput,
  rng: Rng,
  pods: ScalePod[],
  start: number,
  end: number,
  logBudget: number,
): Promise<void> {
  const app = AppSchema.parse({ type: 'web' });
  const linesPerPod = Math.max(1, Math.floor(logBudget / pods.length));
  for (const { d, p } of pods) {
    await out.breathe();
    const step = (end - start) / linesPerPod;
    for (let i = 0; i < linesPerPod; i++) {
      const line = routineLine(app, rng);
      out.emit(
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
}

/** `records` is the whole bundle's target: the last scrape is cut where it is reached. */
export async function emitMetrics(
  out: ScaleOutput,
  rng: Rng,
  records: number,
  pods: ScalePod[],
  nodeNames: string[],
  start: number,
  end: number,
): Promise<void> {
  // Metric scrapes: what is left of the budget, evenly over the range.
  const seriesPerPod = 5;
  const left = Math.max(0, records - out.rows);
  // The last scrape is cut where the records run out (one still in progress when the window ends).
  const scrapes = Math.max(1, Math.ceil(left / (pods.length * seriesPerPod + nodeNames.length * 2)));
  const interval = (end - start) / scrapes;
  const cpu = new Map<string, number>();
  for (let s = 0; s < scrapes; s++) {
    await out.breathe();
    const ts = new Date(start + Math.floor(s * interval)).toISOString();
    for (const name of nodeNames) {
      out.emit(
        metricRow({
          ts,
          name: 'kube_node_status_condition',
          labels: { node: name, condition: 'Ready', status: 'true' },
          value: 1,
          origin: 'simulate',
        }),
      );
      out.emit(
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
      if (s === scrapes - 1 && out.rows >= records) break;
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
      out.emit(
        metricRow({
          ts,
          name: 'kube_pod_status_phase',
          labels: { ...base, phase: 'Running' },
          value: 1,
          origin: 'simulate',
        }),
      );
      out.emit(
        metricRow({ ts, name: 'kube_pod_container_status_ready', labels: c, value: 1, origin: 'simulate' }),
      );
      out.emit(
        metricRow({
          ts,
          name: 'kube_pod_container_status_restarts_total',
          labels: c,
          value: 0,
          origin: 'simulate',
        }),
      );
      out.emit(
        metricRow({
          ts,
          name: 'container_memory_working_set_bytes',
          labels: cad,
          value: Math.round(rng.around(120 * 2 ** 20, 0.1)),
          origin: 'simulate',
        }),
      );
      out.emit(
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
}
