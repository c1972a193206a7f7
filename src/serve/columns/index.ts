// Which printer makes a resource's table: built-in kinds by kind (their group must be one the API
// server owns), custom resources by their CRD's columns, anything else by the default one.

import type { ApiResource } from '../resources.ts';
import { CORE_PRINTERS } from './core.ts';
import { customPrinter, DEFAULT_PRINTER } from './custom.ts';
import { OTHER_PRINTERS } from './network-storage.ts';
import { POD_PRINTER } from './pods.ts';
import type { Printer } from './table.ts';
import { WORKLOAD_PRINTERS } from './workloads.ts';

const BUILTIN_PRINTERS: Readonly<Record<string, Printer>> = {
  Pod: POD_PRINTER,
  ...CORE_PRINTERS,
  ...WORKLOAD_PRINTERS,
  ...OTHER_PRINTERS,
};

const custom = new WeakMap<ApiResource, Printer>();

export function printerFor(resource: ApiResource): Printer {
  if (resource.origin === 'builtin') return BUILTIN_PRINTERS[resource.kind] ?? DEFAULT_PRINTER;
  let printer = custom.get(resource);
  if (!printer) {
    printer = resource.origin === 'crd' ? customPrinter(resource.printerColumns) : customPrinter(undefined);
    custom.set(resource, printer);
  }
  return printer;
}
