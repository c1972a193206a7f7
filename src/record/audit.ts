// The audit sources of `kstory record`: a followed audit log file and the audit webhook receiver,
// feeding one stage joiner (the same one `kstory import` uses), so that a request reported twice
// (both sources, a rotated file read again, a batch the API server resent) is written once.

import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Gap } from '../bundle/metadata.ts';
import type { BundleRow } from '../bundle/row.ts';
import { KstoryError, messageOf } from '../errors.ts';
import { type AuditEntry, AuditStageJoiner, readAuditLine } from '../kube/audit.ts';
import { tsKey } from '../kube/time.ts';
import { auditRow } from '../kube/to-row.ts';
import { AuditLogFollower } from './audit-log.ts';
import type { LinePlace } from './audit-log-cursor.ts';
import { type AuditWebhookOptions, AuditWebhookServer } from './audit-webhook.ts';

export interface AuditSourceOptions {
  /** An API-server audit log to follow (JSON lines). */
  logFile?: string;
  webhook?: AuditWebhookOptions;
  log: (line: string) => void;
  /** How often the log file is checked besides fs.watch. */
  pollMs?: number;
  /** Awaited before each look at the log file (tests hold the follower still while they rotate it). */
  beforeStep?: () => Promise<void>;
  /** A snapshot: the log file must exist, and the webhook cannot be used. */
  once?: boolean;
}

export interface AuditStatus {
  /** Audit rows written. */
  rows: number;
  /** Invalid lines of the log file, refused webhook requests. */
  invalid: number;
  rejected: number;
  /** The log file does not exist at the moment. */
  waiting: boolean;
}

export interface AuditSummary {
  rows: number;
  duplicates: number;
  /** Entries of the log file from before the window, left out. */
  before_window: number;
  log: {
    file: string;
    lines: number;
    invalid_lines: number;
    files_read: number;
    rotations: number;
    truncations: number;
    /** Lines read from the copy a copytruncate left beside the file. */
    recovered_lines: number;
  } | null;
  webhook: { url: string; certificate: string; requests: number; events: number; rejected: number } | null;
}

interface Origin {
  origin: string;
  /** Kept only inside the window (the log file's backlog). */
  windowed: boolean;
  place?: LinePlace;
}

/** Requests waiting for their last stage; long-running ones (watches) can wait for hours. */
const MAX_PENDING = 20_000;
/** Written requests remembered, to drop the same request reported again. */
const MAX_DONE = 400_000;
/** Rows held while the bundle writer is not there yet (the webhook starts before discovery). */
const MAX_EARLY_ROWS = 200_000;

export class AuditSources {
  private readonly follower: AuditLogFollower | null;
  private readonly joiner: AuditStageJoiner<Origin>;
  private target: ((row: BundleRow) => void) | null = null;
  private early: BundleRow[] = [];
  private earlyGaps: Gap[] = [];
  private addGap: ((gap: Gap) => void) | null = null;
  /** Entries of the log file before this are left out (the webhook sends only what is new). */
  private windowStart: string | null = null;
  private windowKey: string | null = null;
  private rows = 0;
  private duplicates = 0;
  private beforeWindow = 0;
  private invalidLines = 0;
  private droppedEarly = 0;
  private readonly warned = new Set<string>();
  private readonly closing = new AbortController();

  private constructor(
    private readonly options: AuditSourceOptions,
    readonly webhook: AuditWebhookServer | null,
  ) {
    this.joiner = new AuditStageJoiner<Origin>(
      {
        emit: (entry, raw, origin) => this.emit(entry, raw, origin),
        duplicate: () => {
          this.duplicates++;
        },
        invalid: (origin, reason) => this.invalid(origin, reason),
      },
      { maxPending: MAX_PENDING, maxDone: MAX_DONE },
    );
    this.follower = options.logFile
      ? new AuditLogFollower({
          file: options.logFile,
          pollMs: options.pollMs,
          beforeStep: options.beforeStep,
          log: options.log,
          onLine: (line, place) => this.line(line, place),
          onGap: (gap) => {
            if (this.addGap) this.addGap(gap);
            else this.earlyGaps.push(gap);
          },
        })
      : null;
  }

