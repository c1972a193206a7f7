// `kubectl rollout status` and `kubectl rollout history` output read back into the workload they
// are about: the counts of the last "Waiting for …" line (how many replicas or pods were updated,
// available, ready), whether it rolled out, exceeded its progress deadline or was still waiting when
// kubectl gave up or the text ends (trouble no field holds), its newest revision, and the pod
// template of one revision (`--revision=N`) as the ReplicaSet of that revision.

import { BUILTIN_API_VERSIONS } from '../../kube/resources.ts';
import { type FileContext, issue } from '../context.ts';
import { type KubectlCommand, kindOfWord } from './command.ts';
import { markDerived } from './derived.ts';
import { compact, type Json } from './describe-common.ts';
import { withTrouble } from './describe-routing.ts';
import { parseDescribeTree, type TextLine } from './describe-tree.ts';
import { templateOf } from './describe-workloads.ts';
import type { PreparedSection } from './prepared.ts';

export const ROLLOUT_SOURCE = 'kubectl rollout';

/** What the lines of `rollout status` say of the workload. */
export interface RolloutState {
  kind: string | null;
  name: string | null;
  spec: Json;
  status: Json;
  conditions: Json[];
  /** The last `Waiting for …` line when no line after it says the rollout finished. */
  waiting: string | null;
  /** kubectl gave up waiting (`--timeout`): `error: timed out waiting for the condition`. */
  timedOut: boolean;
}

// The messages kubectl's status viewers print (polymorphichelpers/rollout_status.go), one form each,
// `deployment "x"` absent before kubectl 1.9; what each number is of the workload.
const WAITING: { re: RegExp; read: (n: number[], s: RolloutState) => void }[] = [
  {
    re: /(\d+) out of (\d+) new replicas have been updated/,
    read: ([updated, desired], s) => {
      s.spec.replicas = desired;
      s.status.updatedReplicas = updated;
    },
  },
  {
    re: /(\d+) old replicas are pending termination/,
    read: ([old], s) => {
      s.status.oldReplicas = old;
    },
  },
  {
    re: /(\d+) of (\d+) updated replicas are available/,
    read: ([available, updated], s) => {
      s.spec.replicas ??= updated;
      s.status.updatedReplicas = updated;
      s.status.availableReplicas = available;
    },
  },
  {
    re: /(\d+) out of (\d+) new pods have been updated/,
    read: ([updated, desired], s) => {
      if (s.kind === 'DaemonSet') {
        s.status.desiredNumberScheduled = desired;
        s.status.updatedNumberScheduled = updated;
      } else {
        s.spec.replicas = desired;
        s.status.updatedReplicas = updated;
      }
    },
  },
  {
    re: /(\d+) of (\d+) updated pods are available/,
    read: ([available, updated], s) => {
      s.status.updatedNumberScheduled = updated;
      s.status.numberAvailable = available;
    },
  },
  {
    re: /^Waiting for (\d+) pods to be ready/,
    read: ([waiting], s) => {
      s.status.notReady = waiting;
    },
  },
];

const KIND_OF_WORDS: Record<string, string> = {
  deployment: 'Deployment',
  'daemon set': 'DaemonSet',
  statefulset: 'StatefulSet',
};

/** Whether a line is one `kubectl rollout status` prints. */
export function isRolloutStatusLine(text: string): boolean {
  return /^(?:Waiting for |(?:deployment|daemon set) "[^"]+" successfully rolled out|partitioned roll out complete|statefulset rolling update complete|error: (?:deployment "[^"]+" exceeded its progress deadline|timed out waiting for the condition))/.test(
    text.trim(),
  );
}

