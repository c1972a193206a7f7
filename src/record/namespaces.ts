// The namespaces a recording covers (`-n shop,prod-*`): literal names are watched one by one, which
// needs only namespace-scoped permissions; globs need cluster-wide watches filtered here.

import picomatch from 'picomatch';

export interface NamespaceScope {
  /** Namespaces to watch one by one, or null to watch namespaced resources cluster-wide. */
  watchEach: string[] | null;
  /** Whether an object in this namespace belongs in the bundle. */
  accepts(namespace: string | null | undefined): boolean;
  /** For the bundle metadata: the patterns, or [] for all namespaces. */
  patterns: string[];
}

export function namespaceScope(patterns: readonly string[]): NamespaceScope {
  const list = [...new Set(patterns.map((p) => p.trim()).filter(Boolean))];
  if (list.length === 0) return { watchEach: null, accepts: () => true, patterns: [] };
  const isGlob = list.some((p) => picomatch.scan(p).isGlob);
  const test = picomatch(list);
  return {
    watchEach: isGlob ? null : list,
    // Cluster-scoped objects have no namespace and are always kept (nodes matter to every incident).
    accepts: (namespace) =>
      namespace === null || namespace === undefined || namespace === '' || test(namespace),
    patterns: list,
  };
}
