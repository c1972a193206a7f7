// kubectl text from real clusters (../shared/real-samples/kubectl-text and holmesgpt-recorded):
// what a person reads in each sample must be in the bundle, dated from what the text shows.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rows, Scratch } from './helpers.ts';

const SAMPLES = path.resolve(import.meta.dirname, '../../../shared/real-samples');
const TEXT = path.join(SAMPLES, 'kubectl-text');
const HOLMES = path.join(SAMPLES, 'holmesgpt-recorded');
const SKIP = '(skipped: ../shared/real-samples absent)';

const scratch = new Scratch();
afterAll(() => scratch.remove());

describe.skipIf(!existsSync(TEXT))(`kubectl text pasted from terminals ${SKIP}`, () => {
  it('helm-pull-secret: the pod runs, the kubelet warned six times that the pull secret is missing', async () => {
    const { result, bundle } = await scratch.import([path.join(TEXT, 'helm-pull-secret/describe-pod.txt')]);
    expect(result.inputs[0]).toMatchObject({ issueCount: 0, capturedSource: 'newest-observation' });
    // Scheduled 3m3s after the pod started at 06:10:58.
    expect(result.inputs[0]?.capturedAt).toBe('2025-08-15T06:14:01.000000Z');
    expect(await rows(bundle!, "SELECT name, phase, node FROM objects WHERE kind = 'Pod'")).toEqual([
      { name: 'my-profile-7b4d969f7d-8rcdd', phase: 'Running', node: 'aks-system-51783313-vmss000000' },
    ]);
    expect(
      await rows(
        bundle!,
        `SELECT event_count, event_first::VARCHAR AS f, event_last::VARCHAR AS l, event_message
         FROM events WHERE event_reason = 'FailedToRetrieveImagePullSecret'`,
      ),
    ).toEqual([
      {
        event_count: 6,
        f: '2025-08-15 06:10:58+00',
        l: '2025-08-15 06:13:25+00',
        event_message:
          'Unable to retrieve some image pull secrets (acr-auth); attempting to pull the image may not succeed.',
      },
    ]);
    bundle!.close();
  });
});

describe.skipIf(!existsSync(TEXT))(
  `a kubeadm cluster without a network plugin, in transcripts ${SKIP}`,
  () => {
    it('coredns Pending on the not-ready taint 23 times over 115 minutes; the control plane cordoned and tainted', async () => {
      const { result, bundle } = await scratch.import([path.join(TEXT, 'kubeadm-no-cni')]);
      const [stats] = result.inputs;
      expect(stats?.formats).toEqual({ 'kubectl-transcript': 3 });
      // The kubelet's journal inside `systemctl status` is said, not dropped.
      expect(stats?.issues.map((i) => i.reason)).toEqual([
        'output of "systemctl status kubelet" not read: only kubectl\'s output is',
      ]);
      expect(
        await rows(
          bundle!,
          `SELECT event_count, event_message, (event_last - event_first)::VARCHAR AS span FROM events
         WHERE event_reason = 'FailedScheduling' AND name = 'coredns-5dd5756b68-2zrhr'`,
        ),
      ).toEqual([
        {
          event_count: 23,
          event_message:
            '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..',
          span: '01:50:02',
        },
      ]);
      const [cp] = await rows(
        bundle!,
        "SELECT unschedulable, taints FROM objects WHERE kind = 'Node' AND name = 'k8s-controller-01'",
      );
      expect(cp).toMatchObject({ unschedulable: true });
      expect((cp!.taints as { key: string }[]).map((t) => t.key)).toEqual([
        'node-role.kubernetes.io/control-plane',
        'node.kubernetes.io/unschedulable',
      ]);
      // The Lease renewals of the nodes' describes date the capture.
      expect(stats).toMatchObject({
        capturedAt: '2024-11-14T20:23:18Z',
        capturedSource: 'newest-observation',
      });
      bundle!.close();
    });
  },
);

