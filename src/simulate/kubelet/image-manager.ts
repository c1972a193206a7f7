// The kubelet's image manager: the images present on the node, pulls (ErrImagePull, then
// ImagePullBackOff with the 10 s doubling back-off; a private registry refuses pods without its
// pull secret), references containerd cannot parse, and the image garbage collector that frees
// disk space from unused images.

import type { Json } from '../engine/json.ts';
import { normalizeImage, registryOf } from '../engine/world.ts';
import type { ContainerRuntime } from './container.ts';
import { NODEFS_CAPACITY_BYTES } from './eviction-manager.ts';
import type { Kubelet } from './kubelet.ts';
import type { PodRuntime } from './pod-runtime.ts';
import { INITIAL_BACKOFF_MS, MAX_BACKOFF_MS } from './runtime-manager.ts';

/** The image garbage collector: every 5 minutes, from 85 % disk use down to 80 %. */
const IMAGE_GC_PERIOD_MS = 300_000;
const IMAGE_GC_HIGH_PERCENT = 85;
const IMAGE_GC_LOW_PERCENT = 80;
/** The kubelet syncs every pod about once a minute even when nothing changed. */
const POD_RESYNC_MS = 60_000;

/** The size containerd reports for an image (deterministic per reference). */
export function imageSize(ref: string): number {
  return 20_000_000 + ((ref.length * 7919) % 200_000_000);
}

/** A reference containerd can parse: lower-case repository path, optional tag and digest. */
export function isValidImageReference(image: string): boolean {
  return /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/.test(
    image,
  );
}

/**
 * How a registry refuses a pull without credentials, as containerd reports it: ECR answers the
 * manifest request 401, ACR and Artifact Registry refuse the anonymous token (401, 403), Docker
 * Hub and most others say "pull access denied" (which they also say for a missing repository).
 */
export function refusedPull(registry: string, ref: string): string {
  const repository = ref.slice(registry.length + 1).replace(/[:@].*$/, '');
  const tag = ref.split(':').pop();
  const scope = `scope=repository%3A${encodeURIComponent(repository)}%3Apull&service=${registry}`;
  if (/\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$/.test(registry))
    return `unexpected status from HEAD request to https://${registry}/v2/${repository}/manifests/${tag}: 401 Unauthorized`;
  if (registry.endsWith('.azurecr.io'))
    return `failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://${registry}/oauth2/token?${scope}: 401 Unauthorized`;
  if (registry === 'gcr.io' || registry.endsWith('.gcr.io') || registry.endsWith('-docker.pkg.dev'))
    return `failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://${registry}/v2/token?${scope}: 403 Forbidden`;
  return 'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed';
}

export class ImageManager {
  private readonly present = new Set<string>();
  private lastImageGc = Number.NEGATIVE_INFINITY;
  private imageGcFailed = false;
  /** Pods whose periodic sync re-reads their pull secrets, and when each last warned. */
  private readonly syncing = new WeakSet<PodRuntime>();
  private readonly warnedAt = new WeakMap<PodRuntime, number>();

  constructor(private readonly k: Kubelet) {}

  /** The node's images as its status lists them. */
  statusList(): Json[] {
    return [...this.present].sort().map((ref) => ({ names: [ref], sizeBytes: imageSize(ref) }));
  }

  /** The size of each image on the node's filesystem, in the order they were pulled. */
  *sizes(): Iterable<number> {
    for (const ref of this.present) yield imageSize(ref);
  }

  /**
   * The pod's image pull secrets that exist. The kubelet reads them at every sync of the pod (about
   * once a minute, and at each pull) and warns about those it cannot find, whether or not it then
   * needs to pull: FailedToRetrieveImagePullSecret repeats for as long as the pod lives.
   */
  private pullSecrets(rt: PodRuntime): string[] {
    const k = this.k;
    const names = (((rt.pod.spec as Json).imagePullSecrets as Json[] | undefined) ?? []).map(
      (s) => s.name as string,
    );
    if (names.length === 0) return [];
    const found = names.filter((name) => k.sim.api.get('Secret', rt.namespace, name));
    const missing = names.filter((name) => !found.includes(name));
    // One warning per sync, not one per container pulled in that sync.
    if (missing.length > 0 && this.warnedAt.get(rt) !== k.sim.clock.now) {
      this.warnedAt.set(rt, k.sim.clock.now);
      k.event(
        rt,
        undefined,
        'Warning',
        'FailedToRetrieveImagePullSecret',
        `Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`,
      );
    }
    if (!this.syncing.has(rt)) {
      this.syncing.add(rt);
      const sync = () => {
        if (!k.alive(rt) || rt.terminating) return;
        this.pullSecrets(rt);
        k.sim.after(k.sim.rng.around(POD_RESYNC_MS, 0.3), sync);
      };
      k.sim.after(k.sim.rng.around(POD_RESYNC_MS, 0.3), sync);
    }
    return found;
  }

