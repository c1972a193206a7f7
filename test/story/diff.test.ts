// The compact diff of two object versions: named list entries addressed by name, bookkeeping left
// out, long values cut.

import { describe, expect, it } from 'vitest';
import { diffObjects } from '../../src/story/diff.ts';

const deployment = (image: string, replicas: number, rv: string) => ({
  metadata: { name: 'checkout', resourceVersion: rv, managedFields: [{ manager: 'kubectl' }] },
  spec: {
    replicas,
    template: {
      spec: {
        containers: [
          { name: 'app', image },
          { name: 'proxy', image: 'envoy:1' },
        ],
      },
    },
  },
});

describe('diffObjects', () => {
  it('names a container by its name and leaves resourceVersion and managedFields out', () => {
    const { changes, omitted } = diffObjects(deployment('shop:1', 3, '10'), deployment('shop:2', 3, '11'));
    expect(changes).toEqual([
      { path: 'spec.template.spec.containers[app].image', old: 'shop:1', new: 'shop:2' },
    ]);
    expect(omitted).toBe(0);
  });

  it('says which fields were added and removed', () => {
    const { changes } = diffObjects({ data: { A: '1', B: '2' } }, { data: { A: '1', C: '3' } });
    expect(changes).toEqual([
      { path: 'data.B', old: '2' },
      { path: 'data.C', new: '3' },
    ]);
  });

  it('compares a list without names as a whole', () => {
    const { changes } = diffObjects({ spec: { args: ['a', 'b'] } }, { spec: { args: ['a', 'c'] } });
    expect(changes).toEqual([{ path: 'spec.args', old: ['a', 'b'], new: ['a', 'c'] }]);
  });

  it('ignores heartbeats and cuts long values', () => {
    const node = (beat: string, note: string) => ({
      status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: beat }] },
      data: { note },
    });
    const { changes } = diffObjects(node('10:00', 'x'), node('10:01', 'y'.repeat(2000)));
    expect(changes).toHaveLength(1);
    expect(changes[0]!.path).toBe('data.note');
    expect(String(changes[0]!.new)).toMatch(/… \(2000 characters\)$/);
  });
});
