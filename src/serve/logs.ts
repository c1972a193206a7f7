// Container logs at an instant: the lines of the container instance that was current then (or of
// the one before it, for --previous), told apart by the start and finish times of the pod's
// container statuses. Shared by the server's pods/log and the offline `kstory logs`.

import { arr, type Json, rec, str } from '../kube/fields.ts';
import type { Instant } from './instant.ts';
import { instantFromIso } from './instant.ts';
import type { BundleState, LogLine } from './state.ts';

export interface LogOptions {
  container?: string;
  previous?: boolean;
  sinceTime?: Instant;
  sinceSeconds?: number;
  tailLines?: number;
  limitBytes?: number;
  timestamps?: boolean;
}

export class LogError extends Error {}

/** Seconds of slack around status times (they have second precision, log lines do not). */
const SLACK = 1_000_000;

function statusOf(pod: Json, container: string): Json | undefined {
  const status = rec(pod.status) ?? {};
  return [
    ...arr(status.containerStatuses),
    ...arr(status.initContainerStatuses),
    ...arr(status.ephemeralContainerStatuses),
  ]
    .map(rec)
    .find((c) => c?.name === container);
}

export function containerNames(pod: Json): string[] {
  const spec = rec(pod.spec) ?? {};
  return [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)]
    .map((c) => str(rec(c)?.name))
    .filter((n): n is string => n !== null);
}

/** The container `kubectl logs` picks when none is named: the default-container annotation, else the first. */
export function defaultContainer(pod: Json): string | undefined {
  const annotated = str(rec(rec(pod.metadata)?.annotations)?.['kubectl.kubernetes.io/default-container']);
  if (annotated) return annotated;
  return str(rec(arr(rec(pod.spec)?.containers)[0])?.name) ?? undefined;
}

function time(value: unknown): Instant | null {
  const s = str(value);
  return s ? instantFromIso(s) : null;
}

/** The span of recording time the asked instance's lines fall in. */
export function instanceSpan(
  pod: Json,
  container: string,
  previous: boolean,
  at: Instant,
): { from: Instant | null; to: Instant } {
  const status = statusOf(pod, container);
  const podName = String(rec(pod.metadata)?.name ?? '');
  const state = rec(status?.state) ?? {};
  const last = rec(rec(status?.lastState)?.terminated);
  // An instance ran from its start to its finish (or to now, still running).
  const ran = (instance: Json, running: boolean) => {
    const started = time(instance.startedAt);
    const finished = running ? null : time(instance.finishedAt);
    return {
      from: started === null ? null : started - SLACK,
      to: finished === null ? at : Math.min(at, finished + SLACK),
    };
  };
  if (previous) {
    if (!last)
      throw new LogError(`previous terminated container "${container}" in pod "${podName}" not found`);
    return ran(last, false);
  }
  const running = rec(state.running);
  const terminated = rec(state.terminated);
  if (running) return ran(running, true);
  if (terminated) return ran(terminated, false);
  // Waiting to restart (CrashLoopBackOff): the kubelet still serves the instance that last ran.
  if (last) return ran(last, false);
  return { from: null, to: at };
}

/** `2026-03-02T09:07:24.003Z`: the kubelet's RFC 3339 with nanoseconds, trailing zeros dropped. */
export function logTimestamp(ts: Instant): string {
  const whole = new Date(Math.floor(ts / 1_000_000) * 1000).toISOString().slice(0, 19);
  const fraction = String(ts % 1_000_000)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''}Z`;
}

export interface PodLogs {
  container: string;
  lines: LogLine[];
  /** The instance's end when it had ended by then, else the instant asked. */
  until: Instant;
}

/** The lines `kubectl logs` would print for a pod (as it stood at `at`). */
export async function podLogs(
  state: BundleState,
  pod: Json,
  at: Instant,
  options: LogOptions,
): Promise<PodLogs> {
  const metadata = rec(pod.metadata) ?? {};
  const namespace = String(metadata.namespace ?? '');
  const name = String(metadata.name ?? '');
  const names = containerNames(pod);
  const container = options.container ?? (names.length === 1 ? names[0] : undefined);
  if (!container) {
    throw new LogError(
      `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`,
    );
  }
  if (!names.includes(container)) throw new LogError(`container ${container} is not valid for pod ${name}`);
  const span = instanceSpan(pod, container, options.previous === true, at);
  let from = span.from;
  if (options.sinceTime !== undefined) from = Math.max(from ?? 0, options.sinceTime);
  if (options.sinceSeconds !== undefined) from = Math.max(from ?? 0, at - options.sinceSeconds * 1_000_000);
  let lines = await state.logs(namespace, name, container, from, span.to);
  if (options.tailLines !== undefined && options.tailLines >= 0)
    lines = lines.slice(Math.max(0, lines.length - options.tailLines));
  return { container, lines, until: span.to };
}

/** The text of log lines, with timestamps when asked, cut at `limitBytes`. */
export function formatLogLines(
  lines: readonly LogLine[],
  options: Pick<LogOptions, 'timestamps' | 'limitBytes'>,
): string {
  let out = '';
  for (const l of lines) {
    out += options.timestamps ? `${logTimestamp(l.ts)} ${l.line}\n` : `${l.line}\n`;
    if (options.limitBytes !== undefined && Buffer.byteLength(out) >= options.limitBytes) {
      return Buffer.from(out).subarray(0, options.limitBytes).toString('utf8');
    }
  }
  return out;
}
