// How the HTML report names an object: the shared vocabulary's form, with the container a finding
// is about.

import { formatObjectRef } from '../../vocab/object-ref.ts';

/** `Pod shop/checkout-1 (app)`; a cluster-scoped object without a namespace. */
export function objectLabel(ref: {
  kind: string;
  namespace: string | null;
  name: string;
  container?: string | null;
}): string {
  return `${formatObjectRef(ref)}${ref.container ? ` (${ref.container})` : ''}`;
}
