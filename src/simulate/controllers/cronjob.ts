// The CronJob controller (v2): creates `<name>-<minutes since epoch>` Jobs on schedule, honours
// concurrencyPolicy and suspend, records SawCompletedJob, and prunes history beyond the limits.

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { involvedOf } from '../events/recorder.ts';
import { isOwnedBy, ownerRef } from './util.ts';

/** Does a 5-field cron expression match this minute (UTC)? Supports `*`, `*\/n`, lists and ranges. */
export function cronMatches(expr: string, date: Date): boolean {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  const values = [
    date.getUTCMinutes(),
    date.getUTCHours(),
    date.getUTCDate(),
    date.getUTCMonth() + 1,
    date.getUTCDay(),
  ];
  return fields.every((field, i) => field.split(',').some((part) => matchPart(part, values[i]!)));
}

function matchPart(part: string, value: number): boolean {
  const [range, stepText] = part.split('/');
  const step = stepText ? Number(stepText) : 1;
  if (range === '*') return value % step === 0;
  const [lo, hi] = (range ?? '').split('-').map(Number);
  if (hi === undefined) return stepText ? value >= lo! && (value - lo!) % step === 0 : value === lo;
  return value >= lo! && value <= hi && (value - lo!) % step === 0;
}

export class CronJobController {
  readonly name = 'cronjob-controller';
  private readonly actor: Actor;
  private readonly seenCompleted = new Set<string>();
  private readonly handled = new Map<string, number>();

  constructor(private readonly sim: SimContext) {
    this.actor = controllerActor(this.name, sim.version);
  }

  reconcile(): void {
    for (const cj of this.sim.api.list('CronJob')) this.sync(cj);
  }

  private sync(cj: KubeObject): void {
    const { api, clock, recorder } = this.sim;
    const spec = cj.spec as Json;
    const jobs = api.list('Job', cj.metadata.namespace).filter((j) => isOwnedBy(j, cj));
    const done = (j: KubeObject, type: string) =>
      (((j.status as Json)?.conditions as Json[] | undefined) ?? []).some(
        (c) => c.type === type && c.status === 'True',
      );
    const status: Json = { ...(cj.status as Json) };
    for (const j of jobs) {
      const key = j.metadata.uid!;
      if ((done(j, 'Complete') || done(j, 'Failed')) && !this.seenCompleted.has(key)) {
        this.seenCompleted.add(key);
        const result = done(j, 'Complete') ? 'Complete' : 'Failed';
        recorder.record(
          { component: this.name },
          involvedOf(cj),
          'Normal',
          'SawCompletedJob',
          `Saw completed job: ${j.metadata.name}, condition: ${result}`,
        );
        if (result === 'Complete') status.lastSuccessfulTime = (j.status as Json).completionTime;
      }
    }
    const active = jobs.filter((j) => !done(j, 'Complete') && !done(j, 'Failed'));
    // History limits.
    for (const [type, limit] of [
      ['Complete', spec.successfulJobsHistoryLimit],
      ['Failed', spec.failedJobsHistoryLimit],
    ] as const) {
      const finished = jobs
        .filter((j) => done(j, type))
        .sort((a, b) => (a.metadata.creationTimestamp! < b.metadata.creationTimestamp! ? -1 : 1));
      for (const j of finished.slice(0, Math.max(0, finished.length - (limit ?? 3)))) {
        const r = api.delete('Job', j.metadata.namespace, j.metadata.name, this.actor, {
          query: '?propagationPolicy=Background',
        });
        if (r.ok) {
          recorder.record(
            { component: this.name },
            involvedOf(cj),
            'Normal',
            'SuccessfulDelete',
            `Deleted job ${j.metadata.name}`,
          );
          for (const p of api.list('Pod', j.metadata.namespace).filter((p) => isOwnedBy(p, j)))
            api.remove(p, controllerActor('generic-garbage-collector', this.sim.version));
        }
      }
    }
    const minute = Math.floor(clock.now / 60_000) * 60_000;
    const last = status.lastScheduleTime
      ? Date.parse(status.lastScheduleTime)
      : Date.parse(cj.metadata.creationTimestamp!);
    // Each scheduled time is handled once, whether a Job is started or the run is skipped.
    const handled = this.handled.get(cj.metadata.uid!) ?? 0;
    if (
      !spec.suspend &&
      minute > last &&
      minute > handled &&
      cronMatches(spec.schedule, new Date(minute)) &&
      clock.now - minute < 60_000
    ) {
      this.handled.set(cj.metadata.uid!, minute);
      if (active.length > 0 && spec.concurrencyPolicy === 'Forbid') {
        recorder.record(
          { component: this.name },
          involvedOf(cj),
          'Normal',
          'JobAlreadyActive',
          'Not starting job because prior execution is running and concurrency policy is Forbid',
        );
      } else {
        if (active.length > 0 && spec.concurrencyPolicy === 'Replace') {
          for (const j of active) api.delete('Job', j.metadata.namespace, j.metadata.name, this.actor);
        }
        const template = structuredClone(spec.jobTemplate as Json);
        const name = `${cj.metadata.name}-${Math.floor(minute / 60_000)}`;
        const job: KubeObject = {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: {
            name,
            namespace: cj.metadata.namespace,
            labels: template.metadata?.labels ?? {},
            annotations: {
              'batch.kubernetes.io/cronjob-scheduled-timestamp': new Date(minute)
                .toISOString()
                .replace('.000Z', 'Z'),
            },
            ownerReferences: [ownerRef(cj)],
          },
          spec: template.spec,
        };
        const r = api.create(job, this.actor);
        if (r.ok) {
          recorder.record(
            { component: this.name },
            involvedOf(cj),
            'Normal',
            'SuccessfulCreate',
            `Created job ${name}`,
          );
          status.lastScheduleTime = clock.iso(minute);
        } else {
          recorder.record(
            { component: this.name },
            involvedOf(cj),
            'Warning',
            'FailedCreate',
            `Error creating job: ${r.failure.message}`,
          );
        }
      }
    }
    const fresh = api
      .list('Job', cj.metadata.namespace)
      .filter((j) => isOwnedBy(j, cj) && !done(j, 'Complete') && !done(j, 'Failed'));
    status.active = fresh.map((j) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: j.metadata.name,
      namespace: j.metadata.namespace,
      resourceVersion: j.metadata.resourceVersion,
      uid: j.metadata.uid,
    }));
    if (status.active.length === 0) delete status.active;
    api.update({ ...cj, status }, this.actor, { subresource: 'status' });
  }
}
