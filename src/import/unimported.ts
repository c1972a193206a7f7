// Why an input gave nothing, and what to do about it: an import that read nothing (or, of a dump,
// nothing but logs) must say so (exit 2) rather than write a bundle that analyses to an all-clear.

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
    when: (reason) => reason === 'binary file (a Parquet file)',
    hint: 'A Parquet file may be a kstory bundle already: `kstory analyze FILE` reads it as it is.',
  },
  {
    when: (reason) => reason.startsWith('binary file'),
    hint: 'kstory unpacks .tar, .gz, .zst, .xz and .zip itself; unpack other archives (7-Zip, RAR, bzip2) first and import the folder they give.',
  },
];

const DAMAGED_HINT =
  'The file is damaged or was cut short: copy or download it again (its size or checksum should match the original).';
const DEFAULT_HINT = 'The summary above names each file and why nothing was read from it.';

/** Rows an input gave, its snapshot marker left out. */
export function rowsOf(stats: InputStats): number {
  return Object.entries(stats.records).reduce((sum, [source, n]) => (source === 'marker' ? sum : sum + n), 0);
}

/** What an input is when it holds a cluster's state (its objects and events), else null. */
function clusterStateOf(stats: InputStats): string | null {
  if (stats.layout === 'must-gather') return 'a must-gather';
  if (stats.layout === 'support-bundle') return 'a support bundle';
  if (stats.layout === 'cluster-info-dump' || stats.formats['cluster-info-dump'])
    return 'a kubectl cluster-info dump';
  return null;
}

/**
 * Why an input is refused: it gave no rows, or it is a cluster's state (a dump, a must-gather) that
 * gave no objects and no events, its logs alone being no picture of the cluster. Null otherwise.
 */
export function refusalOf(stats: InputStats): Refusal | null {
  // Rows merged as duplicates of another input's are in the bundle all the same.
  if (stats.duplicates > 0) return null;
  const state = clusterStateOf(stats);
  const objects = (stats.records.object ?? 0) + (stats.records.event ?? 0);
  if (state !== null && objects === 0 && rowsOf(stats) > 0) {
    return {
      input: stats.input,
      message: `${stats.input} looks like ${state} but gave no objects and no events, only ${otherRows(stats)}: ${whatWentWrong(stats) || 'its lists held nothing kstory reads'}`,
      hint: 'Objects and events are what analysis judges, and none could be read: the damaged documents above say why. Import the cluster’s objects another way (kubectl get -A -o json), or report the first damaged document to the kstory issue tracker (leave out anything confidential).',
    };
  }
  if (rowsOf(stats) > 0) return null;
  const input = stats.input;
  if (stats.files === 0 && stats.issueCount === 0 && stats.cut.length === 0) {
    return {
      input,
      message: `${input} holds no files`,
      hint: 'Check the path: an empty directory or archive holds nothing to import.',
    };
  }
  const skipped = Object.entries(stats.skippedFiles).sort((a, b) => b[1].length - a[1].length);
  const read = Object.keys(stats.formats);
  const readAs = read.length > 0 ? `read as ${read.join(', ')} but nothing came out; ` : '';
  const files = `${stats.files} file${stats.files === 1 ? '' : 's'}`;
  const hint = skipped
    .map(([reason]) => HINTS.find((h) => h.when(reason))?.hint)
    .find((h) => h !== undefined);
  return {
    input,
    message: `nothing kstory reads in ${input} (${files}): ${readAs}${whatWentWrong(stats) || 'no rows'}`,
    hint: hint ?? (stats.cut.length > 0 ? DAMAGED_HINT : DEFAULT_HINT),
  };
}

/** `1200 log rows and 3 metric rows`. */
function otherRows(stats: InputStats): string {
  const sources = Object.entries(stats.records).filter(([source, n]) => source !== 'marker' && n > 0);
  return sources.map(([source, n]) => `${n} ${source} row${n === 1 ? '' : 's'}`).join(' and ');
}

/** Files cut short by damage, files skipped by reason, then damaged lines, each with the first of them. */
function whatWentWrong(stats: InputStats): string {
  const skipped = Object.entries(stats.skippedFiles).sort((a, b) => b[1].length - a[1].length);
  const parts = skipped.map(([reason, files]) => `${files.length} ${reason}`);
  const cut = stats.cut[0];
  if (cut) {
    const n = stats.cut.length;
    parts.unshift(
      `${n} file${n === 1 ? '' : 's'} damaged or cut short (the first: ${cut.file}: ${cut.reason})`,
    );
  }
  if (stats.issueCount > 0) {
    const first = stats.issues[0];
    const where = first
      ? ` (the first: ${first.file}${first.line !== undefined ? `:${first.line}` : ''}: ${first.reason})`
      : '';
    parts.push(
      `${stats.issueCount} damaged line${stats.issueCount === 1 ? '' : 's'} or document${stats.issueCount === 1 ? '' : 's'}${where}`,
    );
  }
  return parts.join('; ');
}
