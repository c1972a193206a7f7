// The timeline's lanes narrowed by analyze's filters, as pure functions: which objects keep a lane,
// which findings bring theirs in, and the sentence the page says it with.

import { describe, expect, it } from 'vitest';
import { describeScope, focusOf, type ScopedObject, scopeFilter } from '../../src/analyze/timeline/scope.ts';

const key = (kind: string, namespace: string | null, name: string) => `${kind}|${namespace}|${name}`;
const deploy: ScopedObject = { kind: 'Deployment', namespace: 'shop', name: 'web', labels: { app: 'web' } };
const rs: ScopedObject = { kind: 'ReplicaSet', namespace: 'shop', name: 'web-1', labels: {} };
const pod: ScopedObject = { kind: 'Pod', namespace: 'shop', name: 'web-1-a', labels: {} };
const other: ScopedObject = { kind: 'Pod', namespace: 'shop', name: 'db-0', labels: { app: 'db' } };
const node: ScopedObject = { kind: 'Node', namespace: null, name: 'worker-1', labels: {} };
const owners = new Map<string, ScopedObject[]>([
  ['Pod/web-1-a', [rs, deploy]],
  ['ReplicaSet/web-1', [deploy]],
]);
const ownersOf = (o: { kind: string; name: string }) => owners.get(`${o.kind}/${o.name}`) ?? [];
const kept = (scope: Parameters<typeof scopeFilter>[0], focus: string[] = []) => {
  const keeps = scopeFilter(scope, new Set(focus), key, ownersOf);
  return [deploy, rs, pod, other, node].filter(keeps).map((o) => o.name);
};

describe('scopeFilter', () => {
  it('keeps everything without a filter', () => {
    expect(kept({})).toEqual(['web', 'web-1', 'web-1-a', 'db-0', 'worker-1']);
  });

  it('keeps the kinds asked for, case aside, and the objects in focus', () => {
    expect(kept({ kinds: ['pod'] })).toEqual(['web-1-a', 'db-0']);
    expect(kept({ kinds: ['Deployment'] }, [key('Node', null, 'worker-1')])).toEqual(['web', 'worker-1']);
  });

  it('keeps what a selector selects and what those own', () => {
    expect(kept({ selector: 'app=web' })).toEqual(['web', 'web-1', 'web-1-a']);
    expect(kept({ selector: 'app=db' })).toEqual(['db-0']);
  });

  it('keeps a subject, its owners and what it owns', () => {
    expect(kept({ subject: 'shop/ReplicaSet/web-1' })).toEqual(['web', 'web-1', 'web-1-a']);
    expect(kept({ subject: 'shop/pod/web-1-a' })).toEqual(['web', 'web-1', 'web-1-a']);
    expect(kept({ subject: 'Node/worker-1' })).toEqual(['worker-1']);
  });

  it('holds every filter at once; cluster-scoped objects under -n only in focus', () => {
    expect(kept({ namespaces: ['sh*'], kinds: ['Pod', 'Node'] })).toEqual(['web-1-a', 'db-0']);
    expect(kept({ namespaces: ['shop'], kinds: ['Pod'] }, [key('Node', null, 'worker-1')])).toEqual([
      'web-1-a',
      'db-0',
      'worker-1',
    ]);
    expect(kept({ namespaces: ['other'] }, [key('Pod', 'shop', 'db-0')])).toEqual([]);
  });
});

describe('focusOf', () => {
  const findings = [
    { subject: 'a', incident: 1 },
    { subject: 'b', incident: null },
  ];
  it('takes every finding without a filter, only the incidents shown under one', () => {
    expect(focusOf(findings, {})).toEqual(['a', 'b']);
    expect(focusOf(findings, { kinds: ['Pod'] })).toEqual(['a']);
    expect(focusOf(findings, { namespaces: [] })).toEqual(['a', 'b']);
  });
});

describe('describeScope', () => {
  it('says every filter, or nothing without one', () => {
    expect(describeScope({})).toBeNull();
    expect(
      describeScope({ namespaces: ['shop'], kinds: ['Pod'], selector: 'app=web', subject: 'shop/Pod/a' }),
    ).toBe(
      'Lanes only for objects in namespaces shop, of kind Pod, selected by app=web or owned by what it selects, shop/Pod/a, its owners and what it owns, and for the objects of the incidents shown.',
    );
  });
});
