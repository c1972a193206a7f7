// The Job controller: pods up to parallelism until completions succeed; failed pods count against
// backoffLimit (new pods wait 10 s doubling to 6 min); BackoffLimitExceeded and DeadlineExceeded end
// the Job as Failed; success adds SuccessCriteriaMet then Complete, as Kubernetes 1.31+ does.

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { involvedOf } from '../events/recorder.ts';
import { isOwnedBy, isPodReady, ownerRef } from './util.ts';

export class JobController {
  readonly name = 'job-controller';
  private readonly actor: Actor;
  private readonly nextCreate = new Map<string, number>();
  private readonly createFailures = new Map<string, number>();

  constructor(private readonly sim: SimContext) {
    this.actor = controllerActor(this.name, sim.version);
  }

  reconcile(): void {
    for (const job of this.sim.api.list('Job')) this.sync(job);
  }

  private finished(job: KubeObject): boolean {
    return (((job.status as Json | undefined)?.conditions as Json[] | undefined) ?? []).some(
      (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    );
  }

  private sync(job: KubeObject): void {
    const { api, clock, recorder, rng } = this.sim;
    if (this.finished(job) || job.metadata.deletionTimestamp) return;
    const spec = job.spec as Json;
    const pods = api.list('Pod', job.metadata.namespace).filter((p) => isOwnedBy(p, job));
    const phase = (p: KubeObject) => (p.status as Json)?.phase;
    // Finished pods are counted in status, then released from the tracking finalizer.
    for (const p of pods) {
      if ((phase(p) === 'Succeeded' || phase(p) === 'Failed') && p.metadata.finalizers?.length) {
        api.update({ ...p, metadata: { ...p.metadata, finalizers: undefined } }, this.actor, {
          verb: 'patch',
          requestObject: {
            metadata: { $deleteFromPrimitiveList: { finalizers: ['batch.kubernetes.io/job-tracking'] } },
          },
        });
      }
    }
    const restartsOf = (p: KubeObject) =>
      (((p.status as Json)?.containerStatuses as Json[] | undefined) ?? []).reduce(
        (s, c) => s + (c.restartCount ?? 0),
        0,
      );
    const succeeded = pods.filter((p) => phase(p) === 'Succeeded').length;
    const failedPods = pods.filter((p) => phase(p) === 'Failed').length;
    // With restartPolicy OnFailure, container restarts count as failures.
    const failed =
      failedPods + pods.filter((p) => phase(p) !== 'Failed').reduce((s, p) => s + restartsOf(p), 0);
    const active = pods.filter(
      (p) => phase(p) !== 'Succeeded' && phase(p) !== 'Failed' && !p.metadata.deletionTimestamp,
    );
    const now = clock.iso();
    const startTime = (job.status as Json | undefined)?.startTime ?? now;
    const status: Json = {
      ...(job.status as Json),
      startTime,
      active: active.length,
      ready: active.filter(isPodReady).length,
      succeeded,
      failed,
      terminating: 0,
      uncountedTerminatedPods: {},
    };
    for (const k of ['active', 'succeeded', 'failed']) if (status[k] === 0) delete status[k];
    const key = `${job.metadata.namespace}/${job.metadata.name}`;
    const deadline = spec.activeDeadlineSeconds as number | undefined;
    let ending: { reason: string; message: string } | null = null;
    if (failed > spec.backoffLimit)
      ending = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    else if (deadline !== undefined && clock.now - Date.parse(startTime) >= deadline * 1000)
      ending = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
    if (ending) {
      for (const p of active) api.delete('Pod', p.metadata.namespace, p.metadata.name, this.actor);
      if (active.length > 0)
        recorder.record(
          { component: this.name },
          involvedOf(job),
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${active[0]!.metadata.name}`,
        );
      recorder.record({ component: this.name }, involvedOf(job), 'Warning', ending.reason, ending.message);
      status.conditions = [
        ...((status.conditions as Json[] | undefined) ?? []),
        {
          type: 'FailureTarget',
          status: 'True',
          lastProbeTime: now,
          lastTransitionTime: now,
          reason: ending.reason,
          message: ending.message,
        },
        {
          type: 'Failed',
          status: 'True',
          lastProbeTime: now,
          lastTransitionTime: now,
          reason: ending.reason,
          message: ending.message,
        },
      ];
      delete status.active;
      status.ready = 0;
      api.update({ ...job, status }, this.actor, { subresource: 'status' });
      return;
    }
    if (succeeded >= spec.completions) {
      status.conditions = [
        ...((status.conditions as Json[] | undefined) ?? []),
        {
          type: 'SuccessCriteriaMet',
          status: 'True',
          lastProbeTime: now,
          lastTransitionTime: now,
          reason: 'CompletionsReached',
          message: 'Reached expected number of succeeded pods',
        },
        {
          type: 'Complete',
          status: 'True',
          lastProbeTime: now,
          lastTransitionTime: now,
          reason: 'CompletionsReached',
          message: 'Reached expected number of succeeded pods',
        },
      ];
      status.completionTime = now;
      recorder.record({ component: this.name }, involvedOf(job), 'Normal', 'Completed', 'Job completed');
      api.update({ ...job, status }, this.actor, { subresource: 'status' });
      return;
    }
    const want = Math.min(spec.parallelism, spec.completions - succeeded) - active.length;
    if (want > 0 && clock.now >= (this.nextCreate.get(key) ?? 0)) {
      for (let i = 0; i < want; i++) {
        const result = api.create(this.newPod(job), this.actor);
        if (!result.ok) {
          recorder.record(
            { component: this.name },
            involvedOf(job),
            'Warning',
            'FailedCreate',
            `Error creating: ${result.failure.message}`,
          );
          // The workqueue's rate limiter: 5 ms · 2^n, at most 1000 s.
          const failures = (this.createFailures.get(key) ?? 0) + 1;
          this.createFailures.set(key, failures);
          const delay = Math.min(5 * 2 ** failures, 1_000_000);
          this.nextCreate.set(key, clock.now + delay);
          this.sim.after(delay, () => this.sim.markDirty());
          break;
        }
        this.createFailures.delete(key);
        recorder.record(
          { component: this.name },
          involvedOf(job),
          'Normal',
          'SuccessfulCreate',
          `Created pod: ${result.object.metadata.name}`,
        );
      }
      if (failedPods > 0) {
        // Pod failure back-off: 10 s · 2^(failures-1), at most 6 minutes.
        const delay = Math.min(10_000 * 2 ** (failedPods - 1), 360_000);
        this.nextCreate.set(key, clock.now + delay);
        this.sim.after(delay + rng.int(0, 500), () => this.sim.markDirty());
      }
    }
    api.update({ ...job, status }, this.actor, { subresource: 'status' });
  }

  private newPod(job: KubeObject): KubeObject {
    const template = structuredClone((job.spec as Json).template as Json);
    const uid = job.metadata.uid!;
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: '',
        generateName: `${job.metadata.name}-`,
        namespace: job.metadata.namespace,
        labels: {
          ...template.metadata?.labels,
          'batch.kubernetes.io/controller-uid': uid,
          'batch.kubernetes.io/job-name': job.metadata.name,
          'controller-uid': uid,
          'job-name': job.metadata.name,
        },
        finalizers: ['batch.kubernetes.io/job-tracking'],
        ownerReferences: [ownerRef(job)],
      },
      spec: template.spec,
    };
  }
}
