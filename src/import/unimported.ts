// Why an input gave no rows, and what to do about it: an import that read nothing must say so
// (exit 2) rather than write a bundle that analyses to a silent all-clear.

import type { InputStats } from './stats.ts';
import { UNRECOGNISED } from './unrecognised.ts';

export interface Refusal {
  input: string;
  /** What the input held and why nothing came out of it. */
  message: string;
  /** What the user can do. */
  hint: string;
}

/** What to do about the files skipped for a reason, the first that fits. */
const HINTS: readonly { when: (reason: string) => boolean; hint: string }[] = [
  {
    when: (reason) => reason.startsWith(UNRECOGNISED),
    hint: '`kstory import --help` lists the formats kstory reads (recognised by content, whatever the file is called). A cluster’s state comes as a kubectl cluster-info dump, kubectl get -A -o yaml, kubectl describe text or a must-gather; its history as an API server audit log or a cloud audit export.',
  },
  {
    when: (reason) => /manifest|template/.test(reason),
    hint: 'Manifests and templates say what was applied, not what the cluster did: import what the cluster reported (kubectl get -o yaml of the live objects, a cluster-info dump, events, logs).',
  },
  {
    when: (reason) => reason === 'empty file',
    hint: 'Every file is empty: was the capture interrupted? Take it again.',
  },
  {
    when: (reason) => reason === 'binary file',
    hint: 'kstory unpacks .tar, .gz, .zst and .xz itself; unpack other archives first and import what is inside.',
  },
];

const DEFAULT_HINT = 'The summary above names each file and why nothing was read from it.';

/** Rows an input gave, its snapshot marker left out. */
export function rowsOf(stats: InputStats): number {
  return Object.entries(stats.records).reduce((sum, [source, n]) => (source === 'marker' ? sum : sum + n), 0);
}

/** Why an input that gave no rows is refused; null when it gave rows. */
export function refusalOf(stats: InputStats): Refusal | null {
  // Rows merged as duplicates of another input's are in the bundle all the same.
  if (rowsOf(stats) > 0 || stats.duplicates > 0) return null;
  const input = stats.input;
  if (stats.files === 0 && stats.issueCount === 0) {
    return {
      input,
      message: `${input} holds no files`,
      hint: 'Check the path: an empty directory or archive holds nothing to import.',
    };
  }
  const skipped = Object.entries(stats.skippedFiles).sort((a, b) => b[1].length - a[1].length);
  const parts = skipped.map(([reason, files]) => `${files.length} ${reason}`);
  if (stats.issueCount > 0) {
    const first = stats.issues[0];
    const where = first
      ? ` (the first: ${first.file}${first.line !== undefined ? `:${first.line}` : ''}: ${first.reason})`
      : '';
    parts.push(
      `${stats.issueCount} damaged line${stats.issueCount === 1 ? '' : 's'} or document${stats.issueCount === 1 ? '' : 's'}${where}`,
    );
  }
  const read = Object.keys(stats.formats);
  const readAs = read.length > 0 ? `read as ${read.join(', ')} but nothing came out; ` : '';
  const files = `${stats.files} file${stats.files === 1 ? '' : 's'}`;
  const hint = skipped
    .map(([reason]) => HINTS.find((h) => h.when(reason))?.hint)
    .find((h) => h !== undefined);
  return {
    input,
    message: `nothing kstory reads in ${input} (${files}): ${readAs}${parts.join('; ') || 'no rows'}`,
    hint: hint ?? DEFAULT_HINT,
  };
}
