// What the offline commands (kstory get, describe, logs, events, diff) share: the bundle's state
// engine, kubectl's way of naming resources (`pods`, `po`, `deploy.apps`, `pod/web-1`, `all`), and
// the instant to show with a word on when a missing object did exist.

import { KstoryError } from '../errors.ts';
import { openBundle } from '../views/open.ts';
import { type Instant, isoOf, isoSeconds, parseInstant } from './instant.ts';
import type { ApiResource } from './resources.ts';
import { BundleState } from './state.ts';

export interface OfflineOptions {
  bundles: readonly string[];
  at?: string;
}

/** The bundles to read: --bundle, else $KSTORY_BUNDLE (paths separated like PATH). */
export function bundlePaths(
  given: readonly string[] | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (given && given.length > 0) return [...given];
  const fromEnv = (env.KSTORY_BUNDLE ?? '').split(':').filter((p) => p !== '');
  if (fromEnv.length > 0) return fromEnv;
  throw new KstoryError('no bundle given', {
    hint: 'Name it with --bundle incident.parquet, or set KSTORY_BUNDLE=incident.parquet for a session of commands.',
  });
}

export async function openState(paths: readonly string[]): Promise<BundleState> {
  const bundle = await openBundle(paths);
  try {
    return await BundleState.open(bundle);
  } catch (error) {
    bundle.close();
    throw error;
  }
}

export function instantOf(state: BundleState, at: string | undefined): Instant {
  return parseInstant(at ?? 'end', state.window);
}

/** The resources a kubectl-style type argument names: `pods`, `po,svc`, `deployments.apps`, `all`. */
export function resolveTypes(state: BundleState, arg: string): ApiResource[] {
  const out: ApiResource[] = [];
  for (const part of arg.split(',').filter((p) => p !== '')) {
    const found = state.catalogue.resolve(part);
    const category = found.length === 0 ? state.catalogue.category(part.toLowerCase()) : [];
    if (found.length === 0 && category.length === 0) {
      throw new KstoryError(`the recording has no resource type "${part}"`, {
        hint: `The bundle holds ${exampleTypes(state)}.`,
      });
    }
    if (found.length > 0) out.push(found[0]!);
    else out.push(...category);
  }
  return [...new Set(out)];
}

function exampleTypes(state: BundleState): string {
  return state.catalogue.resources
    .map((r) => r.resource)
    .filter((r, i, all) => all.indexOf(r) === i)
    .join(', ');
}

/** `pod/web-1` → type and name; a bare `web-1` keeps the type given before it. */
export function splitTypeName(arg: string): { type?: string; name: string } {
  const slash = arg.indexOf('/');
  return slash < 0 ? { name: arg } : { type: arg.slice(0, slash), name: arg.slice(slash + 1) };
}

/** Why an object is not there at `at`, when the bundle knows when it was. */
export async function whenItExisted(
  state: BundleState,
  resource: ApiResource,
  namespace: string | null,
  name: string,
): Promise<string | null> {
  const versions = await state.versions(resource, namespace, name);
  if (versions.length === 0) return null;
  const first = versions[0]!;
  const last = versions.at(-1)!;
  const until =
    last.type === 'DELETED'
      ? `until its deletion at ${isoSeconds(last.ts)}`
      : `still at ${isoSeconds(last.ts)}`;
  const lastSeen = last.type === 'DELETED' ? (versions.at(-2)?.ts ?? first.ts) : last.ts;
  return `It was recorded from ${isoSeconds(first.ts)} ${until}: try --at ${isoOf(lastSeen)}.`;
}
