// `kubectl describe job`, `describe cronjob` and `describe hpa`: a Job's counts of pods, a CronJob's
// schedule, its last run and active Jobs, an autoscaler's target, metrics, bounds and conditions.

import type { DescribeInput } from '../../serve/describe.ts';
import { formatLabelSelector } from '../../vocab/kube-print.ts';
import { controlledBy, eventsTable, humanDuration, labelsAndAnnotations, rfc1123 } from './common.ts';
import { arr, type Json, rec, str } from './fields.ts';
import { templateLines } from './workloads.ts';
import { DescribeWriter } from './writer.ts';

const count = (value: unknown) => Number(value ?? 0) || 0;
const orUnset = (value: unknown) => (value === undefined || value === null ? '<unset>' : String(value));

export function describeJob({ object: job, events, at }: DescribeInput): string {
  const w = new DescribeWriter();
  const metadata = rec(job.metadata) ?? {};
  const spec = rec(job.spec) ?? {};
  const status = rec(job.status) ?? {};
  w.field(0, 'Name', str(metadata.name));
  w.field(0, 'Namespace', str(metadata.namespace));
  w.field(0, 'Selector', formatLabelSelector(spec.selector));
  labelsAndAnnotations(w, job);
  const owner = controlledBy(job);
  if (owner) w.field(0, 'Controlled By', owner);
  if (spec.parallelism !== undefined) w.field(0, 'Parallelism', count(spec.parallelism));
  w.field(0, 'Completions', orUnset(spec.completions));
  if (str(spec.completionMode)) w.field(0, 'Completion Mode', String(spec.completionMode));
  if (typeof spec.suspend === 'boolean') w.field(0, 'Suspend', String(spec.suspend));
  if (spec.backoffLimit !== undefined) w.field(0, 'Backoff Limit', count(spec.backoffLimit));
  if (spec.ttlSecondsAfterFinished !== undefined)
    w.field(0, 'TTL Seconds After Finished', count(spec.ttlSecondsAfterFinished));
  if (str(status.startTime)) w.field(0, 'Start Time', rfc1123(status.startTime));
  if (str(status.completionTime)) w.field(0, 'Completed At', rfc1123(status.completionTime));
  if (str(status.startTime) && str(status.completionTime)) {
    const ms = Date.parse(String(status.completionTime)) - Date.parse(String(status.startTime));
    w.field(0, 'Duration', humanDuration(ms));
  }
  if (spec.activeDeadlineSeconds !== undefined)
    w.field(0, 'Active Deadline Seconds', `${count(spec.activeDeadlineSeconds)}s`);
  const ready = status.ready === undefined ? '' : ` (${count(status.ready)} Ready)`;
  w.field(
    0,
    'Pods Statuses',
    `${count(status.active)} Active${ready} / ${count(status.succeeded)} Succeeded / ${count(status.failed)} Failed`,
  );
  templateLines(w, rec(spec.template) ?? {});
  eventsTable(w, events, at);
  return w.toString();
}

export function describeCronJob({ object: cronJob, events, at }: DescribeInput): string {
  const w = new DescribeWriter();
  const metadata = rec(cronJob.metadata) ?? {};
  const spec = rec(cronJob.spec) ?? {};
  const status = rec(cronJob.status) ?? {};
  w.field(0, 'Name', str(metadata.name));
  w.field(0, 'Namespace', str(metadata.namespace));
  labelsAndAnnotations(w, cronJob);
  w.field(0, 'Schedule', str(spec.schedule));
  w.field(0, 'Concurrency Policy', str(spec.concurrencyPolicy) ?? 'Allow');
  w.field(0, 'Suspend', typeof spec.suspend === 'boolean' ? (spec.suspend ? 'True' : 'False') : '<unset>');
  w.field(0, 'Successful Job History Limit', orUnset(spec.successfulJobsHistoryLimit));
  w.field(0, 'Failed Job History Limit', orUnset(spec.failedJobsHistoryLimit));
  w.field(
    0,
    'Starting Deadline Seconds',
    spec.startingDeadlineSeconds === undefined ? '<unset>' : `${count(spec.startingDeadlineSeconds)}s`,
  );
  const jobSpec = rec(rec(spec.jobTemplate)?.spec) ?? {};
  w.field(0, 'Selector', jobSpec.selector ? formatLabelSelector(jobSpec.selector) : '<unset>');
  w.field(0, 'Parallelism', orUnset(jobSpec.parallelism));
  w.field(0, 'Completions', orUnset(jobSpec.completions));
  if (jobSpec.activeDeadlineSeconds !== undefined)
    w.field(0, 'Active Deadline Seconds', `${count(jobSpec.activeDeadlineSeconds)}s`);
  templateLines(w, rec(jobSpec.template) ?? {});
  w.field(
    0,
    'Last Schedule Time',
    str(status.lastScheduleTime) ? rfc1123(status.lastScheduleTime) : '<unset>',
  );
  const active = arr(status.active).map((j) => String(rec(j)?.name ?? ''));
  w.field(0, 'Active Jobs', active.length > 0 ? active.join(', ') : '<none>');
  eventsTable(w, events, at);
  return w.toString();
}

