// `kstory import` on artifacts from real clusters (../shared/real-samples). The expected counts were
// checked by hand with an independent script (PyYAML over the extracted must-gather, Python's json
// over the audit log, grep over the exposition files).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/reader.ts';
import { type ImportResult, runImport } from '../../src/import/run.ts';
import { openBundle } from '../../src/views/open.ts';

const SAMPLES = path.resolve(import.meta.dirname, '../../../shared/real-samples');
const MUST_GATHER = path.join(SAMPLES, 'must-gather-aws.tar.xz');
const AUDIT = path.join(SAMPLES, 'audit2rbac-demo.audit.log');
const NRI = path.join(SAMPLES, 'nri-kubernetes-1_34');
const SKIP = existsSync(SAMPLES) ? '' : '(skipped: ../shared/real-samples absent)';

const num = (v: unknown) => Number(v);

async function importInto(dir: string, name: string, inputs: string[], extra: { at?: string } = {}) {
  const output = path.join(dir, name);
  const result = await runImport({ inputs, output, progress: false, ...extra });
  const bundle = await openBundle([output]);
  return { result, bundle };
}

async function countsBySource(bundle: Bundle): Promise<Record<string, number>> {
  const rows = await bundle.query<{ source: string; n: bigint }>(
    'SELECT source, count(*) AS n FROM bundle GROUP BY source',
  );
  return Object.fromEntries(rows.map((r) => [r.source, num(r.n)]));
}

