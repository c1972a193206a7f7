// Masking of personal and identifying data in labels, on by default: e-mail addresses, IP
// addresses, the users the audit log names and the hosts nodes run on become stable pseudonyms;
// with names masked too (--mask-names), namespaces and object names, images' registries and paths.
// One set of pseudonyms per run: the same name reads the same in every label of a dataset.
// The pseudonyms and their rules are the share-safe bundles' (src/kube/anonymize.ts).

import type { Bundle } from '../bundle/reader.ts';
import type { BundleRow } from '../bundle/row.ts';
import { Anonymizer } from '../kube/anonymize.ts';
import { Pseudonyms } from '../kube/pseudonyms.ts';
import { keyFor } from './run-key.ts';
import type { Label } from './schema.ts';

/** Members whose values kstory makes itself (ids, hashes, pattern ids, enumerations): never masked. */
const KEPT = new Set([
  'schema',
  'id',
  'digest',
  'target',
  'type',
  'pattern',
  'signal',
  'severity',
  'band',
  'source',
  'producer',
  'scenario',
  'kind',
  'apiVersion',
]);

const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** The audit users and nodes a bundle names (LabelMasker.namesOf). */
export type BundleNames = readonly { user: string | null; node: string | null }[];

export interface MaskOptions {
  /** Namespaces and object names too. */
  names: boolean;
}

export class LabelMasker {
  private readonly anonymizer: Anonymizer;

  /** Without a run key, a random one that is never written anywhere: pseudonyms differ from run to run. */
  constructor(
    private readonly options: MaskOptions,
    runKey?: Uint8Array,
  ) {
    this.anonymizer = new Anonymizer(new Pseudonyms(runKey && keyFor(runKey, 'pseudonyms')));
  }

  /** Learn what a bundle names that must be masked: its audit users and nodes; with names, its objects. */
  async learn(bundle: Bundle, objects: readonly Record<string, unknown>[]): Promise<void> {
    this.learnFrom(await LabelMasker.namesOf(bundle), objects);
  }

  /** What learn() reads of a bundle, read apart from learning it: bundles can be read in any
   * order, while what is learned must follow the order of the labels masked. Sorted as DuckDB sorts
   * text (by its UTF-8 bytes), users first: a query's rows come in whatever order its hash table and
   * threads give, and what a run learns must not. One scan of the bundle, the names told apart
   * here: four scans and a UNION of them cost four times the planning, most of such a query's work
   * on a small bundle. */
  static async namesOf(bundle: Bundle): Promise<BundleNames> {
    const rows = await bundle.query<{
      user: string | null;
      impersonated: string | null;
      node: string | null;
      node_name: string | null;
    }>(
      `SELECT DISTINCT CASE WHEN source = 'audit' THEN audit_user END AS user,
              CASE WHEN source = 'audit' THEN audit_impersonated_user END AS impersonated,
              node, CASE WHEN source = 'object' AND kind = 'Node' THEN name END AS node_name
       FROM bundle
       WHERE (source = 'audit' AND (audit_user IS NOT NULL OR audit_impersonated_user IS NOT NULL))
          OR node IS NOT NULL OR (source = 'object' AND kind = 'Node' AND name IS NOT NULL)`,
    );
    const byBytes = (values: Iterable<string | null>) =>
      [...new Set([...values].filter((v): v is string => v !== null))]
        .map((v) => ({ v, bytes: Buffer.from(v) }))
        .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
        .map(({ v }) => v);
    return [
      ...byBytes(rows.flatMap((r) => [r.user, r.impersonated])).map((user) => ({ user, node: null })),
      ...byBytes(rows.flatMap((r) => [r.node, r.node_name])).map((node) => ({ user: null, node })),
    ];
  }

  learnFrom(rows: BundleNames, objects: readonly Record<string, unknown>[]): void {
    for (const row of rows) {
      if (row.node) this.anonymizer.learnName(row.node);
      // `system:serviceaccount:ns:name`, `system:node:host`: what follows the system part names someone.
      if (row.user && !/^system:serviceaccount:kube-/.test(row.user))
        this.anonymizer.learnName(
          row.user.startsWith('system:') ? row.user.split(':').slice(2).join(':') : row.user,
        );
    }
    if (this.options.names)
      for (const object of objects) {
        const metadata = (object.metadata ?? {}) as {
          namespace?: string;
          name?: string;
          labels?: Record<string, string>;
        };
        this.anonymizer.learn({
          source: 'object',
          namespace: metadata.namespace ?? null,
          name: metadata.name ?? null,
          labels: metadata.labels ?? null,
          body: object,
        } as unknown as BundleRow);
      }
  }

  /** Learn one more name (a finding's subject, a workload) when names are masked. */
  learnName(name: string | null | undefined): void {
    if (this.options.names && name) this.anonymizer.learnName(name);
  }

  /** A copy of the label with every learned name, e-mail address and IP address replaced. */
  label<T extends Label>(label: T): T {
    return this.walk(label) as T;
  }

  private text(text: string): string {
    const emails = text.replace(EMAIL_RE, (email) => {
      const [local, domain] = email.toLowerCase().split('@') as [string, string];
      const word = (w: string) => this.anonymizer.pseudonyms.word(w.replace(/[^a-z]/g, '') || 'user');
      return `${word(local)}@${word(domain.split('.')[0]!)}.example`;
    });
    return this.anonymizer.text(emails);
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, KEPT.has(k) ? v : this.walk(v)]));
    return value;
  }
}
