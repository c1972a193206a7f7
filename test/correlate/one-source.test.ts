// The correlation rules are the one source of structural relations: a rule added to a rule directory
// changes what `kstory related` reaches, what analysis relates and what belongs to a story; the
// joins' choices (selectors over every version, owners by UID then name, objects named but never
// recorded) hold for all three.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Relations } from '../../src/analyze/relations.ts';
import type { Bundle } from '../../src/bundle/reader.ts';
import type { CatalogueObject } from '../../src/correlate/catalogue.ts';
import { ObjectGraph, unrecordedObject } from '../../src/correlate/graph.ts';
import { JOINS } from '../../src/correlate/joins.ts';
import { BUILTIN_RULES_DIR, loadRules, RULE_CHAIN_JOINS } from '../../src/correlate/rules.ts';
import { Correlator } from '../../src/story/correlate.ts';
import { RelatedGraph } from '../../src/story/related/graph.ts';
import { findingHolders, searchRelated } from '../../src/story/related/search.ts';
import { loadLabelVocabulary } from '../../src/vocab/labels.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

function object(kind: string, name: string, more: Partial<CatalogueObject> = {}): CatalogueObject {
  const namespace = ['Node', 'PersistentVolume'].includes(kind) ? null : 'shop';
  return {
    ...unrecordedObject(namespace, kind, name),
    uid: `uid-${kind}-${name}`,
    id: `uid-${kind}-${name}`,
    first: '2024-05-01T10:00:00.000Z',
    seen: '2024-05-01T10:00:00.000Z',
    last: '2024-05-01T11:00:00.000Z',
    ...more,
  };
}
const subject = (kind: string, name: string) => ({
  kind,
  namespace: ['Node', 'PersistentVolume'].includes(kind) ? null : 'shop',
  name,
  container: null,
});

