// kubectl text from real clusters (../shared/real-samples/kubectl-text and holmesgpt-recorded):
// what a person reads in each sample must be in the bundle, dated from what the text shows.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rows, Scratch } from './helpers.ts';

const SAMPLES = path.resolve(import.meta.dirname, '../../../shared/real-samples');
const TEXT = path.join(SAMPLES, 'kubectl-text');
const SKIP = '(skipped: ../shared/real-samples absent)';

const scratch = new Scratch();
afterAll(() => scratch.remove());

describe.skipIf(!existsSync(TEXT))(`kubectl text pasted from terminals ${SKIP}`, () => {
  it('helm-pull-secret: the pod runs, the kubelet warned six times that the pull secret is missing', async () => {
    const { result, bundle } = await scratch.import([path.join(TEXT, 'helm-pull-secret/describe-pod.txt')]);
    expect(result.inputs[0]).toMatchObject({ issueCount: 0, capturedSource: 'newest-observation' });
    // Scheduled 3m3s after the pod started at 06:10:58.
    expect(result.inputs[0]?.capturedAt).toBe('2025-08-15T06:14:01.000000Z');
    expect(await rows(bundle!, "SELECT name, phase, node FROM objects WHERE kind = 'Pod'")).toEqual([
      { name: 'my-profile-7b4d969f7d-8rcdd', phase: 'Running', node: 'aks-system-51783313-vmss000000' },
    ]);
    expect(
      await rows(
        bundle!,
        `SELECT event_count, event_first::VARCHAR AS f, event_last::VARCHAR AS l, event_message
         FROM events WHERE event_reason = 'FailedToRetrieveImagePullSecret'`,
      ),
    ).toEqual([
      {
        event_count: 6,
        f: '2025-08-15 06:10:58+00',
        l: '2025-08-15 06:13:25+00',
        event_message:
          'Unable to retrieve some image pull secrets (acr-auth); attempting to pull the image may not succeed.',
      },
    ]);
    bundle!.close();
  });
});
