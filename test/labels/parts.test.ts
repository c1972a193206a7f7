// The pure parts of a label: the quality formula, the question's phrasings, the commands of the
// action plan and the compact manifests, each on small inputs whose answer is known.

import { describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/reader.ts';
import { compactManifest } from '../../src/labels/manifest.ts';
import { LabelMasker } from '../../src/labels/mask.ts';
import {
  bandOf,
  completenessOf,
  consistencyOf,
  evidenceQualityOf,
  qualityOf,
} from '../../src/labels/quality.ts';
import { MAX_QUESTIONS, phraseQuestions, type Symptom } from '../../src/labels/questions.ts';
import { LabelRedactor } from '../../src/labels/redact.ts';
import { buildResolution, commandsIn } from '../../src/labels/resolution.ts';
import type { Label } from '../../src/labels/schema.ts';
import {
  formatCpu,
  formatMemory,
  roundCpu,
  roundMemory,
  suggestSizing,
  type Usage,
} from '../../src/labels/sizing.ts';
import { KEPT, PLANTED, plantedLogLines } from '../support/planted.ts';

const aSymptom = (over: Partial<Symptom> = {}): Symptom => ({
  title: 'Service has no ready endpoints',
  subject: 'shop/Service cart',
  namespace: 'shop',
  cluster: 'prod',
  since: '2026-03-02 09:09 UTC',
  others: [],
  ...over,
});

describe('quality', () => {
  it('counts the parts a label has', () => {
    expect(completenessOf([true, true, false, true])).toBe(0.75);
    expect(completenessOf([])).toBe(0);
  });

  it('finds a chain consistent when effects follow their causes over strong links', () => {
    const root = { first: '2026-03-02T09:00:00Z', causedBy: null, strength: null };
    expect(consistencyOf([root])).toBe(1);
    expect(consistencyOf([root, { first: '2026-03-02T09:05:00Z', causedBy: 0, strength: 1 }])).toBe(1);
    // An effect ten minutes before its cause, over a weak link.
    expect(consistencyOf([root, { first: '2026-03-02T08:50:00Z', causedBy: 0, strength: 0.5 }])).toBe(0.25);
    // Within a minute of clock skew is in order.
    expect(consistencyOf([root, { first: '2026-03-02T08:59:30Z', causedBy: 0, strength: 1 }])).toBe(1);
  });

  it('scores evidence by rows and by kinds of source', () => {
    expect(evidenceQualityOf([])).toBe(0);
    expect(evidenceQualityOf([{ source: 'event' }])).toBeCloseTo(0.5 / 6 + 0.5 / 3, 3);
    const full = ['event', 'log', 'metric', 'event', 'event', 'object'].map((source) => ({ source }));
    expect(evidenceQualityOf(full)).toBe(1);
  });

  it('weighs the parts into an overall score and a band', () => {
    const q = qualityOf({ completeness: 1, consistency: 1, evidence: 1, confidence: 0.5 });
    expect(q.overall).toBe(0.9);
    expect(q.band).toBe('high');
    expect(qualityOf({ completeness: 0.5, consistency: 0.5, evidence: 0, confidence: 0 }).band).toBe('low');
    expect([bandOf(0.75), bandOf(0.5), bandOf(0.49)]).toEqual(['high', 'medium', 'low']);
  });
});

describe('questions', () => {
  it('gives N different phrasings, the same for the same seed, never naming more than the symptom', () => {
    const a = phraseQuestions(aSymptom(), 4, 'ts-00000000000000aa');
    expect(a).toHaveLength(4);
    expect(new Set(a).size).toBe(4);
    expect(phraseQuestions(aSymptom(), 4, 'ts-00000000000000aa')).toEqual(a);
    for (const q of a) expect(q).toMatch(/cart/);
    expect(phraseQuestions(aSymptom(), 99, 'x')).toHaveLength(MAX_QUESTIONS);
  });

  it('starts at another phrasing for another label', () => {
    const starts = new Set(
      ['ts-0000000000000001', 'ts-0000000000000002', 'ts-0000000000000003'].map(
        (seed) => phraseQuestions(aSymptom(), 1, seed)[0],
      ),
    );
    expect(starts.size).toBe(3);
  });
});

describe('resolution', () => {
  it('takes the kubectl commands a remediation names, and none with a placeholder', () => {
    expect(
      commandsIn(
        'kstory diff Deployment/frontend -n shop -b <bundle> shows every change. If it went wrong, roll back: kubectl rollout undo Deployment/frontend -n shop.',
      ),
    ).toEqual(['kubectl rollout undo Deployment/frontend -n shop']);
    expect(
      commandsIn('Check what the identity may do: kubectl auth can-i --list --as alice; add the Role.'),
    ).toEqual(['kubectl auth can-i --list --as alice']);
    expect(commandsIn('Create it (kubectl create secret docker-registry ... -n shop) first.')).toEqual([]);
    expect(commandsIn('Uncordon the nodes (kubectl uncordon), or add nodes.')).toEqual([]);
  });

  it('looks first, then acts in order, then verifies each effect once', () => {
    const root = { namespace: 'shop', kind: 'Pod', name: 'cart-1', container: 'app' };
    const deployment = { namespace: 'shop', kind: 'Deployment', name: 'cart', container: null };
    const r = buildResolution(
      root,
      ['Raise the memory limit.', 'Roll back: kubectl rollout undo deployment/cart -n shop.'],
      [deployment, deployment, { namespace: 'shop', kind: 'Service', name: 'cart', container: null }],
    );
    expect(r.steps.map((s) => s.order)).toEqual([1, 2, 3]);
    expect(r.steps[0]!.commands).toContain('kubectl logs cart-1 -n shop -c app --previous');
    expect(r.steps[2]!.commands).toEqual(['kubectl rollout undo deployment/cart -n shop']);
    expect(r.verification.map((v) => v.command)).toEqual([
      'kubectl get pod cart-1 -n shop -o wide',
      'kubectl rollout status deployment/cart -n shop --timeout=5m',
      'kubectl get endpointslices -n shop -l kubernetes.io/service-name=cart',
    ]);
  });
});

describe('compact manifests', () => {
  it('keeps what a person reads and drops what only machines do', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'cart-1',
        namespace: 'shop',
        uid: 'u',
        resourceVersion: '9',
        managedFields: [{ manager: 'kubelet' }],
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', team: 'a' },
        ownerReferences: [{ kind: 'ReplicaSet', name: 'cart-6d', uid: 'x', controller: true }],
      },
      spec: {
        containers: [{ name: 'app', image: 'cart:1', terminationMessagePath: '/dev/termination-log' }],
        securityContext: {},
        volumes: [{ name: 'kube-api-access-abcde', projected: {} }],
        tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }],
      },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 't' }] },
    };
    expect(compactManifest(pod)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'cart-1',
        namespace: 'shop',
        annotations: { team: 'a' },
        ownerReferences: [{ kind: 'ReplicaSet', name: 'cart-6d' }],
      },
      spec: { containers: [{ name: 'app', image: 'cart:1' }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
  });

  it('cuts long strings and long lists', () => {
    const m = compactManifest({
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { big: 'x'.repeat(1000) },
      spec: { items: Array.from({ length: 20 }, (_, i) => i) },
    }) as { data: { big: string }; spec: { items: unknown[] } };
    expect(m.data.big.length).toBeLessThan(310);
    expect(m.spec.items).toHaveLength(13);
    expect(m.spec.items.at(-1)).toBe('… 8 more');
  });
});

