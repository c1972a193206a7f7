// What the simulated cluster emits, before conversion to bundle rows: the same JSON documents and
// lines a recorder would receive from a real cluster (watch events, Events, audit entries, logs,
// scraped samples). Keeping them as Kubernetes JSON lets them take the recorder's own path to rows.

export type KubeObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
};

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
  [key: string]: unknown;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

export type SimRecord =
  | {
      type: 'object';
      ts: number;
      object: KubeObject;
      watchEvent: 'ADDED' | 'MODIFIED' | 'DELETED' | 'LISTED';
    }
  | { type: 'marker'; ts: number; marker: 'recording-start' | 'recording-stop'; detail: string }
  | { type: 'event'; ts: number; event: KubeObject }
  | { type: 'audit'; ts: number; entry: Record<string, unknown> }
  | {
      type: 'log';
      ts: number;
      namespace: string;
      pod: string;
      podUid: string;
      container: string;
      node: string | null;
      line: string;
      stream: 'stdout' | 'stderr';
      previous: boolean;
    }
  | { type: 'metric'; ts: number; name: string; labels: Record<string, string>; value: number };

export interface RecordSink {
  push(record: SimRecord): void;
}

/** A sink that keeps everything in memory, in emission order (tests, small scenarios). */
export class ArraySink implements RecordSink {
  readonly records: SimRecord[] = [];
  push(record: SimRecord): void {
    this.records.push(record);
  }
}
