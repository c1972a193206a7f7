// What `kstory labels` says on stderr when it is done: what it wrote, and everything it did not
// write and why (invalid labels, unreadable bundles, bundles that gave no label), never silently.

import type { LabelRun } from '../../labels/run.ts';
import { escapeControl } from '../escape.ts';

export function labelRunSummary(run: LabelRun, output: string | undefined, format: string): string {
  const types = Object.entries(run.byType)
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');
  const lines = [
    `wrote ${run.written} labels${types ? ` (${types})` : ''} from ${run.bundles} bundle(s) to ${output === undefined ? 'stdout' : escapeControl(output)} as ${format}`,
  ];
  if (run.belowQuality > 0) lines.push(`left out ${run.belowQuality} label(s) below --min-quality`);
  for (const note of run.notes) lines.push(escapeControl(note));
  for (const bad of run.invalid)
    lines.push(
      `kstory: label ${bad.id} of ${escapeControl(bad.bundle)} is invalid, not written: ${escapeControl(bad.problems.join('; '))}`,
    );
  for (const bad of run.failed)
    lines.push(`kstory: ${escapeControl(bad.bundle)}: not labelled: ${escapeControl(bad.error)}`);
  return `${lines.join('\n')}\n`;
}
