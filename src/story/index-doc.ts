// The index `story --all -o DIR` writes beside the stories: one entry per story, with its file.

import type { Story } from './schema.ts';

export const STORY_INDEX_SCHEMA = 'kstory.story-index/v1';

export interface StoryIndexEntry {
  file: string;
  correlation_id: string;
  root: Story['root'];
  window: Story['window'];
  termination: Story['termination']['state'];
  resources: number;
  events: number;
  findings: number;
  omitted: number;
}

export interface StoryIndex {
  schema: typeof STORY_INDEX_SCHEMA;
  bundle: string[];
  stories: StoryIndexEntry[];
}

export function indexEntry(story: Story, file: string): StoryIndexEntry {
  return {
    file,
    correlation_id: story.correlation_id,
    root: story.root,
    window: story.window,
    termination: story.termination.state,
    resources: story.resources.length,
    events: story.events.length,
    findings: story.events.filter((e) => e.event_type === 'FINDING').length,
    omitted: story.omitted.total,
  };
}

/** A file name for a story: `Kind_namespace_name`, safe on every file system, unique in the set. */
export function storyFileName(story: Story, taken: Set<string>, extension: string): string {
  const { kind, namespace, name } = story.root;
  const base = [kind, namespace, name]
    .filter((p): p is string => p !== null)
    .join('_')
    .replace(/[^A-Za-z0-9._-]/g, '-');
  let file = `${base}${extension}`;
  if (taken.has(file.toLowerCase()))
    file = `${base}_${story.correlation_id.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 36)}${extension}`;
  for (let i = 2; taken.has(file.toLowerCase()); i++) file = `${base}_${i}${extension}`;
  taken.add(file.toLowerCase());
  return file;
}