describe('label redaction', () => {
  it('leaves no planted credential in a text or a manifest, and keeps ids and digests', () => {
    const redactor = new LabelRedactor();
    const p = PLANTED;
    const texts = redactor.texts({
      id: 'ts-0123456789abcdef',
      source: { digest: KEPT.checksum },
      excerpt: `login failed: password=${p.logPassword} token ${p.logBearer}`,
      summary: `pulling from https://user:${p.logUrlPassword}@registry.example.com/x`,
      steps: [`Authorization: Bearer ${p.metricBearer}`, ...plantedLogLines()],
    });
    const manifests = [
      redactor.manifest({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db' },
        data: { password: p.secretData },
      }),
      redactor.manifest({
        kind: 'Pod',
        metadata: { name: 'x' },
        spec: {
          containers: [
            {
              name: 'a',
              args: [`--password=${p.argPassword}`],
              env: [{ name: 'DB_PASSWORD', value: p.envPassword }],
            },
          ],
        },
      }),
    ];
    const text = JSON.stringify([texts, manifests]);
    for (const value of [
      p.logPassword,
      p.logBearer,
      p.logUrlPassword,
      p.metricBearer,
      p.logAwsKeyId,
      p.logAwsSecret,
      p.secretData,
      p.argPassword,
      p.envPassword,
    ])
      expect(text).not.toContain(value);
    expect(texts.id).toBe('ts-0123456789abcdef');
    expect(texts.source.digest).toBe(KEPT.checksum);
    expect(text).toContain('‹redacted:hmac:');
    expect(text).toContain(KEPT.digest);
  });
});