  /**
   * Check the log file and start the webhook server: errors the user must fix (a directory that is
   * not there, a port in use) come before anything is recorded.
   */
  static async open(options: AuditSourceOptions): Promise<AuditSources> {
    if (options.logFile) checkLogFile(options.logFile, options.once === true);
    let sources: AuditSources | null = null;
    const webhook = options.webhook
      ? await AuditWebhookServer.start(options.webhook, {
          events: (items, apiVersion) => sources?.webhookEvents(items, apiVersion),
          rejected: (status, reason) =>
            sources?.warnOnce(
              `webhook-${status}`,
              status === 0
                ? `warning: audit webhook: ${reason} (does the API server trust the certificate of its kubeconfig?)`
                : `audit webhook: refused a request (${status}): ${reason}`,
            ),
        })
      : null;
    sources = new AuditSources(options, webhook);
    if (webhook) {
      const file = options.webhook?.configFile;
      options.log(
        `audit webhook: listening on ${webhook.url} (${webhook.certificate === 'generated' ? 'self-signed certificate' : webhook.certificate}). ` +
          `Give kube-apiserver --audit-webhook-config-file=${file ?? '<file>'} --audit-webhook-mode=batch` +
          (file ? `; ${file} holds this kubeconfig:` : ' with <file> holding this kubeconfig:'),
      );
      options.log(webhook.kubeconfig.trimEnd());
    }
    return sources;
  }

  /**
   * Rows go to `append` and gaps (lines a copytruncate took) to `addGap` from now on; those received
   * before are handed over first. Entries of the log file from before `windowStart` will be left out.
   */
  attach(append: (row: BundleRow) => void, windowStart: string | null, addGap: (gap: Gap) => void): void {
    this.windowStart = windowStart;
    this.windowKey = windowStart === null ? null : tsKey(new Date(windowStart).toISOString());
    this.target = append;
    this.addGap = addGap;
    for (const row of this.early) append(row);
    this.early = [];
    for (const gap of this.earlyGaps) addGap(gap);
    this.earlyGaps = [];
  }

  /** The log file's rotated files and the file itself as they are now (a snapshot, --once). */
  async readOnce(): Promise<void> {
    if (this.follower) {
      await this.readRotated();
      await this.follower.readToEnd();
    }
    this.joiner.flush();
  }

