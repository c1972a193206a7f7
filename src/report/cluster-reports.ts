// The reports of bundles of several clusters, each analysed on its own, as one output: said first,
// then each cluster's report under its name and files. One joiner per format that can hold several;
// a format without one (the HTML page) is one cluster per page.

import { escapeControl } from './escape.ts';
import { toJson } from './json.ts';
import { forMarkdown } from './neutralize.ts';

/** One cluster's report as its renderer drew it. */
export interface ClusterReport {
  cluster: string;
  files: readonly string[];
  rendered: string;
}

type Joiner = (parts: readonly ClusterReport[]) => string;

function preface(parts: readonly ClusterReport[]): string {
  return (
    `These bundles are of ${parts.length} clusters; each is analysed on its own, over its own window ` +
    'and names (--merge reads them as one).'
  );
}

const fileList = (files: readonly string[]) =>
  `${files.length} file${files.length === 1 ? '' : 's'}: ${files.join(', ')}`;

const JOINERS: Readonly<Record<string, Joiner>> = {
  text: (parts) =>
    [
      `${preface(parts)}\n`,
      ...parts.map((p) =>
        [
          `══ cluster ${escapeControl(p.cluster, { singleLine: true })} (${escapeControl(fileList(p.files), { singleLine: true })})`,
          '',
          p.rendered,
        ].join('\n'),
      ),
    ].join('\n'),
  markdown: (parts) =>
    [
      `${preface(parts)}\n`,
      ...parts.map((p) =>
        [`# Cluster ${forMarkdown(p.cluster)}`, '', `${forMarkdown(fileList(p.files))}`, '', p.rendered].join(
          '\n',
        ),
      ),
    ].join('\n'),
  json: (parts) =>
    toJson({
      clusters: parts.map((p) => ({
        cluster: p.cluster,
        files: p.files,
        report: JSON.parse(p.rendered) as unknown,
      })),
    }),
};

/** Whether reports of this format can be joined into one output. */
export function joinsClusters(format: string): boolean {
  return format in JOINERS;
}

export function joinClusterReports(format: string, parts: readonly ClusterReport[]): string {
  const join = JOINERS[format];
  if (!join) throw new Error(`no way to join ${format} reports of several clusters`);
  return join(parts);
}
