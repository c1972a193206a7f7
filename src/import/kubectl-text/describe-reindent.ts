// A describe whose indentation was lost (issue trackers and chats strip leading spaces from text
// pasted outside a code block): its nesting restored from the keys kubectl prints at each level,
// a container's fields under its name, a state's reason and exit code under the state, the rows of
// Conditions and Events under their key, further labels and tolerations under the first.

import type { TextLine } from './describe-tree.ts';
import { indentOf } from './describe-tree.ts';

// A `Key: value` line as describe prints it (see describe-tree.ts).
const KEY_RE = /^([A-Za-z][\w.()/#'-]*(?: [\w.()/#'-]+)*):(?:[ \t]+(.*?))?[ \t]*$/;

/** Sections whose lines are table rows. */
const TABLES = new Set([
  'Conditions',
  'Events',
  'Non-terminated Pods',
  'Allocated resources',
  'Readiness Gates',
]);
/** Sections whose further values sit under the first (one per line). */
const LISTS = new Set(['Labels', 'Annotations', 'Tolerations', 'Node-Selectors', 'Taints']);
/** Sections whose lines are `key: value` pairs one level in. */
const MAPS = new Set(['Capacity', 'Allocatable', 'System Info', 'Addresses', 'Lease', 'IPs']);
const RESOURCE_MAPS = new Set(['Capacity', 'Allocatable']);
const CONTAINERS = new Set(['Containers', 'Init Containers', 'Ephemeral Containers']);

// The fields of a container, in the order kubectl prints them.
const CONTAINER_FIELDS = new Set([
  'Container ID',
  'Image',
  'Image ID',
  'Port',
  'Ports',
  'Host Port',
  'Host Ports',
  'SeccompProfile',
  'Command',
  'Args',
  'State',
  'Last State',
  'Ready',
  'Restart Count',
  'Limits',
  'Requests',
  'Liveness',
  'Readiness',
  'Startup',
  'Environment Variables from',
  'Environment',
  'Mounts',
  'Devices',
]);
const STATE_FIELDS = new Set(['Reason', 'Message', 'Exit Code', 'Signal', 'Started', 'Finished']);
// What a volume prints under its name (a field with an empty value, `Medium:`, is no volume's name).
const VOLUME_FIELDS = new Set([
  'Type',
  'Name',
  'Optional',
  'SecretName',
  'SecretOptionalName',
  'ClaimName',
  'ReadOnly',
  'Medium',
  'SizeLimit',
  'Path',
  'HostPathType',
  'TokenExpirationSeconds',
  'ConfigMapName',
  'ConfigMapOptional',
  'DownwardAPI',
  'Items',
  'Server',
  'FSType',
  'Driver',
  'VolumeAttributes',
  'VolumeHandle',
  'Partition',
  'VolumeID',
  'PDName',
]);
// What a workload's Pod Template holds, one level in.
const TEMPLATE_FIELDS = new Set([
  'Labels',
  'Annotations',
  'Service Account',
  'Priority Class Name',
  'Init Containers',
  'Containers',
  'Volumes',
  'Node-Selectors',
  'Tolerations',
]);
/** Keys printed only at the left margin: each ends the section before it. */
const TOP_KEYS = new Set([
  'Namespace',
  'Priority',
  'Priority Class Name',
  'Runtime Class Name',
  'Service Account',
  'Node',
  'Start Time',
  'Labels',
  'Annotations',
  'Status',
  'IP',
  'IPs',
  'Controlled By',
  'Nominated Node Name',
  'QoS Class',
  'Node-Selectors',
  'Tolerations',
  'Roles',
  'CreationTimestamp',
  'Taints',
  'Unschedulable',
  'PodCIDR',
  'PodCIDRs',
  'ProviderID',
  'Selector',
  'Replicas',
  'StrategyType',
  'MinReadySeconds',
  'RollingUpdateStrategy',
  'Pod Template',
  'OldReplicaSets',
  'NewReplicaSet',
  'Volume Claims',
  ...TABLES,
  ...MAPS,
  ...CONTAINERS,
  'Volumes',
]);

/** Whether describe output was printed flat: more than a few lines, none indented, and a section that nests. */
export function lostIndentation(lines: readonly TextLine[]): boolean {
  const content = lines.filter((l) => l.text.trim() !== '');
  if (content.length < 5 || content.some((l) => indentOf(l.text) > 0)) return false;
  // A section's first line is a key without a value, what follows it belonging to it.
  return content.some((l, i) => {
    const m = KEY_RE.exec(l.text.trim());
    return m !== null && !m[2] && (CONTAINERS.has(m[1]!) || TABLES.has(m[1]!)) && i + 1 < content.length;
  });
}

// Keys nested under a key of their own: a StatefulSet's partition, its claim templates' fields.
const NESTED: Record<string, ReadonlySet<string>> = {
  'Update Strategy': new Set(['Partition']),
  'Volume Claims': new Set(['Name', 'StorageClass', 'Labels', 'Annotations', 'Capacity', 'Access Modes']),
  DataSource: new Set(['APIGroup', 'Kind', 'Name']),
};

/** A field's name as describe prints it (`Access Modes`), not a label's or an annotation's key. */
function describeKey(key: string): boolean {
  return /^[A-Z]/.test(key) && !/[/.]/.test(key);
}

type Section =
  | { kind: 'top' }
  | { kind: 'nested'; keys: ReadonlySet<string> }
  | { kind: 'list'; column: number; level: number }
  | { kind: 'table' | 'map'; level: number; key: string }
  | { kind: 'containers' | 'volumes'; level: number };

/**
 * The lines indented as kubectl printed them (one object or several back to back), as far as its keys say: each line's level
 * comes from the section it is in and the keys before it. Lines it cannot place stay at the margin.
 */
export function reindent(lines: readonly TextLine[]): TextLine[] {
  const out: TextLine[] = [];
  let section: Section = { kind: 'top' };
  // Inside a workload's Pod Template, every section sits one level further in.
  let template = false;
  // Within a container: the field whose values follow (`State`, `Limits`, `Environment`…).
  let field: string | null = null;
  // Whether the values of that field follow it (`Limits:` alone, a state's reason and times).
  let fieldHolds = false;
  const put = (line: TextLine, spaces: number, body: string) =>
    out.push({ ...line, text: ' '.repeat(spaces) + body });
  for (const line of lines) {
    const body = line.text.trim();
    if (body === '') {
      out.push(line);
      continue;
    }
    const m = KEY_RE.exec(body);
    const key = m?.[1] ?? null;
    const value = m?.[2] ?? '';
    if (section.kind === 'nested' && key !== null && section.keys.has(key)) {
      put(line, 2, body);
      continue;
    }
    // `Name:` opens the next object, but within Volumes (a ConfigMap's name).
    if (key === 'Name' && section.kind !== 'volumes') {
      template = false;
      field = null;
      section = { kind: 'top' };
      put(line, 0, body);
      continue;
    }
    const base = template ? 1 : 0;
    // A key printed only at the margin ends the section (`IP` is one only outside `IPs`).
    const inIps = section.kind === 'map' && section.key === 'IPs' && key === 'IP';
    const templateKey = template && key !== null && TEMPLATE_FIELDS.has(key);
    // A list's further values are labels, annotations, tolerations: a describe field ends it.
    // So does one after `Capacity:` and `Allocatable:`, whose values are resources (`cpu`, `memory`);
    // a claim's `Capacity:` is empty while it is unbound.
    const endsList =
      key !== null &&
      describeKey(key) &&
      (section.kind === 'list' || (section.kind === 'map' && RESOURCE_MAPS.has(section.key)));
    if (key !== null && (TOP_KEYS.has(key) || templateKey || endsList || key in NESTED) && !inIps) {
      if (key === 'Pod Template') template = true;
      else if (template && !templateKey) template = false;
      const level = template && templateKey ? 1 : 0;
      put(line, level * 2, body);
      field = null;
      section = sectionOf(key, value, body, level);
      continue;
    }
    switch (section.kind) {
      case 'top':
      case 'nested':
        put(line, base * 2, body);
        break;
      case 'list':
        put(line, section.column, body);
        break;
      case 'table':
      case 'map':
        put(line, (section.level + 1) * 2, body);
        break;
      case 'volumes': {
        const name = key !== null && value === '' && !VOLUME_FIELDS.has(key);
        put(line, (section.level + (name ? 1 : 2)) * 2, body);
        break;
      }
      case 'containers': {
        const level = section.level;
        const state = field === 'State' || field === 'Last State';
        if (key !== null && CONTAINER_FIELDS.has(key)) {
          // `Limits:`, `Environment:`, `Mounts:` without a value: their values follow, one a line.
          field = key;
          fieldHolds = value === '' || key === 'State' || key === 'Last State';
          put(line, (level + 2) * 2, body);
        } else if (state && key !== null && STATE_FIELDS.has(key)) {
          put(line, (level + 3) * 2, body);
        } else if (key !== null && value === '') {
          // A container's name: the fields after it are its own.
          field = null;
          put(line, (level + 1) * 2, body);
        } else {
          put(line, (level + (field !== null && fieldHolds ? 3 : 2)) * 2, body);
        }
        break;
      }
    }
  }
  return out;
}

function sectionOf(key: string, value: string, body: string, level: number): Section {
  if (key in NESTED) return { kind: 'nested', keys: NESTED[key]! };
  // `Non-terminated Pods:  (2 in total)` heads its table; `Events:  <none>` has none.
  if (TABLES.has(key))
    return value === '' || key === 'Non-terminated Pods' ? { kind: 'table', level, key } : { kind: 'top' };
  if (MAPS.has(key)) return value === '' ? { kind: 'map', level, key } : { kind: 'top' };
  if (CONTAINERS.has(key)) return { kind: 'containers', level };
  if (key === 'Volumes') return value === '' ? { kind: 'volumes', level } : { kind: 'top' };
  if (LISTS.has(key) && value !== '')
    return { kind: 'list', column: level * 2 + body.length - value.length, level };
  return { kind: 'top' };
}
