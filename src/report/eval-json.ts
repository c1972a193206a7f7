// The result of `kstory eval` as JSON (schema kstory.eval/v1), for scripts and for tracking the
// figures over time.

import type { EvalResult } from '../eval/run.ts';
import { toJson } from './json.ts';
import type { Renderer } from './renderer.ts';

export const evalJsonRenderer: Renderer<EvalResult> = {
  name: 'json',
  description: 'for scripts, schema kstory.eval/v1',
  produces: 'document',
  flag: '--json',
  render: (result) => toJson(result),
};
