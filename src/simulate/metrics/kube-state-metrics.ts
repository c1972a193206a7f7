// A kube-state-metrics scrape of the simulated API: the series (names and label sets as
// kube-state-metrics v2.16 exposes them) that incident analysis reads, for pods, containers,
// nodes, workloads, HPAs, quotas, PVCs, PVs and endpoints.

import { parseQuotaValue } from '../api/admission.ts';
import { controllerOf } from '../controllers/util.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import { parseBytes, parseCpuMillis } from '../engine/quantity.ts';
import type { KubeObject } from '../engine/records.ts';

type Emit = (name: string, labels: Record<string, string>, value: number) => void;

const PHASES = ['Pending', 'Succeeded', 'Failed', 'Unknown', 'Running'];
const TRISTATE = ['true', 'false', 'unknown'];

function conditionSeries(
  emit: Emit,
  name: string,
  base: Record<string, string>,
  conditions: Json[] | undefined,
  types: string[],
): void {
  for (const type of types) {
    const c = conditions?.find((x) => x.type === type);
    for (const s of TRISTATE)
      emit(name, { ...base, condition: type, status: s }, c && c.status.toLowerCase() === s ? 1 : 0);
  }
}

export function scrapeKubeStateMetrics(sim: SimContext, emit: Emit): void {
  const { api } = sim;
  for (const pod of api.list('Pod')) scrapePod(pod, emit);
  for (const node of api.list('Node')) {
    const status = node.status as Json;
    const base = { node: node.metadata.name };
    for (const c of (status.conditions as Json[] | undefined) ?? []) {
      for (const s of TRISTATE)
        emit(
          'kube_node_status_condition',
          { ...base, condition: c.type, status: s },
          c.status.toLowerCase() === s ? 1 : 0,
        );
    }
    emit('kube_node_spec_unschedulable', base, (node.spec as Json).unschedulable ? 1 : 0);
    const alloc = status.allocatable ?? {};
    if (alloc.cpu)
      emit(
        'kube_node_status_allocatable',
        { ...base, resource: 'cpu', unit: 'core' },
        parseCpuMillis(alloc.cpu) / 1000,
      );
    if (alloc.memory)
      emit(
        'kube_node_status_allocatable',
        { ...base, resource: 'memory', unit: 'byte' },
        parseBytes(alloc.memory),
      );
    if (alloc.pods)
      emit(
        'kube_node_status_allocatable',
        { ...base, resource: 'pods', unit: 'integer' },
        Number(alloc.pods),
      );
  }
  for (const d of api.list('Deployment')) {
    const base = { namespace: d.metadata.namespace!, deployment: d.metadata.name };
    const s = (d.status as Json) ?? {};
    emit('kube_deployment_spec_replicas', base, (d.spec as Json).replicas);
    emit('kube_deployment_status_replicas', base, s.replicas ?? 0);
    emit('kube_deployment_status_replicas_available', base, s.availableReplicas ?? 0);
    emit('kube_deployment_status_replicas_unavailable', base, s.unavailableReplicas ?? 0);
    emit('kube_deployment_status_replicas_updated', base, s.updatedReplicas ?? 0);
    emit('kube_deployment_status_replicas_ready', base, s.readyReplicas ?? 0);
    emit('kube_deployment_metadata_generation', base, d.metadata.generation ?? 1);
    emit('kube_deployment_status_observed_generation', base, s.observedGeneration ?? 0);
    conditionSeries(emit, 'kube_deployment_status_condition', base, s.conditions, [
      'Available',
      'Progressing',
    ]);
  }
  for (const sts of api.list('StatefulSet')) {
    const base = { namespace: sts.metadata.namespace!, statefulset: sts.metadata.name };
    const s = (sts.status as Json) ?? {};
    emit('kube_statefulset_replicas', base, (sts.spec as Json).replicas);
    emit('kube_statefulset_status_replicas', base, s.replicas ?? 0);
    emit('kube_statefulset_status_replicas_ready', base, s.readyReplicas ?? 0);
    emit('kube_statefulset_status_replicas_updated', base, s.updatedReplicas ?? 0);
  }
  for (const ds of api.list('DaemonSet')) {
    const base = { namespace: ds.metadata.namespace!, daemonset: ds.metadata.name };
    const s = (ds.status as Json) ?? {};
    emit('kube_daemonset_status_desired_number_scheduled', base, s.desiredNumberScheduled ?? 0);
    emit('kube_daemonset_status_current_number_scheduled', base, s.currentNumberScheduled ?? 0);
    emit('kube_daemonset_status_number_ready', base, s.numberReady ?? 0);
    emit('kube_daemonset_status_number_misscheduled', base, s.numberMisscheduled ?? 0);
    emit('kube_daemonset_status_number_unavailable', base, s.numberUnavailable ?? 0);
    emit('kube_daemonset_status_number_available', base, s.numberAvailable ?? 0);
    emit('kube_daemonset_status_updated_number_scheduled', base, s.updatedNumberScheduled ?? 0);
  }
  for (const job of api.list('Job')) {
    const base = { namespace: job.metadata.namespace!, job_name: job.metadata.name };
    const s = (job.status as Json) ?? {};
    emit('kube_job_status_active', base, s.active ?? 0);
    emit('kube_job_status_succeeded', base, s.succeeded ?? 0);
    emit('kube_job_status_failed', base, s.failed ?? 0);
    for (const [type, name] of [
      ['Complete', 'kube_job_complete'],
      ['Failed', 'kube_job_failed'],
    ] as const) {
      const c = ((s.conditions as Json[] | undefined) ?? []).find((x) => x.type === type);
      if (c)
        for (const st of TRISTATE)
          emit(name, { ...base, condition: st }, c.status.toLowerCase() === st ? 1 : 0);
    }
  }
  for (const hpa of api.list('HorizontalPodAutoscaler')) {
    const base = { namespace: hpa.metadata.namespace!, horizontalpodautoscaler: hpa.metadata.name };
    const s = (hpa.status as Json) ?? {};
    emit('kube_horizontalpodautoscaler_spec_min_replicas', base, (hpa.spec as Json).minReplicas);
    emit('kube_horizontalpodautoscaler_spec_max_replicas', base, (hpa.spec as Json).maxReplicas);
    emit('kube_horizontalpodautoscaler_status_current_replicas', base, s.currentReplicas ?? 0);
    emit('kube_horizontalpodautoscaler_status_desired_replicas', base, s.desiredReplicas ?? 0);
    conditionSeries(emit, 'kube_horizontalpodautoscaler_status_condition', base, s.conditions, [
      'AbleToScale',
      'ScalingActive',
      'ScalingLimited',
    ]);
  }
  for (const q of api.list('ResourceQuota')) {
    const s = (q.status as Json) ?? {};
    for (const type of ['hard', 'used'] as const) {
      for (const [resource, value] of Object.entries((s[type] as Record<string, string>) ?? {})) {
        const n = resource.endsWith('cpu')
          ? parseQuotaValue(resource, value) / 1000
          : parseQuotaValue(resource, value);
        emit(
          'kube_resourcequota',
          { namespace: q.metadata.namespace!, resourcequota: q.metadata.name, resource, type },
          n,
        );
      }
    }
  }
  for (const pvc of api.list('PersistentVolumeClaim')) {
    const phase = (pvc.status as Json)?.phase ?? 'Pending';
    for (const p of ['Lost', 'Bound', 'Pending']) {
      emit(
        'kube_persistentvolumeclaim_status_phase',
        { namespace: pvc.metadata.namespace!, persistentvolumeclaim: pvc.metadata.name, phase: p },
        p === phase ? 1 : 0,
      );
    }
  }
  for (const pv of api.list('PersistentVolume')) {
    const phase = (pv.status as Json)?.phase ?? 'Pending';
    for (const p of ['Pending', 'Available', 'Bound', 'Released', 'Failed'])
      emit(
        'kube_persistentvolume_status_phase',
        { persistentvolume: pv.metadata.name, phase: p },
        p === phase ? 1 : 0,
      );
  }
  for (const ep of api.list('Endpoints')) {
    for (const subset of ((ep as Json).subsets as Json[] | undefined) ?? []) {
      const port = (subset.ports as Json[])[0] ?? {};
      for (const [list, ready] of [
        ['addresses', 'true'],
        ['notReadyAddresses', 'false'],
      ] as const) {
        for (const a of (subset[list] as Json[] | undefined) ?? []) {
          emit(
            'kube_endpoint_address',
            {
              namespace: ep.metadata.namespace!,
              endpoint: ep.metadata.name,
              port_protocol: port.protocol ?? 'TCP',
              port_number: String(port.port ?? ''),
              port_name: port.name ?? '',
              ip: a.ip,
              ready,
            },
            1,
          );
        }
      }
    }
  }
}

