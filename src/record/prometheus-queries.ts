// What `kstory record --prometheus` asks Prometheus: the built-in range queries (kube-state-metrics
// and cAdvisor series the analyzer joins to pods, containers and nodes), the user's `--promql` file,
// and the step and chunks that keep every request within Prometheus' limits.

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { KstoryError, messageOf } from '../errors.ts';
import { describeProblem, isProblem, lineAt, readYaml, zodProblem } from '../vocab/zod-issue.ts';

export interface PromQuery {
  /** Names the query's rows (`origin` is `prometheus:<name>`) and its series that carry no `__name__`. */
  name: string;
  /** PromQL; `$__rate_interval` becomes a rate window that suits the step. */
  expr: string;
  description?: string;
  /** `builtin`, or the --promql file that declared it. */
  from: string;
}

/** Real containers only: cAdvisor also reports each pod's cgroup (container="") and its sandbox ("POD"). */
const CONTAINERS = 'container!="",container!="POD"';

/**
 * Raw series, as kstory's analyzer reads them (memory against limits and CPU throttling are computed
 * from these): selectors and `== 1` / `> 0` filters keep the series' own name and labels
 * (namespace, pod, container, node), so rows join to the recorded objects, and the filters drop the
 * zeros kube-state-metrics reports for every reason a container is not in. A computed series is
 * named `kstory:…`, the recording rule convention.
 */
export const BUILTIN_QUERIES: readonly PromQuery[] = [
  {
    name: 'kube_pod_container_status_restarts_total',
    expr: 'kube_pod_container_status_restarts_total',
    description: 'container restarts',
  },
  {
    name: 'kube_pod_container_status_waiting_reason',
    expr: 'kube_pod_container_status_waiting_reason == 1',
    description: 'why a container waits: CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError…',
  },
  {
    name: 'kube_pod_container_status_last_terminated_reason',
    expr: 'kube_pod_container_status_last_terminated_reason == 1',
    description: 'why the previous instance of a container ended: OOMKilled, Error…',
  },
  {
    name: 'kube_pod_container_status_terminated_reason',
    expr: 'kube_pod_container_status_terminated_reason == 1',
    description: 'why a container is terminated',
  },
  {
    name: 'container_oom_events_total',
    expr: `container_oom_events_total{${CONTAINERS}} > 0`,
    description: 'OOM kills counted by cAdvisor',
  },
  {
    name: 'container_memory_working_set_bytes',
    expr: `container_memory_working_set_bytes{${CONTAINERS}}`,
    description: 'memory the kernel counts against the limit',
  },
  {
    name: 'kube_pod_container_resource_limits',
    expr: 'kube_pod_container_resource_limits{resource=~"memory|cpu"}',
    description: 'memory and CPU limits',
  },
  {
    // Raw counters: kstory pairs them at each step to compute the throttled share of CPU periods.
    name: 'container_cpu_cfs_throttled_periods_total',
    expr: `container_cpu_cfs_throttled_periods_total{${CONTAINERS}}`,
    description: 'CPU periods in which the container was throttled (counter)',
  },
  {
    name: 'container_cpu_cfs_periods_total',
    expr: `container_cpu_cfs_periods_total{${CONTAINERS}}`,
    description: 'CPU periods the container was runnable in (counter)',
  },
  {
    name: 'kube_node_status_condition',
    expr: 'kube_node_status_condition == 1',
    description: 'the status each node condition holds (Ready, MemoryPressure, DiskPressure…)',
  },
  {
    name: 'kube_resourcequota',
    expr: 'kube_resourcequota',
    description: 'quota hard limits and usage per resource',
  },
  {
    // Prometheus' own series of its alerting rules: 1 while an alert is pending or firing, with the
    // alert's labels (alertname, alertstate, severity, and the namespace, pod… the rule kept), so an
    // alert joins to the objects it is about and can start `kstory related`.
    name: 'ALERTS',
    expr: 'ALERTS',
    description: 'alerts pending or firing, with their labels',
  },
  {
    name: 'kstory:apiserver_request_5xx:rate',
    expr: 'sum by (verb, group, resource, code) (rate(apiserver_request_total{code=~"5.."}[$__rate_interval])) > 0',
    description: 'API server requests answered with a 5xx code, per second',
  },
].map((q) => ({ ...q, from: 'builtin' }));

// --- step and chunks ---

/** Prometheus refuses a range query of more than 11,000 points per series; stay well under it. */
export const MAX_POINTS_PER_REQUEST = 10_000;
/** Points per series a window is aimed at: detailed enough for a postmortem, small enough to carry. */
const TARGET_POINTS = 1_000;
/** Most clusters scrape every 15 to 60 seconds: a finer step only repeats samples. */
const MIN_STEP_S = 15;
const NICE_STEPS_S = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

