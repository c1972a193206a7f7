// The StatefulSet controller: ordinal pods created in order (OrderedReady: each waits for the one
// before to be ready), a PVC per volumeClaimTemplate, ControllerRevisions, and rolling updates from
// the highest ordinal down, one pod at a time, stopping at a pod that does not become ready.

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import { templateRevisionHash } from '../engine/hash.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { involvedOf } from '../events/recorder.ts';
import { isOwnedBy, isPodReady, ownerRef } from './util.ts';

export class StatefulSetController {
  readonly name = 'statefulset-controller';
  private readonly actor: Actor;

  constructor(private readonly sim: SimContext) {
    this.actor = controllerActor(this.name, sim.version);
  }

  reconcile(): void {
    for (const sts of this.sim.api.list('StatefulSet')) this.sync(sts);
  }

  private revisionName(sts: KubeObject): string {
    return `${sts.metadata.name}-${templateRevisionHash((sts.spec as Json).template)}`;
  }

  private sync(sts: KubeObject): void {
    const { api, recorder } = this.sim;
    const spec = sts.spec as Json;
    const ns = sts.metadata.namespace!;
    const updateRevision = this.revisionName(sts);
    if (!api.get('ControllerRevision', ns, updateRevision)) {
      const revisions = api.list('ControllerRevision', ns).filter((r) => isOwnedBy(r, sts));
      api.create(
        {
          apiVersion: 'apps/v1',
          kind: 'ControllerRevision',
          metadata: {
            name: updateRevision,
            namespace: ns,
            labels: {
              ...spec.selector.matchLabels,
              'controller.kubernetes.io/hash': updateRevision.split('-').pop()!,
            },
            ownerReferences: [ownerRef(sts)],
          },
          data: { spec: { template: { ...spec.template, $patch: 'replace' } } },
          revision: revisions.length + 1,
        } as KubeObject,
        this.actor,
      );
    }
    const pods = api.list('Pod', ns).filter((p) => isOwnedBy(p, sts));
    const byOrdinal = new Map(
      pods.map((p) => [Number(p.metadata.name.slice(sts.metadata.name.length + 1)), p]),
    );
    const currentRevision = (sts.status as Json | undefined)?.currentRevision ?? updateRevision;
    let blocked = false;
    for (let i = 0; i < spec.replicas; i++) {
      const pod = byOrdinal.get(i);
      if (!pod) {
        if (blocked) break;
        this.createPod(sts, i, updateRevision);
        blocked = true;
        break;
      }
      if (pod.metadata.deletionTimestamp || !isPodReady(pod)) {
        blocked = true;
        break;
      }
    }
    // Scale down from the highest ordinal.
    for (const [ordinal, pod] of [...byOrdinal].sort(([a], [b]) => b - a)) {
      if (ordinal < spec.replicas || pod.metadata.deletionTimestamp) continue;
      if (api.delete('Pod', ns, pod.metadata.name, this.actor).ok) {
        recorder.record(
          { component: this.name },
          involvedOf(sts),
          'Normal',
          'SuccessfulDelete',
          `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`,
        );
      }
      break;
    }
    // Rolling update: highest ordinal first, only when every pod is running and ready.
    if (!blocked) {
      const stale = [...byOrdinal]
        .filter(
          ([o, p]) => o < spec.replicas && p.metadata.labels?.['controller-revision-hash'] !== updateRevision,
        )
        .sort(([a], [b]) => b - a)[0];
      if (stale && !stale[1].metadata.deletionTimestamp) {
        if (api.delete('Pod', ns, stale[1].metadata.name, this.actor).ok) {
          recorder.record(
            { component: this.name },
            involvedOf(sts),
            'Normal',
            'SuccessfulDelete',
            `delete Pod ${stale[1].metadata.name} in StatefulSet ${sts.metadata.name} successful`,
          );
        }
      }
    }
    const fresh = api.list('Pod', ns).filter((p) => isOwnedBy(p, sts) && !p.metadata.deletionTimestamp);
    const updated = fresh.filter((p) => p.metadata.labels?.['controller-revision-hash'] === updateRevision);
    const allUpdated = updated.length === spec.replicas && fresh.every(isPodReady);
    const status: Json = {
      observedGeneration: sts.metadata.generation,
      replicas: fresh.length,
      readyReplicas: fresh.filter(isPodReady).length,
      availableReplicas: fresh.filter(isPodReady).length,
      currentReplicas: allUpdated ? updated.length : fresh.length - updated.length,
      updatedReplicas: updated.length,
      currentRevision: allUpdated ? updateRevision : currentRevision,
      updateRevision,
      collisionCount: 0,
    };
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas'])
      if (status[k] === 0) delete status[k];
    api.update({ ...sts, status }, this.actor, { subresource: 'status' });
  }

  private createPod(sts: KubeObject, ordinal: number, revision: string): void {
    const { api, recorder } = this.sim;
    const spec = sts.spec as Json;
    const ns = sts.metadata.namespace!;
    const name = `${sts.metadata.name}-${ordinal}`;
    const template = structuredClone(spec.template as Json);
    const volumes = [...((template.spec.volumes as Json[] | undefined) ?? [])];
    for (const t of (spec.volumeClaimTemplates as Json[] | undefined) ?? []) {
      const claim = `${t.metadata.name}-${name}`;
      if (!api.get('PersistentVolumeClaim', ns, claim)) {
        const r = api.create(
          {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { name: claim, namespace: ns, labels: { ...spec.selector.matchLabels } },
            spec: structuredClone(t.spec),
            status: { phase: 'Pending' },
          } as KubeObject,
          this.actor,
        );
        recorder.record(
          { component: this.name },
          involvedOf(sts),
          r.ok ? 'Normal' : 'Warning',
          r.ok ? 'SuccessfulCreate' : 'FailedCreate',
          r.ok
            ? `create Claim ${claim} Pod ${name} in StatefulSet ${sts.metadata.name} success`
            : `create Claim ${claim} for Pod ${name} in StatefulSet ${sts.metadata.name} failed error: ${r.ok ? '' : r.failure.message}`,
        );
      }
      volumes.push({ name: t.metadata.name, persistentVolumeClaim: { claimName: claim } });
    }
    template.spec.volumes = volumes;
    template.spec.hostname = name;
    template.spec.subdomain = spec.serviceName;
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: ns,
        labels: {
          ...template.metadata?.labels,
          'apps.kubernetes.io/pod-index': String(ordinal),
          'controller-revision-hash': revision,
          'statefulset.kubernetes.io/pod-name': name,
        },
        ...(template.metadata?.finalizers ? { finalizers: template.metadata.finalizers } : {}),
        ownerReferences: [ownerRef(sts)],
      },
      spec: template.spec,
    };
    const r = api.create(pod, this.actor);
    recorder.record(
      { component: this.name },
      involvedOf(sts),
      r.ok ? 'Normal' : 'Warning',
      r.ok ? 'SuccessfulCreate' : 'FailedCreate',
      r.ok
        ? `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`
        : `create Pod ${name} in StatefulSet ${sts.metadata.name} failed error: ${r.failure.message}`,
    );
  }
}
