// The pure parts of the timeline: how a state reads (its health, drawn with a pattern), and an
// object's versions compared by JSON path, noise left out.

import { describe, expect, it } from 'vitest';
import { healthOf } from '../../src/analyze/timeline/states.ts';
import { changesBetween, flatten } from '../../src/analyze/timeline/versions.ts';

describe('healthOf', () => {
  it.each([
    ['Running', 'ok'],
    ['Succeeded', 'ok'],
    ['Ready', 'ok'],
    ['3/3 ready', 'ok'],
    ['Running, not ready', 'warn'],
    ['Pending', 'warn'],
    ['ContainerCreating', 'warn'],
    ['Ready, SchedulingDisabled', 'warn'],
    ['2/3 ready', 'warn'],
    ['0/3 ready', 'bad'],
    ['3/3 ready, ProgressDeadlineExceeded', 'bad'],
    ['CrashLoopBackOff', 'bad'],
    ['ImagePullBackOff', 'bad'],
    ['CreateContainerConfigError', 'bad'],
    ['Terminated: OOMKilled', 'bad'],
    ['Failed: Evicted', 'bad'],
    ['NotReady', 'bad'],
    ['Ready, MemoryPressure', 'bad'],
    ['Ready: Unknown', 'bad'],
    ['Deleted', 'gone'],
  ] as const)('%s reads %s', (state, health) => {
    expect(healthOf(state)).toBe(health);
  });
});

describe('versions compared by path', () => {
  it('names list items by their name or type, and leaves out what every write changes', () => {
    const before = flatten({
      metadata: { resourceVersion: '1', labels: { app: 'web' }, managedFields: [{ manager: 'x' }] },
      spec: { containers: [{ name: 'app', image: 'web:1' }] },
      status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 'a' }] },
    });
    const after = flatten({
      metadata: { resourceVersion: '2', labels: {}, managedFields: [{ manager: 'y' }] },
      spec: { containers: [{ name: 'app', image: 'web:2' }] },
      status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: 'b' }] },
    });
    expect(changesBetween(before, after, 80)).toEqual([
      ['metadata.labels', null, '{}'],
      ['metadata.labels.app', 'web', null],
      ['spec.containers[app].image', 'web:1', 'web:2'],
      ['status.conditions[Ready].status', 'True', 'False'],
    ]);
  });

  it('cuts long values', () => {
    const [[, old, now]] = changesBetween(
      flatten({ a: 'x'.repeat(10) }),
      flatten({ a: 'y'.repeat(10) }),
      4,
    ) as [[string, string, string]];
    expect([old, now]).toEqual(['xxxx…', 'yyyy…']);
  });
});
