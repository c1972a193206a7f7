// Requests and limits for a container from what it used: CPU request at p95 with headroom (CPU is
// shared, a short peak only slows it), memory request and limit above the peak (memory is not: past
// the limit the container is killed), a CPU limit raised when it throttled. Quantities in the units
// users write (`250m`, `384Mi`). Pure functions, so that the rules are tested alone.

/** Samples each of CPU and memory needs before a suggestion is made on it. */
export const MIN_SAMPLES = 10;
/** Headroom over the observed statistic each suggestion keeps. */
export const HEADROOM = {
  cpuRequest: 1.15,
  cpuLimit: 1.25,
  memoryRequest: 1.15,
  memoryLimit: 1.25,
  afterOom: 1.5,
};
/** Share of CFS periods throttled above which the CPU limit is said to be too low. */
export const THROTTLED = 0.05;

export interface Usage {
  pods: number;
  cpu_request_m: number | null;
  cpu_limit_m: number | null;
  memory_request_bytes: number | null;
  memory_limit_bytes: number | null;
  cpu_samples: number;
  cpu_p50_m: number | null;
  cpu_p95_m: number | null;
  cpu_max_m: number | null;
  memory_samples: number;
  memory_p50_bytes: number | null;
  memory_p95_bytes: number | null;
  memory_max_bytes: number | null;
  throttled_share: number | null;
  throttled_max: number | null;
  oom_kills: number;
}

export interface Suggestion {
  cpu_request: string | null;
  cpu_limit: string | null;
  memory_request: string | null;
  memory_limit: string | null;
}

const MI = 1024 * 1024;

/** Millicores rounded up to a step people use: 5m below 100m, 10m below 1, 50m above. */
export function roundCpu(millicores: number): number {
  const step = millicores < 100 ? 5 : millicores < 1000 ? 10 : 50;
  return Math.max(step, Math.ceil(millicores / step) * step);
}

/** `250m`, or `2` for whole cores. */
export function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

/** Bytes rounded up to 16Mi below 1Gi, to 128Mi above. */
export function roundMemory(bytes: number): number {
  const step = (bytes < 1024 * MI ? 16 : 128) * MI;
  return Math.max(step, Math.ceil(bytes / step) * step);
}

/** `384Mi`, or `2Gi` for whole gibibytes. */
export function formatMemory(bytes: number): string {
  return bytes % (1024 * MI) === 0 ? `${bytes / (1024 * MI)}Gi` : `${Math.round(bytes / MI)}Mi`;
}

export interface Sizing {
  suggestion: Suggestion;
  /** Why each value, one line each. */
  rationale: string[];
  /** What changes per pod, and what it should change. */
  impact: string;
  cpu_request_delta_m: number | null;
  memory_request_delta_bytes: number | null;
}