describe.skipIf(!existsSync(MUST_GATHER))(`must-gather archive (.tar.xz, OpenShift 4.8) ${SKIP}`, () => {
  let dir: string;
  let result: ImportResult;
  let bundle: Bundle;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kstory-import-mg-'));
    ({ result, bundle } = await importInto(dir, 'mg.parquet', [MUST_GATHER]));
  });
  afterAll(() => {
    bundle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports every object, event and log line, once', async () => {
    // 2,953 object versions and 5,373 events after merging the pods that appear both in
    // core/pods.yaml and pods/<pod>/<pod>.yaml; 151,207 non-empty lines in 460 non-empty log files,
    // and 22,188 journal entries of 8 host service logs (22,248 non-empty lines less 60 `--` headers).
    expect(await countsBySource(bundle)).toEqual({
      object: 2953,
      event: 5373,
      log: 173_395,
      metric: 2,
      marker: 1,
    });
    const [stats] = result.inputs;
    expect(stats?.layout).toBe('must-gather');
    expect(stats?.duplicates).toBe(309);
    expect(stats?.formats).toMatchObject({ 'kube-yaml': 2165, 'container-log': 460, journal: 9 });
    // 870 empty log files and one empty stderr capture.
    expect(stats?.skippedFiles['empty file']).toHaveLength(871);
    // host_service_logs/ are the nodes' journals; one holds only journalctl's notes.
    expect(stats?.skippedFiles['a journal without one entry']).toEqual([
      expect.stringMatching(/host_service_logs\/masters\/machine-config-daemon-host_service\.log$/),
    ]);
    expect(stats?.issueCount).toBe(0);
  });

  it('is a snapshot taken when the must-gather says', async () => {
    expect(result.snapshot).toBe(true);
    expect(bundle.metadata.snapshot).toBe(true);
    expect(bundle.metadata.producer).toBe('import');
    expect(bundle.metadata.inputs).toEqual([
      expect.objectContaining({ path: MUST_GATHER, records: 181_723 }),
    ]);
    expect(bundle.metadata.redaction).toContain('secret-data-values');
    expect(bundle.metadata.inputs[0]?.format).toBe(
      'xz+tar: must-gather (kube-yaml×2165, container-log×460, journal×9, kube-json×5, must-gather-timestamp)',
    );
    const markers = await bundle.query<{ ts: string }>(
      "SELECT ts::VARCHAR AS ts FROM markers WHERE marker = 'snapshot'",
    );
    // `timestamp` ends with 2021-08-03 12:14:13.632016778 +0200 CEST.
    expect(markers).toEqual([{ ts: '2021-08-03 10:14:13.632016+00' }]);
  });

  it('events: the TaintManagerEviction of a network-check pod', async () => {
    const rows = await bundle.query(
      "SELECT namespace, name, kind, event_type, event_count, ts::VARCHAR AS ts, event_uid FROM events WHERE event_reason = 'TaintManagerEviction'",
    );
    expect(rows).toContainEqual({
      namespace: 'openshift-network-diagnostics',
      name: 'network-check-source-86bdf465b9-h62jd',
      kind: 'Pod',
      event_type: 'Normal',
      event_count: 1,
      ts: '2021-08-03 09:26:04+00',
      event_uid: 'c0b6a28a-e344-4bee-bbe3-6af1232f7a54',
    });
    const warnings = await bundle.query<{ n: bigint }>(
      "SELECT count(*) AS n FROM events WHERE event_reason = 'FailedScheduling'",
    );
    expect(num(warnings[0]?.n)).toBe(241);
  });

  it('logs: current and previous container logs, from the must-gather layout', async () => {
    const dns = await bundle.query(
      "SELECT ts::VARCHAR AS ts, log_line, log_previous FROM logs WHERE namespace = 'openshift-dns' AND name = 'dns-default-tjvnn' AND container = 'dns' ORDER BY ts LIMIT 2",
    );
    expect(dns).toEqual([
      { ts: '2021-08-03 09:20:37.776801+00', log_line: '.:5353', log_previous: false },
      {
        ts: '2021-08-03 09:20:37.777299+00',
        log_line: '[INFO] plugin/reload: Running configuration MD5 = eb791f1fb4e1f964e4a7377f6b122c87',
        log_previous: false,
      },
    ]);
    // The log files do not say where the pod ran: its object, listed earlier in the archive, does.
    const [where] = await bundle.query(
      "SELECT DISTINCT node, uid FROM logs WHERE namespace = 'openshift-dns' AND name = 'dns-default-tjvnn'",
    );
    expect(where).toEqual({
      node: 'ip-10-0-187-218.ec2.internal',
      uid: '1c7f6ab5-4f28-4f2c-b558-5076cbf65a46',
    });
    const unplaced = await bundle.query<{ n: bigint }>('SELECT count(*) AS n FROM logs WHERE node IS NULL');
    expect(num(unplaced[0]?.n)).toBe(0);
    const previous = await bundle.query<{ n: bigint }>('SELECT count(*) AS n FROM logs WHERE log_previous');
    expect(num(previous[0]?.n)).toBe(25_758);
  });

  it('objects: restarted containers keep their last termination; secrets keep keys, never values', async () => {
    const [csi] = await bundle.query(
      "SELECT last_reason, last_exit_code, restart_count FROM containers WHERE pod = 'aws-ebs-csi-driver-controller-65665f9cf6-h7hrt' AND name = 'csi-provisioner'",
    );
    expect(csi).toEqual({ last_reason: 'Error', last_exit_code: 255, restart_count: 2 });
    const leaked = await bundle.query<{ n: bigint }>(
      "SELECT count(*) AS n FROM bundle WHERE body LIKE '%Njg5OCBieXRlcyBsb25n%'",
    );
    expect(num(leaked[0]?.n)).toBe(0);
    const [secret] = await bundle.query<{ t: string; k: string }>(
      "SELECT attrs['type'] AS t, attrs['data_keys'] AS k FROM objects WHERE kind = 'Secret' AND name = 'builder-dockercfg-l7h9r'",
    );
    expect(secret).toEqual({ t: 'kubernetes.io/dockercfg', k: '.dockercfg' });
    // Certificates are read before redaction: every TLS secret says when it expires.
    const [tls] = await bundle.query<{ n: bigint; dated: bigint; first: string }>(
      "SELECT count(*) AS n, count(attrs['tls_not_after']) AS dated, min(attrs['tls_not_after']) AS first FROM objects WHERE kind = 'Secret' AND attrs['type'] = 'kubernetes.io/tls'",
    );
    expect([num(tls?.n), num(tls?.dated), tls?.first]).toEqual([137, 137, '2021-08-04T09:07:17Z']);
  });

  it('metrics: the firing alerts of monitoring/alerts.json', async () => {
    const rows = await bundle.query(
      "SELECT metric_labels['alertname'] AS a, ts::VARCHAR AS ts FROM metrics WHERE metric_name = 'ALERTS' ORDER BY ts",
    );
    expect(rows).toEqual([
      { a: 'Watchdog', ts: '2021-08-03 09:27:46.534956+00' },
      { a: 'AlertmanagerReceiversNotConfigured', ts: '2021-08-03 09:28:52.563881+00' },
    ]);
  });
});