  /** Make the container's image present (pulling it unless already there), then call `then`. */
  ensureImage(rt: PodRuntime, c: ContainerRuntime, then: () => void): void {
    const k = this.k;
    if (!k.alive(rt) || rt.terminating) return;
    const { world, clock, rng } = k.sim;
    const image = c.spec.image as string;
    const ref = normalizeImage(image);
    const always = c.spec.imagePullPolicy === 'Always';
    if (!isValidImageReference(image)) {
      const message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
      c.state = 'waiting';
      c.reason = 'InvalidImageName';
      c.message = message;
      rt.statusDirty = true;
      k.event(rt, c.name, 'Warning', 'InspectFailed', message);
      k.event(rt, c.name, 'Warning', 'Failed', 'Error: InvalidImageName');
      // Retried at every pod sync, to no avail until the reference is fixed.
      k.sim.after(rng.int(10_000, 20_000), () => this.ensureImage(rt, c, then));
      return;
    }
    const found = this.pullSecrets(rt);
    if (this.present.has(ref) && !always) {
      k.event(rt, c.name, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      then();
      return;
    }
    k.event(rt, c.name, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const registry = registryOf(image);
    const failure = world.isRegistryDown(registry, clock.now)
      ? `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": failed to do request: Head "https://${registry}/v2/${ref.slice(registry.length + 1).replace(/:[^:]+$/, '')}/manifests/${ref.split(':').pop()}": dial tcp: lookup ${registry} on 10.0.0.2:53: no such host`
      : world.missingImages.has(image) || world.missingImages.has(ref)
        ? `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`
        : world.privateRegistries.has(registry) && found.length === 0
          ? `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${refusedPull(registry, ref)}`
          : null;
    const pullMs = failure ? rng.int(300, 1500) : rng.int(1200, 9000);
    k.sim.after(pullMs, () => {
      if (!k.alive(rt) || rt.terminating) return;
      if (failure) {
        const code = failure.includes('not found') ? 'NotFound' : 'Unknown';
        const message = `rpc error: code = ${code} desc = ${failure}`;
        k.event(rt, c.name, 'Warning', 'Failed', `Failed to pull image "${image}": ${message}`);
        k.event(rt, c.name, 'Warning', 'Failed', 'Error: ErrImagePull');
        c.state = 'waiting';
        c.reason = 'ErrImagePull';
        c.message = message;
        rt.statusDirty = true;
        c.pullBackoffMs =
          c.pullBackoffMs === 0 ? INITIAL_BACKOFF_MS : Math.min(c.pullBackoffMs * 2, MAX_BACKOFF_MS);
        const wait = c.pullBackoffMs;
        // The next sync finds the image in back-off.
        k.sim.after(rng.int(1000, 3000), () => {
          if (!k.alive(rt) || rt.terminating) return;
          c.reason = 'ImagePullBackOff';
          c.message = `Back-off pulling image "${image}": ErrImagePull: ${message}`;
          rt.statusDirty = true;
          k.event(rt, c.name, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
          k.event(rt, c.name, 'Warning', 'Failed', 'Error: ImagePullBackOff');
        });
        k.sim.after(wait, () => this.ensureImage(rt, c, then));
        return;
      }
      const secs = (pullMs / 1000).toFixed(3);
      this.present.add(ref);
      c.pullBackoffMs = 0;
      k.event(
        rt,
        c.name,
        'Normal',
        'Pulled',
        `Successfully pulled image "${image}" in ${secs}s (${secs}s including waiting). Image size: ${imageSize(ref)} bytes.`,
      );
      then();
    });
  }

  /** The garbage collector's periodic run, when its period has passed. */
  collectGarbageWhenDue(): void {
    const { clock } = this.k.sim;
    if (clock.now - this.lastImageGc < IMAGE_GC_PERIOD_MS) return;
    this.lastImageGc = clock.now;
    this.collectGarbage();
  }

  /** Remove the images no container on the node uses; returns the bytes freed. */
  deleteUnused(): number {
    const inUse = new Set<string>();
    for (const rt of this.k.pods.values())
      for (const c of rt.containers) inUse.add(normalizeImage(c.spec.image as string));
    let freed = 0;
    for (const ref of [...this.present].sort()) {
      if (inUse.has(ref)) continue;
      this.present.delete(ref);
      freed += imageSize(ref);
    }
    return freed;
  }

  /** FreeDiskSpaceFailed when unused images cannot free enough, then ImageGCFailed on repeats. */
  private collectGarbage(): void {
    const k = this.k;
    const available = k.eviction.diskAvailable();
    const usagePercent = 100 - Math.floor((available * 100) / NODEFS_CAPACITY_BYTES);
    if (usagePercent < IMAGE_GC_HIGH_PERCENT) {
      this.imageGcFailed = false;
      return;
    }
    const amountToFree = Math.floor((NODEFS_CAPACITY_BYTES * (100 - IMAGE_GC_LOW_PERCENT)) / 100) - available;
    const freed = this.deleteUnused();
    if (freed >= amountToFree) {
      this.imageGcFailed = false;
      return;
    }
    const message = `Failed to garbage collect required amount of images. Attempted to free ${amountToFree} bytes, but only found ${freed} bytes eligible to free.`;
    k.sim.recorder.record(k.source(), k.nodeRef(), 'Warning', 'FreeDiskSpaceFailed', message);
    // kubelet.go reports the image GC's error as an event only when it failed the time before too.
    if (this.imageGcFailed)
      k.sim.recorder.record(k.source(), k.nodeRef(), 'Warning', 'ImageGCFailed', message);
    this.imageGcFailed = true;
  }
}
