// kstory import + kstory analyze on data from real clusters (../shared/real-samples), checked against
// what an experienced SRE reads in them.
//
// must-gather-aws: an OpenShift 4.8 cluster right after installation. It finished installing and is
// healthy at gather time: every ClusterOperator Available and not Degraded, every pod running or
// completed. During the install (09:14-09:30) it shows the usual churn, each of which settled by
// itself within minutes: operators crash-looping until their dependencies came up (ingress-operator,
// cluster-monitoring-operator's kube-rbac-proxy), CSI driver pods refused until their ServiceAccounts
// existed, FailedMount while configmap caches synced, readiness probes failing on etcd quorum guards,
// API servers and the console, connection refused in operator logs. Short-lived bootstrap
// certificates (24 h) are rotated by their operators. An SRE reports no incident and would dismiss
// all of this as install-time noise.
//
// nri-kubernetes-1_34: a minikube cluster with deployed-manifests/ as ground truth: a container in
// CrashLoopBackOff, a pod Pending on a node selector no node matches, a Job whose pods all exit 42.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kstory, ROOT } from '../support/cli.ts';

const SAMPLES = path.resolve(ROOT, '../shared/real-samples');
const MUST_GATHER = path.join(SAMPLES, 'must-gather-aws.tar.xz');
const NRI = path.join(SAMPLES, 'nri-kubernetes-1_34');

interface Finding {
  pattern: string;
  variant: string | null;
  subject: { namespace: string | null; kind: string; name: string; container: string | null };
  resolved: string | null;
}
interface Report {
  incidents: { root: number; chain: { finding: number }[] }[];
  findings: Finding[];
  transient: number;
}

const work = mkdtempSync(path.join(os.tmpdir(), 'kstory-real-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function importAndAnalyze(input: string, name: string, extra: string[] = []): Report {
  const bundle = path.join(work, `${name}.parquet`);
  const imported = kstory(['import', input, '-o', bundle]);
  expect(imported.code, imported.stderr).toBe(0);
  const analyzed = kstory(['analyze', bundle, '--json', ...extra]);
  expect(analyzed.code, analyzed.stderr).toBe(0);
  return JSON.parse(analyzed.stdout) as Report;
}

describe.skipIf(!existsSync(MUST_GATHER))(
  'the OpenShift must-gather (real-samples/must-gather-aws.tar.xz)',
  () => {
    let report: Report;
    let all: Report;
    beforeAll(() => {
      report = importAndAnalyze(MUST_GATHER, 'must-gather');
      all = JSON.parse(
        kstory(['analyze', path.join(work, 'must-gather.parquet'), '--json', '--all']).stdout,
      ) as Report;
      // Three commands, each bounded by the 120 s of kstory(): a busy machine may need most of it.
    }, 360_000);

    // The installer reboots its nodes to apply their configuration: that reboot is all it may report.
    it('reports no failure: the install-time failures all settled by themselves', () => {
      const root = (i: Report['incidents'][number]) => report.findings[i.root]!.pattern;
      expect(report.incidents.filter((i) => root(i) !== 'node-rebooted')).toEqual([]);
      expect(report.transient).toBeGreaterThanOrEqual(20);
    });

    it('still found the install-time churn, each resolved', () => {
      const found = (pattern: string, namespace: string, name: string) =>
        all.findings.find(
          (f) =>
            f.pattern === pattern && f.subject.namespace === namespace && f.subject.name.startsWith(name),
        );
      const expected: [string, string, string][] = [
        ['crash-loop-backoff', 'openshift-ingress-operator', 'ingress-operator-'],
        ['crash-loop-backoff', 'openshift-monitoring', 'cluster-monitoring-operator-'],
        ['pod-create-failed', 'openshift-cluster-csi-drivers', 'aws-ebs-csi-driver-node'],
        ['container-creating-stuck', 'openshift-controller-manager', 'controller-manager-'],
        ['readiness-probe-failed', 'openshift-etcd', 'etcd-quorum-guard-'],
        ['readiness-probe-failed', 'openshift-console', 'console-'],
      ];
      for (const [pattern, namespace, name] of expected) {
        const finding = found(pattern, namespace, name);
        expect(finding, `${pattern} on ${namespace}/${name}*`).toBeDefined();
        expect(finding!.resolved, `${pattern} on ${namespace}/${name}* resolved`).not.toBeNull();
      }
      expect(
        all.findings.find((f) => f.pattern === 'pod-create-failed' && f.subject.name.includes('csi'))
          ?.variant,
      ).toBe('missing-service-account');
    });

    it('leaves alone the short-lived certificates that operators rotate', () => {
      expect(all.findings.filter((f) => f.pattern === 'certificate-expiring')).toEqual([]);
    });
  },
);

describe.skipIf(!existsSync(NRI))('the minikube scrape (real-samples/nri-kubernetes-1_34)', () => {
  let report: Report;
  beforeAll(() => {
    report = importAndAnalyze(NRI, 'nri');
  }, 240_000);

  const roots = () => report.incidents.map((i) => report.findings[i.root]!);

  it('finds the container in CrashLoopBackOff', () => {
    expect(roots()).toContainEqual(
      expect.objectContaining({
        pattern: 'crash-loop-backoff',
        subject: { namespace: 'scraper', kind: 'Pod', name: 'e2e-container-creating', container: 'alpine' },
      }),
    );
  });

  it('finds the pod Pending on a node selector no node matches', () => {
    expect(roots()).toContainEqual(
      expect.objectContaining({
        pattern: 'failed-scheduling',
        variant: 'node-selector',
        subject: expect.objectContaining({ name: 'e2e-container-pending' }),
      }),
    );
  });

  it('finds the Job whose pods all fail', () => {
    expect(roots()).toContainEqual(
      expect.objectContaining({
        pattern: 'job-failed',
        variant: 'pods-failing',
        subject: expect.objectContaining({ kind: 'Job', name: 'e2e-failjob' }),
      }),
    );
  });

  it('reports nothing about the healthy workloads', () => {
    const healthy = roots().filter(
      (f) => !['e2e-container-creating', 'e2e-container-pending', 'e2e-failjob'].includes(f.subject.name),
    );
    expect(healthy).toEqual([]);
  });
});