/** The workload's state as the status lines left it (the last of each kind of line wins). */
export function readRolloutStatus(lines: readonly string[], command: KubectlCommand | null): RolloutState {
  const state: RolloutState = {
    kind: command?.kinds[0] ?? null,
    name: command?.names[0] ?? null,
    spec: {},
    status: {},
    conditions: [],
    waiting: null,
    timedOut: false,
  };
  for (const raw of lines) {
    const text = raw.trim().replace(/^error: /, '');
    if (text.startsWith('Waiting for ')) state.waiting = text;
    if (/^timed out waiting for the condition/.test(text)) state.timedOut = true;
    const named = /^(?:Waiting for )?(deployment|daemon set|statefulset) "([^"]+)"/.exec(text);
    if (named) {
      state.kind = KIND_OF_WORDS[named[1]!] ?? state.kind;
      state.name = named[2]!;
    }
    for (const w of WAITING) {
      const m = w.re.exec(text);
      if (m) w.read(m.slice(1).map(Number), state);
    }
    if (/exceeded its progress deadline/.test(text)) {
      state.conditions = [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: `kubectl rollout status: ${text}`,
        },
      ];
    } else if (/successfully rolled out|roll out complete|rolling update complete/.test(text)) {
      state.conditions =
        state.kind === 'Deployment'
          ? [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }]
          : [];
      state.status.complete = true;
      state.waiting = null;
      state.timedOut = false;
    }
  }
  return state;
}

/**
 * What the status lines show as trouble no count holds: kubectl gave up waiting, or the text ends
 * while it still waited (a rollout that hung is why such output is pasted), with its last word on it.
 */
export function rolloutTrouble(state: RolloutState): string[] {
  if (state.conditions.some((c) => c.reason === 'ProgressDeadlineExceeded')) return [];
  const last = state.waiting?.replace(/\.\.\.$/, '');
  if (state.timedOut)
    return [`RolloutTimedOut: kubectl rollout status timed out${last ? ` still ${lower(last)}` : ''}`];
  if (last) return [`RolloutNotFinished: kubectl rollout status was still ${lower(last)}`];
  return [];
}

const lower = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/** The workload a state describes, with the counts that follow from what was printed. */
export function workloadOfRollout(state: RolloutState, namespace: string): Json | null {
  if (!state.kind || !state.name) return null;
  const { oldReplicas, notReady, complete, ...status } = state.status as Record<string, number | boolean>;
  const spec = { ...state.spec };
  if (typeof status.updatedReplicas === 'number' && typeof oldReplicas === 'number')
    status.replicas = status.updatedReplicas + oldReplicas;
  // A DaemonSet's unavailable pods are its desired less its available ones, by definition.
  if (typeof status.desiredNumberScheduled === 'number' && typeof status.numberAvailable === 'number')
    status.numberUnavailable = status.desiredNumberScheduled - status.numberAvailable;
  if (typeof notReady === 'number' && typeof spec.replicas === 'number')
    status.readyReplicas = Math.max(0, spec.replicas - notReady);
  if (complete && typeof spec.replicas === 'number' && state.kind !== 'DaemonSet') {
    status.updatedReplicas ??= spec.replicas;
    status.availableReplicas ??= spec.replicas;
  }
  const conditions = state.conditions.length > 0 ? state.conditions : undefined;
  return {
    apiVersion: BUILTIN_API_VERSIONS[state.kind] ?? 'apps/v1',
    kind: state.kind,
    metadata: withTrouble({ name: state.name, namespace }, rolloutTrouble(state)),
    spec,
    status: compact({ ...status, conditions }),
  };
}

/** `REVISION  CHANGE-CAUSE` rows: the newest revision and its cause, if one was recorded. */
export function readRolloutHistory(lines: readonly string[]): { revision: number; cause?: string } | null {
  let newest: { revision: number; cause?: string } | null = null;
  for (const raw of lines) {
    const m = /^(\d+)\s+(.*)$/.exec(raw.trim());
    if (!m) continue;
    const revision = Number(m[1]);
    const cause = m[2]!.trim();
    if (!newest || revision > newest.revision)
      newest = { revision, cause: cause === '' || cause === '<none>' ? undefined : cause };
  }
  return newest;
}