describe.skipIf(!existsSync(AUDIT))(`audit log (audit2rbac demo, v1beta1, two stages) ${SKIP}`, () => {
  let dir: string;
  let bundle: Bundle;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kstory-import-audit-'));
    ({ bundle } = await importInto(dir, 'audit.parquet', [AUDIT, AUDIT]));
  });
  afterAll(() => {
    bundle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one row per request: 757 entries are 437 requests, even when the log is given twice', async () => {
    expect(await countsBySource(bundle)).toEqual({ audit: 437 });
    const stages = await bundle.query<{ audit_stage: string; n: bigint }>(
      'SELECT audit_stage, count(*) AS n FROM audit GROUP BY 1',
    );
    expect(stages.map((s) => [s.audit_stage, num(s.n)])).toEqual([['ResponseComplete', 437]]);
    expect(bundle.metadata.snapshot).toBe(false);
  });

  it('the forbidden requests of impersonated users', async () => {
    const rows = await bundle.query<{ u: string; n: bigint }>(
      'SELECT audit_impersonated_user AS u, count(*) AS n FROM audit WHERE audit_code = 403 GROUP BY 1 ORDER BY 1',
    );
    expect(rows.reduce((sum, r) => sum + num(r.n), 0)).toBe(11);
    const [row] = await bundle.query(
      "SELECT kind, namespace, audit_verb, audit_user, ts::VARCHAR AS ts FROM audit WHERE audit_id = '4b814005-0bfa-4756-bf3e-3750de5b8769'",
    );
    expect(row).toEqual({
      kind: 'Secret',
      namespace: 'ns1',
      audit_verb: 'list',
      audit_user: 'system:admin',
      ts: '2017-09-11 20:29:04+00',
    });
  });
});

describe.skipIf(!existsSync(NRI))(
  `kube-state-metrics, cAdvisor and kubectl dumps (nri-kubernetes 1.34) ${SKIP}`,
  () => {
    let dir: string;
    let result: ImportResult;
    let bundle: Bundle;
    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'kstory-import-nri-'));
      ({ result, bundle } = await importInto(dir, 'nri.parquet', [NRI], { at: '2026-01-13T18:41:00Z' }));
    });
    afterAll(() => {
      bundle?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('every exposition sample at the given scrape time, every object', async () => {
      // ksm_metrics has 1,593 sample lines and kubelet_metrics_cadvisor 4,855. Objects: 25 pods and
      // 6 namespaces and 1 node (kubectl), 24 pods from the kubelet's /pods; the ResourceQuota
      // manifest that was applied is named as such, not read as the quota the cluster held.
      expect(await countsBySource(bundle)).toEqual({ metric: 6448, object: 56, marker: 1 });
      expect(
        result.inputs[0]?.skippedFiles[
          'manifest (no uid, resourceVersion or status): what was applied, not cluster state'
        ],
      ).toHaveLength(1);
      // kube-state-metrics writes no sample times: they take --at. cAdvisor writes its own on 4,460 lines.
      const ksm = await bundle.query<{ ts: string; n: bigint }>(
        "SELECT ts::VARCHAR AS ts, count(*) AS n FROM metrics WHERE origin LIKE '%/ksm_metrics' GROUP BY ts",
      );
      expect(ksm.map((r) => [r.ts, num(r.n)])).toEqual([['2026-01-13 18:41:00+00', 1593]]);
      const dated = await bundle.query<{ n: bigint }>(
        "SELECT count(*) AS n FROM metrics WHERE ts <> '2026-01-13T18:41:00Z'::TIMESTAMPTZ",
      );
      expect(num(dated[0]?.n)).toBe(4460);
      const [pause] = await bundle.query(
        "SELECT ts::VARCHAR AS ts, metric_value FROM metrics WHERE metric_name = 'container_memory_working_set_bytes' AND name = 'e2e-container-creating' AND metric_labels['id'] = '/kubepods/podfbcd2441-562d-4d91-a349-d7c168241f6d'",
      );
      expect(pause).toEqual({ ts: '2026-01-13 18:40:16.111+00', metric_value: 307200 });
      expect(result.inputs[0]?.skippedFiles['template (Helm/Go), not rendered objects']).toHaveLength(3);
    });

    it('kube-state-metrics series name their subject', async () => {
      const rows = await bundle.query(
        "SELECT kind, namespace, name, container, metric_value FROM metrics WHERE metric_name = 'kube_pod_container_status_waiting_reason' AND metric_labels['reason'] = 'CrashLoopBackOff'",
      );
      expect(rows).toEqual([
        {
          kind: 'Pod',
          namespace: 'scraper',
          name: 'e2e-container-creating',
          container: 'alpine',
          metric_value: 1,
        },
      ]);
    });
  },
);