const aUsage = (over: Partial<Usage> = {}): Usage => ({
  pods: 2,
  cpu_request_m: 100,
  cpu_limit_m: null,
  memory_request_bytes: 128 * MI,
  memory_limit_bytes: 256 * MI,
  cpu_samples: 30,
  cpu_p50_m: 40,
  cpu_p95_m: 60,
  cpu_max_m: 80,
  memory_samples: 30,
  memory_p50_bytes: 90 * MI,
  memory_p95_bytes: 100 * MI,
  memory_max_bytes: 110 * MI,
  throttled_share: null,
  throttled_max: null,
  oom_kills: 0,
  ...over,
});
const MI = 1024 * 1024;

describe('sizing', () => {
  it('writes quantities as users do', () => {
    expect([roundCpu(3), roundCpu(61), roundCpu(101), roundCpu(1001)]).toEqual([5, 65, 110, 1050]);
    expect([formatCpu(250), formatCpu(2000)]).toEqual(['250m', '2']);
    expect([roundMemory(1), roundMemory(100 * MI), roundMemory(1100 * MI)]).toEqual([
      16 * MI,
      112 * MI,
      1152 * MI,
    ]);
    expect([formatMemory(384 * MI), formatMemory(2048 * MI)]).toEqual(['384Mi', '2Gi']);
  });

  it('sets the CPU request at p95 with headroom and keeps a memory limit that was never reached', () => {
    const s = suggestSizing(aUsage());
    expect(s.suggestion).toEqual({
      cpu_request: '70m',
      cpu_limit: null,
      memory_request: '128Mi',
      memory_limit: '256Mi',
    });
    expect(s.cpu_request_delta_m).toBe(-30);
    expect(s.impact).toBe('CPU request 100m → 70m per pod (-30m) (2 pods seen).');
  });

  it('raises a memory limit the container was OOM-killed at, above the limit rather than the capped peak', () => {
    const s = suggestSizing(aUsage({ oom_kills: 3, memory_max_bytes: 250 * MI }));
    expect(s.suggestion.memory_limit).toBe('384Mi');
    expect(s.rationale.join('\n')).toMatch(/OOM-killed 3 time\(s\) at 256Mi/);
  });

  it('raises a CPU limit that throttled, and says the usage seen was capped', () => {
    const s = suggestSizing(
      aUsage({ cpu_limit_m: 200, cpu_p95_m: 200, cpu_max_m: 200, throttled_share: 0.6 }),
    );
    expect(s.suggestion.cpu_limit).toBe('400m');
    expect(s.rationale.join('\n')).toMatch(/throttled in 60% of CFS periods under the limit of 200m/);
  });

  it('suggests nothing on too few samples, and says how many there were', () => {
    const s = suggestSizing(aUsage({ cpu_samples: 4, memory_samples: 9 }));
    expect(s.suggestion).toEqual({
      cpu_request: null,
      cpu_limit: null,
      memory_request: null,
      memory_limit: null,
    });
    expect(s.rationale).toEqual([
      'CPU: 4 usage samples, fewer than 10: no suggestion',
      'memory: 9 working-set samples, fewer than 10: no suggestion',
    ]);
  });
});

