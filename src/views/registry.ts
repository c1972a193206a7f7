// Every view kstory creates over a bundle, by name: the one list the reader creates views from, the
// pattern compiler checks signals against, and the documentation is generated from. Adding a view is
// one file pair (<view>.sql and <view>.ts) plus one line here.

import { audit } from './audit.ts';
import { changes } from './changes.ts';
import { conditions } from './conditions.ts';
import { containers } from './containers.ts';
import { cpuThrottling } from './cpu-throttling.ts';
import { events } from './events.ts';
import { logs } from './logs.ts';
import { markers } from './markers.ts';
import { memoryUsage } from './memory-usage.ts';
import { metrics } from './metrics.ts';
import { nodeRefusals } from './node-refusals.ts';
import { nodeRestarts } from './node-restarts.ts';
import { objects } from './objects.ts';
import { pods } from './pods.ts';
import { services } from './services.ts';
import type { SignalSpec, ViewDefinition } from './view.ts';

/** In the order patterns list them (pattern.schema.json); createViews orders them by what they read. */
export const VIEWS = [
  containers,
  pods,
  objects,
  conditions,
  events,
  audit,
  logs,
  metrics,
  changes,
  memoryUsage,
  cpuThrottling,
  services,
  nodeRefusals,
  nodeRestarts,
  markers,
] as const;

export type ViewName = (typeof VIEWS)[number]['name'];

type SignalViewDefinition = Extract<(typeof VIEWS)[number], { signal: SignalSpec }>;

/** A view a pattern's signal can read (`from:`). */
export type SignalView = SignalViewDefinition['name'];

export const SIGNAL_VIEWS = VIEWS.filter(
  (view): view is SignalViewDefinition => view.signal !== undefined,
).map((view) => view.name) as readonly SignalView[] as readonly [SignalView, ...SignalView[]];

export function viewNamed(name: string): ViewDefinition | undefined {
  return VIEWS.find((view) => view.name === name);
}
