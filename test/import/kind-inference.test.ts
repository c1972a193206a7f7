// Objects saved without kind and apiVersion, in layouts whose paths say what they hold: insights
// archives, must-gathers, cluster-info dump directories; and what happens when nothing says.
import { afterAll, describe, expect, it } from 'vitest';
import { kindOfPath, kindOfSelfLink } from '../../src/import/kind-inference.ts';
import { aDeployment, aNode, aPod } from '../kube/builders.ts';
import { rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const strip = ({ kind: _k, apiVersion: _a, ...rest }: Record<string, unknown>) => rest;

describe('kindOfPath and kindOfSelfLink', () => {
  it('read the layouts people save', () => {
    const kind = (p: string) => {
      const hint = kindOfPath(p);
      return hint && `${hint.apiVersion} ${hint.kind}`;
    };
    expect(kind('insights/config/pod/openshift-etcd/etcd-0.json')).toBe('v1 Pod');
    expect(kind('config/node/master-0.json')).toBe('v1 Node');
    expect(kind('config/clusteroperator/dns.json')).toBe('config.openshift.io/v1 ClusterOperator');
    expect(kind('mg/namespaces/shop/core/pods/web-1.yaml')).toBe('v1 Pod');
    expect(kind('mg/namespaces/shop/core/events.yaml')).toBe('v1 Event');
    expect(kind('mg/namespaces/shop/apps/deployments/web.yaml')).toBe('apps/v1 Deployment');
    expect(kind('mg/namespaces/shop/pods/web-1/web-1.yaml')).toBe('v1 Pod');
    expect(kind('mg/cluster-scoped-resources/core/nodes/node-a.yaml')).toBe('v1 Node');
    expect(kind('mg/cluster-scoped-resources/storage.k8s.io/storageclasses.yaml')).toBe(
      'storage.k8s.io/v1 StorageClass',
    );
    expect(kind('dump/kube-system/pods.json')).toBe('v1 Pod');
    expect(kind('dump/nodes.json')).toBe('v1 Node');
    // A group that does not hold the resource, or a resource nobody knows: nothing is guessed.
    expect(kind('mg/namespaces/shop/batch/deployments/web.yaml')).toBeNull();
    expect(kind('mg/namespaces/shop/example.com/widgets/w.yaml')).toBeNull();
    expect(kind('notes/pods.txt')).toBeNull();
  });

  it('selfLinks name the resource, its group and version', () => {
    expect(kindOfSelfLink('/api/v1/namespaces/kube-system/pods/coredns-1')).toMatchObject({
      kind: 'Pod',
      apiVersion: 'v1',
    });
    expect(kindOfSelfLink('/apis/extensions/v1beta1/namespaces/kube-system/daemonsets')).toMatchObject({
      kind: 'DaemonSet',
      apiVersion: 'extensions/v1beta1',
    });
    expect(kindOfSelfLink('/api/v1/nodes')).toMatchObject({ kind: 'Node' });
    expect(kindOfSelfLink('/api/v1/namespaces/shop')).toMatchObject({ kind: 'Namespace' });
    expect(kindOfSelfLink('/apis/example.com/v1/widgets')).toBeNull();
  });
});

describe('objects without kind, imported by where they sit', () => {
  it('an insights archive and a must-gather whose files lack kind and apiVersion', async () => {
    scratch.write('insights/config/pod/shop/checkout-7d9f8-abcde.json', JSON.stringify(strip(aPod())));
    scratch.write('insights/config/node/node-a.json', JSON.stringify(strip(aNode())));
    scratch.write('insights/config/version.json', JSON.stringify({ metadata: { name: 'x' } }));
    scratch.write(
      'mg/namespaces/shop/apps/deployments/checkout.yaml',
      `metadata:\n  name: checkout\n  namespace: shop\n  creationTimestamp: "2026-03-01T10:00:00Z"\nspec:\n  replicas: 3\n`,
    );
    const { result, bundle } = await scratch.import([scratch.path('insights'), scratch.path('mg')]);
    expect(await rows(bundle!, 'SELECT api_version, kind, name FROM objects ORDER BY kind')).toEqual([
      { api_version: 'apps/v1', kind: 'Deployment', name: 'checkout' },
      { api_version: 'v1', kind: 'Node', name: 'node-a' },
      { api_version: 'v1', kind: 'Pod', name: 'checkout-7d9f8-abcde' },
    ]);
    // Where nothing says what it is, the user is told which file and why.
    expect(result.inputs[0]?.issues).toEqual([
      {
        file: scratch.path('insights/config/version.json'),
        line: 1,
        reason:
          'object without a kind, and neither its selfLink nor its file path says which: not imported (save it with kubectl get -o json, which keeps kind)',
      },
    ]);
    bundle!.close();
  });

  it('a file that says its kind is never overruled by its path', async () => {
    const file = scratch.write('mg2/namespaces/shop/core/pods/odd.yaml', JSON.stringify(aDeployment()));
    const { bundle } = await scratch.import([file]);
    expect(await rows(bundle!, 'SELECT kind FROM objects')).toEqual([{ kind: 'Deployment' }]);
    bundle!.close();
  });
});
