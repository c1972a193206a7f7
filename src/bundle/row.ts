// The TypeScript shape of one bundle row, as producers (record, import, simulate) hand it to the writer.
// Field names are the Parquet column names (see columns.ts); every field but `source` and `ts` is optional.

import type { CONDITION_FIELDS, CONTAINER_FIELDS, Source } from './columns.ts';

/** An RFC 3339 timestamp in UTC, microseconds allowed, e.g. `2026-03-01T10:42:13.123456Z`. */
export type Timestamp = string;

/** The value a row carries for a column of this DuckDB type. */
type ValueOf<T extends string> = T extends 'VARCHAR'
  ? string
  : T extends 'BOOLEAN'
    ? boolean
    : T extends 'TIMESTAMPTZ'
      ? Timestamp
      : number;

/** An entry of a LIST of STRUCT column: every field optional. */
type StructRow<Fields extends Readonly<Record<string, string>>> = {
  -readonly [Field in keyof Fields]?: ValueOf<Fields[Field]> | null;
};

export type ContainerState = 'waiting' | 'running' | 'terminated';

export type ContainerRow = Omit<StructRow<typeof CONTAINER_FIELDS>, 'name' | 'state'> & {
  name: string;
  state?: ContainerState | null;
};

export type ConditionRow = Omit<StructRow<typeof CONDITION_FIELDS>, 'type'> & { type: string };

export interface RefRow {
  kind: string;
  name: string;
  via?: string | null;
}

export interface TaintRow {
  key: string;
  value?: string | null;
  effect?: string | null;
}

export type WatchEvent = 'ADDED' | 'MODIFIED' | 'DELETED' | 'LISTED';
export type MarkerKind = 'recording-start' | 'recording-stop' | 'gap' | 'relist' | 'snapshot' | 'import';

export interface BundleRow {
  source: Source;
  ts: Timestamp;
  api_version?: string | null;
  kind?: string | null;
  namespace?: string | null;
  name?: string | null;
  uid?: string | null;
  container?: string | null;
  node?: string | null;
  owner_kind?: string | null;
  owner_name?: string | null;
  owner_uid?: string | null;
  resource_version?: string | null;
  origin?: string | null;
  /** Any JSON value: the writer serialises it. Must already be redacted. */
  body?: unknown;

  watch_event?: WatchEvent | null;
  labels?: Record<string, string> | null;
  created_at?: Timestamp | null;
  deleted_at?: Timestamp | null;
  generation?: number | null;
  observed_generation?: number | null;
  phase?: string | null;
  status_reason?: string | null;
  status_message?: string | null;
  containers?: ContainerRow[] | null;
  conditions?: ConditionRow[] | null;
  replicas_desired?: number | null;
  replicas_current?: number | null;
  replicas_ready?: number | null;
  replicas_available?: number | null;
  replicas_updated?: number | null;
  selector?: Record<string, string> | null;
  refs?: RefRow[] | null;
  taints?: TaintRow[] | null;
  unschedulable?: boolean | null;
  attrs?: Record<string, string> | null;

  event_type?: string | null;
  event_reason?: string | null;
  event_message?: string | null;
  event_count?: number | null;
  event_first?: Timestamp | null;
  event_last?: Timestamp | null;
  event_source?: string | null;
  event_uid?: string | null;

  audit_id?: string | null;
  audit_stage?: string | null;
  audit_level?: string | null;
  audit_verb?: string | null;
  audit_user?: string | null;
  audit_impersonated_user?: string | null;
  audit_user_agent?: string | null;
  audit_uri?: string | null;
  audit_resource?: string | null;
  audit_subresource?: string | null;
  audit_decision?: string | null;
  audit_code?: number | null;

  log_stream?: string | null;
  log_previous?: boolean | null;
  log_line?: string | null;

  metric_name?: string | null;
  metric_labels?: Record<string, string> | null;
  metric_value?: number | null;

  marker?: MarkerKind | null;
  marker_end?: Timestamp | null;
  marker_detail?: string | null;
}
