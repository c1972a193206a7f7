// The records of a sync that Argo CD keeps in an Application's status: the operation, its finished
// operationState with one syncResult per resource, and the history of deployed revisions.

import type { VirtualClock } from '../engine/clock.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import type { GitCommit } from '../engine/world.ts';
import type { Managed } from './argocd-resources.ts';

export function syncOperation(app: KubeObject, commit: GitCommit): Json {
  const automated = (app.spec as Json).syncPolicy?.automated as Json | undefined;
  return {
    initiatedBy: { automated: true },
    retry: {},
    sync: { prune: automated?.prune ?? false, revision: commit.revision },
  };
}

export function finishedOperation(
  clock: VirtualClock,
  app: KubeObject,
  commit: GitCommit,
  managed: Managed[],
  phase: string,
  startedAt: number,
  results?: Json[],
  failure?: string,
): Json {
  return {
    finishedAt: clock.iso(),
    message: failure ?? 'successfully synced (all tasks run)',
    operation: syncOperation(app, commit),
    phase,
    startedAt: clock.iso(startedAt),
    syncResult: {
      resources:
        results ??
        managed.map(({ entry }) =>
          syncResult(
            entry,
            `${entry.kind === 'Service' ? 'service' : `${entry.kind.toLowerCase()}.apps`}/${entry.name} created`,
          ),
        ),
      revision: commit.revision,
      source: (app.spec as Json).source,
    },
  };
}

/** An entry of status.history; `st` numbers them. */
export function historyEntry(
  clock: VirtualClock,
  app: KubeObject,
  st: { nextHistoryId: number },
  commit: GitCommit,
  startedAt: number,
): Json {
  return {
    deployStartedAt: clock.iso(startedAt),
    deployedAt: clock.iso(),
    id: st.nextHistoryId++,
    initiatedBy: { automated: true },
    revision: commit.revision,
    source: (app.spec as Json).source,
  };
}

export function syncResult(r: Json, message: string): Json {
  return {
    ...(r.group ? { group: r.group } : {}),
    hookPhase: 'Running',
    kind: r.kind,
    message,
    name: r.name,
    namespace: r.namespace,
    status: 'Synced',
    syncPhase: 'Sync',
    version: r.version,
  };
}
