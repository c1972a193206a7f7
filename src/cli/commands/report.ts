// `kstory report`: analyze's HTML page in one step, written to a file named after the bundle
// (or -o): the incidents, the timeline and the changes, to open in a browser or attach to a ticket.

import path from 'node:path';
import type { Command } from 'commander';
import { defineAnalysisCommand } from './analyze.ts';

export function defineReportCommand(program: Command): void {
  defineAnalysisCommand(program, {
    name: 'report',
    description:
      'write one self-contained HTML page of a bundle: incidents, timeline, changes (analyze --format html)',
    format: 'html',
    output: 'write the page to this file (default: the first bundle’s name with .html, in this directory)',
    defaultOutput: (paths) =>
      `${path.basename(paths[0]!).replace(/\.parquet$|\.spool$|\/$/, '') || 'kstory-report'}.html`,
    examples: `
Examples:
  kstory report incident.parquet                  # writes incident.html
  kstory report incident.parquet -o /tmp/postmortem.html --since 2h
  kstory report 'nightly-*.parquet' -n shop       # bundles read together`,
  });
}
