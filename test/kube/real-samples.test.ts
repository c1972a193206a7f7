// objectRow and auditRow on objects from real clusters (../shared/real-samples): a minikube 1.34
// `kubectl get pods/nodes -o yaml` and a v1beta1 audit log. Expected values were read off the files.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { BundleRow } from '../../src/bundle/row.ts';
import { auditRow, type KubeObject, objectRow } from '../../src/kube/to-row.ts';

const SAMPLES = path.resolve(import.meta.dirname, '../../../shared/real-samples');
const NRI = path.join(SAMPLES, 'nri-kubernetes-1_34');
const AUDIT = path.join(SAMPLES, 'audit2rbac-demo.audit.log');

function listItems(file: string): KubeObject[] {
  return (parse(readFileSync(file, 'utf8')) as { items: KubeObject[] }).items;
}

describe.skipIf(!existsSync(NRI))(
  'real kubectl -o yaml lists (nri-kubernetes 1.34; skipped: ../shared/real-samples absent)',
  () => {
    const pods = existsSync(NRI)
      ? listItems(path.join(NRI, 'pods.yaml')).map((p) => objectRow(p, { watchEvent: 'LISTED' }))
      : [];
    const byName = new Map(pods.map((r) => [r.name, r]));

    it('converts all 25 pods', () => {
      expect(pods).toHaveLength(25);
      expect(pods.every((r) => r.kind === 'Pod' && r.api_version === 'v1' && r.namespace !== null)).toBe(
        true,
      );
    });

    it('the CrashLoopBackOff pod: waiting, restarts, last termination, resources', () => {
      const row = byName.get('e2e-container-creating') as BundleRow;
      expect(row).toMatchObject({
        namespace: 'scraper',
        uid: 'fbcd2441-562d-4d91-a349-d7c168241f6d',
        phase: 'Running',
        node: 'datagen-1-34',
      });
      expect(row.containers).toEqual([
        expect.objectContaining({
          name: 'alpine',
          state: 'waiting',
          reason: 'CrashLoopBackOff',
          message: expect.stringContaining('back-off 20s restarting failed container=alpine'),
          restart_count: 2,
          last_reason: 'Completed',
          last_exit_code: 0,
          cpu_request_m: 5,
          memory_limit_bytes: 5_000_000,
        }),
      ]);
    });

    it('the pod pending on an unsatisfiable node selector: Unschedulable condition, no container status', () => {
      const row = byName.get('e2e-container-pending') as BundleRow;
      expect(row.phase).toBe('Pending');
      expect(row.node).toBeNull();
      expect(row.conditions).toContainEqual(
        expect.objectContaining({
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          last_transition: '2026-01-13T18:38:44Z',
        }),
      );
      expect(row.containers).toEqual([
        expect.objectContaining({ name: 'alpine', state: null, restart_count: null }),
      ]);
    });

    it('owners, refs and attrs of a system pod', () => {
      const row = byName.get('coredns-66bc5c9577-d98t2') as BundleRow;
      expect(row).toMatchObject({
        owner_kind: 'ReplicaSet',
        owner_name: 'coredns-66bc5c9577',
        attrs: {
          priority_class: 'system-cluster-critical',
          service_account: 'coredns',
          qos_class: 'Burstable',
        },
      });
      expect(row.refs).toEqual([
        { kind: 'ConfigMap', name: 'coredns', via: 'volume' },
        { kind: 'ConfigMap', name: 'kube-root-ca.crt', via: 'volume' },
        { kind: 'ServiceAccount', name: 'coredns', via: 'serviceAccount' },
      ]);
      expect(row.containers?.[0]).toMatchObject({
        cpu_request_m: 100,
        memory_request_bytes: 70 * 2 ** 20,
        memory_limit_bytes: 170 * 2 ** 20,
      });
      // Failed Job pods.
      expect(pods.filter((r) => r.owner_kind === 'Job' && r.phase === 'Failed')).toHaveLength(4);
    });

    it('the node', () => {
      const [node] = listItems(path.join(NRI, 'nodes.yaml')).map((n) =>
        objectRow(n, { watchEvent: 'LISTED' }),
      );
      expect(node).toMatchObject({
        kind: 'Node',
        name: 'datagen-1-34',
        node: 'datagen-1-34',
        unschedulable: false,
        taints: [],
        ts: '2026-01-13T18:38:02Z',
        attrs: {
          kubelet_version: 'v1.34.0',
          container_runtime: 'containerd://1.7.27',
          allocatable_cpu_m: '10000',
          allocatable_memory_bytes: '16749006848',
          allocatable_pods: '110',
        },
      });
      expect(node?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
        'MemoryPressure=False',
        'DiskPressure=False',
        'PIDPressure=False',
        'Ready=True',
      ]);
    });
  },
);

describe.skipIf(!existsSync(AUDIT))(
  'real audit log (audit2rbac demo, v1beta1; skipped: ../shared/real-samples absent)',
  () => {
    const lines = existsSync(AUDIT)
      ? readFileSync(AUDIT, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
      : [];
    const rows = lines.map((line) => auditRow(JSON.parse(line), { raw: line }));

    it('converts every one of the 757 entries: 320 RequestReceived, 437 ResponseComplete', () => {
      expect(rows).toHaveLength(757);
      expect(rows.filter((r) => r.audit_stage === 'RequestReceived')).toHaveLength(320);
      expect(rows.filter((r) => r.audit_stage === 'ResponseComplete')).toHaveLength(437);
      expect(rows.every((r) => r.audit_level === 'Metadata' && r.ts.startsWith('2017-09-11T'))).toBe(true);
    });

    it('the forbidden list of secrets by impersonated alice', () => {
      const row = rows.find((r) => r.audit_id === '4b814005-0bfa-4756-bf3e-3750de5b8769');
      expect(row).toMatchObject({
        ts: '2017-09-11T20:29:04Z',
        kind: 'Secret',
        namespace: 'ns1',
        audit_verb: 'list',
        audit_user: 'system:admin',
        audit_impersonated_user: 'alice',
        audit_code: 403,
        audit_uri: '/api/v1/namespaces/ns1/secrets',
      });
    });

    it('RBAC kinds from resources; 11 responses were 403', () => {
      expect(new Set(rows.map((r) => r.kind))).toEqual(
        new Set([
          'Pod',
          'Role',
          'RoleBinding',
          'ClusterRole',
          'ClusterRoleBinding',
          'Node',
          'ConfigMap',
          'Secret',
          null,
        ]),
      );
      expect(rows.filter((r) => r.audit_code === 403)).toHaveLength(11);
    });
  },
);
