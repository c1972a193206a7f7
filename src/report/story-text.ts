// A resource story for a person: what it is about and how it ended, the resources correlated to it,
// then its events one a line (time, type, what happened), fitted to the width.

import type { Story, StoryResource } from '../story/schema.ts';
import { escapeControl } from './escape.ts';
import type { RenderContext, Renderer } from './renderer.ts';
import { padEnd, wrap } from './width.ts';

const TYPE_WIDTH = 'CONTAINER_TERMINATED'.length;

export const storyTextRenderer: Renderer<Story> = {
  name: 'text',
  description: 'a timeline to read',
  produces: 'terminal',
  render: renderStoryText,
};

const name = (r: { kind: string; namespace: string | null; name: string }) =>
  escapeControl(`${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`, { singleLine: true });

export function renderStoryText(story: Story, context: RenderContext): string {
  const { chalk, width } = context;
  const lines = [
    chalk.bold(`Story of ${name(story.root)}`) + chalk.dim(` (${story.correlation_id})`),
    ...wrap(
      `${story.window.start} → ${story.window.end}: ended by ${story.termination.state} (${escapeControl(story.termination.reason, { singleLine: true })})`,
      0,
      width,
    ),
    '',
    chalk.bold(`Resources (${story.resources.length})`),
    ...story.resources.flatMap((r) => wrap(`${name(r)}${how(r)}`, 2, width, `${padEnd(r.relation, 8)} `)),
    '',
    chalk.bold(`Events (${story.events.length})`),
  ];
  for (const e of story.events) {
    const type =
      e.event_type === 'FINDING'
        ? chalk.yellow(padEnd(e.event_type, TYPE_WIDTH))
        : padEnd(e.event_type, TYPE_WIDTH);
    // The day is in the window above; the time of day is what a reader follows.
    lines.push(
      ...wrap(
        escapeControl(e.summary, { singleLine: true }),
        0,
        width,
        `${e.timestamp.slice(11, 23)} ${type} `,
      ),
    );
  }
  const left = story.omitted;
  if (left.total > 0) {
    const parts = [
      ...Object.entries(left.by_cap).map(([type, n]) => `${n} ${type} over --max-events`),
      ...(Object.keys(left.log_lines_by_cap).length > 0
        ? [
            `${Object.values(left.log_lines_by_cap).reduce((a, b) => a + b, 0)} log lines over --max-log-lines`,
          ]
        : []),
      ...(left.filtered > 0 ? [`${left.filtered} filtered out`] : []),
      ...(left.after_termination > 0 ? [`${left.after_termination} after the story ended`] : []),
    ];
    lines.push('', chalk.dim(`Left out: ${parts.join(', ')}.`));
  }
  return `${lines.join('\n')}\n`;
}

function how(r: StoryResource): string {
  const parts: string[] = [];
  if (r.via) parts.push(`via ${name(r.via)}`);
  if (r.detail) parts.push(escapeControl(r.detail, { singleLine: true }));
  if (r.replaces) parts.push(`replaces ${escapeControl(r.replaces.name, { singleLine: true })}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
