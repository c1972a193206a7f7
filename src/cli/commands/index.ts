// Every top-level command, in the order `kstory --help` lists them. One line per command.

import type { Command } from 'commander';
import { defineBundleCommand } from './bundle.ts';

export const COMMANDS: readonly ((program: Command) => void)[] = [defineBundleCommand];
