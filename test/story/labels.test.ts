// Label vocabularies: the same pod, container, node or workload named the way each ecosystem names
// it maps to one object, and every series of real kube-state-metrics and cAdvisor scrapes that names
// a pod maps to a pod the cluster ran.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseExpositionLine } from '../../src/prometheus/exposition.ts';
import { loadLabelVocabulary, namedByLabels, subjectOfLabels } from '../../src/vocab/labels.ts';
import { ROOT } from '../support/cli.ts';
import { useTempDir } from '../support/temp.ts';

const vocabulary = loadLabelVocabulary();
const tempDir = useTempDir();

describe('label vocabulary', () => {
  const checkoutPod = { kind: 'Pod', namespace: 'shop', name: 'checkout-7d9f', container: 'app' };
  it.each([
    ['Prometheus / kube-state-metrics', { namespace: 'shop', pod: 'checkout-7d9f', container: 'app' }],
    ['old cAdvisor', { namespace: 'shop', pod_name: 'checkout-7d9f', container_name: 'app' }],
    [
      'relabelled by honor_labels: false',
      {
        namespace: 'monitoring',
        exported_namespace: 'shop',
        pod: 'ksm-0',
        exported_pod: 'checkout-7d9f',
        exported_container: 'app',
      },
    ],
    [
      'OpenTelemetry',
      { 'k8s.namespace.name': 'shop', 'k8s.pod.name': 'checkout-7d9f', 'k8s.container.name': 'app' },
    ],
    [
      'OpenTelemetry as Prometheus labels',
      { k8s_namespace_name: 'shop', k8s_pod_name: 'checkout-7d9f', k8s_container_name: 'app' },
    ],
    [
      'Fluent Bit / fluentd',
      {
        'kubernetes.namespace_name': 'shop',
        'kubernetes.pod_name': 'checkout-7d9f',
        'kubernetes.container_name': 'app',
      },
    ],
    [
      'Elastic ECS',
      {
        'kubernetes.namespace': 'shop',
        'kubernetes.pod.name': 'checkout-7d9f',
        'kubernetes.container.name': 'app',
      },
    ],
    ['Datadog', { kube_namespace: 'shop', pod_name: 'checkout-7d9f', kube_container_name: 'app' }],
  ])('%s', (_, labels) => {
    expect(subjectOfLabels(labels, vocabulary)).toEqual(checkoutPod);
  });

  it('reads workloads and nodes, and never a scrape job as a Kubernetes Job', () => {
    expect(subjectOfLabels({ namespace: 'shop', deployment: 'checkout' }, vocabulary)).toMatchObject({
      kind: 'Deployment',
      name: 'checkout',
    });
    expect(subjectOfLabels({ 'k8s.node.name': 'worker-1' }, vocabulary)).toMatchObject({
      kind: 'Node',
      name: 'worker-1',
    });
    expect(namedByLabels({ job: 'kubernetes-pods', namespace: 'shop' }, vocabulary).job).toBeUndefined();
    expect(subjectOfLabels({ job_name: 'report-1', namespace: 'shop' }, vocabulary)).toMatchObject({
      kind: 'Job',
      name: 'report-1',
    });
  });

  it('reads the claims, autoscalers, quotas and volumes that kube-state-metrics series and alerts name', () => {
    expect(
      subjectOfLabels({ namespace: 'shop', persistentvolumeclaim: 'data-0', node: 'worker-1' }, vocabulary),
    ).toMatchObject({ kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-0' });
    expect(subjectOfLabels({ namespace: 'shop', horizontalpodautoscaler: 'web' }, vocabulary)).toMatchObject({
      kind: 'HorizontalPodAutoscaler',
      name: 'web',
    });
    expect(
      subjectOfLabels({ namespace: 'shop', resourcequota: 'compute', resource: 'pods' }, vocabulary),
    ).toMatchObject({ kind: 'ResourceQuota', name: 'compute' });
    expect(subjectOfLabels({ persistentvolume: 'pv-1', phase: 'Failed' }, vocabulary)).toEqual({
      kind: 'PersistentVolume',
      namespace: null,
      name: 'pv-1',
      container: null,
    });
  });

  it('names the file, line and field of a mistake in a vocabulary file', () => {
    const file = path.join(tempDir(), 'labels.yaml');
    writeFileSync(file, 'concepts:\n  pod: [pod]\n  namespace: []\n');
    expect(() => loadLabelVocabulary(file)).toThrow(/labels\.yaml:3: field concepts\.namespace: /);
    writeFileSync(file, 'concepts:\n  pods: [pod]\n');
    expect(() => loadLabelVocabulary(file)).toThrow(/labels\.yaml:2: field concepts\./);
  });
});

const SAMPLE = path.resolve(ROOT, '../shared/real-samples/nri-kubernetes-1_34');

describe.skipIf(!existsSync(SAMPLE))(
  'real kube-state-metrics and cAdvisor scrapes (../shared/real-samples)',
  () => {
    const pods = new Set<string>(
      (
        parseYaml(readFileSync(path.join(SAMPLE, 'pods.yaml'), 'utf8')).items as {
          metadata: { namespace: string; name: string };
        }[]
      ).map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
    );

    it.each(['ksm_metrics', 'kubelet_metrics_cadvisor'])(
      '%s: every series naming a pod maps to a pod of the cluster',
      (file) => {
        let mapped = 0;
        for (const line of readFileSync(path.join(SAMPLE, file), 'utf8').split('\n')) {
          const sample = parseExpositionLine(line);
          if (sample === null || typeof sample === 'string') continue;
          const subject = subjectOfLabels(sample.labels, vocabulary);
          if (subject?.kind !== 'Pod') continue;
          expect(pods, `${sample.name} ${JSON.stringify(sample.labels)}`).toContain(
            `${subject.namespace}/${subject.name}`,
          );
          mapped++;
        }
        expect(mapped).toBeGreaterThan(50);
      },
    );
  },
);
