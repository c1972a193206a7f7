// The analysis Report as JSON: the contract of docs/report-format.md, for scripts and other tools.

import { toJson } from './json.ts';
import type { Renderer } from './renderer.ts';

export const jsonRenderer: Renderer = {
  name: 'json',
  description: 'for scripts, see docs/report-format.md',
  produces: 'document',
  flag: '--json',
  render: (report) => toJson(report),
};
