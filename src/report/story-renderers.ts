// Every output format of `kstory story`, in the order --format's help lists them; the first is the
// default. A new format is one file in src/report/ and one line here.

import type { Story } from '../story/schema.ts';
import type { Renderer } from './renderer.ts';
import { storyJsonRenderer, storyNdjsonRenderer } from './story-json.ts';
import { storyTextRenderer } from './story-text.ts';

export const STORY_RENDERERS: readonly Renderer<Story>[] = [
  storyJsonRenderer,
  storyNdjsonRenderer,
  storyTextRenderer,
];
