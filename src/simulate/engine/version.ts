// The Kubernetes version the simulated components run, as the minor release their behaviour and
// wording depend on (messages and controllers changed between releases).

/** The minor release of `v1.26.3` (26); a version that cannot be read counts as the newest. */
export function kubeMinor(version: string): number {
  const match = /^v?1\.(\d+)/.exec(version);
  return match ? Number(match[1]) : Number.POSITIVE_INFINITY;
}