describe('masking', () => {
  // The rows namesOf's query gives: an audit user, or a node (a row's node or a Node's name).
  const bundleOf = (rows: { user: string | null; node: string | null }[]) =>
    ({
      query: async () =>
        rows.map((r) => ({ user: r.user, impersonated: null, node: r.node, node_name: null })),
    }) as unknown as Bundle;
  const aLabel = (text: string, objects: Record<string, unknown>[] = []) =>
    ({
      schema: 'kstory.label/v1',
      id: 'ts-0123456789abcdef',
      type: 'troubleshooting',
      question: text,
      evidence: [{ source: 'audit', pattern: 'config-changed', excerpt: text }],
      context: { objects },
    }) as unknown as Label;

  it('replaces e-mail and IP addresses, audit users and hosts the same way in every label, and keeps ids', async () => {
    const masker = new LabelMasker({ names: false });
    await masker.learn(
      bundleOf([
        { user: 'jdoe@corp.example.org', node: null },
        { user: null, node: 'zorbatron-node-7' },
      ]),
      [],
    );
    const text =
      'jdoe@corp.example.org patched it from 192.168.7.21 on zorbatron-node-7; mail ops-lead@zephyr.io';
    const a = masker.label(aLabel(text)) as unknown as {
      question: string;
      id: string;
      evidence: { pattern: string; excerpt: string }[];
    };
    for (const value of ['jdoe', '192.168.7.21', 'zorbatron', 'ops-lead@zephyr.io'])
      expect(a.question).not.toContain(value);
    expect(a.evidence[0]!.excerpt).toBe(a.question);
    expect(a.id).toBe('ts-0123456789abcdef');
    expect(a.evidence[0]!.pattern).toBe('config-changed');
    const b = masker.label(aLabel(text)) as unknown as { question: string };
    expect(b.question).toBe(a.question);
  });

  it('keeps object names unless asked, then masks namespaces and names learned from the manifests', async () => {
    const pod = { kind: 'Pod', metadata: { name: 'quillify-api-7d9f8', namespace: 'zanzibar-prod' } };
    const text = 'zanzibar-prod/Pod quillify-api-7d9f8 is crash-looping';
    const kept = new LabelMasker({ names: false });
    await kept.learn(bundleOf([]), [pod]);
    expect((kept.label(aLabel(text, [pod])) as unknown as { question: string }).question).toBe(text);
    const masked = new LabelMasker({ names: true });
    await masked.learn(bundleOf([]), [pod]);
    const out = masked.label(aLabel(text, [pod])) as unknown as {
      question: string;
      context: { objects: unknown[] };
    };
    for (const value of ['zanzibar', 'quillify']) expect(JSON.stringify(out)).not.toContain(value);
    expect(out.question).toMatch(/-prod\/Pod [a-z]+-api-7d9f8 is crash-looping/);
  });
});

describe('commands for what is not an API object', () => {
  it('looks at webhooks and identities with commands kubectl has, and verifies a Secret without printing it', () => {
    const webhook = {
      namespace: null,
      kind: 'AdmissionWebhook',
      name: 'validate.policy.example.com',
      container: null,
    };
    const r = buildResolution(
      webhook,
      [],
      [{ namespace: 'shop', kind: 'Secret', name: 'regcred', container: null }],
    );
    expect(r.steps[0]!.commands).toEqual([
      'kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations',
    ]);
    expect(r.verification.map((v) => v.command)).toEqual(['kubectl describe secret regcred -n shop']);
    expect(
      buildResolution({ namespace: null, kind: 'User', name: 'alice', container: null }, [], []).steps[0]!
        .commands,
    ).toEqual(['kubectl auth can-i --list --as alice']);
  });
});
