// An Argo CD application controller for the scenario's Applications (argoproj.io/v1alpha1): it
// compares the workloads it manages with the head commit of their Git repository (sync status
// Synced / OutOfSync, or Unknown with a ComparisonError when manifests cannot be generated),
// assesses their health as gitops-engine does (a Deployment past its progress deadline is Degraded),
// syncs automatically (operationState Running → Succeeded / Failed, SyncError after a failed attempt),
// and writes status through the main resource, as the Application CRD has no status subresource.

import type { Actor } from '../api/actors.ts';
import { argoCdActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import type { GitCommit } from '../engine/world.ts';
import { involvedOf } from '../events/recorder.ts';
import { worst } from './argocd-health.ts';
import { finishedOperation, historyEntry, syncOperation, syncResult } from './argocd-operation.ts';
import { managedResources } from './argocd-resources.ts';

/** timeout.reconciliation: a full refresh every 3 minutes even when nothing changed. */
const RECONCILIATION_MS = 180_000;
const SERVER = 'https://kubernetes.default.svc';

interface AppState {
  /** The commit the controller has seen (a Git webhook makes it refresh a few seconds after a push). */
  observed?: GitCommit;
  noticing?: string;
  lastReconciled: number;
  /** The revision of the last automated sync attempt and how it ended. */
  attempted?: { revision: string; phase: string };
  syncing: boolean;
  nextHistoryId: number;
}

export class ArgoCdController {
  readonly name = 'argocd-application-controller';
  private readonly state = new Map<string, AppState>();

  constructor(private readonly sim: SimContext) {}

  reconcile(): void {
    for (const app of this.sim.api.list('Application')) this.sync(app);
  }

  private actor(app: KubeObject): Actor {
    return argoCdActor(app.metadata.namespace ?? 'argocd');
  }

  private sync(app: KubeObject): void {
    const { clock, world, rng } = this.sim;
    const key = `${app.metadata.namespace}/${app.metadata.name}`;
    let st = this.state.get(key);
    if (!st) {
      st = { lastReconciled: Number.NEGATIVE_INFINITY, syncing: false, nextHistoryId: 0 };
      this.state.set(key, st);
    }
    const head = world.git.get(key)?.at(-1);
    if (!head) return;
    if (!st.observed) st.observed = head;
    else if (head.revision !== st.observed.revision && st.noticing !== head.revision) {
      // The repository's webhook triggers a refresh: the new commit is seen a few seconds later.
      const state = st;
      state.noticing = head.revision;
      this.sim.after(rng.int(2000, 8000), () => {
        state.observed = head;
        state.noticing = undefined;
        this.sim.markDirty();
      });
    }
    const commit = st.observed;
    const spec = app.spec as Json;
    const destination = spec.destination.namespace as string;
    const managed = managedResources(this.sim, app, destination, commit);
    const prev = (app.status as Json | undefined) ?? {};
    const syncStatus = commit.manifestError
      ? 'Unknown'
      : managed.some((r) => r.entry.status === 'OutOfSync')
        ? 'OutOfSync'
        : 'Synced';
    const health = worst(managed.map((r) => r.entry.health.status));

    const conditions: Json[] = [];
    const now = clock.iso();
    const keepTime = (type: string) =>
      ((prev.conditions as Json[] | undefined) ?? []).find((c) => c.type === type)?.lastTransitionTime ?? now;
    if (commit.manifestError)
      conditions.push({
        lastTransitionTime: keepTime('ComparisonError'),
        message: `Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = Manifest generation error (cached): ${commit.manifestError}`,
        type: 'ComparisonError',
      });
    if (
      syncStatus === 'OutOfSync' &&
      st.attempted?.revision === commit.revision &&
      st.attempted.phase !== 'Succeeded'
    )
      conditions.push({
        lastTransitionTime: keepTime('SyncError'),
        message: `Failed sync attempt to ${commit.revision}: ${prev.operationState?.message ?? ''}`,
        type: 'SyncError',
      });
    const status: Json = {
      ...prev,
      controllerNamespace: app.metadata.namespace,
      health: { status: health },
      reconciledAt: prev.reconciledAt ?? now,
      resources: managed.map((r) => r.entry),
      sourceType: 'Directory',
      summary: { images: [...new Set(managed.flatMap((r) => r.images))].sort() },
      sync: {
        comparedTo: {
          destination: { namespace: destination, server: SERVER },
          source: spec.source,
        },
        revision: commit.revision,
        status: syncStatus,
      },
    };
    if (conditions.length > 0) status.conditions = conditions;
    else delete status.conditions;
    if (!prev.history) {
      // Deployed before the recording: the first sync of the manifests.
      status.history = [historyEntry(clock, app, st, commit, clock.now - 3_600_000)];
      st.attempted = { revision: commit.revision, phase: 'Succeeded' };
      status.operationState = finishedOperation(
        clock,
        app,
        commit,
        managed,
        'Succeeded',
        clock.now - 3_600_000,
      );
    }
    const refresh = clock.now - st.lastReconciled >= RECONCILIATION_MS;
    if (refresh || stable(status) !== stable(prev)) {
      if (refresh) status.reconciledAt = now;
      st.lastReconciled = refresh ? clock.now : st.lastReconciled;
      this.write(app, status);
      if (prev.sync?.status && prev.sync.status !== syncStatus)
        this.event(
          app,
          'Normal',
          'ResourceUpdated',
          `Updated sync status: ${prev.sync.status} -> ${syncStatus}`,
        );
      if (prev.health?.status && prev.health.status !== health)
        this.event(
          app,
          'Normal',
          'ResourceUpdated',
          `Updated health status: ${prev.health.status} -> ${health}`,
        );
    }
    // Automated sync: once per new revision (and again after drift only with selfHeal).
    if (
      spec.syncPolicy?.automated &&
      syncStatus === 'OutOfSync' &&
      !st.syncing &&
      (st.attempted?.revision !== commit.revision ||
        (spec.syncPolicy.automated.selfHeal && st.attempted.phase === 'Succeeded'))
    ) {
      const latest = this.sim.api.get('Application', app.metadata.namespace, app.metadata.name);
      if (latest) this.startSync(latest, st, commit);
    }
  }

  /** Automated sync: the operation is recorded, then its tasks apply the manifests a moment later. */
  private startSync(app: KubeObject, st: AppState, commit: GitCommit): void {
    const { clock, rng } = this.sim;
    st.syncing = true;
    const operation = syncOperation(app, commit);
    const prev = (app.status as Json | undefined) ?? {};
    const startedAt = clock.iso();
    const fresh = this.write(
      app,
      {
        ...prev,
        operationState: { message: 'one or more tasks are running', operation, phase: 'Running', startedAt },
      },
      operation,
    );
    this.event(app, 'Normal', 'OperationStarted', `Initiated automated sync to '${commit.revision}'`);
    const key = `${app.metadata.namespace}/${app.metadata.name}`;
    this.sim.after(rng.int(1000, 3000), () => {
      const current = this.sim.api.get('Application', app.metadata.namespace, app.metadata.name);
      if (!current || !fresh) return;
      this.applyCommit(current, st, commit, startedAt);
      st.syncing = false;
      this.state.set(key, st);
      this.sim.markDirty();
    });
  }

  private applyCommit(app: KubeObject, st: AppState, commit: GitCommit, startedAt: string): void {
    const { api, world, clock } = this.sim;
    const namespace = (app.spec as Json).destination.namespace as string;
    const actor = this.actor(app);
    const managed = managedResources(this.sim, app, namespace, commit);
    let failure: string | undefined;
    const results: Json[] = [];
    for (const { entry } of managed) {
      const w = entry.kind === 'Service' ? undefined : api.get(entry.kind, namespace, entry.name);
      const resource =
        entry.kind === 'Service' ? `service/${entry.name}` : `${entry.kind.toLowerCase()}.apps/${entry.name}`;
      if (!w) {
        results.push(syncResult(entry, `${resource} unchanged`));
        continue;
      }
      const template = structuredClone((w.spec as Json).template as Json);
      const containers = template.spec.containers as Json[];
      const patch: Json[] = [];
      for (const c of containers) {
        const want = commit.images.get(`${entry.name}/${c.name}`);
        if (want !== undefined && want !== c.image) {
          c.image = want;
          patch.push({ name: c.name, image: want });
        }
      }
      if (patch.length === 0) {
        results.push(syncResult(entry, `${resource} unchanged`));
        continue;
      }
      if (commit.invalid) {
        // The server-side dry run of the apply refuses the manifest: nothing is applied.
        api.refuse(
          actor,
          'patch',
          w,
          {
            code: 422,
            reason: 'Invalid',
            message: commit.invalid,
            details: { name: entry.name, group: 'apps', kind: `${entry.kind.toLowerCase()}s` },
          },
          '?dryRun=All&fieldManager=argocd-controller',
        );
        failure = `one or more objects failed to apply, reason: ${commit.invalid}`;
        results.push({ ...syncResult(entry, commit.invalid), status: 'SyncFailed' });
        continue;
      }
      api.update({ ...w, spec: { ...(w.spec as Json), template } }, actor, {
        verb: 'patch',
        requestObject: { spec: { template: { spec: { containers: patch } } } },
        query: '?fieldManager=argocd-controller',
      });
      // Pods started from now on run the new version.
      for (const change of commit.changes) {
        if (change.workload !== entry.name || !change.app) continue;
        const apps = world.apps.get(`${namespace}/${change.workload}`);
        const container = change.container ?? containers[0]?.name;
        const current = container ? apps?.get(container) : undefined;
        if (apps && container && current) apps.set(container, { ...current, ...change.app });
      }
      results.push(syncResult(entry, `${resource} configured`));
    }
    const phase = failure ? 'Failed' : 'Succeeded';
    st.attempted = { revision: commit.revision, phase };
    const prev = (app.status as Json | undefined) ?? {};
    const began = Date.parse(startedAt);
    const operationState = finishedOperation(clock, app, commit, managed, phase, began, results, failure);
    const history = failure
      ? prev.history
      : [...((prev.history as Json[] | undefined) ?? []), historyEntry(clock, app, st, commit, began)].slice(
          -10,
        );
    this.write(app, { ...prev, history, operationState }, null);
    this.event(
      app,
      failure ? 'Warning' : 'Normal',
      'OperationCompleted',
      failure
        ? `Sync operation to ${commit.revision} failed: ${failure}`
        : `Sync operation to ${commit.revision} succeeded`,
    );
  }

  /**
   * A merge patch of the Application (no status subresource: the main resource carries status);
   * `operation` set, removed (null) or left as it is (undefined).
   */
  private write(app: KubeObject, status: Json, operation?: Json | null): KubeObject | undefined {
    const latest = this.sim.api.get('Application', app.metadata.namespace, app.metadata.name);
    if (!latest) return undefined;
    const { operation: current, ...base } = latest as KubeObject & { operation?: Json };
    const op = operation === undefined ? current : (operation ?? undefined);
    const next = { ...base, ...(op ? { operation: op } : {}), status } as KubeObject;
    const r = this.sim.api.update(next, this.actor(app), {
      verb: 'patch',
      requestObject: { ...(operation !== undefined ? { operation } : {}), status },
    });
    return r.ok ? r.object : undefined;
  }

  private event(app: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.sim.recorder.record(
      { component: 'argocd-application-controller' },
      involvedOf(app),
      type,
      reason,
      message,
    );
  }
}

function stable(status: Json): string {
  const { reconciledAt: _r, ...rest } = status;
  return JSON.stringify(rest);
}
