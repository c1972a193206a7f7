// A resource story as its JSON document (docs/story.md), and as one line of NDJSON for --ndjson.

import type { Story } from '../story/schema.ts';
import { toJson } from './json.ts';
import type { Renderer } from './renderer.ts';

export const storyJsonRenderer: Renderer<Story> = {
  name: 'json',
  description: 'the story document, docs/story.schema.json',
  produces: 'document',
  render: (story) => toJson(story),
};

export const storyNdjsonRenderer: Renderer<Story> = {
  name: 'ndjson',
  description: 'the document on one line; with --all, one story a line',
  produces: 'document',
  flag: '--ndjson',
  render: (story) => `${JSON.stringify(story)}\n`,
};
