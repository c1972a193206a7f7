// The simulated corpus seen as snapshots: a root that is a change, which no snapshot can show, also
// counts as right the first failure its chain shows, as a person reading the dump would name it.

import { describe, expect, it } from 'vitest';
import { snapshotSamples } from '../../src/eval/corpus.ts';

describe('snapshot samples', () => {
  const samples = snapshotSamples(new Set(['config-changed', 'workload-image-changed']));
  const sample = (id: string) => samples.find((s) => s.id === `${id}@snapshot`)!;

  it('accept the first step of the chain that is not a change when the root is one', () => {
    const [root] = sample('bad-config-rollout').roots;
    expect(root!.patterns).toEqual(['config-changed']);
    expect(root!.or).toEqual([
      {
        patterns: ['crash-loop-backoff'],
        subject: { kind: 'Deployment', name: 'checkout', namespace: 'shop', regex: false, container: 'app' },
      },
    ]);
  });

  it('keep the root alone when it is a failure a snapshot shows', () => {
    expect(sample('node-lost').roots.every((root) => root.or === undefined)).toBe(true);
    expect(sample('node-lost').chain).toEqual([]);
  });
});