/** The suggestion for one container, on the statistics that have MIN_SAMPLES; null for the others. */
export function suggestSizing(u: Usage): Sizing {
  const rationale: string[] = [];
  const impact: string[] = [];
  const suggestion: Suggestion = {
    cpu_request: null,
    cpu_limit: null,
    memory_request: null,
    memory_limit: null,
  };
  let cpuDelta: number | null = null;
  let memoryDelta: number | null = null;

  if (u.cpu_samples >= MIN_SAMPLES && u.cpu_p95_m !== null && u.cpu_max_m !== null) {
    const request = roundCpu(u.cpu_p95_m * HEADROOM.cpuRequest);
    suggestion.cpu_request = formatCpu(request);
    rationale.push(
      `CPU request ${formatCpu(request)}: p95 usage ${Math.round(u.cpu_p95_m)}m over ${u.cpu_samples} samples, +${Math.round((HEADROOM.cpuRequest - 1) * 100)}%`,
    );
    if (u.cpu_request_m !== null) {
      cpuDelta = request - u.cpu_request_m;
      if (cpuDelta !== 0)
        impact.push(
          `CPU request ${formatCpu(u.cpu_request_m)} → ${formatCpu(request)} per pod (${cpuDelta > 0 ? '+' : ''}${cpuDelta}m)`,
        );
    } else
      impact.push(`CPU request set to ${formatCpu(request)} (none was set: the scheduler counted it as 0)`);
    if (u.cpu_limit_m !== null) {
      const throttled = (u.throttled_share ?? 0) > THROTTLED;
      const limit = throttled
        ? Math.max(roundCpu(u.cpu_max_m * HEADROOM.cpuLimit), roundCpu(u.cpu_limit_m * 2), request)
        : Math.max(u.cpu_limit_m, request);
      suggestion.cpu_limit = formatCpu(limit);
      if (throttled) {
        rationale.push(
          `CPU limit ${formatCpu(limit)}: throttled in ${Math.round((u.throttled_share ?? 0) * 100)}% of CFS periods under the limit of ${formatCpu(u.cpu_limit_m)} (or remove the limit); usage was capped by the limit, so it may need more than was seen`,
        );
        impact.push(`CPU limit ${formatCpu(u.cpu_limit_m)} → ${formatCpu(limit)}: throttling should stop`);
      } else rationale.push(`CPU limit ${formatCpu(limit)}: not throttled, kept (at least the request)`);
    }
  } else rationale.push(`CPU: ${u.cpu_samples} usage samples, fewer than ${MIN_SAMPLES}: no suggestion`);

  if (u.memory_samples >= MIN_SAMPLES && u.memory_max_bytes !== null) {
    // An OOM kill caps the observed peak at the limit: what it needed is more than was seen.
    const killed = u.oom_kills > 0;
    const peak = killed ? Math.max(u.memory_max_bytes, u.memory_limit_bytes ?? 0) : u.memory_max_bytes;
    const request = roundMemory(peak * HEADROOM.memoryRequest);
    // A limit does not reserve anything: lowering one that was never reached only takes away margin.
    const wanted = roundMemory(peak * (killed ? HEADROOM.afterOom : HEADROOM.memoryLimit));
    const limit = Math.max(killed || u.memory_limit_bytes === null ? wanted : u.memory_limit_bytes, request);
    suggestion.memory_request = formatMemory(request);
    suggestion.memory_limit = formatMemory(limit);
    rationale.push(
      `memory request ${formatMemory(request)}: peak working set ${formatMemory(u.memory_max_bytes)} over ${u.memory_samples} samples, +${Math.round((HEADROOM.memoryRequest - 1) * 100)}%`,
    );
    rationale.push(
      killed
        ? `memory limit ${suggestion.memory_limit}: OOM-killed ${u.oom_kills} time(s) at ${u.memory_limit_bytes ? formatMemory(u.memory_limit_bytes) : 'its limit'}, +${Math.round((HEADROOM.afterOom - 1) * 100)}% over it; if usage kept growing until each kill, look for a leak first`
        : u.memory_limit_bytes !== null && limit === u.memory_limit_bytes
          ? `memory limit ${suggestion.memory_limit}: never reached, kept`
          : `memory limit ${suggestion.memory_limit}: peak +${Math.round((HEADROOM.memoryLimit - 1) * 100)}%`,
    );
    if (u.memory_request_bytes !== null) {
      memoryDelta = request - u.memory_request_bytes;
      if (memoryDelta !== 0)
        impact.push(
          `memory request ${formatMemory(u.memory_request_bytes)} → ${formatMemory(request)} per pod`,
        );
    } else impact.push(`memory request set to ${formatMemory(request)} (none was set)`);
    if (killed)
      impact.push(
        `memory limit ${u.memory_limit_bytes ? formatMemory(u.memory_limit_bytes) : 'none'} → ${suggestion.memory_limit}: the OOM kills should stop`,
      );
  } else
    rationale.push(
      `memory: ${u.memory_samples} working-set samples, fewer than ${MIN_SAMPLES}: no suggestion`,
    );

  return {
    suggestion,
    rationale,
    impact:
      impact.length === 0
        ? 'none: the requests and limits fit what was used'
        : `${impact.join('; ')}${u.pods > 1 ? ` (${u.pods} pods seen)` : ''}.`,
    cpu_request_delta_m: cpuDelta,
    memory_request_delta_bytes: memoryDelta,
  };
}
