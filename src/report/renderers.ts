// Every output format of `kstory analyze`, in the order --format's help lists them; the first is the
// default. A new format is one file in src/report/ and one line here.

import { jsonRenderer } from './analysis-json.ts';
import { markdownRenderer } from './analysis-markdown.ts';
import { textRenderer } from './analysis-text.ts';
import { htmlRenderer } from './html/document.ts';
import type { Renderer } from './renderer.ts';

export const RENDERERS: readonly Renderer[] = [textRenderer, jsonRenderer, markdownRenderer, htmlRenderer];