  /** Follow the log file and take webhook batches until `signal` aborts or close(); then write what is pending. */
  async run(stopSignal: AbortSignal): Promise<void> {
    const signal = AbortSignal.any([stopSignal, this.closing.signal]);
    try {
      if (this.follower) {
        try {
          // Rotated files hold what came before the current file: only a window reaching back needs them.
          await this.readRotated();
          await this.follower.follow(signal);
        } catch (error) {
          // The follower recovers from files that vanish or are replaced; this is a read error (EIO).
          // The recording goes on without it, and says so.
          this.options.log(
            `error: audit log ${this.options.logFile} no longer followed: ${messageOf(error)}`,
          );
        }
      }
      if (!signal.aborted) {
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => resolve(), { once: true }),
        );
      }
    } finally {
      await this.webhook?.close();
      this.joiner.flush();
    }
  }

  /** Stop everything, also when the recording failed before stopping it. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.webhook?.close();
  }

  status(): AuditStatus {
    return {
      rows: this.rows,
      invalid: this.invalidLines,
      rejected: this.webhook?.stats.rejected ?? 0,
      waiting: this.follower?.stats.waiting ?? false,
    };
  }

  summary(): AuditSummary {
    const f = this.follower?.stats;
    const w = this.webhook;
    return {
      rows: this.rows,
      duplicates: this.duplicates,
      before_window: this.beforeWindow,
      log:
        f && this.options.logFile
          ? {
              file: this.options.logFile,
              lines: f.lines,
              invalid_lines: this.invalidLines,
              files_read: f.files,
              rotations: f.rotations,
              truncations: f.truncations,
              recovered_lines: f.recovered,
            }
          : null,
      webhook: w ? { url: w.url, certificate: w.certificate, ...w.stats } : null,
    };
  }

  private async readRotated(): Promise<void> {
    const since = this.windowStart === null ? null : Date.parse(this.windowStart);
    for (const file of await this.follower!.rotatedFiles(since)) await this.follower!.readWhole(file);
  }

  private line(text: string, place: LinePlace): void {
    if (place.tooLong) {
      this.invalid({ origin: place.file, windowed: true, place }, 'line too long');
      return;
    }
    const read = readAuditLine(text);
    const origin: Origin = { origin: `audit-log:${place.file}`, windowed: true, place };
    switch (read.type) {
      case 'blank':
        return;
      case 'received':
        this.joiner.addReceived(read.id, text, origin);
        return;
      case 'invalid':
        // The API server may be writing that very line while the recording stops.
        if (!place.partial) this.invalid(origin, read.reason);
        return;
      case 'entry':
        this.joiner.add(read.entry, text, origin);
    }
  }

  private webhookEvents(items: unknown[], apiVersion: string): void {
    const origin: Origin = { origin: 'audit-webhook', windowed: false };
    for (const item of items) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        this.invalid(origin, 'an EventList item that is not an object');
        continue;
      }
      // Items of an EventList carry no kind of their own; the body should read like a log line.
      const entry = item as AuditEntry;
      this.joiner.add(
        entry.kind === undefined ? { kind: 'Event', apiVersion, ...entry } : entry,
        undefined,
        origin,
      );
    }
  }

  private emit(entry: AuditEntry, raw: string | undefined, origin: Origin): void {
    let row: BundleRow;
    try {
      row = auditRow(entry, { origin: origin.origin, raw });
    } catch (error) {
      this.invalid(origin, messageOf(error));
      return;
    }
    if (origin.windowed && this.windowKey !== null && tsKey(row.ts) < this.windowKey) {
      this.beforeWindow++;
      return;
    }
    this.rows++;
    if (this.target) {
      this.target(row);
    } else if (this.early.length < MAX_EARLY_ROWS) {
      this.early.push(row);
    } else if (++this.droppedEarly === 1) {
      this.options.log('warning: audit: too many entries before the recording started: some were dropped');
    }
  }

  private invalid(origin: Origin, reason: string): void {
    this.invalidLines++;
    const where = origin.place ? `${origin.place.file}:${origin.place.line}` : origin.origin;
    this.warnOnce(
      `invalid-${origin.place ? 'log' : 'webhook'}`,
      `warning: audit ${origin.place ? 'log' : 'webhook'} ${where}: ${reason} (skipped; further ones are counted in the summary)`,
    );
  }

  private warnOnce(key: string, line: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.log(line);
  }
}

/**
 * The log file's directory must exist, and the file itself when `mustExist` (a snapshot reads what
 * is there); a file that is there must be readable (audit logs are often root's alone).
 */
function checkLogFile(file: string, mustExist: boolean): void {
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir)) {
    throw new KstoryError(`${file}: the directory ${dir} does not exist`, {
      option: 'auditLog',
      hint: "kube-apiserver's --audit-log-path says where its audit log is, often /var/log/kubernetes/audit/audit.log.",
    });
  }
  if (!existsSync(file)) {
    if (!mustExist) return;
    throw new KstoryError(`${file} does not exist`, {
      option: 'auditLog',
      hint: "kube-apiserver's --audit-log-path says where its audit log is.",
    });
  }
  if (statSync(file).isDirectory())
    throw new KstoryError(`${file} is a directory, not a file`, { option: 'auditLog' });
  try {
    accessSync(file, constants.R_OK);
  } catch (error) {
    throw new KstoryError(`${file}: ${messageOf(error)}`, {
      option: 'auditLog',
      hint: 'The API server writes its audit log readable by root only: run kstory as root (sudo) on that machine.',
    });
  }
}