/** The smallest nice step (15s, 30s, 1m, 2m, 5m, …, 1d) giving at most about 1,000 points over the window. */
export function chooseStepSeconds(windowMs: number): number {
  const wanted = Math.max(MIN_STEP_S, windowMs / 1000 / TARGET_POINTS);
  const nice = NICE_STEPS_S.find((s) => s >= wanted);
  return nice ?? Math.ceil(wanted / 86_400) * 86_400;
}

/** A rate window that sees several scrapes and leaves no sample between two steps unread. */
export function rateIntervalSeconds(stepS: number): number {
  return Math.max(300, stepS);
}

export function expandExpr(expr: string, stepS: number): string {
  return expr.replaceAll('$__rate_interval', `${rateIntervalSeconds(stepS)}s`);
}

/**
 * The requests that cover the points `start, start+step, …, ≤ end` (seconds, start aligned to the
 * step), each of at most `maxPoints` points; a chunk starts one step after the previous one's last
 * point, so no point is asked for twice.
 */
export function rangeChunks(
  startS: number,
  endS: number,
  stepS: number,
  maxPoints = MAX_POINTS_PER_REQUEST,
): { start: number; end: number }[] {
  const chunks: { start: number; end: number }[] = [];
  if (endS < startS) return chunks;
  const lastPoint = startS + Math.floor((endS - startS) / stepS) * stepS;
  for (let start = startS; start <= lastPoint; start += maxPoints * stepS) {
    chunks.push({ start, end: Math.min(start + (maxPoints - 1) * stepS, lastPoint) });
  }
  return chunks;
}

/** `15s`, `2m`, `1h`, `1d`: a step as the user would write it. */
export function formatStep(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

// --- the --promql file ---

/** Query names become metric names for expression results, so they follow the metric name rules. */
const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

const UserQuerySchema = z.strictObject({
  name: z
    .string()
    .regex(NAME_RE, 'must be a metric-style name: letters, digits, _ and :, not starting with a digit'),
  expr: z.string().trim().min(1, 'must be a PromQL expression'),
  description: z.string().optional(),
});

const PromqlFileSchema = z.strictObject({
  queries: z.array(UserQuerySchema).min(1, 'must list at least one query'),
});

/**
 * Extra queries: `queries: [{name, expr, description?}]`, or the short form, one `name: expr` per
 * line. A query named like a built-in one replaces it. Errors name the file, line and field.
 */
export function loadPromqlFile(file: string): PromQuery[] {
  const fail = (message: string, line?: number, field?: string): never => {
    throw new KstoryError(describeProblem({ file, line, field, message }), {
      hint: 'A --promql file holds `queries:` with a name and an expr per query, or one `name: expr` per line.',
    });
  };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return fail(`cannot read the --promql file: ${messageOf(error)}`);
  }
  const source = readYaml(text, file);
  if (isProblem(source)) return fail(source.message, source.line);
  const raw: unknown = source.document.toJS();
  let input: unknown = raw;
  let shortForm = false;
  if (isPlainObject(raw) && !('queries' in raw)) {
    // The short form: every key a query name, every value its expression.
    shortForm = true;
    for (const [name, expr] of Object.entries(raw)) {
      if (typeof expr !== 'string')
        fail('expected a PromQL expression as text', lineAt(source, [name]), name);
    }
    input = { queries: Object.entries(raw).map(([name, expr]) => ({ name, expr })) };
  }
  const parsed = PromqlFileSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (shortForm) {
      const index = Number(issue.path[1]);
      const name = Object.keys(raw as object)[index] ?? '';
      return fail(
        `query "${name}": ${issue.path.at(-1) === 'name' ? 'name ' : ''}${issue.message}`,
        lineAt(source, [name]),
      );
    }
    const problem = zodProblem(parsed.error, file, source);
    return fail(problem.message, problem.line, problem.field);
  }
  const seen = new Set<string>();
  return parsed.data.queries.map((q, i) => {
    if (seen.has(q.name)) {
      fail(
        `query name "${q.name}" is used twice`,
        shortForm ? undefined : lineAt(source, ['queries', i, 'name']),
      );
    }
    seen.add(q.name);
    return { ...q, from: file };
  });
}

/** The built-in queries, with the user's added or replacing a built-in query of the same name. */
export function mergeQueries(builtin: readonly PromQuery[], user: readonly PromQuery[]): PromQuery[] {
  const byName = new Map(builtin.map((q) => [q.name, q]));
  for (const q of user) byName.set(q.name, q);
  return [...byName.values()];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
