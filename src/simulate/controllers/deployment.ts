// The Deployment controller: a ReplicaSet per pod-template hash, rolling updates within maxSurge and
// maxUnavailable (cleanup of unhealthy old replicas first, as upstream), revisions and rollbacks;
// the status it writes, with the progress deadline, is computed in deployment-status.ts.

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import { podTemplateHash, stableStringify } from '../engine/hash.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { involvedOf } from '../events/recorder.ts';
import { deploymentStatus } from './deployment-status.ts';
import { isOwnedBy, ownerRef, resolveIntOrPercent } from './util.ts';

const REVISION = 'deployment.kubernetes.io/revision';

export class DeploymentController {
  readonly name = 'deployment-controller';
  private readonly actor: Actor;

  constructor(private readonly sim: SimContext) {
    this.actor = controllerActor(this.name, sim.version);
  }

  reconcile(): void {
    for (const d of this.sim.api.list('Deployment')) {
      if (!d.metadata.deletionTimestamp) this.sync(d);
    }
  }

  /** Deployments being scaled (not rolled out) until their replicas are all available again. */
  private readonly scaling = new Set<string>();

  /** A ReplicaSet's template without its hash label, cached per resourceVersion. */
  private readonly keys = new Map<string, { rv: string; key: string }>();
  private templateKey(rs: KubeObject): string {
    const cached = this.keys.get(rs.metadata.uid!);
    if (cached && cached.rv === rs.metadata.resourceVersion) return cached.key;
    const key = stableStringify(withoutHashLabel((rs.spec as Json).template));
    this.keys.set(rs.metadata.uid!, { rv: rs.metadata.resourceVersion!, key });
    return key;
  }

  private ownedReplicaSets(d: KubeObject): KubeObject[] {
    return this.sim.api
      .list('ReplicaSet', d.metadata.namespace)
      .filter((rs) => isOwnedBy(rs, d))
      .sort((a, b) =>
        a.metadata.creationTimestamp! < b.metadata.creationTimestamp!
          ? -1
          : a.metadata.creationTimestamp! > b.metadata.creationTimestamp!
            ? 1
            : a.metadata.name < b.metadata.name
              ? -1
              : 1,
      );
  }

  private sync(d: KubeObject): void {
    const { api } = this.sim;
    const spec = d.spec as Json;
    const desired = spec.replicas as number;
    const rss = this.ownedReplicaSets(d);
    const templateKey = stableStringify(spec.template);
    let newRS = rss.find((rs) => this.templateKey(rs) === templateKey);
    const oldRSs = rss.filter((rs) => rs !== newRS);
    const maxOldRevision = Math.max(0, ...oldRSs.map(revisionOf));
    const maxSurge = resolveIntOrPercent(spec.strategy?.rollingUpdate?.maxSurge, desired, true);
    let maxUnavailable = resolveIntOrPercent(spec.strategy?.rollingUpdate?.maxUnavailable, desired, false);
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    let createdNew = false;

    if (!newRS) {
      const hash = podTemplateHash(spec.template);
      const template = structuredClone(spec.template as Json);
      template.metadata = {
        ...template.metadata,
        labels: { ...template.metadata?.labels, 'pod-template-hash': hash },
      };
      const current = rss.reduce((s, rs) => s + ((rs.spec as Json).replicas as number), 0);
      const initial =
        oldRSs.length === 0 ? desired : Math.max(0, Math.min(desired + maxSurge - current, desired));
      const rsObj: KubeObject = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${d.metadata.name}-${hash}`,
          namespace: d.metadata.namespace,
          labels: { ...template.metadata.labels },
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(desired),
            'deployment.kubernetes.io/max-replicas': String(desired + maxSurge),
            [REVISION]: String(maxOldRevision + 1),
          },
          ownerReferences: [ownerRef(d)],
        },
        spec: {
          replicas: initial,
          minReadySeconds: spec.minReadySeconds ?? 0,
          selector: { matchLabels: { ...spec.selector.matchLabels, 'pod-template-hash': hash } },
          template,
        },
      };
      const result = api.create(rsObj, this.actor);
      if (!result.ok) return;
      newRS = result.object;
      createdNew = true;
      if (initial > 0) this.scaledEvent(d, newRS, 0, initial);
    } else if (revisionOf(newRS) <= maxOldRevision) {
      // A rollback to an older template: that ReplicaSet becomes the newest revision again.
      const annotations = { ...newRS.metadata.annotations, [REVISION]: String(maxOldRevision + 1) };
      const result = api.update({ ...newRS, metadata: { ...newRS.metadata, annotations } }, this.actor);
      if (result.ok) newRS = result.object;
    }
    const revision = String(revisionOf(newRS));
    if (d.metadata.annotations?.[REVISION] !== revision) {
      const result = api.update(
        {
          ...d,
          metadata: { ...d.metadata, annotations: { ...d.metadata.annotations, [REVISION]: revision } },
        },
        this.actor,
      );
      if (result.ok) d = result.object;
    }

    const activeOld = oldRSs.filter((rs) => ((rs.spec as Json).replicas as number) > 0);
    // A replica count change with no template change is a scaling event, not a rollout: the
    // controller syncs the status but leaves the Progressing condition as it is.
    const scalingOnly =
      !createdNew && activeOld.length === 0 && ((newRS.spec as Json).replicas as number) !== desired;
    if (!spec.paused) {
      if (activeOld.length === 0) {
        this.scaleTo(d, newRS, desired);
      } else {
        this.rollNew(d, newRS, oldRSs, desired, maxSurge);
        this.rollOld(d, newRS, oldRSs, desired, maxUnavailable);
      }
      this.cleanupHistory(oldRSs, spec.revisionHistoryLimit ?? 10);
    }
    this.updateStatus(d, newRS.metadata.name, desired, maxUnavailable, createdNew, scalingOnly);
  }

  private scaleTo(d: KubeObject, rs: KubeObject, replicas: number): void {
    const current = (rs.spec as Json).replicas as number;
    if (current === replicas) return;
    const fresh = this.sim.api.get('ReplicaSet', rs.metadata.namespace, rs.metadata.name);
    if (!fresh) return;
    const annotations = {
      ...fresh.metadata.annotations,
      'deployment.kubernetes.io/desired-replicas': String((d.spec as Json).replicas),
    };
    const result = this.sim.api.update(
      { ...fresh, metadata: { ...fresh.metadata, annotations }, spec: { ...(fresh.spec as Json), replicas } },
      this.actor,
    );
    if (result.ok) {
      (rs.spec as Json).replicas = replicas;
      this.scaledEvent(d, rs, current, replicas);
    }
  }

  private scaledEvent(d: KubeObject, rs: KubeObject, from: number, to: number): void {
    const verb = to > from ? 'up' : 'down';
    this.sim.recorder.record(
      { component: this.name },
      involvedOf(d),
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${verb} replica set ${rs.metadata.name} from ${from} to ${to}`,
    );
  }