/**
 * `rollout history --revision=N` of a Deployment: the pod template of its ReplicaSet of that
 * revision, named by the template's pod-template-hash as the Deployment names it. A DaemonSet's or
 * StatefulSet's revision is a ControllerRevision whose name the text does not give: said, not read.
 */
function revisionOf(
  head: RegExpExecArray,
  lines: readonly TextLine[],
  namespace: string,
  ctx: FileContext,
  line: number | undefined,
): Json | null {
  const kind = kindOfWord(head[1]!);
  const [name, number] = [head[2]!, head[3]!];
  const template = templateOf(parseDescribeTree(lines));
  const labels = (template?.metadata as Json | undefined)?.labels as Record<string, string> | undefined;
  if (kind !== 'Deployment' || !template || !labels?.['pod-template-hash']) {
    issue(
      ctx,
      line,
      kind === 'Deployment'
        ? `the pod template of revision ${number} of Deployment ${name}: not read, it names no pod-template-hash`
        : `the pod template of revision ${number} of ${kind ?? head[1]} ${name}: not read, its ControllerRevision is not named by the text`,
    );
    return null;
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${name}-${labels['pod-template-hash']}`,
      namespace,
      labels,
      annotations: { 'deployment.kubernetes.io/revision': number },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, controller: true }],
    },
    spec: { template },
  };
}

/** Read a `kubectl rollout status|history` section, or null when it says nothing of a workload. */
export function prepareRollout(
  lines: readonly TextLine[],
  command: KubectlCommand,
  ctx: FileContext,
): PreparedSection | null {
  const namespace = command.namespace ?? 'default';
  const texts = lines.map((l) => l.text);
  let object: Json | null = null;
  let ownWord = false;
  const revision = /^(\S+?)\/(\S+) with revision #(\d+)$/.exec(texts[0]?.trim() ?? '');
  if (command.rolloutAction === 'history' && revision) {
    object = revisionOf(revision, lines.slice(1), namespace, ctx, lines[0]?.line);
    ownWord = true;
  } else if (command.rolloutAction === 'history') {
    // `deployment.apps/cart` heads the table; `--revision=N` prints a past pod template instead.
    const head = /^(\S+?)\/(\S+)/.exec(texts[0]?.trim() ?? '');
    const kind = (head && kindOfWord(head[1]!)) ?? command.kinds[0];
    const name = head?.[2] ?? command.names[0];
    const newest = readRolloutHistory(texts.slice(1));
    if (!kind || !name || !newest) return null;
    object = {
      apiVersion: BUILTIN_API_VERSIONS[kind] ?? 'apps/v1',
      kind,
      metadata: {
        name,
        namespace,
        annotations: compact({
          'deployment.kubernetes.io/revision': kind === 'Deployment' ? String(newest.revision) : undefined,
          'kubernetes.io/change-cause': newest.cause,
        }),
      },
    };
  } else if (command.rolloutAction === 'status' && texts.some(isRolloutStatusLine)) {
    const state = readRolloutStatus(texts, command);
    object = workloadOfRollout(state, namespace);
    ownWord = state.conditions.some((c) => c.status === 'False') || rolloutTrouble(state).length > 0;
  }
  // A revision not read was said so: nothing else reads it.
  if (!object) return revision ? { floor: null, emit: () => {} } : null;
  const obj = object;
  return {
    floor: null,
    emit: (capture, observed) => {
      const meta = obj.metadata as { name: string; namespace?: string };
      // A rollout's few counts say less than a describe or the object read before, but what only
      // it says (the deadline exceeded, a rollout kubectl gave up on) is written all the same.
      if (!ownWord && ctx.sink.hasObject(obj.kind as string, meta.namespace, meta.name)) return;
      ctx.sink.object(markDerived(obj, ROLLOUT_SOURCE), {
        stats: ctx.stats,
        origin: ctx.origin,
        fallbackTs: capture,
        observed,
        watchEvent: null,
      });
    },
  };
}
