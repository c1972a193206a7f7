// What `kstory get` prints, in kubectl's shapes: tables (one per kind, kind/ prefixes when there
// are several), -o yaml|json (one object, or a List), -o name, and "No resources found" on stderr.

import type { GetSection } from '../serve/get.ts';
import { renderJson, renderNames, renderYaml } from './kube-object.ts';
import { renderKubeTable } from './kube-table.ts';

export interface GetPrintOptions {
  output?: string;
  allNamespaces: boolean;
  namespace: string;
  noHeaders: boolean;
  /** One object was named: -o yaml prints it bare rather than in a List. */
  single: boolean;
}

export function printGetResult(
  sections: readonly GetSection[],
  options: GetPrintOptions,
): { stdout: string; stderr: string } {
  const objects = sections.flatMap((s) => s.served);
  if (options.output === 'json') return { stdout: renderJson(objects, options.single), stderr: '' };
  if (options.output === 'yaml') return { stdout: renderYaml(objects, options.single), stderr: '' };
  if (options.output === 'name') {
    const names = sections.flatMap((s) =>
      s.items.map((i) => ({ kind: s.resource.kind, group: s.resource.group, name: i.name })),
    );
    return { stdout: renderNames(names), stderr: '' };
  }
  const nonEmpty = sections.filter((s) => s.items.length > 0);
  if (nonEmpty.length === 0) {
    const namespaced = sections.some((s) => s.resource.namespaced);
    const where = options.allNamespaces || !namespaced ? '' : ` in ${options.namespace} namespace`;
    return { stdout: '', stderr: `No resources found${where}.\n` };
  }
  const several = nonEmpty.length > 1;
  const blocks = nonEmpty.map((s) =>
    renderKubeTable(
      {
        columns: s.table.columnDefinitions,
        rows: s.table.rows.map((row, i) => ({ cells: row.cells, namespace: s.items[i]!.namespace })),
      },
      {
        wide: options.output === 'wide',
        withNamespace: options.allNamespaces && s.resource.namespaced,
        kindPrefix: several
          ? `${s.resource.kind.toLowerCase()}${s.resource.group ? `.${s.resource.group}` : ''}`
          : undefined,
        noHeaders: options.noHeaders,
      },
    ),
  );
  return { stdout: blocks.join('\n'), stderr: '' };
}
