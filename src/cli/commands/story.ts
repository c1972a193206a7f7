// `kstory story`: the whole chronological record of one resource and of everything correlated to
// it, as one JSON document (or one per root resource with --all). Wiring only; the core is src/story/.

import { type Command, Option } from 'commander';
import { KstoryError, messageOf } from '../../errors.ts';
import { STORY_RENDERERS } from '../../report/story-renderers.ts';
import type { StoryFilters } from '../../story/filters.ts';
import { LOG_POLICIES, type LogPolicy } from '../../vocab/log-filter.ts';
import { chosenRenderer, formatOptions } from '../formats.ts';
import { helpText } from '../help.ts';
import { positiveInt, regex } from '../options.ts';

interface StoryFlags extends StoryFilters {
  output?: string;
  all?: boolean;
  format?: string;
  ndjson?: boolean;
  logs: LogPolicy;
  maxEvents?: number;
  maxLogLines?: number;
  findings: boolean;
  force?: boolean;
  rules?: string[];
  progress: boolean;
}

export function defineStoryCommand(program: Command): void {
  const command = program
    .command('story')
    .description(
      'the story of one resource: its lifecycle and everything correlated to it, as one JSON document',
    )
    .argument(
      '<bundle-and-root...>',
      'bundle files, spool directories or globs, then the root: Kind/namespace/name (deployment/shop/checkout), Kind/name for a cluster-scoped object, or a UID (none with --all)',
    );
  for (const option of formatOptions(STORY_RENDERERS, 'the story')) command.addOption(option);
  command
    .option(
      '-o, --output <path>',
      'write the story to this file; with --all, the directory for one file per story and index.json',
    )
    .option('--all', 'a story for every root resource: each workload, bare pod or owner nothing owns')
    .option('--namespaces <regex>', 'only resources in namespaces that match', regex)
    .option('--exclude-namespaces <regex>', 'leave out resources in namespaces that match', regex)
    .option('--pods <regex>', 'only pods whose name matches (their events and logs too)', regex)
    .option('--exclude-pods <regex>', 'leave out pods whose name matches, with their events and logs', regex)
    .option('--containers <regex>', 'logs and states of containers whose name matches only', regex)
    .option('--exclude-containers <regex>', 'no logs or states of containers whose name matches', regex)
    .option('--event-sources <regex>', 'only Events reported by a matching component', regex)
    .option('--exclude-event-sources <regex>', 'leave out Events reported by a matching component', regex)
    .option('--log-match <regex>', 'only log lines that match', regex)
    .option('--log-exclude <regex>', 'leave out log lines that match', regex)
    .addOption(
      new Option(
        '--logs <policy>',
        'container logs: none, lines that look like errors (and crashed instances), or all',
      )
        .choices(LOG_POLICIES)
        .default('all'),
    )
    .option(
      '--max-events <n>',
      'events per story (default 20000); logs, then audit entries, then Events go first',
      positiveInt,
    )
    .option('--max-log-lines <n>', 'log lines per container (default 500); the oldest go first', positiveInt)
    .option('--no-findings', 'do not run the pattern catalogue (no FINDING events; faster)')
    .option(
      '--rules <dir>',
      'add your own correlation rules from this directory (repeatable): they decide what belongs to a story, as for kstory related',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option(
      '--force',
      'with --all, write into a directory that is not empty (files of the same name replaced)',
    )
    .option('--no-progress', 'do not show what it is doing on stderr')
    .addHelpText(
      'after',
      helpText(`
Every event has a timestamp (RFC 3339, milliseconds), an event_type (RESOURCE_CREATED, RESOURCE_UPDATE
with what changed, RESOURCE_DELETED, POD_STARTING, POD_TERMINATING, CONTAINER_STARTED,
CONTAINER_TERMINATED, K8S_EVENT, AUDIT, CONTAINER_LOG, FINDING, GAP), who emitted it, the resource it
is about and its full payload, credentials redacted. The document is described in docs/story.md.

Examples:
  kstory story incident.parquet deployment/shop/checkout -o checkout.json
  kstory story incident.parquet job/batch/nightly-report --logs errors --format text
  kstory story incident.parquet --all -o stories/
  kstory story incident.parquet --all --ndjson > stories.ndjson`),
    )
    .action(async (args: string[], flags: StoryFlags) => {
      const renderer = chosenRenderer(STORY_RENDERERS, flags);
      const inputs = flags.all ? args : args.slice(0, -1);
      const target = flags.all ? undefined : args.at(-1);
      if (inputs.length === 0)
        throw new KstoryError(
          flags.all ? 'no bundle given' : 'give a bundle, then the resource to tell the story of',
          {
            hint: 'e.g. kstory story incident.parquet deployment/shop/checkout, or --all -o stories/',
          },
        );
      const { StatusLine } = await import('../status-line.ts');
      const { refuseToOverwriteInputs, renderContextFor, writeRendered } = await import('../output.ts');
      refuseToOverwriteInputs(flags.output, inputs);
      const status = new StatusLine(flags.progress !== false);
      const options = {
        filters: flags,
        limits: { logs: flags.logs, maxEvents: flags.maxEvents, maxLogLines: flags.maxLogLines },
        findings: flags.findings,
        ruleDirs: flags.rules,
        onProgress: (stage: string) => status.set(stage),
      };
      const limits = Object.fromEntries(Object.entries(options.limits).filter(([, v]) => v !== undefined));
      try {
        if (target !== undefined) {
          const { buildStory } = await import('../../story/build.ts');
          const story = await buildStory(inputs, target, { ...options, limits });
          status.done();
          writeRendered(renderer.render(story, renderContextFor(renderer, flags.output)), flags.output);
          return;
        }
        const { writeAllStories } = await import('../story-output.ts');
        const summary = await writeAllStories(inputs, renderer, flags.output, {
          ...options,
          limits,
          force: flags.force === true,
        });
        status.done();
        if (summary) process.stderr.write(`${summary}\n`);
      } catch (error) {
        if (error instanceof KstoryError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        if (code) throw new KstoryError(`cannot write the stories: ${messageOf(error)}`);
        throw error;
      } finally {
        status.done();
      }
    });
}
