// What `kstory diff` prints: the object's versions between two instants, each with the fields it
// changed and who changed it (from the audit log), then a unified diff of its YAML.

import type { ChalkInstance } from 'chalk';
import type { ObjectDiff } from '../serve/diff.ts';
import { isoSecondsOf as isoSeconds } from '../vocab/kube-print.ts';
import { escapeControl } from './escape.ts';
import { renderYaml } from './kube-object.ts';
import { unifiedDiff } from './line-diff.ts';

const MAX_PATHS = 6;

export function renderDiff(diff: ObjectDiff, chalk: ChalkInstance): string {
  const subject = escapeControl(
    `${diff.resource.kind} ${diff.namespace ? `${diff.namespace}/` : ''}${diff.name}`,
    { singleLine: true },
  );
  const lines = [chalk.bold(`${subject}, ${isoSeconds(diff.from)} → ${isoSeconds(diff.to)}`)];
  if (diff.steps.length === 0) lines.push('  no change recorded between these instants');
  for (const step of diff.steps) {
    const who = step.actor
      ? ` by ${step.actor.user} (${step.actor.verb}${step.actor.subresource ? ` ${step.actor.subresource}` : ''}${step.actor.userAgent ? `, ${step.actor.userAgent.split(' ')[0]}` : ''})`
      : '';
    const what =
      step.type === 'MODIFIED'
        ? step.changed.length > MAX_PATHS
          ? `${step.changed.slice(0, MAX_PATHS).join(', ')} and ${step.changed.length - MAX_PATHS} more`
          : step.changed.join(', ')
        : '';
    const verb = step.type === 'ADDED' ? 'created' : step.type === 'DELETED' ? 'deleted' : 'changed';
    lines.push(
      escapeControl(`  ${isoSeconds(step.ts)}  ${verb}${who}${what ? `: ${what}` : ''}`, {
        singleLine: true,
      }),
    );
  }
  const before = diff.before ? renderYaml([diff.before], true) : '';
  const after = diff.after ? renderYaml([diff.after], true) : '';
  const label = (ts: number, obj: unknown) => `${subject} at ${isoSeconds(ts)}${obj ? '' : ' (absent)'}`;
  const text = unifiedDiff(before, after, label(diff.from, diff.before), label(diff.to, diff.after));
  const colored = text
    .split('\n')
    .map((l) =>
      l.startsWith('+')
        ? chalk.green(l)
        : l.startsWith('-')
          ? chalk.red(l)
          : l.startsWith('@@')
            ? chalk.cyan(l)
            : l,
    )
    .join('\n');
  return `${lines.join('\n')}\n${text ? `\n${colored}` : ''}`;
}