function scrapePod(pod: KubeObject, emit: Emit): void {
  const status = (pod.status as Json) ?? {};
  const spec = pod.spec as Json;
  const base = { namespace: pod.metadata.namespace!, pod: pod.metadata.name, uid: pod.metadata.uid! };
  const owner = controllerOf(pod);
  emit(
    'kube_pod_owner',
    {
      ...base,
      owner_kind: owner?.kind ?? '<none>',
      owner_name: owner?.name ?? '<none>',
      owner_is_controller: owner ? 'true' : '<none>',
    },
    1,
  );
  for (const p of PHASES) emit('kube_pod_status_phase', { ...base, phase: p }, status.phase === p ? 1 : 0);
  const ready = ((status.conditions as Json[] | undefined) ?? []).find((c) => c.type === 'Ready');
  for (const s of TRISTATE)
    emit('kube_pod_status_ready', { ...base, condition: s }, ready?.status.toLowerCase() === s ? 1 : 0);
  for (const reason of ['Evicted', 'NodeAffinity', 'NodeLost', 'Shutdown', 'UnexpectedAdmissionError']) {
    emit('kube_pod_status_reason', { ...base, reason }, status.reason === reason ? 1 : 0);
  }
  const scheduled = ((status.conditions as Json[] | undefined) ?? []).find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable')
    emit('kube_pod_status_unschedulable', base, 1);
  for (const c of (spec.containers as Json[]) ?? []) {
    const cbase = { ...base, container: c.name };
    const node = spec.nodeName ?? '';
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    if (requests.cpu)
      emit(
        'kube_pod_container_resource_requests',
        { ...cbase, node, resource: 'cpu', unit: 'core' },
        parseCpuMillis(requests.cpu) / 1000,
      );
    if (requests.memory)
      emit(
        'kube_pod_container_resource_requests',
        { ...cbase, node, resource: 'memory', unit: 'byte' },
        parseBytes(requests.memory),
      );
    if (limits.cpu)
      emit(
        'kube_pod_container_resource_limits',
        { ...cbase, node, resource: 'cpu', unit: 'core' },
        parseCpuMillis(limits.cpu) / 1000,
      );
    if (limits.memory)
      emit(
        'kube_pod_container_resource_limits',
        { ...cbase, node, resource: 'memory', unit: 'byte' },
        parseBytes(limits.memory),
      );
  }
  for (const cs of (status.containerStatuses as Json[] | undefined) ?? []) {
    const cbase = { ...base, container: cs.name };
    emit('kube_pod_container_status_restarts_total', cbase, cs.restartCount ?? 0);
    emit('kube_pod_container_status_ready', cbase, cs.ready ? 1 : 0);
    emit('kube_pod_container_status_running', cbase, cs.state?.running ? 1 : 0);
    emit('kube_pod_container_status_waiting', cbase, cs.state?.waiting ? 1 : 0);
    emit('kube_pod_container_status_terminated', cbase, cs.state?.terminated ? 1 : 0);
    if (cs.state?.waiting)
      emit('kube_pod_container_status_waiting_reason', { ...cbase, reason: cs.state.waiting.reason }, 1);
    if (cs.state?.terminated)
      emit(
        'kube_pod_container_status_terminated_reason',
        { ...cbase, reason: cs.state.terminated.reason },
        1,
      );
    const last = cs.lastState?.terminated;
    if (last) {
      emit('kube_pod_container_status_last_terminated_reason', { ...cbase, reason: last.reason }, 1);
      emit('kube_pod_container_status_last_terminated_exitcode', cbase, last.exitCode);
    }
  }
}