  private rollNew(
    d: KubeObject,
    newRS: KubeObject,
    oldRSs: KubeObject[],
    desired: number,
    maxSurge: number,
  ): void {
    const current = (newRS.spec as Json).replicas as number;
    if (current > desired) {
      this.scaleTo(d, newRS, desired);
      return;
    }
    if (current === desired) return;
    const total = [newRS, ...oldRSs].reduce((s, rs) => s + ((rs.spec as Json).replicas as number), 0);
    const maxTotal = desired + maxSurge;
    if (total >= maxTotal) return;
    this.scaleTo(d, newRS, current + Math.min(maxTotal - total, desired - current));
  }

  private rollOld(
    d: KubeObject,
    newRS: KubeObject,
    oldRSs: KubeObject[],
    desired: number,
    maxUnavailable: number,
  ): void {
    const replicasOf = (rs: KubeObject) => (rs.spec as Json).replicas as number;
    const availableOf = (rs: KubeObject) =>
      ((rs.status as Json | undefined)?.availableReplicas as number | undefined) ?? 0;
    const all = [newRS, ...oldRSs];
    const allPods = all.reduce((s, rs) => s + replicasOf(rs), 0);
    const minAvailable = desired - maxUnavailable;
    const newUnavailable = replicasOf(newRS) - availableOf(newRS);
    let maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return;
    // cleanupUnhealthyReplicas: old replicas that are not available go first.
    for (const rs of oldRSs) {
      if (maxScaledDown <= 0) break;
      const unhealthy = replicasOf(rs) - availableOf(rs);
      if (unhealthy <= 0) continue;
      const down = Math.min(maxScaledDown, unhealthy);
      this.scaleTo(d, rs, replicasOf(rs) - down);
      maxScaledDown -= down;
    }
    // scaleDownOldReplicaSetsForRollingUpdate: keep minAvailable available pods.
    const available = all.reduce((s, rs) => s + availableOf(rs), 0);
    let total = available - minAvailable;
    for (const rs of oldRSs) {
      if (total <= 0) break;
      if (replicasOf(rs) === 0) continue;
      const down = Math.min(replicasOf(rs), total);
      this.scaleTo(d, rs, replicasOf(rs) - down);
      total -= down;
    }
  }

  private cleanupHistory(oldRSs: KubeObject[], limit: number): void {
    const idle = oldRSs.filter(
      (rs) => ((rs.spec as Json).replicas as number) === 0 && !((rs.status as Json)?.replicas > 0),
    );
    const excess = idle.length - limit;
    for (const rs of idle.sort((a, b) => revisionOf(a) - revisionOf(b)).slice(0, Math.max(0, excess))) {
      this.sim.api.delete('ReplicaSet', rs.metadata.namespace, rs.metadata.name, this.actor);
    }
  }

  private updateStatus(
    d: KubeObject,
    newRSName: string,
    desired: number,
    maxUnavailable: number,
    createdNew: boolean,
    scalingOnly: boolean,
  ): void {
    const { api, clock } = this.sim;
    const fresh = api.get('Deployment', d.metadata.namespace, d.metadata.name);
    if (!fresh) return;
    const rss = this.ownedReplicaSets(fresh);
    const status = deploymentStatus(
      fresh,
      rss,
      newRSName,
      { desired, maxUnavailable, createdNew, scalingOnly },
      this.scaling,
      clock,
    );
    api.update({ ...fresh, status }, this.actor, { subresource: 'status' });
  }
}

export function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0);
}

function withoutHashLabel(template: Json): Json {
  const t = structuredClone(template);
  if (t.metadata?.labels) {
    delete t.metadata.labels['pod-template-hash'];
  }
  return t;
}
