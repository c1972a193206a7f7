// Share-safe bundles: names, namespaces, users, IP addresses and host names replaced by stable
// pseudonyms in every column and body. Two passes: learn() sees every row first and collects the
// words that name something (from the places names are: name and namespace columns, labels,
// users, metadata, images), then row() replaces those words wherever they appear, free text
// included, so that an Event message still names the Pod its columns name.

import type { BundleRow } from '../bundle/row.ts';
import { RawJson } from '../bundle/spool.ts';
import { Pseudonyms } from './pseudonyms.ts';

type Json = Record<string, unknown>;

/** Columns that hold enumerations, ids and timestamps: nothing in them names anyone. */
const KEPT_COLUMNS = new Set([
  'source',
  'ts',
  'api_version',
  'kind',
  'uid',
  'owner_kind',
  'owner_uid',
  'event_uid',
  'resource_version',
  'audit_id',
  'watch_event',
  'created_at',
  'deleted_at',
  'phase',
  'status_reason',
  'event_type',
  'event_reason',
  'event_first',
  'event_last',
  'audit_stage',
  'audit_level',
  'audit_verb',
  'audit_resource',
  'audit_subresource',
  'audit_decision',
  'audit_code',
  'log_stream',
  'metric_name',
  'marker',
  'marker_end',
  'body',
]);

/** Columns whose values are names, users or hosts: learned whole. */
const NAME_COLUMNS = ['namespace', 'name', 'owner_name', 'node', 'container'] as const;
const USER_COLUMNS = ['audit_user', 'audit_impersonated_user'] as const;

/** JSON members whose string values are names of things (or hosts, users). */
const NAME_MEMBERS = new Set([
  'name',
  'namespace',
  'generateName',
  'nodeName',
  'hostname',
  'host',
  'serviceAccountName',
  'serviceAccount',
  'secretName',
  'claimName',
  'volumeName',
  'serviceName',
  'clusterName',
  'subdomain',
  'priorityClassName',
  'storageClassName',
  'ingressClassName',
  'runtimeClassName',
  'schedulerName',
  'username',
]);
const USER_MEMBERS = new Set(['username']);
const HOST_MEMBERS = new Set(['nodeName', 'hostname', 'host']);
/** Maps whose keys are label keys (`example.com/team`): their domains are names too. */
const LABEL_MAPS = new Set(['labels', 'annotations', 'matchLabels', 'nodeSelector', 'selector']);

