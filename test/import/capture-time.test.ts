// When an imported snapshot was taken: read from the newest time its objects, events and logs carry,
// with the file's modification time only as the last resort, and said so.
import { utimesSync } from 'node:fs';
import { Chalk } from 'chalk';
import { afterAll, describe, expect, it } from 'vitest';
import { describeBundle } from '../../src/bundle/info.ts';
import { renderInfoText } from '../../src/report/info-text.ts';
import { aNode, aPod } from '../kube/builders.ts';
import { rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

/** A file written now, then dated `iso` as if copied then. */
function writeDated(relPath: string, content: string, iso: string): string {
  const file = scratch.write(relPath, content);
  const when = new Date(iso);
  utimesSync(file, when, when);
  return file;
}

describe('capture time of a snapshot', () => {
  it('is the newest time its objects carry, not the date of a copy made nine days later', async () => {
    const dir = 'copied/';
    writeDated(`${dir}pod.json`, JSON.stringify(aPod()), '2026-03-10T10:00:00Z');
    writeDated(
      `${dir}events.json`,
      JSON.stringify({
        kind: 'EventList',
        apiVersion: 'v1',
        items: [
          {
            metadata: { name: 'checkout.1', namespace: 'shop', uid: 'ev-1', resourceVersion: '7' },
            involvedObject: {
              kind: 'Pod',
              name: 'checkout-7d9f8-abcde',
              namespace: 'shop',
              uid: 'pod-uid-1',
            },
            reason: 'Pulled',
            type: 'Normal',
            lastTimestamp: '2026-03-01T10:04:00Z',
          },
        ],
      }),
      '2026-03-10T10:00:00Z',
    );
    const { result, bundle } = await scratch.import([scratch.path(dir)]);
    expect(result.inputs[0]).toMatchObject({
      capturedAt: '2026-03-01T10:04:00Z',
      capturedSource: 'newest-observation',
    });
    expect(await rows(bundle!, "SELECT ts::VARCHAR AS ts FROM markers WHERE marker = 'snapshot'")).toEqual([
      { ts: '2026-03-01 10:04:00+00' },
    ]);
    // The window ends at the capture, not nine days later.
    expect(bundle!.metadata.window.end).toBe('2026-03-01T10:04:00.000000Z');
    const info = renderInfoText(await describeBundle(bundle!), new Chalk({ level: 0 }));
    expect(info).toContain('captured 2026-03-01 10:04:00Z (its newest object, event or log time)');
    bundle!.close();
  });

  it('counts the heartbeats of nodes, which move without a change', async () => {
    const node = aNode({
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            lastTransitionTime: '2026-02-01T00:05:00Z',
            lastHeartbeatTime: '2026-03-01T12:30:00Z',
          },
        ],
      },
    });
    const file = writeDated('heartbeat/node.json', JSON.stringify(node), '2026-04-01T00:00:00Z');
    const { result, bundle } = await scratch.import([file]);
    expect(result.inputs[0]?.capturedAt).toBe('2026-03-01T12:30:00Z');
    bundle!.close();
  });

  it('falls back to --at, then to the file time, and says which', async () => {
    const file = writeDated(
      'metrics/ksm',
      'kube_pod_info{pod="a",namespace="b"} 1\n',
      '2026-03-05T08:00:00Z',
    );
    const withoutAt = await scratch.import([file]);
    expect(withoutAt.result.inputs[0]).toMatchObject({
      capturedAt: '2026-03-05T08:00:00.000Z',
      capturedSource: 'file-time',
    });
    expect(withoutAt.bundle!.metadata.inputs[0]?.captured_at_source).toBe('file-time');
    withoutAt.bundle!.close();
    const withAt = await scratch.import([file], { at: '2026-03-04T07:00:00Z' });
    expect(withAt.result.inputs[0]).toMatchObject({
      capturedAt: '2026-03-04T07:00:00Z',
      capturedSource: 'given',
    });
    withAt.bundle!.close();
  });

  it('an audit log is a history: it has no capture time in the metadata', async () => {
    const audit = scratch.write(
      'audit/audit.log',
      `${JSON.stringify({
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        level: 'Metadata',
        auditID: 'a-1',
        stage: 'ResponseComplete',
        verb: 'get',
        user: { username: 'alice' },
        objectRef: { resource: 'pods', namespace: 'shop', name: 'x', apiVersion: 'v1' },
        responseStatus: { code: 200 },
        stageTimestamp: '2026-03-01T10:00:00Z',
      })}\n`,
    );
    const { bundle } = await scratch.import([audit]);
    expect(bundle!.metadata.inputs[0]?.captured_at).toBeNull();
    bundle!.close();
  });
});
