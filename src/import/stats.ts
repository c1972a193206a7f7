// What an import counts per input: formats recognised, rows by source, duplicates merged, files
// skipped and lines damaged, and when the input was captured.

import type { CaptureSource } from '../bundle/metadata.ts';
import type { ClusterIdentity } from './audit-export/clusters.ts';

export interface ImportIssue {
  /** File (and `archive!member`) the problem is in. */
  file: string;
  /** 1-based line, when the problem is one line or document. */
  line?: number;
  reason: string;
}

export interface InputStats {
  input: string;
  /** Files found in the input, read or skipped. */
  files: number;
  /** Rows by source of each file that gave any (the row's origin): where each row came from. */
  rowsByFile: Map<string, Record<string, number>>;
  /** Files per detected format, e.g. { 'kube-yaml': 1853, 'container-log': 460 }. */
  formats: Record<string, number>;
  /** The layout recognised for a directory or archive: must-gather, cluster-info-dump. */
  layout: string | null;
  /** Compression and archive layers around the input's files, e.g. `xz+tar`. */
  packaging: string | null;
  records: Record<string, number>;
  duplicates: number;
  /** Files not imported, by reason. */
  skippedFiles: Record<string, string[]>;
  /** Files the system would not let kstory read (also in skippedFiles), with what to do about it. */
  unreadable: { file: string; reason: string; hint: string | undefined }[];
  /** Files whose data stopped partway (damaged compression, a read error): the rest of each is lost. */
  cut: { file: string; lines: number; reason: string }[];
  /** Damaged lines or documents. */
  issues: ImportIssue[];
  /**
   * What the import had to assume to read a file, said with the file and line: columns of a table
   * printed without its header, guessed from the command or from what the values look like.
   */
  notes: ImportIssue[];
  issueCount: number;
  /** Whether the input holds a history (audit, watch stream, range query) rather than a snapshot. */
  history: boolean;
  /**
   * When the snapshot was taken: what the input says (must-gather `timestamp`), else the newest time
   * of an object, event or log line in it, else --at, else the newest file time (see capture-time.ts).
   */
  capturedAt: string | null;
  /** Where capturedAt comes from. */
  capturedSource: CaptureSource | null;
  /** True when capturedAt was read from the dump itself rather than inferred. */
  capturedExact: boolean;
  /** The newest time an object, event or dated log line of this input carries. */
  observedAt: string | null;
  /** The newest time of its log lines that carry no year (klog), the year inferred. */
  inferredAt: string | null;
  /** The newest modification time of the input's files: when nothing in them says better. */
  newestFileTime: string | null;
  /** Managed clusters the input names (a cloud audit export's GKE, EKS or AKS cluster). */
  clusters: ClusterIdentity[];
}

export function newStats(input: string): InputStats {
  return {
    input,
    files: 0,
    rowsByFile: new Map(),
    formats: {},
    layout: null,
    packaging: null,
    records: {},
    duplicates: 0,
    skippedFiles: {},
    unreadable: [],
    cut: [],
    issues: [],
    notes: [],
    issueCount: 0,
    history: false,
    capturedAt: null,
    capturedSource: null,
    capturedExact: false,
    observedAt: null,
    inferredAt: null,
    newestFileTime: null,
    clusters: [],
  };
}