describe.skipIf(!existsSync(HOLMES))(`recorded kubectl calls of an evaluation suite ${SKIP}`, () => {
  const sample = (name: string) => path.join(HOLMES, name);

  it('11: the init container cannot start (`wge` not found), restarted three times', async () => {
    const { result, bundle } = await scratch.import([sample('11_init_containers')]);
    expect(
      result.inputs[0]?.skippedFiles['unrecognised content: YAML, but no Kubernetes object or list'],
    ).toEqual([path.join(sample('11_init_containers'), 'test_case.yaml')]);
    expect(
      await rows(
        bundle!,
        `SELECT DISTINCT name, init, reason, restart_count, last_reason, last_exit_code FROM containers
         WHERE pod = 'logging-agent' AND init`,
      ),
    ).toEqual([
      expect.objectContaining({
        name: 'downloader',
        reason: 'CrashLoopBackOff',
        restart_count: 3,
        last_reason: 'StartError',
        last_exit_code: 128,
      }),
    ]);
    // Its logs could not be fetched: said, with kubectl's own words.
    expect(result.inputs[0]?.issues.map((i) => i.reason)).toContain(
      'logs not captured: Error from server (BadRequest): container "exporter" in pod "logging-agent" is waiting to start: PodInitializing',
    );
    bundle!.close();
  });

  it('17: the container was OOMKilled (exit 137) and is backing off', async () => {
    const { result, bundle } = await scratch.import([sample('17_oom_kill')]);
    // The deployment and the alert rule that were applied are manifests, not what the cluster held.
    expect(
      result.inputs[0]?.skippedFiles[
        'manifest (no uid, resourceVersion or status): what was applied, not cluster state'
      ],
    ).toHaveLength(2);
    expect(
      await rows(
        bundle!,
        "SELECT restart_count, last_reason, last_exit_code, reason FROM containers WHERE name = 'memory-eater'",
      ),
    ).toEqual([
      { restart_count: 1, last_reason: 'OOMKilled', last_exit_code: 137, reason: 'CrashLoopBackOff' },
    ]);
    bundle!.close();
  });

  it('24: the claim is Pending on a StorageClass that does not exist, seen in two captures', async () => {
    const { bundle } = await scratch.import([sample('24_misconfigured_pvc')]);
    expect(
      await rows(
        bundle!,
        `SELECT phase, body->>'$.spec.storageClassName' AS class FROM objects
         WHERE kind = 'PersistentVolumeClaim' GROUP BY ALL`,
      ),
    ).toEqual([{ phase: 'Pending', class: 'standard-v2' }]);
    // One series of events, two sightings of it: 26 and 42 failures.
    expect(
      await rows(
        bundle!,
        "SELECT count(DISTINCT body->>'$.metadata.name')::INTEGER AS series, list(event_count ORDER BY event_count) AS counts FROM events WHERE event_reason = 'ProvisioningFailed'",
      ),
    ).toEqual([{ series: 1, counts: [26, 42] }]);
    bundle!.close();
  });

  it('23: the application logs that it cannot resolve `memcom`, under the container the describe names', async () => {
    const { bundle } = await scratch.import([sample('23_app_error_in_current_logs')]);
    const [line] = await rows(
      bundle!,
      "SELECT name, container, log_previous FROM logs WHERE log_line LIKE '%Failed to resolve ''memcom''%' LIMIT 1",
    );
    expect(line).toEqual({
      name: 'meme-deployment-74db7bc95c-m68w2',
      container: 'meme-app',
      log_previous: false,
    });
    bundle!.close();
  });

  it('07: the job reached its backoff limit after five failed pods', async () => {
    const { result, bundle } = await scratch.import([sample('07_job_syntax_error')]);
    expect(
      await rows(bundle!, "SELECT DISTINCT attrs['failed'] AS failed FROM objects WHERE kind = 'Job'"),
    ).toEqual([{ failed: '5' }]);
    expect(
      await rows(bundle!, "SELECT event_reason FROM events WHERE kind = 'Job' AND event_type = 'Warning'"),
    ).toEqual([{ event_reason: 'BackoffLimitExceeded' }]);
    // Logs the recording does not attribute to a pod are said, not guessed.
    expect(result.inputs[0]?.issues.map((i) => i.reason)).toContain(
      'logs of pods it does not name ("kubectl logs -n default"): which pod wrote them is unknown, not imported',
    );
    bundle!.close();
  });

  it('12: the lineage of the job, printed weeks after the rest, shows its only pod ended in Error', async () => {
    const { result, bundle } = await scratch.import([sample('12_job_crashing')]);
    const [stats] = result.inputs;
    // Every file is read or said: the script, the manifest and the expected answer are skipped by name.
    expect(stats?.issues).toEqual([]);
    expect(
      Object.values(stats?.skippedFiles ?? {})
        .flat()
        .map((f) => path.basename(f))
        .sort(),
    ).toEqual(['generate_logs.py', 'job.yaml', 'test_case.yaml']);
    expect(
      await rows(
        bundle!,
        `SELECT owner_kind, owner_name, name, state, reason FROM containers
         WHERE pod = 'java-api-checker-mdr44' ORDER BY ts DESC LIMIT 1`,
      ),
    ).toEqual([
      {
        owner_kind: 'Job',
        owner_name: 'java-api-checker',
        name: 'java-beans',
        state: 'terminated',
        reason: 'Error',
      },
    ]);
    bundle!.close();
  });
});
