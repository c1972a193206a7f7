// A cert-manager-like controller for the one custom resource the simulator ships (Certificate,
// cert-manager.io/v1): status.conditions Ready, notAfter and renewalTime; a certificate that cannot
// be renewed (issuer failing) goes Ready=False once it expires, with the Issuing condition failing.

import type { Actor } from '../api/actors.ts';
import { certManagerActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import { involvedOf } from '../events/recorder.ts';
import { setCondition } from './util.ts';

export class CertificateController {
  readonly name = 'cert-manager-certificates';
  private readonly actor: Actor;

  constructor(private readonly sim: SimContext) {
    this.actor = certManagerActor();
  }

  reconcile(): void {
    const { api, clock, recorder } = this.sim;
    for (const cert of api.list('Certificate')) {
      const status = { ...((cert.status as Json | undefined) ?? {}) };
      const renewal = Date.parse(status.renewalTime);
      const now = clock.iso();
      let conditions = (status.conditions as Json[] | undefined) ?? [];
      const issuer = (cert.spec as Json).issuerRef.name as string;
      const issuerFailing = this.sim.world.dependency(`acme:${issuer}`, clock.now) !== null;
      // A failed issuance is retried after an hour (cert-manager's back-off).
      const lastFailure = status.lastFailureTime
        ? Date.parse(status.lastFailureTime)
        : Number.NEGATIVE_INFINITY;
      const issuingNow = conditions.some((c) => c.type === 'Issuing' && c.status === 'True');
      if (clock.now >= renewal && !issuingNow && clock.now - lastFailure >= 3_600_000) {
        conditions = setCondition(
          conditions,
          {
            type: 'Issuing',
            status: 'True',
            reason: 'Renewing',
            message: `Renewing certificate as renewal was scheduled at ${status.renewalTime}`,
          },
          now,
        );
        recorder.record(
          { component: 'cert-manager-certificates-trigger' },
          involvedOf(cert),
          'Normal',
          'Issuing',
          `Renewing certificate as renewal was scheduled at ${status.renewalTime}`,
        );
      }
      if (conditions.some((c) => c.type === 'Issuing' && c.status === 'True')) {
        if (issuerFailing) {
          status.lastFailureTime = now;
          status.failedIssuanceAttempts = (status.failedIssuanceAttempts ?? 0) + 1;
          const message = `The certificate request has failed to complete and will be retried: Failed to wait for order resource "${cert.metadata.name}-1-2845913204" to become ready: order is in "errored" state: Failed to finalize Order: 429 urn:ietf:params:acme:error:rateLimited: Error finalizing order :: too many certificates already issued for "${(cert.spec as Json).dnsNames[0]}"`;
          conditions = setCondition(
            conditions,
            { type: 'Issuing', status: 'False', reason: 'Failed', message },
            now,
          );
          recorder.record(
            { component: 'cert-manager-certificates-issuing' },
            involvedOf(cert),
            'Warning',
            'Failed',
            message,
          );
        } else {
          const validity = 90 * 86_400_000;
          status.notBefore = now;
          status.notAfter = clock.iso(clock.now + validity);
          status.renewalTime = clock.iso(clock.now + (validity * 2) / 3);
          status.revision = (status.revision ?? 1) + 1;
          delete status.lastFailureTime;
          delete status.failedIssuanceAttempts;
          conditions = conditions.filter((c) => c.type !== 'Issuing');
          recorder.record(
            { component: 'cert-manager-certificates-issuing' },
            involvedOf(cert),
            'Normal',
            'Issuing',
            'The certificate has been successfully issued',
          );
        }
      }
      if (clock.now >= Date.parse(status.notAfter)) {
        conditions = setCondition(
          conditions,
          {
            type: 'Ready',
            status: 'False',
            reason: 'Expired',
            message: `Certificate expired on ${new Date(Date.parse(status.notAfter)).toUTCString()}`,
          },
          now,
        );
      } else {
        conditions = setCondition(
          conditions,
          {
            type: 'Ready',
            status: 'True',
            reason: 'Ready',
            message: 'Certificate is up to date and has not expired',
          },
          now,
        );
      }
      api.update({ ...cert, status: { ...status, conditions } }, this.actor, { subresource: 'status' });
    }
  }
}