const IPV4_RE = /(?<![\d.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![\d.])/g;
// `ip-10-0-1-23.ec2.internal`: an address inside a host name.
const DASHED_IPV4_RE = /\bip-(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})\b/g;
const IPV6_RE =
  /(?<![\w:])(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{0,4}(?![\w:])|(?<![\w:])[0-9a-f]{0,4}::(?:[0-9a-f]{1,4}:?){0,6}(?![\w:])/gi;
// Cloud account ids: in ARNs and registry hosts.
const ACCOUNT_RE = /(?<=arn:aws[\w-]*:[\w-]*:[\w-]*:|\b)(\d{12})(?=:|\.dkr\.ecr\.)/g;
const WORD_RE = /[a-z]+/g;
const UID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DNS_NAME_RE = /^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$/;
// Metric labels that hold names: kube-state-metrics' subjects, cAdvisor's, Prometheus' own targets.
const NAME_LABEL_RE =
  /^(?:exported_)?(?:namespace|pod|container|node|instance|job|service|deployment|statefulset|daemonset|replicaset|job_name|cronjob|persistentvolumeclaim|persistentvolume|host|hostname|owner_name|created_by_name|horizontalpodautoscaler|ingress|configmap|secret|serviceaccount)$/;

export class Anonymizer {
  private readonly known = new Set<string>();

  constructor(readonly pseudonyms = new Pseudonyms()) {}

  // ---- pass 1: what names something -------------------------------------------------------------

  /** Learn the names a row holds. Every row is learned before any is rewritten. */
  learn(row: BundleRow): void {
    // Kubernetes' own objects (kube-system and the like) are named by Kubernetes: only the nodes
    // they run on name anything of the user's.
    const system = isSystemNamespace(row.namespace);
    if (system) this.learnName(row.node);
    else for (const column of NAME_COLUMNS) this.learnName(row[column]);
    for (const column of USER_COLUMNS) this.learnUser(row[column]);
    for (const map of [row.labels, row.selector]) this.learnLabels(map);
    for (const [label, value] of Object.entries(row.metric_labels ?? {}))
      if (NAME_LABEL_RE.test(label)) this.learnName(value);
    this.learnName(row.attrs?.service_account);
    for (const c of row.containers ?? []) this.learnImage(c.image);
    for (const r of row.refs ?? []) this.learnName(r.name);
    const body = row.body instanceof RawJson ? (row.body.value ?? JSON.parse(row.body.text)) : row.body;
    if (body !== null && body !== undefined) this.learnJson(body, system);
  }

  /**
   * Learn the words of a name (`checkout-7d9f8b6c5d`), a host (`db.acme.internal`), a path of names
   * (`shop/checkout`) or a user (`alice@acme.com`). Only Kubernetes-style names are learned:
   * lower-case words; not uids, not public domains, not environment variable names or prose.
   */
  learnName(value: unknown): void {
    if (typeof value !== 'string' || value === '' || UID_RE.test(value)) return;
    for (const part of value.split(/[/:@]/)) {
      if (!DNS_NAME_RE.test(part) || (part.includes('.') && Pseudonyms.isPublicDomain(part))) continue;
      for (const word of part.split(/[-._]/))
        if (/^[a-z]+$/.test(word) && !Pseudonyms.keeps(word)) this.known.add(word);
    }
  }

  private learnUser(value: unknown): void {
    if (typeof value !== 'string') return;
    // `system:serviceaccount:ns:name`, `system:node:host`: only what follows the system part names
    // anyone, and not at all for Kubernetes' own service accounts.
    if (value.startsWith('system:serviceaccount:') && isSystemNamespace(value.split(':')[2])) return;
    const rest = value.startsWith('system:') ? value.split(':').slice(2).join(':') : value;
    this.learnName(rest);
  }

  /** Label maps: the domains of their keys, and (for labels, not annotations) their values. */
  private learnLabels(map: Record<string, string> | null | undefined, values = true): void {
    if (!map) return;
    for (const [key, value] of Object.entries(map)) {
      const slash = key.indexOf('/');
      if (slash > 0 && !Pseudonyms.isPublicDomain(key.slice(0, slash))) this.learnName(key.slice(0, slash));
      if (values) this.learnName(value);
    }
  }

  private learnImage(image: unknown): void {
    if (typeof image !== 'string') return;
    // The registry and repository path name companies, teams and products; tag and digest stay.
    const path = image.split('@')[0]?.replace(/:[^/]*$/, '') ?? '';
    const [registry, ...repository] = path.split('/');
    if (registry?.includes('.') && !Pseudonyms.isPublicDomain(registry)) this.learnName(registry);
    for (const part of repository) this.learnName(part);
  }

  /** Names in a body; of a system object's body, only its node and host names. */
  private learnJson(value: unknown, system: boolean): void {
    if (Array.isArray(value)) {
      for (const item of value) this.learnJson(item, system);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value as Json)) {
      if (typeof child === 'string') {
        if (system) {
          if (HOST_MEMBERS.has(key)) this.learnName(child);
        } else if (USER_MEMBERS.has(key)) this.learnUser(child);
        else if (NAME_MEMBERS.has(key)) this.learnName(child);
        else if (key === 'image') this.learnImage(child);
      } else if (!system && LABEL_MAPS.has(key) && isStringMap(child))
        this.learnLabels(child, key !== 'annotations');
      else this.learnJson(child, system);
    }
  }

  // ---- pass 2: the rewrite ------------------------------------------------------------------------

  /** `text` with every learned word, IP address and account id replaced by its pseudonym. */
  text(text: string): string {
    let out = text;
    if (/\d\.\d/.test(out)) out = out.replace(IPV4_RE, (ip) => this.pseudonyms.ip(ip));
    if (out.includes('ip-'))
      out = out.replace(
        DASHED_IPV4_RE,
        (_m, a, b, c, d) => `ip-${this.pseudonyms.ip(`${a}.${b}.${c}.${d}`).replaceAll('.', '-')}`,
      );
    if (out.includes('::') || /:[0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}:/i.test(out))
      out = out.replace(IPV6_RE, (ip) => (ip.length >= 3 && ip.includes(':') ? this.pseudonyms.ip(ip) : ip));
    if (/\d{12}/.test(out)) out = out.replace(ACCOUNT_RE, (n) => this.pseudonyms.number(n));
    return out.replace(WORD_RE, (word) => (this.known.has(word) ? this.pseudonyms.word(word) : word));
  }

  /** A label key: its domain prefix rewritten unless public, its name kept (`team`, `app`). */
  labelKey(key: string): string {
    const slash = key.indexOf('/');
    if (slash < 0) return key;
    const prefix = key.slice(0, slash);
    return Pseudonyms.isPublicDomain(prefix) ? key : `${this.text(prefix)}${key.slice(slash)}`;
  }

  /** The row with every name, user, address and host replaced, in its columns and its body. */
  row(row: BundleRow): BundleRow {
    const out: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(row)) {
      if (KEPT_COLUMNS.has(column) || value === null || value === undefined) out[column] = value;
      else if (column === 'labels' || column === 'selector') out[column] = this.labelMap(value as Json);
      else out[column] = this.json(value, column);
    }
    if (row.body !== null && row.body !== undefined) {
      const body = row.body instanceof RawJson ? (row.body.value ?? JSON.parse(row.body.text)) : row.body;
      out.body = this.json(body, 'body');
    }
    return out as unknown as BundleRow;
  }

  private labelMap(map: Json): Json {
    const out: Json = {};
    for (const [key, value] of Object.entries(map))
      out[this.labelKey(key)] = typeof value === 'string' ? this.text(value) : this.json(value, key);
    return out;
  }

  private json(value: unknown, key: string): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.json(item, key));
    if (typeof value !== 'object' || value === null) return value;
    if (LABEL_MAPS.has(key) && isStringMap(value)) return this.labelMap(value);
    const out: Json = {};
    for (const [k, child] of Object.entries(value as Json)) out[k] = this.json(child, k);
    return out;
  }
}

/** Namespaces of Kubernetes and its distributions: what is in them is named by them. */
function isSystemNamespace(namespace: string | null | undefined): boolean {
  return typeof namespace === 'string' && /^(?:kube-|openshift-|openshift$)/.test(namespace);
}

function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}
