// Every top-level command, in the order `kstory --help` lists them. One line per command.

import type { Command } from 'commander';
import { defineAnalyzeCommand } from './analyze.ts';
import { defineAtCommand } from './at.ts';
import { defineBundleCommand } from './bundle.ts';
import { defineDescribeCommand } from './describe.ts';
import { defineDiffCommand } from './diff.ts';
import { defineEvalCommand } from './eval.ts';
import { defineEventsCommand } from './events.ts';
import { defineGetCommand } from './get.ts';
import { defineImportCommand } from './import.ts';
import { defineLabelsCommand } from './labels.ts';
import { defineLogsCommand } from './logs.ts';
import { definePatternsCommand } from './patterns.ts';
import { defineRecordCommand } from './record.ts';
import { defineRelatedCommand } from './related.ts';
import { defineReportCommand } from './report.ts';
import { defineServeCommand } from './serve.ts';
import { defineSimulateCommand } from './simulate.ts';
import { defineStoryCommand } from './story.ts';

export const COMMANDS: readonly ((program: Command) => void)[] = [
  defineAnalyzeCommand,
  defineAtCommand,
  defineBundleCommand,
  defineDescribeCommand,
  defineDiffCommand,
  defineEvalCommand,
  defineEventsCommand,
  defineGetCommand,
  defineImportCommand,
  defineLabelsCommand,
  defineLogsCommand,
  definePatternsCommand,
  defineRecordCommand,
  defineRelatedCommand,
  defineReportCommand,
  defineServeCommand,
  defineSimulateCommand,
  defineStoryCommand,
];
