// The simulated corpus seen through partial views (a snapshot, Events alone, kubectl text…): a root
// that is a change, which none of them shows, also counts as right the first failure its chain
// shows, as a person reading the dump would name it.

import { describe, expect, it } from 'vitest';
import { simulatedSamples, VIEWS, viewSamples } from '../../src/eval/corpus.ts';

describe('snapshot samples', () => {
  const samples = viewSamples(['snapshot'], new Set(['config-changed', 'workload-image-changed']));
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

describe('view samples', () => {
  it('see every scenario through each view, labelled as its recording, from its scenario file', () => {
    const samples = viewSamples(VIEWS, new Set(['config-changed']));
    const scenarios = simulatedSamples();
    expect(samples).toHaveLength(scenarios.length * VIEWS.length);
    for (const view of VIEWS) {
      const seen = samples.filter((s) => s.id.endsWith(`@${view}`));
      expect(seen.map((s) => s.id)).toEqual(scenarios.map((s) => `${s.id}@${view}`));
      expect(seen.map((s) => s.source)).toEqual(scenarios.map((s) => ({ ...s.source, view })));
      expect(seen.map((s) => s.quiet)).toEqual(scenarios.map((s) => s.quiet));
    }
    const events = samples.find((s) => s.id === 'bad-config-rollout@events')!;
    expect(events.roots[0]!.or?.[0]?.patterns).toEqual(['crash-loop-backoff']);
  });
});
