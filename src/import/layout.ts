// What paths say in the layouts people save: which pod and container a log file belongs to (must-gather,
// a support bundle's cluster-resources/pods/logs, the node's /var/log/pods and /var/log/containers,
// `kubectl cluster-info dump` directories), which layout an input has, and when a must-gather was gathered.

import type { InputStats } from './stats.ts';

export interface LogSubject {
  namespace: string;
  pod: string;
  /** Null when the file names it inside (cluster-info dump `logs.txt`). */
  container: string | null;
  previous: boolean;
  podUid?: string;
  /** Identifies the log stream: a second file for the same stream is the same log again. */
  stream: string;
  /** The node the file was gathered from, when its folder says (`kind export logs`: `<node>/pods/…`). */
  node?: string;
  layout:
    | 'must-gather'
    | 'support-bundle'
    | 'var-log-pods'
    | 'var-log-containers'
    | 'dockershim'
    | 'cluster-info-dump'
    | 'given';
}

const MUST_GATHER_RE =
  /(?:^|\/)namespaces\/([^/]+)\/pods\/([^/]+)\/([^/]+)\/([^/]+)\/logs\/(current|previous)(?:\.insecure)?\.log$/;
// A support bundle (troubleshoot.sh) keeps each container's log, and the one before its last restart:
// cluster-resources/pods/logs/<namespace>/<pod>/<container>.log and <container>-previous.log.
// `<container>-logs-errors.log` beside them says why a log could not be fetched: no log.
const SUPPORT_BUNDLE_RE =
  /(?:^|\/)cluster-resources\/pods\/logs\/([^/]+)\/([^/]+)\/((?:(?!-logs-errors\.log$)[^/])+?)(-previous)?\.log$/;
const VAR_LOG_PODS_RE = /(?:^|\/)([^/_]+)_([^/_]+)_([0-9a-f-]{36})\/([^/]+)\/(\d+)\.log(?:\.\d{8}-\d{6})?$/;
const VAR_LOG_CONTAINERS_RE = /(?:^|\/)([^/_]+)_([^/_]+)_(.+)-[0-9a-f]{64}\.log$/;
const CLUSTER_INFO_DUMP_RE = /(?:^|\/)([^/]+)\/([^/]+)\/logs\.txt$/;
// Docker's container name under dockershim, which people save `docker logs` under:
// k8s_<container>_<pod>_<namespace>_<pod uid>_<attempt>, none of which may hold `_`.
const DOCKERSHIM_RE = /(?:^|\/)k8s_([^_/]+)_([^_/]+)_([^_/]+)_([0-9a-f-]{36})_(\d+)(?:\.[a-z]+)?$/;

export function logSubjectOf(relPath: string): LogSubject | null {
  let m = MUST_GATHER_RE.exec(relPath);
  if (m) {
    const [, namespace, pod, container, , which] = m as unknown as string[];
    const previous = which === 'previous';
    return {
      namespace: namespace!,
      pod: pod!,
      container: container!,
      previous,
      stream: `${namespace}/${pod}/${container}/${previous}`,
      layout: 'must-gather',
    };
  }
  m = SUPPORT_BUNDLE_RE.exec(relPath);
  if (m) {
    const [, namespace, pod, container, previous] = m as unknown as string[];
    return {
      namespace: namespace!,
      pod: pod!,
      container: container!,
      previous: previous !== undefined,
      stream: `${namespace}/${pod}/${container}/${previous !== undefined}`,
      layout: 'support-bundle',
    };
  }
  m = VAR_LOG_PODS_RE.exec(relPath);
  if (m) {
    const [, namespace, pod, podUid, container, restart] = m as unknown as string[];
    return {
      namespace: namespace!,
      pod: pod!,
      container: container!,
      previous: false,
      podUid,
      stream: `${namespace}/${pod}/${container}/${restart}/${relPath.slice(relPath.lastIndexOf('/') + 1)}`,
      layout: 'var-log-pods',
    };
  }
  m = VAR_LOG_CONTAINERS_RE.exec(relPath);
  if (m) {
    const [, pod, namespace, container] = m as unknown as string[];
    return {
      namespace: namespace!,
      pod: pod!,
      container: container!,
      previous: false,
      stream: relPath,
      layout: 'var-log-containers',
    };
  }
  m = DOCKERSHIM_RE.exec(relPath);
  if (m) {
    const [, container, pod, namespace, podUid, attempt] = m as unknown as string[];
    return {
      namespace: namespace!,
      pod: pod!,
      container: container!,
      previous: false,
      podUid,
      stream: `${namespace}/${pod}/${container}/${attempt}`,
      layout: 'dockershim',
    };
  }
  m = CLUSTER_INFO_DUMP_RE.exec(relPath);
  if (m) {
    const [, namespace, pod] = m as unknown as string[];
    return {
      namespace: namespace!,
      pod: pod!,
      container: null,
      previous: false,
      stream: relPath,
      layout: 'cluster-info-dump',
    };
  }
  return null;
}

