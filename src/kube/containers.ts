// The containers column of an object row: every init and regular container of the pod spec an
// object runs, with the state, last termination and resources a Pod's status and spec give it.

import type { ContainerRow } from '../bundle/row.ts';
import { arr, int, isRecord, type Json, rec, str } from './fields.ts';
import { quantityMilli, quantityValue } from './quantity.ts';
import { normalizeTs } from './time.ts';

export function containersOf(
  kind: string | null,
  obj: Json,
  podSpec: Json | undefined,
): ContainerRow[] | null {
  if (!podSpec) return null;
  const status = kind === 'Pod' ? rec(obj.status) : undefined;
  const out: ContainerRow[] = [];
  addContainers(out, arr(podSpec.initContainers), arr(status?.initContainerStatuses), true);
  addContainers(out, arr(podSpec.containers), arr(status?.containerStatuses), false);
  return out;
}

function addContainers(out: ContainerRow[], specs: unknown[], statuses: unknown[], init: boolean): void {
  const byName = new Map<string, Json>();
  for (const s of statuses) if (isRecord(s) && typeof s.name === 'string') byName.set(s.name, s);
  const seen = new Set<string>();
  for (const spec of specs) {
    if (!isRecord(spec) || typeof spec.name !== 'string') continue;
    seen.add(spec.name);
    out.push(containerRow(spec.name, spec, byName.get(spec.name), init));
  }
  // A status without a spec (a dump with a trimmed spec) still tells what happened to the container.
  for (const [name, status] of byName)
    if (!seen.has(name)) out.push(containerRow(name, undefined, status, init));
}

function containerRow(
  name: string,
  spec: Json | undefined,
  status: Json | undefined,
  init: boolean,
): ContainerRow {
  const resources = rec(spec?.resources);
  const requests = rec(resources?.requests);
  const limits = rec(resources?.limits);
  const row: ContainerRow = {
    name,
    image: str(spec?.image) ?? str(status?.image),
    init,
    ready: null,
    restart_count: null,
    state: null,
    reason: null,
    message: null,
    exit_code: null,
    started_at: null,
    finished_at: null,
    last_reason: null,
    last_exit_code: null,
    last_started_at: null,
    last_finished_at: null,
    cpu_request_m: quantityMilli(requests?.cpu),
    cpu_limit_m: quantityMilli(limits?.cpu),
    memory_request_bytes: quantityValue(requests?.memory),
    memory_limit_bytes: quantityValue(limits?.memory),
  };
  if (status) {
    row.ready = typeof status.ready === 'boolean' ? status.ready : null;
    row.restart_count = int(status.restartCount);
    const state = rec(status.state);
    const waiting = rec(state?.waiting);
    const running = rec(state?.running);
    const terminated = rec(state?.terminated);
    if (terminated) {
      row.state = 'terminated';
      row.reason = str(terminated.reason);
      row.message = str(terminated.message);
      row.exit_code = int(terminated.exitCode);
      row.started_at = normalizeTs(terminated.startedAt);
      row.finished_at = normalizeTs(terminated.finishedAt);
    } else if (running) {
      row.state = 'running';
      row.started_at = normalizeTs(running.startedAt);
    } else if (waiting) {
      row.state = 'waiting';
      row.reason = str(waiting.reason);
      row.message = str(waiting.message);
    }
    const last = rec(rec(status.lastState)?.terminated);
    if (last) {
      row.last_reason = str(last.reason);
      row.last_exit_code = int(last.exitCode);
      row.last_started_at = normalizeTs(last.startedAt);
      row.last_finished_at = normalizeTs(last.finishedAt);
    }
  }
  return row;
}