function ruleDir(files: Record<string, string>): string {
  const dir = path.join(tempDir(), `rules-${Object.keys(files).join('-')}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** The objects `kstory related` reaches from `start` in one step of the rules (signals aside: no
 * bundle is read). */
async function reached(rules: ReturnType<typeof loadRules>, objects: CatalogueObject[], start: string) {
  const graph = new RelatedGraph(objects, [], loadLabelVocabulary());
  const toObjects = rules.filter((r) => !JOINS[r.join].signal);
  const result = await searchRelated(
    {} as Bundle,
    graph,
    toObjects,
    loadLabelVocabulary(),
    graph.find(start)!,
    {
      depth: 1,
    },
  );
  return result.nodes.map((n) => `${n.class}/${n.object.name}`).sort();
}

/** The resources of the story of `root`, as `relation Kind/name`. */
function story(rules: ReturnType<typeof loadRules>, objects: CatalogueObject[], root: CatalogueObject) {
  return new Correlator(objects, rules)
    .correlate(root)
    .map((m) => `${m.relation} ${m.kind}/${m.name}`)
    .sort();
}

describe('one source of structural relations', () => {
  const ingress = object('Ingress', 'web', { refs: [{ kind: 'Service', name: 'checkout', via: 'backend' }] });
  const service = object('Service', 'checkout', {
    selector: { app: 'checkout' },
    selectors: [{ app: 'checkout' }],
  });
  const objects = [ingress, service];

  it('a rule added in a rule directory changes what related reaches and what analysis relates', async () => {
    const builtin = loadRules([BUILTIN_RULES_DIR]).filter((r) => r.id !== 'ingress-backends');
    const added = loadRules([
      ruleDir({
        'ingress-routes.yaml': [
          'id: ingress-routes',
          'description: The Services an Ingress routes to, as what it uses',
          'from: Ingress',
          'to: Service',
          'join: uses',
          'chain: refs',
        ].join('\n'),
      }),
    ]);
    expect(await reached(builtin, objects, ingress.id)).not.toContain('Service/checkout');
    expect(
      Relations.following(builtin, objects).related(
        'refs',
        subject('Ingress', 'web'),
        subject('Service', 'checkout'),
      ),
    ).toBe(false);

    const rules = [...builtin, ...added];
    expect(await reached(rules, objects, ingress.id)).toContain('Service/checkout');
    const relations = Relations.following(rules, objects);
    expect(relations.related('refs', subject('Ingress', 'web'), subject('Service', 'checkout'))).toBe(true);
    expect(relations.related('refs', subject('Service', 'checkout'), subject('Ingress', 'web'))).toBe(true);
  });

  it('a rule added in a rule directory changes what belongs to a story', () => {
    const deployment = object('Deployment', 'checkout');
    const pod = object('Pod', 'checkout-1', {
      owner: { kind: 'Deployment', name: 'checkout', uid: deployment.uid },
      labels: { app: 'checkout' },
      label_sets: [{ app: 'checkout' }],
    });
    const builtin = loadRules([BUILTIN_RULES_DIR]).filter((r) => r.id !== 'service-ingresses');
    const before = story(builtin, [deployment, pod, ...objects], deployment);
    expect(before).toEqual(['owned Pod/checkout-1', 'root Deployment/checkout', 'selects Service/checkout']);
    const added = loadRules([
      ruleDir({
        'service-routes.yaml':
          'id: service-routes\ndescription: The Ingresses routing to a Service\nfrom: Service\nto: Ingress\njoin: used-by\n',
      }),
    ]);
    expect(story([...builtin, ...added], [deployment, pod, ...objects], deployment)).toEqual(
      [...before, 'refers Ingress/web'].sort(),
    );
  });

  it('every chain join the rules decide is decided by a built-in rule', () => {
    const rules = loadRules([BUILTIN_RULES_DIR]);
    for (const join of RULE_CHAIN_JOINS)
      expect(
        rules.some((r) => r.chain === join),
        join,
      ).toBe(true);
  });

  it('refuses selector_versions on a join without a selector, and chain on a signal join', () => {
    const versions = ruleDir({
      'pod-node.yaml':
        'id: pod-node\ndescription: x\nfrom: Pod\nto: Node\njoin: runs-on\nselector_versions: any\n',
    });
    expect(() => loadRules([versions])).toThrow(
      /pod-node\.yaml: field selector_versions: runs-on compares no label selector/,
    );
    const chain = ruleDir({
      'pod-logs.yaml': 'id: pod-logs\ndescription: x\nfrom: Pod\nto: logs\njoin: log-subject\nchain: refs\n',
    });
    expect(() => loadRules([chain])).toThrow(/pod-logs\.yaml: field chain: log-subject leads to signals/);
  });
});

describe('the joins both consumers follow', () => {
  const rules = loadRules([BUILTIN_RULES_DIR]);

  it('relate a pod relabelled out of a Service, and a Service whose selector was edited, to it', async () => {
    // The pod carried app=checkout, then was relabelled; the Service's selector changed too.
    const pod = object('Pod', 'checkout-1', {
      labels: { app: 'debug' },
      label_sets: [{ app: 'checkout' }, { app: 'debug' }],
    });
    const service = object('Service', 'checkout', {
      selector: { app: 'checkout-v2' },
      selectors: [{ app: 'checkout' }, { app: 'checkout-v2' }],
    });
    const graph = new ObjectGraph([pod, service]);
    expect(graph.selectorsOf(pod, 'latest')).toEqual([]);
    expect(graph.selectorsOf(pod, 'any')).toEqual([service]);
    expect(await reached(rules, [pod, service], service.id)).toContain('Pod/checkout-1');
    const relations = Relations.following(rules, [pod, service]);
    expect(relations.related('selects', subject('Service', 'checkout'), subject('Pod', 'checkout-1'))).toBe(
      true,
    );
    expect(relations.servicesOf(subject('Pod', 'checkout-1'))).toEqual(['shop/checkout']);
    // The pod's story and the Service's hold each other.
    expect(story(rules, [pod, service], pod)).toContain('selects Service/checkout');
    expect(story(rules, [pod, service], service)).toContain('selected Pod/checkout-1');
  });

  it('follow an owner by UID, else by name, else to the owner named but never recorded', async () => {
    const rs = object('ReplicaSet', 'cart-5d9c', {
      owner: { kind: 'Deployment', name: 'cart', uid: 'gone' },
    });
    const deployment = object('Deployment', 'cart');
    // Imported dumps: no UIDs, and ReplicaSets of the pods not dumped.
    const a = object('Pod', 'api-1', {
      uid: null,
      id: 'shop/Pod/api-1',
      owner: { kind: 'ReplicaSet', name: 'api-7f', uid: null },
    });
    const b = object('Pod', 'api-2', {
      uid: null,
      id: 'shop/Pod/api-2',
      owner: { kind: 'ReplicaSet', name: 'api-7f', uid: null },
    });
    const objects = [rs, deployment, a, b];
    const graph = new ObjectGraph(objects);
    expect(graph.ownerOf(rs)).toEqual([deployment]);
    const [standIn] = graph.ownerOf(a);
    expect(standIn).toMatchObject({ kind: 'ReplicaSet', namespace: 'shop', name: 'api-7f', uid: null });
    expect(graph.ownerOf(b)[0]).toBe(standIn);
    expect(
      graph
        .ownedBy(standIn!)
        .map((p) => p.name)
        .sort(),
    ).toEqual(['api-1', 'api-2']);
    expect(await reached(rules, objects, a.id)).toContain('ReplicaSet/api-7f');

    const relations = Relations.following(rules, objects);
    expect(relations.ancestry(subject('ReplicaSet', 'cart-5d9c'))).toEqual([
      'shop/ReplicaSet/cart-5d9c',
      'shop/Deployment/cart',
    ]);
    expect(relations.related('workload', subject('Pod', 'api-1'), subject('Pod', 'api-2'))).toBe(true);
    expect(relations.related('owner', subject('ReplicaSet', 'api-7f'), subject('Pod', 'api-2'))).toBe(true);
  });

  it('reach a ConfigMap a pod names but the bundle never held, and relate the two', async () => {
    const pod = object('Pod', 'web-1', { refs: [{ kind: 'ConfigMap', name: 'web-config', via: 'volume' }] });
    expect(await reached(rules, [pod], pod.id)).toContain('ConfigMap/web-config');
    const [uses] = new Correlator([pod], rules).correlate(pod).filter((m) => m.relation === 'uses');
    expect(uses).toMatchObject({ kind: 'ConfigMap', name: 'web-config', detail: 'volume', object: null });
    const relations = Relations.following(rules, [pod]);
    expect(relations.related('refs', subject('ConfigMap', 'web-config'), subject('Pod', 'web-1'))).toBe(true);
    expect(relations.related('refs', subject('ConfigMap', 'other'), subject('Pod', 'web-1'))).toBe(false);
  });

  it('say what of the catalogue each reads, so that analysis loads only that', () => {
    // Analysis computes only the fields its rules' joins read (loadCatalogue's `fields`).
    expect(JOINS['owned-by'].reads()).toEqual(['owner']);
    const selects = JOINS['selected-by'];
    expect(selects.reads({ selector_versions: 'any' })).toEqual(['selectors', 'label_sets']);
    expect(selects.reads({})).toEqual(['selectors', 'selector', 'labels']);
  });
});

describe('a namespace as a start', () => {
  const rules = loadRules([BUILTIN_RULES_DIR]);

  it('reaches the objects in it, at most a rule limit of each kind, the ones seen last, and counts the rest', async () => {
    const pods = Array.from({ length: 25 }, (_, i) =>
      object('Pod', `web-${String(i).padStart(2, '0')}`, {
        last: `2024-05-01T11:${String(i).padStart(2, '0')}:00.000Z`,
      }),
    );
    const quota = object('ResourceQuota', 'compute');
    const graph = new RelatedGraph(
      [...pods, quota, object('Pod', 'elsewhere', { namespace: 'other' })],
      [],
      loadLabelVocabulary(),
    );
    // The bundle holds no Namespace object: what is in it stands for it.
    const namespace = graph.namespaceNamed('shop')!;
    expect(namespace).toMatchObject({ kind: 'Namespace', name: 'shop' });
    expect(graph.namespaceNamed('nowhere')).toBeUndefined();
    const result = await searchRelated(
      {} as Bundle,
      graph,
      rules.filter((r) => !JOINS[r.join].signal),
      loadLabelVocabulary(),
      namespace,
      { depth: 1 },
    );
    const listed = result.nodes.filter((n) => n.class === 'Pod').map((n) => n.object.name);
    expect(listed).toHaveLength(20);
    expect(listed).not.toContain('web-00');
    expect(listed).toContain('web-24');
    expect(result.nodes.some((n) => n.class === 'ResourceQuota')).toBe(true);
    expect(result.capped).toEqual([
      { from: namespace.id, rule: 'namespace-objects', class: 'Pod', listed: 20, total: 25 },
    ]);

    // Objects a finding is about (or about a pod they own) come before the ones seen last.
    const owned = object('Pod', 'job-x', { last: '2024-05-01T10:00:00.000Z' });
    owned.owner = { kind: 'Job', name: 'nightly', uid: null };
    const finding = (kind: string, name: string) => ({
      pattern: 'crash-loop-backoff',
      severity: 'high',
      summary: '',
      first: '2024-05-01T10:00:00.000Z',
      subject: { namespace: 'shop', kind, name },
    });
    const flagged = await searchRelated(
      {} as Bundle,
      new RelatedGraph([...pods, owned], [], loadLabelVocabulary()),
      rules.filter((r) => !JOINS[r.join].signal),
      loadLabelVocabulary(),
      namespace,
      { depth: 1, findings: [finding('Pod', 'web-00'), finding('Pod', 'job-x')] },
    );
    const kept = flagged.nodes.filter((n) => n.class === 'Pod').map((n) => n.object.name);
    expect(kept).toHaveLength(20);
    expect(kept).toEqual(expect.arrayContaining(['web-00', 'job-x', 'web-24', 'web-07']));
    expect(kept).not.toContain('web-06');
    expect(findingHolders([owned], [finding('Pod', 'job-x')])).toEqual(
      new Set(['shop/Pod/job-x', 'shop/Job/nightly']),
    );
  });
});
