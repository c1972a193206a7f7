// A recording seen as the kubectl text people paste into a ticket: `kubectl describe` of every
// Pod, Deployment and Node as they stood at its end, and of the objects users describe when they
// suspect them (autoscalers, Services, CronJobs and Jobs, claims and volumes), each with the Events
// about it, printed by the describers of `kstory describe` (kubectl's layout) under the command
// that printed it, for `kstory import` to read back. What kstory makes of it tells how much text alone lets it see.
// Here, above the state engine (serve/) and the describers (report/), `kstory eval --views` hands it
// to the evaluation, which sits beside the one and below the other.

import { writeFileSync } from 'node:fs';
import { renderDescribe } from '../report/describe/index.ts';
import { describeObject } from '../serve/describe.ts';
import { isoSeconds } from '../serve/instant.ts';
import { instantOf, openState } from '../serve/offline.ts';

/** The kinds described, by kubectl's word for them. */
const DESCRIBED = ['pod', 'deployment', 'node', 'hpa', 'service', 'cronjob', 'job', 'pvc', 'pv'] as const;

/** Writes the text to `output`; returns how many objects it describes and when it was printed
 * (the recording's end, what `kstory import --at` is told: its ages count back from it). */
export async function writeKubectlText(
  recording: string,
  output: string,
): Promise<{ described: number; at: string }> {
  const state = await openState([recording]);
  try {
    const at = instantOf(state, undefined);
    const parts: string[] = [];
    for (const word of DESCRIBED) {
      const resource = state.catalogue.resolve(word)[0];
      if (resource === undefined) continue;
      for (const item of await state.objectsAt(resource, at)) {
        const input = await describeObject(state, resource, item.namespace, item.name, at);
        const where = item.namespace === null ? '' : ` -n ${item.namespace}`;
        parts.push(`$ kubectl describe ${word} ${item.name}${where}\n${renderDescribe(input)}`);
      }
    }
    writeFileSync(output, parts.join('\n'));
    return { described: parts.length, at: isoSeconds(at) };
  } finally {
    state.bundle.close();
  }
}
