// Every top-level command, in the order `kstory --help` lists them. One line per command.

import type { Command } from 'commander';
import { defineAnalyzeCommand } from './analyze.ts';
import { defineBundleCommand } from './bundle.ts';
import { defineGetCommand } from './get.ts';
import { defineImportCommand } from './import.ts';
import { definePatternsCommand } from './patterns.ts';
import { defineRecordCommand } from './record.ts';
import { defineServeCommand } from './serve.ts';
import { defineSimulateCommand } from './simulate.ts';

export const COMMANDS: readonly ((program: Command) => void)[] = [
  defineAnalyzeCommand,
  defineBundleCommand,
  defineGetCommand,
  defineImportCommand,
  definePatternsCommand,
  defineRecordCommand,
  defineServeCommand,
  defineSimulateCommand,
];
