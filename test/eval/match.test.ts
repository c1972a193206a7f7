// Matching a reported root cause with a labelled one: patterns and the patterns that refine them,
// and subjects through ownership in both directions.

import { describe, expect, it } from 'vitest';
import {
  acceptedPatterns,
  describeSpec,
  type Ownership,
  specOfKey,
  subjectMatches,
} from '../../src/eval/match.ts';
import type { Subject } from '../../src/vocab/object-ref.ts';

/** Pods web-1 and web-2 of ReplicaSet web-5d8 of Deployment web, in namespace shop. */
const OWNERS: Record<string, string> = {
  'shop/Pod/web-1': 'shop/ReplicaSet/web-5d8',
  'shop/Pod/web-2': 'shop/ReplicaSet/web-5d8',
  'shop/ReplicaSet/web-5d8': 'shop/Deployment/web',
};
const ownership: Ownership = {
  ancestry(subject) {
    const chain = [`${subject.namespace ?? ''}/${subject.kind}/${subject.name}`];
    while (OWNERS[chain.at(-1)!]) chain.push(OWNERS[chain.at(-1)!]!);
    return chain;
  },
};
const subject = (
  namespace: string | null,
  kind: string,
  name: string,
  container: string | null = null,
): Subject => ({
  namespace,
  kind,
  name,
  container,
});
const objects = [subject('shop', 'Pod', 'web-1'), subject('shop', 'Pod', 'web-2')];

describe('subjectMatches', () => {
  it('takes a pod for its Deployment, as a scenario names workloads', () => {
    const spec = specOfKey('shop/Deployment/web');
    expect(subjectMatches(subject('shop', 'Pod', 'web-2', 'app'), spec, ownership)).toBe(true);
    expect(subjectMatches(subject('shop', 'Deployment', 'web'), spec, ownership)).toBe(true);
    expect(subjectMatches(subject('shop', 'Pod', 'api-1'), spec, ownership)).toBe(false);
    expect(subjectMatches(subject('other', 'Pod', 'web-1'), spec, ownership)).toBe(false);
  });

  it('takes a pod the bundle tells no controller of for those its generated name may come from', () => {
    const daemonSet = specOfKey('kube-system/DaemonSet/kube-flannel-ds');
    expect(subjectMatches(subject('kube-system', 'Pod', 'kube-flannel-ds-x2x9z'), daemonSet, ownership)).toBe(
      true,
    );
    expect(subjectMatches(subject('kube-system', 'Pod', 'kube-flannel-ds-abcde'), daemonSet, ownership)).toBe(
      false,
    );
    expect(subjectMatches(subject('shop', 'Pod', 'kube-flannel-ds-x2x9z'), daemonSet, ownership)).toBe(false);
    const deployment = specOfKey('shop/Deployment/notifier');
    expect(subjectMatches(subject('shop', 'Pod', 'notifier-5d8f7c9b6-x2x9z'), deployment, ownership)).toBe(
      true,
    );
    expect(subjectMatches(subject('shop', 'Pod', 'notifier-x2x9z'), deployment, ownership)).toBe(false);
    // A pod whose controller the bundle tells is matched through it alone.
    expect(
      subjectMatches(subject('shop', 'Pod', 'web-1'), specOfKey('shop/StatefulSet/web'), ownership),
    ).toBe(false);
  });

  it('takes the Deployment of a labelled pod, through the bundle’s objects', () => {
    const spec = { kind: 'Pod', name: 'web-.*', regex: true };
    const deployment = subject('shop', 'Deployment', 'web');
    expect(subjectMatches(deployment, spec, ownership, objects)).toBe(true);
    expect(subjectMatches(deployment, spec, ownership)).toBe(false);
    expect(subjectMatches(subject('shop', 'Deployment', 'api'), spec, ownership, objects)).toBe(false);
  });

  it('matches a regular expression against the whole name, and the namespace when given', () => {
    const spec = { kind: 'Pod', name: 'web', regex: true };
    expect(subjectMatches(subject('shop', 'Pod', 'web-1'), spec, ownership)).toBe(false);
    const scoped = { kind: 'Pod', name: 'web-[0-9]', regex: true, namespace: 'shop' };
    expect(subjectMatches(subject('shop', 'Pod', 'web-1'), scoped, ownership)).toBe(true);
    expect(subjectMatches(subject('prod', 'Pod', 'web-1'), scoped, ownership)).toBe(false);
  });

  it('takes a name literally unless it is a regular expression', () => {
    const spec = specOfKey('AdmissionWebhook/validate.policy.example.com');
    expect(spec).toMatchObject({ namespace: null, regex: false });
    expect(
      subjectMatches(subject(null, 'AdmissionWebhook', 'validate.policy.example.com'), spec, ownership),
    ).toBe(true);
    expect(
      subjectMatches(subject(null, 'AdmissionWebhook', 'validateXpolicy.example.com'), spec, ownership),
    ).toBe(false);
  });

  it('checks the container when the label names one', () => {
    const spec = specOfKey('shop/Deployment/web', 'app');
    expect(subjectMatches(subject('shop', 'Pod', 'web-1', 'app'), spec, ownership)).toBe(true);
    expect(subjectMatches(subject('shop', 'Pod', 'web-1', 'sidecar'), spec, ownership)).toBe(false);
  });

  it('describes a spec as a reader names the object', () => {
    expect(describeSpec(specOfKey('shop/Deployment/web', 'app'))).toBe('shop/Deployment web, container app');
    expect(describeSpec({ kind: 'Pod', name: 'web-.*', regex: true })).toBe('Pod web-.*');
    expect(describeSpec(specOfKey('Node/worker-3'))).toBe('Node worker-3');
    expect(describeSpec(specOfKey('User/system:serviceaccount:ci:bot'))).toBe(
      'User system:serviceaccount:ci:bot',
    );
  });
});

describe('acceptedPatterns', () => {
  const catalogue = [
    { id: 'crash-loop-backoff', refines: [] },
    { id: 'init-container-failed', refines: ['crash-loop-backoff'] },
    { id: 'init-command-not-found', refines: ['init-container-failed'] },
    { id: 'oom-killed', refines: [] },
  ];

  it('accepts the labelled ids and every pattern refining one of them, directly or not', () => {
    expect([...acceptedPatterns(['crash-loop-backoff'], catalogue)].sort()).toEqual([
      'crash-loop-backoff',
      'init-command-not-found',
      'init-container-failed',
    ]);
  });

  it('does not accept the broader pattern for a specific label, nor an unrelated one', () => {
    expect([...acceptedPatterns(['init-container-failed'], catalogue)].sort()).toEqual([
      'init-command-not-found',
      'init-container-failed',
    ]);
    expect([...acceptedPatterns(['oom-killed'], catalogue)]).toEqual(['oom-killed']);
  });

  it('keeps a labelled id the catalogue lacks', () => {
    expect([...acceptedPatterns(['pod-sandbox-failed'], catalogue)]).toEqual(['pod-sandbox-failed']);
  });
});