/** One line under `Metrics:`, `<current> / <target>` as the autoscaler last read it. */
function metricLine(metric: Json, current: Json | undefined): [string, string] {
  const type = str(metric.type) ?? '';
  if (type === 'Resource' || type === 'ContainerResource') {
    const source = rec(metric.resource) ?? rec(metric.containerResource) ?? {};
    const target = rec(source.target) ?? {};
    const now = rec(rec(current?.resource ?? current?.containerResource)?.current) ?? {};
    const name = String(source.name ?? '');
    const on = type === 'Resource' ? 'on pods' : `of container "${String(source.container ?? '')}" on pods`;
    if (target.averageValue !== undefined)
      return [`resource ${name} ${on}:`, `${orUnknown(now.averageValue)} / ${String(target.averageValue)}`];
    const utilisation =
      now.averageUtilization === undefined
        ? '<unknown>'
        : `${count(now.averageUtilization)}% (${String(now.averageValue ?? '0')})`;
    const goal = target.averageUtilization === undefined ? '<auto>' : `${count(target.averageUtilization)}%`;
    return [`resource ${name} ${on}  (as a percentage of request):`, `${utilisation} / ${goal}`];
  }
  const source = rec(metric.pods) ?? rec(metric.object) ?? rec(metric.external) ?? {};
  const name = String(rec(source.metric)?.name ?? '');
  const target = rec(source.target) ?? {};
  const goal = target.averageValue ?? target.value ?? '<auto>';
  const now = rec(rec(current?.pods ?? current?.object ?? current?.external)?.current) ?? {};
  const value = orUnknown(now.averageValue ?? now.value);
  if (type === 'Pods') return [`"${name}" on pods:`, `${value} / ${String(goal)}`];
  if (type === 'Object') {
    const ref = rec(rec(metric.object)?.describedObject) ?? {};
    return [
      `"${name}" on ${String(ref.kind ?? '')}/${String(ref.name ?? '')} (target value):`,
      `${value} / ${String(goal)}`,
    ];
  }
  const which = target.averageValue !== undefined ? 'target average value' : 'target value';
  return [`"${name}" (${which}):`, `${value} / ${String(goal)}`];
}

function orUnknown(value: unknown): string {
  return value === undefined || value === null ? '<unknown>' : String(value);
}

export function describeHorizontalPodAutoscaler({ object: hpa, events, at }: DescribeInput): string {
  const w = new DescribeWriter();
  const metadata = rec(hpa.metadata) ?? {};
  const spec = rec(hpa.spec) ?? {};
  const status = rec(hpa.status) ?? {};
  w.field(0, 'Name', str(metadata.name));
  w.field(0, 'Namespace', str(metadata.namespace));
  labelsAndAnnotations(w, hpa);
  w.field(0, 'CreationTimestamp', rfc1123(metadata.creationTimestamp));
  const target = rec(spec.scaleTargetRef) ?? {};
  w.field(0, 'Reference', `${String(target.kind ?? '')}/${String(target.name ?? '')}`);
  w.line(0, 'Metrics:', '( current / target )');
  const currents = arr(status.currentMetrics).map((m) => rec(m) ?? {});
  arr(spec.metrics).forEach((m, i) => {
    const [label, value] = metricLine(rec(m) ?? {}, currents[i]);
    w.line(1, label, value);
  });
  w.field(0, 'Min replicas', orUnset(spec.minReplicas));
  w.field(0, 'Max replicas', count(spec.maxReplicas));
  w.line(
    0,
    `${String(target.kind ?? '')} pods:`,
    `${count(status.currentReplicas)} current / ${count(status.desiredReplicas)} desired`,
  );
  const conditions = arr(status.conditions).map((c) => rec(c) ?? {});
  if (conditions.length > 0) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type', 'Status', 'Reason', 'Message');
    w.line(1, '----', '------', '------', '-------');
    for (const c of conditions)
      w.line(
        1,
        String(c.type ?? ''),
        String(c.status ?? ''),
        String(c.reason ?? ''),
        String(c.message ?? ''),
      );
  }
  eventsTable(w, events, at);
  return w.toString();
}
