// Object references: the map key, the form users write and the forms reports print. A
// cluster-scoped object never shows a namespace.

import { describe, expect, it } from 'vitest';
import {
  formatObjectPath,
  formatObjectRef,
  formatSubject,
  namespacedName,
  objectKey,
  parseObjectKey,
  parseObjectPath,
} from '../../src/vocab/object-ref.ts';

const deployment = { namespace: 'shop', kind: 'Deployment', name: 'checkout' };
const node = { namespace: null, kind: 'Node', name: 'worker-1' };

describe('object references', () => {
  it('key and parse back, cluster-scoped ones with an empty namespace', () => {
    expect(objectKey(deployment)).toBe('shop/Deployment/checkout');
    expect(objectKey(node)).toBe('/Node/worker-1');
    expect(objectKey({ kind: 'Node', name: 'worker-1' })).toBe('/Node/worker-1');
    expect(parseObjectKey('shop/Deployment/checkout')).toEqual(deployment);
    expect(parseObjectKey('/Node/worker-1')).toEqual(node);
    expect(parseObjectKey('/APIResource/apps/deployments')).toEqual({
      namespace: null,
      kind: 'APIResource',
      name: 'apps/deployments',
    });
  });

  it('read what users write, with or without a namespace', () => {
    expect(parseObjectPath('shop/Deployment/checkout')).toEqual(deployment);
    expect(parseObjectPath('shop/deployment/checkout')).toEqual(deployment);
    expect(parseObjectPath('/Node/worker-1')).toEqual(node);
    expect(parseObjectPath('Node/worker-1')).toEqual(node);
    for (const bad of ['checkout', 'shop//checkout', 'a/b/c/d', 'shop/Deployment/']) {
      expect(() => parseObjectPath(bad)).toThrow(/is not namespace\/kind\/name/);
    }
  });

  it('print without a namespace or a placeholder for cluster-scoped objects', () => {
    expect(formatObjectPath(deployment)).toBe('shop/Deployment/checkout');
    expect(formatObjectPath(node)).toBe('Node/worker-1');
    expect(formatObjectRef(deployment)).toBe('Deployment shop/checkout');
    expect(formatObjectRef(node)).toBe('Node worker-1');
    expect(namespacedName(deployment)).toBe('shop/checkout');
    expect(namespacedName(node)).toBe('worker-1');
    expect(formatSubject({ ...node, container: null })).toBe('Node worker-1');
    expect(formatSubject({ namespace: 'shop', kind: 'Pod', name: 'web-1', container: 'app' })).toBe(
      'shop/Pod web-1, container app',
    );
    for (const text of [
      formatObjectPath(node),
      formatObjectRef(node),
      formatSubject({ ...node, container: null }),
    ])
      expect(text).not.toMatch(/\?|null|^\//);
  });
});
