// What an import counts per input: formats recognised, rows by source, duplicates merged, files
// skipped and lines damaged, and when the input was captured.

export interface ImportIssue {
  /** File (and `archive!member`) the problem is in. */
  file: string;
  /** 1-based line, when the problem is one line or document. */
  line?: number;
  reason: string;
}

export interface InputStats {
  input: string;
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
  /** Damaged lines or documents. */
  issues: ImportIssue[];
  issueCount: number;
  /** Whether the input holds a history (audit, watch stream, range query) rather than a snapshot. */
  history: boolean;
  /** When the snapshot was taken, where the input says (must-gather `timestamp`) or the newest file time. */
  capturedAt: string | null;
  /** True when capturedAt was read from the dump itself rather than guessed from file times. */
  capturedExact: boolean;
}

export function newStats(input: string): InputStats {
  return {
    input,
    formats: {},
    layout: null,
    packaging: null,
    records: {},
    duplicates: 0,
    skippedFiles: {},
    issues: [],
    issueCount: 0,
    history: false,
    capturedAt: null,
    capturedExact: false,
  };
}
