// What a recording checks and reads before it writes anything: the API server's version, the
// resources to watch (whose failures are the user's to fix), the audit sources asked for, and where
// an interrupted recording stopped.

import { statSync } from 'node:fs';
import { listSegments, readSpoolState } from '../bundle/spool.ts';
import { KstoryError, messageOf } from '../errors.ts';
import { AuditSources } from './audit.ts';
import type { AuditWebhookOptions } from './audit-webhook.ts';
import { ApiError, type KubeClient } from './client.ts';
import { type DiscoveryResult, discoverResources, type ResourceFilter } from './discovery.ts';

export async function readServerVersion(client: KubeClient): Promise<string | null> {
  try {
    const version = await client.getJson<{ gitVersion?: string }>('/version');
    return version.gitVersion ?? null;
  } catch (error) {
    if (error instanceof ApiError) return null; // Some clusters forbid /version; recording still works.
    throw new KstoryError(`cannot reach the API server at ${client.server.origin}: ${messageOf(error)}`, {
      hint: 'Check the cluster is up and the kubeconfig context is right: `kubectl version`.',
    });
  }
}

/** Discovery before anything is written: its failures are the user's to fix (credentials, RBAC). */
export async function discover(
  client: KubeClient,
  filter: ResourceFilter,
  signal: AbortSignal,
): Promise<DiscoveryResult> {
  try {
    return await discoverResources(client, filter, signal);
  } catch (error) {
    if (signal.aborted) throw new KstoryError('stopped before the recording started: nothing was written');
    const status = error instanceof ApiError ? error.status : 0;
    const hint =
      status === 401
        ? 'The API server rejected the credentials: log in again or refresh the kubeconfig, then check with `kubectl auth whoami`.'
        : status === 403
          ? 'Your user may not read API discovery: `kubectl auth can-i get /apis` says.'
          : `Check the cluster is reachable: \`kubectl --context ${client.contextName ?? '…'} api-resources\`.`;
    throw new KstoryError(`cannot discover the cluster's resources: ${messageOf(error)}`, { hint });
  }
}

/** The audit log follower and webhook receiver, when asked for: started before discovery. */
export async function openAuditSources(
  options: {
    auditLog?: string;
    auditWebhook?: AuditWebhookOptions;
    auditPollMs?: number;
    once: boolean;
  },
  log: (line: string) => void,
): Promise<AuditSources | null> {
  if (!options.auditLog && !options.auditWebhook) return null;
  if (options.once && options.auditWebhook) {
    throw new KstoryError('--audit-webhook needs a continuous recording, not --once', {
      hint: 'The webhook receives what the API server does from now on; --audit-log reads a log file with --once.',
    });
  }
  return AuditSources.open({
    logFile: options.auditLog,
    webhook: options.auditWebhook,
    once: options.once,
    pollMs: options.auditPollMs,
    log,
  });
}

/** When the interrupted recording last wrote to its spool (it flushes every second), and when it began. */
export function readInterruption(spoolDir: string): { lastWrite: string; windowStart: string | null } {
  let last = 0;
  for (const segment of listSegments(spoolDir)) {
    for (const file of [segment.ndjson, segment.parquet]) {
      if (file !== null) last = Math.max(last, statSync(file).mtimeMs);
    }
  }
  const state = readSpoolState(spoolDir);
  return {
    lastWrite: new Date(last || Date.now()).toISOString(),
    windowStart: state.metadata.window.start,
  };
}
