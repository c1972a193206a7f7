// What a name says of the controller that made it, as Kubernetes' controllers generate names.

import { describe, expect, it } from 'vitest';
import {
  controllerByName,
  isClaimOfPod,
  isNamedBy,
  possibleControllers,
} from '../../src/kube/generated-names.ts';

const pod = (name: string) => ({ kind: 'Pod', name });

describe('isNamedBy', () => {
  it.each([
    ['ReplicaSet', 'notifier-5d8f7c9b6', 'notifier-5d8f7c9b6-x2x9z', true],
    ['Deployment', 'notifier', 'notifier-5d8f7c9b6-x2x9z', true],
    ['DaemonSet', 'kube-flannel-ds', 'kube-flannel-ds-x2x9z', true],
    ['Job', 'migrate', 'migrate-b7k2q', true],
    ['StatefulSet', 'db', 'db-0', true],
    ['StatefulSet', 'db', 'db-12', true],
    ['CronJob', 'backup', 'backup-29012345-b7k2q', true],
    // A vowel, a 0, 1 or 3, or a length other than five is no generated suffix.
    ['DaemonSet', 'kube-flannel-ds', 'kube-flannel-ds-abcde', false],
    ['Job', 'migrate', 'migrate-b7k2', false],
    ['ReplicaSet', 'web', 'web-api-x2x9z', false],
    ['StatefulSet', 'db', 'db-01', false],
    ['StatefulSet', 'db', 'dbx-0', false],
    ['Deployment', 'web', 'web-x2x9z', false],
  ])('%s %s makes %s: %s', (kind, name, child, expected) => {
    expect(isNamedBy(pod(child), { kind, name })).toBe(expected);
  });

  it('reads a base cut to 58 characters, as generateName cuts it', () => {
    const long = `${'a'.repeat(50)}-bcdfghjkl`;
    expect(long.length).toBe(60);
    expect(isNamedBy(pod(`${long.slice(0, 58)}x2x9z`), { kind: 'ReplicaSet', name: long })).toBe(true);
    expect(isNamedBy(pod(`${long}-x2x9z`), { kind: 'ReplicaSet', name: long })).toBe(false);
  });

  it('takes a Deployment’s ReplicaSets and a CronJob’s Jobs', () => {
    expect(
      isNamedBy({ kind: 'ReplicaSet', name: 'web-5d8f7c9b6' }, { kind: 'Deployment', name: 'web' }),
    ).toBe(true);
    expect(
      isNamedBy({ kind: 'ReplicaSet', name: 'web-2035384211' }, { kind: 'Deployment', name: 'web' }),
    ).toBe(true);
    expect(isNamedBy({ kind: 'ReplicaSet', name: 'web-api' }, { kind: 'Deployment', name: 'web' })).toBe(
      false,
    );
    expect(isNamedBy({ kind: 'Job', name: 'backup-29012345' }, { kind: 'CronJob', name: 'backup' })).toBe(
      true,
    );
    expect(isNamedBy({ kind: 'Job', name: 'backup-manual' }, { kind: 'CronJob', name: 'backup' })).toBe(
      false,
    );
  });
});

describe('controllerByName', () => {
  it('names the controller only where the shape leaves no doubt of its kind', () => {
    expect(controllerByName(pod('notifier-5d8f7c9b6-x2x9z'))).toEqual({
      kind: 'ReplicaSet',
      name: 'notifier-5d8f7c9b6',
    });
    expect(controllerByName({ kind: 'ReplicaSet', name: 'notifier-5d8f7c9b6' })).toEqual({
      kind: 'Deployment',
      name: 'notifier',
    });
    expect(controllerByName(pod('backup-29012345-b7k2q'))).toEqual({ kind: 'Job', name: 'backup-29012345' });
    expect(controllerByName({ kind: 'Job', name: 'backup-29012345' })).toEqual({
      kind: 'CronJob',
      name: 'backup',
    });
    // A DaemonSet's, a Job's or a bare ReplicaSet's; a StatefulSet's or nobody's.
    expect(controllerByName(pod('kube-flannel-ds-x2x9z'))).toBeNull();
    expect(controllerByName(pod('db-0'))).toBeNull();
    // Short vowel-less words are names people give (csi-rbd), not template hashes.
    expect(controllerByName(pod('csi-rbd-x2x9z'))).toBeNull();
    expect(controllerByName(pod('nginx'))).toBeNull();
  });
});

describe('possibleControllers', () => {
  it('lists every controller a pod’s name may come from', () => {
    expect(possibleControllers('kube-flannel-ds-x2x9z').map((c) => `${c.kind}/${c.name}`)).toEqual([
      'ReplicaSet/kube-flannel-ds',
      'DaemonSet/kube-flannel-ds',
      'Job/kube-flannel-ds',
      'ReplicationController/kube-flannel-ds',
    ]);
    expect(possibleControllers('notifier-5d8f7c9b6-x2x9z').map((c) => `${c.kind}/${c.name}`)).toContain(
      'Deployment/notifier',
    );
    expect(possibleControllers('db-0')).toEqual([{ kind: 'StatefulSet', name: 'db' }]);
    expect(possibleControllers('etcd-master')).toEqual([]);
  });
});

describe('isClaimOfPod', () => {
  it('takes a StatefulSet pod’s claims, named after their template and the pod', () => {
    expect(isClaimOfPod('data-redis-0', 'redis-0')).toBe(true);
    expect(isClaimOfPod('wal-pg-main-12', 'pg-main-12')).toBe(true);
    expect(isClaimOfPod('redis-0', 'redis-0')).toBe(false);
    expect(isClaimOfPod('data-redis-0', 'redis-1')).toBe(false);
    expect(isClaimOfPod('data-web-x2x9z', 'web-x2x9z')).toBe(false);
  });
});
