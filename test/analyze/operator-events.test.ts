// Custom resources an operator reports failing only through its Warning Events (a dump of Events,
// no status of the resource): Flux's and cert-manager's, repeated; a single failure is not one.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectPattern } from '../../src/analyze/detect.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { BUILTIN_PATTERNS_DIR, loadPatternFile } from '../../src/patterns/load.ts';
import { openRows } from '../support/bundles.ts';
import { anEventRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const WINDOW = { start: '2026-03-01T00:00:00Z', end: '2026-03-01T12:00:00Z', snapshot: true };

function event(
  kind: string,
  name: string,
  reason: string,
  message: string,
  count: number,
  type = 'Warning',
  ts = '2026-03-01T10:42:00Z',
): BundleRow {
  return anEventRow({
    ts,
    kind,
    namespace: 'flux-system',
    name,
    event_type: type,
    event_reason: reason,
    event_message: message,
    event_count: count,
    event_first: '2026-03-01T10:00:00Z',
    event_uid: `${kind}-${name}-${reason}-${ts}`,
    event_source: 'operator',
  });
}

describe('custom resources failing in their operator’s Events', () => {
  it('finds Flux and cert-manager resources reported failing again and again, one failure alone not, and says when one reconciled again', async () => {
    const bundle = await openRows(tempDir(), 'operators.parquet', [
      event(
        'Kustomization',
        'apps',
        'ReconciliationFailed',
        'Deployment/shop/web dry-run failed: spec.template.spec.containers[0].image: Required value',
        12,
      ),
      event(
        'HelmRelease',
        'ingress-nginx',
        'UpgradeFailed',
        'Helm upgrade failed: timed out waiting for the condition',
        4,
      ),
      event(
        'Issuer',
        'letsencrypt',
        'ErrInitIssuer',
        'Error initializing issuer: secret "acme-key" not found',
        9,
      ),
      // Failed once, then reconciled.
      event(
        'Kustomization',
        'infra',
        'ReconciliationFailed',
        'health check failed after 30s',
        3,
        'Warning',
        '2026-03-01T09:00:00Z',
      ),
      event(
        'Kustomization',
        'infra',
        'ReconciliationSucceeded',
        'Reconciliation finished in 2s',
        40,
        'Normal',
        '2026-03-01T10:40:00Z',
      ),
      // A single failure is no fault.
      event(
        'GitRepository',
        'shop',
        'GitOperationFailed',
        'failed to checkout: context deadline exceeded',
        1,
      ),
    ]);
    try {
      const found = await detectPattern(
        bundle,
        loadPatternFile(path.join(BUILTIN_PATTERNS_DIR, 'custom-resource-unhealthy.yaml')),
        WINDOW,
      );
      expect(
        found.map((f) => [f.subject.kind, f.subject.name, f.variant, f.resolved !== null]).sort(),
      ).toEqual([
        ['HelmRelease', 'ingress-nginx', 'events-only', false],
        ['Issuer', 'letsencrypt', 'events-only', false],
        ['Kustomization', 'apps', 'events-only', false],
        ['Kustomization', 'infra', 'events-only', true],
      ]);
      const apps = found.find((f) => f.subject.name === 'apps')!;
      expect(apps.summary).toContain('12 times');
      expect(apps.summary).toContain('dry-run failed');
    } finally {
      bundle.close();
    }
  });

  it('takes a cert-manager Certificate whose renewal began and whose request failed for a certificate renewal failing, a single failed first issuance not', async () => {
    const cert = (name: string, reason: string, message: string, count: number, type = 'Warning') => ({
      ...event('Certificate', name, reason, message, count, type),
      namespace: 'shop',
      event_source: 'cert-manager-certificates-issuing',
    });
    const bundle = await openRows(tempDir(), 'certificates.parquet', [
      cert(
        'shop-tls',
        'Issuing',
        'Renewing certificate as renewal was scheduled at 2026-02-28T09:12:00Z',
        1,
        'Normal',
      ),
      cert(
        'shop-tls',
        'Failed',
        'The certificate request has failed to complete and will be retried: Failed to wait for order resource "shop-tls-1-1234567890" to become ready: order is in "errored" state: Failed to finalize Order: 429 urn:ietf:params:acme:error:rateLimited: too many certificates already issued',
        1,
      ),
      // Refused twice by an approver's policy: reason named after it.
      cert(
        'api-tls',
        'policy.cert-manager.io',
        'The certificate request has failed to complete and will be retried: No policy approved this request',
        2,
      ),
      // Failed once on its first issuance: may be a blip.
      cert(
        'docs-tls',
        'Failed',
        'The certificate request has failed to complete and will be retried: 403 urn:ietf:params:acme:error:unauthorized',
        1,
      ),
    ]);
    try {
      const found = await detectPattern(
        bundle,
        loadPatternFile(path.join(BUILTIN_PATTERNS_DIR, 'certificate-expiring.yaml')),
        WINDOW,
      );
      expect(found.map((f) => [f.subject.kind, f.subject.name, f.variant]).sort()).toEqual([
        ['Certificate', 'api-tls', 'issuing-failed-events'],
        ['Certificate', 'shop-tls', 'renewal-failed-events'],
      ]);
      const shop = found.find((f) => f.subject.name === 'shop-tls')!;
      expect(shop.summary).toContain('rateLimited');
      expect(shop.summary).toContain('is not known');
      expect(shop.confidence).toBeLessThan(0.85);
    } finally {
      bundle.close();
    }
  });
});
