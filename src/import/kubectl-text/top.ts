// `kubectl top pods|nodes` tables (with -A, --containers, --sum, --no-headers; the old heapster
// columns too) as the usage samples metrics-server gave at the time the command ran: memory as the
// kubelet's working-set series, CPU in cores, a node's share of its allocatable as a ratio.

import { quantityMilli, quantityValue } from '../../kube/quantity.ts';
import { metricRow } from '../../kube/sample-rows.ts';
import { type FileContext, issue, note } from '../context.ts';
import type { KubectlCommand } from './command.ts';
import type { TextLine } from './describe-tree.ts';
import type { PreparedSection } from './prepared.ts';
import { parseTables, type Table } from './tables.ts';

/** The metric names a `kubectl top` row is written as (the kubelet's resource metrics, CPU as a rate). */
export const TOP_METRICS = {
  podCpu: 'pod_cpu_usage_cores',
  podMemory: 'pod_memory_working_set_bytes',
  containerCpu: 'container_cpu_usage_cores',
  containerMemory: 'container_memory_working_set_bytes',
  nodeCpu: 'node_cpu_usage_cores',
  nodeMemory: 'node_memory_working_set_bytes',
  /** CPU% and MEMORY% of `top nodes`: usage over the node's allocatable. */
  nodeCpuRatio: 'node_cpu_usage_ratio',
  nodeMemoryRatio: 'node_memory_usage_ratio',
} as const;

const CPU_COLUMNS = ['CPU(cores)', 'CPU'];
const MEMORY_COLUMNS = ['MEMORY(bytes)', 'MEMORY'];

/** Whether a table's columns are `kubectl top`'s. */
export function isTopTable(headers: readonly string[]): boolean {
  return (
    headers.includes('NAME') &&
    CPU_COLUMNS.some((c) => headers.includes(c)) &&
    MEMORY_COLUMNS.some((c) => headers.includes(c))
  );
}

type TopKind = 'node' | 'pod' | 'container';

/** What a table is about: nodes print shares of allocatable, containers their pod first. */
function kindOfTop(headers: readonly string[], command: KubectlCommand | null): TopKind {
  if (headers.includes('POD')) return 'container';
  if (command?.kinds[0] === 'Node') return 'node';
  if (command?.kinds[0] === 'Pod') return 'pod';
  return headers.includes('CPU%') || headers.includes('MEMORY%') ? 'node' : 'pod';
}

/** The columns `kubectl top` prints for what the command asks for, for rows printed without them. */
export function topColumns(command: KubectlCommand): string[] | null {
  const kind = command.kinds[0];
  if (kind === 'Node') return ['NAME', 'CPU(cores)', 'CPU%', 'MEMORY(bytes)', 'MEMORY%'];
  if (kind !== 'Pod') return null;
  return [
    ...(command.allNamespaces ? ['NAMESPACE'] : []),
    ...(command.containers ? ['POD'] : []),
    'NAME',
    'CPU(cores)',
    'MEMORY(bytes)',
  ];
}

/** `1468 Mi` (heapster's top) and `998m` alike. */
const quantity = (text: string | undefined) => (text ?? '').replace(/\s+/g, '');

/** Read the `kubectl top` tables in `lines`, or null when there are none. */
export function prepareTop(
  lines: readonly TextLine[],
  command: KubectlCommand | null,
  ctx: FileContext,
): PreparedSection | null {
  let tables = parseTables(lines).filter((t) => isTopTable(t.headers));
  if (tables.length === 0 && command) {
    const headerless = headerlessTop(lines, command);
    if (headerless) {
      note(
        ctx,
        lines[0]?.line,
        `columns of "${command.text}" inferred from the command (printed without its header): ${headerless.headers.join(' ')}`,
      );
      tables = [headerless];
    }
  }
  if (tables.length === 0) return null;
  return {
    floor: null,
    emit: (capture) => {
      for (const table of tables) emitTable(table, kindOfTop(table.headers, command), command, capture, ctx);
    },
  };
}

function headerlessTop(lines: readonly TextLine[], command: KubectlCommand): Table | null {
  const headers = topColumns(command);
  if (!headers) return null;
  const rows = lines
    .filter((l) => l.text.trim() !== '')
    .map((l) => ({ line: l.line, parts: l.text.trim().split(/\s+/) }));
  if (rows.length === 0 || rows.some((r) => r.parts.length !== headers.length)) return null;
  return {
    headers,
    rows: rows.map((r) => ({
      line: r.line,
      cells: Object.fromEntries(headers.map((h, i) => [h, r.parts[i]!])),
    })),
  };
}

function emitTable(
  table: Table,
  kind: TopKind,
  command: KubectlCommand | null,
  ts: string,
  ctx: FileContext,
): void {
  const namespace = command?.namespace ?? 'default';
  const write = (name: string, labels: Record<string, string>, value: number) =>
    ctx.sink.row(metricRow({ ts, name, labels, value, origin: ctx.origin }), ctx.stats);
  for (const { cells, line } of table.rows) {
    const name = cells.NAME ?? '';
    // `--sum` closes with a rule and the totals, under the usage columns only.
    if (name === '' || /^_+$/.test(name)) continue;
    const cpuText = quantity(cells['CPU(cores)'] ?? cells.CPU);
    const memoryText = quantity(cells['MEMORY(bytes)'] ?? cells.MEMORY);
    if (cpuText === '<unknown>' || memoryText === '<unknown>') {
      // metrics-server had nothing for it: a node whose kubelet it could not reach, a pod just started.
      note(
        ctx,
        line,
        `kubectl top printed <unknown> for ${kind} ${name}: metrics-server had no usage for it`,
      );
      continue;
    }
    const milli = quantityMilli(cpuText);
    const bytes = quantityValue(memoryText);
    if (milli === null || bytes === null) {
      issue(ctx, line, `a kubectl top row whose usage kstory cannot read: "${cpuText}" "${memoryText}"`);
      continue;
    }
    if (kind === 'node') {
      const labels = { node: name };
      write(TOP_METRICS.nodeCpu, labels, milli / 1000);
      write(TOP_METRICS.nodeMemory, labels, bytes);
      const cpuShare = /^(\d+)%$/.exec(cells['CPU%'] ?? '');
      const memoryShare = /^(\d+)%$/.exec(cells['MEMORY%'] ?? '');
      if (cpuShare) write(TOP_METRICS.nodeCpuRatio, labels, Number(cpuShare[1]) / 100);
      if (memoryShare) write(TOP_METRICS.nodeMemoryRatio, labels, Number(memoryShare[1]) / 100);
      continue;
    }
    const ns = cells.NAMESPACE || namespace;
    if (kind === 'container') {
      const labels = { namespace: ns, pod: cells.POD ?? '', container: name };
      write(TOP_METRICS.containerCpu, labels, milli / 1000);
      write(TOP_METRICS.containerMemory, labels, bytes);
    } else {
      const labels = { namespace: ns, pod: name };
      write(TOP_METRICS.podCpu, labels, milli / 1000);
      write(TOP_METRICS.podMemory, labels, bytes);
    }
  }
}
