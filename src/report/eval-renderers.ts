// Every output format of `kstory eval`, in the order --format's help lists them; the first is the
// default. A new format is one file in src/report/ and one line here.

import type { EvalResult } from '../eval/run.ts';
import { evalJsonRenderer } from './eval-json.ts';
import { evalMarkdownRenderer } from './eval-markdown.ts';
import { evalTextRenderer } from './eval-text.ts';
import type { Renderer } from './renderer.ts';

export const EVAL_RENDERERS: readonly Renderer<EvalResult>[] = [
  evalTextRenderer,
  evalJsonRenderer,
  evalMarkdownRenderer,
];