// A named logs collector of a support bundle writes `<name>/<pod>/<container>[-previous].log` (the
// name may hold slashes; an unnamed one writes at the bundle's root). Newer versions keep the file
// under cluster-resources/pods/logs and link it here; older ones, and copies that lost the links,
// hold the file itself. The path has no namespace: the pod's own listing gives it.
const COLLECTOR_LOG_RE = /(?:^|\/)([^/]+)\/((?:(?!-logs-errors\.log$)[^/])+?)(-previous)?\.log$/;

/** The pod and container a support bundle's logs collector file names, its namespace left to the listings. */
export function collectorLogOf(
  relPath: string,
): { pod: string; container: string; previous: boolean } | null {
  if (/(?:^|\/)(?:cluster-resources|host-collectors)\//.test(relPath)) return null;
  const m = COLLECTOR_LOG_RE.exec(relPath);
  return m ? { pod: m[1]!, container: m[2]!, previous: m[3] !== undefined } : null;
}

// `kind export logs` copies each node's /var/log/pods into the node's folder.
const KIND_POD_LOG_RE = /(?:^|\/)([^/]+)\/pods\/[^/_]+_[^/_]+_[0-9a-f-]{36}\/[^/]+\/[^/]+$/;

/** The node whose folder a pod's log sits in, in the layout of `kind export logs`. */
export function kindNodeOf(relPath: string, layout: string | null): string | undefined {
  return layout === 'kind-logs' ? KIND_POD_LOG_RE.exec(relPath)?.[1] : undefined;
}

/** The layouts a tree's paths reveal: which tool saved it. */
export type Layout = 'must-gather' | 'support-bundle' | 'cluster-info-dump' | 'kind-logs' | 'sosreport';

/**
 * A must-gather holds `namespaces/` and `cluster-scoped-resources/` (and a `timestamp` file); a
 * support bundle (troubleshoot.sh) `cluster-resources/`; `kind export logs` a `kind-version.txt` and a
 * folder per node with its `kubernetes-version.txt`, `kubelet.log` and `pods/`; a sosreport
 * `sos_commands/`.
 */
export function layoutOfPath(relPath: string): Layout | null {
  if (/(?:^|\/)(?:cluster-scoped-resources|namespaces\/[^/]+\/core)\//.test(relPath)) return 'must-gather';
  if (/(?:^|\/)cluster-resources\/[^/]+/.test(relPath)) return 'support-bundle';
  if (/(?:^|\/)(?:kind-version\.txt|[^/]+\/kubernetes-version\.txt)$/.test(relPath)) return 'kind-logs';
  if (/(?:^|\/)sos_commands\//.test(relPath)) return 'sosreport';
  if (
    /(?:^|\/)(?:nodes\.json|[^/]+\/(?:events|pods|replicasets|deployments|daemonsets|services|replicationcontrollers)\.json)$/.test(
      relPath,
    )
  ) {
    return 'cluster-info-dump';
  }
  return null;
}

/**
 * must-gather `timestamp` file: start and end of the gathering in Go's time format, e.g.
 * `2021-08-03 12:14:13.632016778 +0200 CEST m=+138.368642668`. The last line is the end.
 */
export function parseGatherTimestamp(text: string): string | null {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const last = lines.at(-1);
  if (!last) return null;
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)? ([+-]\d\d)(\d\d)/.exec(last.trim());
  if (!m) return null;
  const ms = Date.parse(`${m[1]}T${m[2]}${m[4]}:${m[5]}`);
  if (Number.isNaN(ms)) return null;
  const fraction = (m[3] ?? '').slice(0, 7);
  return `${new Date(ms).toISOString().slice(0, 19)}${fraction}Z`;
}

/**
 * A must-gather's `timestamp` file says when it was gathered: the snapshot's time, better than any
 * file's modification time. True when `headText` was that file.
 */
export function readGatherTimestamp(relPath: string, headText: string, stats: InputStats): boolean {
  if (!/(?:^|\/)timestamp$/.test(relPath) || stats.layout !== 'must-gather') return false;
  const gathered = parseGatherTimestamp(headText);
  if (!gathered) return false;
  stats.capturedAt = gathered;
  stats.capturedSource = 'gathered';
  stats.capturedExact = true;
  stats.formats['must-gather-timestamp'] = 1;
  return true;
}
