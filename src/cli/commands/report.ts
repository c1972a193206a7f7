// `kstory report`: analyze's HTML page in one step, written to a file named after the bundle
// (or -o): the incidents, the timeline and the changes, to open in a browser or attach to a ticket.

import path from 'node:path';
import type { Command } from 'commander';
import { defineAnalysisCommand } from './analyze.ts';

/** `incident` for incident.parquet or incident.parquet.spool/; a glob names no one bundle. */
function pageName(input: string): string {
  const base = path.basename(input).replace(/(\.parquet)?(\.spool)?\/?$/, '');
  return base === '' || /[*?[\]{}]/.test(base) ? 'kstory-report' : base;
}

export function defineReportCommand(program: Command): void {
  defineAnalysisCommand(program, {
    name: 'report',
    description:
      'write one self-contained HTML page of a bundle: incidents, timeline, changes (analyze --format html)',
    format: 'html',
    output: 'write the page to this file (default: the first bundle’s name with .html, in this directory)',
    defaultOutput: (paths) => `${pageName(paths[0]!)}.html`,
    examples: `
Examples:
  kstory report incident.parquet                  # writes incident.html
  kstory report incident.parquet -o /tmp/postmortem.html --since 2h
  kstory report 'nightly-*.parquet' -n shop       # read together, to kstory-report.html`,
  });
}
