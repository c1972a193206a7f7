// The schemas of built-in kinds read from the Kubernetes models that ship with kstory: which model
// a kind is, and a closed set of schemas (every reference resolves) with types, required fields
// and descriptions as kubectl explain reads them.

import { describe, expect, it } from 'vitest';
import { modelOfKind, schemaName, schemasOf } from '../../src/serve/builtin-schemas.ts';

type Schema = {
  type?: string;
  description?: string;
  required?: string[];
  properties?: Record<string, Schema & { allOf?: { $ref: string }[] }>;
  items?: Schema;
  additionalProperties?: Schema;
  $ref?: string;
};

describe('modelOfKind', () => {
  it('names the model of a built-in kind, the group first where two groups share a kind', () => {
    expect(modelOfKind('', 'v1', 'Pod')).toBe('V1Pod');
    expect(modelOfKind('apps', 'v1', 'Deployment')).toBe('V1Deployment');
    expect(modelOfKind('autoscaling', 'v2', 'HorizontalPodAutoscaler')).toBe('V2HorizontalPodAutoscaler');
    expect(modelOfKind('', 'v1', 'Event')).toBe('CoreV1Event');
    expect(modelOfKind('events.k8s.io', 'v1', 'Event')).toBe('EventsV1Event');
  });

  it('names none for a kind it has no model of, or a name that is not one', () => {
    expect(modelOfKind('example.com', 'v1', 'Widget')).toBeNull();
    expect(modelOfKind('', 'v1', '../V1Pod')).toBeNull();
    expect(modelOfKind('', 'latest', 'Pod')).toBeNull();
  });
});

describe('schemasOf', () => {
  const schemas = schemasOf([{ model: 'V1Pod', kind: 'Pod' }]) as Record<string, Schema>;

  it('holds the kind and every model it references, each reference resolving', () => {
    expect(schemaName('V1PodSpec')).toBe('io.k8s.v1.PodSpec');
    expect(schemaName('CoreV1Event')).toBe('io.k8s.core.v1.Event');
    const refs = JSON.stringify(schemas).match(/#\/components\/schemas\/[^"]+/g) ?? [];
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) expect(Object.keys(schemas)).toContain(ref.slice('#/components/schemas/'.length));
  });

  it('gives types, required fields and descriptions, quotes unescaped', () => {
    const pod = schemas['io.k8s.v1.Pod']!;
    expect(pod.description).toMatch(/^Pod is a collection of containers/);
    expect(pod.properties!.spec!.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.v1.PodSpec' }]);
    expect(pod.properties!.spec!.description).toMatch(/^Specification of the desired behavior of the pod/);
    const spec = schemas['io.k8s.v1.PodSpec']!;
    expect(spec.required).toEqual(['containers']);
    expect(spec.properties!.containers!.type).toBe('array');
    expect(spec.properties!.nodeSelector).toMatchObject({
      type: 'object',
      additionalProperties: { type: 'string' },
    });
    expect(spec.properties!.dnsPolicy!.description).toContain('Defaults to "ClusterFirst"');
    expect(schemas['io.k8s.v1.ContainerPort']!.properties!.containerPort).toMatchObject({
      type: 'integer',
      format: 'int32',
    });
    expect(schemas['io.k8s.v1.ObjectMeta']!.properties!.creationTimestamp).toMatchObject({
      type: 'string',
      format: 'date-time',
    });
  });
});
