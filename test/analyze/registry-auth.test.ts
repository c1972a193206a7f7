// Image pulls a registry refuses for want of credentials, in each runtime's and registry's words
// (containerd, Docker, CRI-O; Docker Hub, ECR, GCR and Artifact Registry, ACR, Quay), told apart
// from a missing image, an unreachable registry and a rate limit; and a pull secret the pod names
// that does not exist, with or without a refused pull.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectPattern } from '../../src/analyze/detect.ts';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { BUILTIN_PATTERNS_DIR, loadPatternFile } from '../../src/patterns/load.ts';
import { refusedPull } from '../../src/simulate/kubelet/image-manager.ts';
import { openRows } from '../support/bundles.ts';
import { anEventRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const builtin = (id: string) => loadPatternFile(path.join(BUILTIN_PATTERNS_DIR, `${id}.yaml`));
const WINDOW = { start: '2026-03-01T00:00:00Z', end: '2026-03-02T00:00:00Z', snapshot: false };

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

/** The pull error after `rpc error: code = Unknown desc = `, and the variant it must give (null: none). */
const REFUSED: { runtime: string; image: string; error: string; variant: string | null }[] = [
  {
    runtime: 'containerd, Docker Hub private repository',
    image: 'docker.io/acme/private:1.0',
    error:
      'failed to pull and unpack image "docker.io/acme/private:1.0": failed to resolve reference "docker.io/acme/private:1.0": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    variant: 'denied-or-missing',
  },
  {
    runtime: 'containerd, ECR without credentials',
    image: `${ECR}/api:1.4`,
    error: `failed to pull and unpack image "${ECR}/api:1.4": failed to resolve reference "${ECR}/api:1.4": unexpected status from HEAD request to https://${ECR}/v2/api/manifests/1.4: 401 Unauthorized`,
    variant: 'unauthorized',
  },
  {
    runtime: 'containerd 2, ECR',
    image: `${ECR}/api:1.4`,
    error: `failed to pull and unpack image "${ECR}/api:1.4": failed to resolve image: pulling from host ${ECR} failed with status code [manifests 1.4]: 401 Unauthorized`,
    variant: 'unauthorized',
  },
  {
    runtime: 'containerd, ACR anonymous token refused',
    image: 'shopacr.azurecr.io/web:2.3',
    error:
      'failed to pull and unpack image "shopacr.azurecr.io/web:2.3": failed to resolve reference "shopacr.azurecr.io/web:2.3": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://shopacr.azurecr.io/oauth2/token?scope=repository%3Aweb%3Apull&service=shopacr.azurecr.io: 401 Unauthorized',
    variant: 'unauthorized',
  },
  {
    runtime: 'containerd, Artifact Registry oauth token refused',
    image: 'europe-docker.pkg.dev/shop/images/web:2.3',
    error:
      'failed to pull and unpack image "europe-docker.pkg.dev/shop/images/web:2.3": failed to resolve reference "europe-docker.pkg.dev/shop/images/web:2.3": failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://europe-docker.pkg.dev/v2/token?scope=repository%3Ashop%2Fimages%2Fweb%3Apull&service=europe-docker.pkg.dev: 403 Forbidden',
    variant: 'forbidden',
  },
  {
    runtime: 'containerd, Artifact Registry permission',
    image: 'europe-docker.pkg.dev/shop/images/web:2.3',
    error:
      'failed to pull and unpack image "europe-docker.pkg.dev/shop/images/web:2.3": failed to resolve reference "europe-docker.pkg.dev/shop/images/web:2.3": failed to authorize: denied: Permission "artifactregistry.repositories.downloadArtifacts" denied on resource "projects/shop/locations/europe/repositories/images" (or it may not exist)',
    variant: 'forbidden',
  },
  {
    runtime: 'Docker, Docker Hub',
    image: 'acme/private:1.0',
    error:
      "Error response from daemon: pull access denied for acme/private, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
    variant: 'denied-or-missing',
  },
  {
    runtime: 'Docker, ECR without credentials',
    image: `${ECR}/api:1.4`,
    error: `Error response from daemon: Get https://${ECR}/v2/api/manifests/1.4: no basic auth credentials`,
    variant: 'unauthorized',
  },
  {
    runtime: 'Docker, ECR token expired',
    image: `${ECR}/api:1.4`,
    error: `Error response from daemon: pull access denied for ${ECR}/api, repository does not exist or may require 'docker login': denied: Your authorization token has expired. Reauthenticate and try again.`,
    variant: 'token-expired',
  },
  {
    runtime: 'Docker, ECR policy',
    image: `${ECR}/api:1.4`,
    error: `Error response from daemon: denied: User: arn:aws:sts::123456789012:assumed-role/eks-node/i-0abc is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:eu-west-1:123456789012:repository/api`,
    variant: 'forbidden',
  },
  {
    runtime: 'Docker, GCR',
    image: 'gcr.io/shop-prod/web:2.3',
    error:
      "Error response from daemon: unauthorized: You don't have the needed permissions to perform this operation, and you may have invalid credentials. To authenticate your request, follow the steps in: https://cloud.google.com/container-registry/docs/advanced-authentication",
    variant: 'forbidden',
  },
  {
    runtime: 'Docker, ACR',
    image: 'shopacr.azurecr.io/web:2.3',
    error:
      'Error response from daemon: Get https://shopacr.azurecr.io/v2/web/manifests/2.3: unauthorized: authentication required, visit https://aka.ms/acr/authorization for more information.',
    variant: 'unauthorized',
  },
  {
    runtime: 'CRI-O, Quay',
    image: 'quay.io/acme/app:v1',
    error:
      'reading manifest v1 in quay.io/acme/app: unauthorized: access to the requested resource is not authorized',
    variant: 'unauthorized',
  },
  {
    runtime: 'CRI-O, a registry refusing the login',
    image: 'registry.example.com/team/app:2.0',
    error:
      'initializing source docker://registry.example.com/team/app:2.0: Error reading manifest 2.0 in registry.example.com/team/app: errors:\ndenied: requested access to the resource is denied\nunauthorized: authentication required',
    variant: 'unauthorized',
  },
  {
    runtime: 'CRI-O, bearer token refused',
    image: 'registry.example.com/team/app:2.0',
    error:
      'initializing source docker://registry.example.com/team/app:2.0: Requesting bearer token: invalid status code from registry 403 (Forbidden)',
    variant: 'forbidden',
  },
];

/** Pull failures that are not about credentials. */
const NOT_CREDENTIALS: { what: string; image: string; error: string }[] = [
  {
    what: 'containerd, tag not found',
    image: 'docker.io/library/nginx:9.9',
    error:
      'failed to pull and unpack image "docker.io/library/nginx:9.9": failed to resolve reference "docker.io/library/nginx:9.9": docker.io/library/nginx:9.9: not found',
  },
  {
    what: 'Docker, manifest unknown',
    image: 'nginx:9.9',
    error: 'Error response from daemon: manifest for nginx:9.9 not found: manifest unknown: manifest unknown',
  },
  {
    what: 'CRI-O, manifest unknown',
    image: 'quay.io/acme/app:v9',
    error: 'reading manifest v9 in quay.io/acme/app: manifest unknown: manifest unknown',
  },
  {
    what: 'registry unreachable',
    image: 'registry.example.com/team/app:2.0',
    error:
      'failed to pull and unpack image "registry.example.com/team/app:2.0": failed to resolve reference "registry.example.com/team/app:2.0": failed to do request: Head "https://registry.example.com/v2/team/app/manifests/2.0": dial tcp: lookup registry.example.com on 10.0.0.2:53: no such host',
  },
  {
    what: 'Docker Hub rate limit',
    image: 'docker.io/library/redis:7',
    error:
      'failed to pull and unpack image "docker.io/library/redis:7": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/redis/manifests/sha256:0123: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
  },
];

/** A pod whose container `app` waits for an image that failed to pull with `error`. */
function failingPull(name: string, image: string, error: string): BundleRow[] {
  const message = `rpc error: code = Unknown desc = ${error}`;
  const pod = aPodRow({
    name,
    uid: `uid-${name}`,
    owner_name: null,
    owner_kind: null,
    owner_uid: null,
    phase: 'Pending',
    containers: [
      {
        name: 'app',
        image,
        init: false,
        ready: false,
        restart_count: 0,
        state: 'waiting',
        reason: 'ImagePullBackOff',
        message: `Back-off pulling image "${image}": ErrImagePull: ${message}`,
      },
    ],
  });
  const event = (ts: string, reason: string, text: string, count: number) =>
    anEventRow({
      ts,
      name,
      container: 'app',
      event_reason: reason,
      event_message: text,
      event_count: count,
      event_first: '2026-03-01T10:40:00Z',
      event_uid: `${name}-${reason}-${text.length}`,
    });
  return [
    pod,
    event('2026-03-01T10:42:00Z', 'Failed', `Failed to pull image "${image}": ${message}`, 4),
    event('2026-03-01T10:42:00Z', 'Failed', 'Error: ErrImagePull', 4),
    event('2026-03-01T10:42:10Z', 'BackOff', `Back-off pulling image "${image}"`, 6),
  ];
}

function missingSecret(name: string, count: number): BundleRow {
  return anEventRow({
    ts: '2026-03-01T10:43:00Z',
    name,
    event_reason: 'FailedToRetrieveImagePullSecret',
    event_message:
      'Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.',
    event_count: count,
    event_first: '2026-03-01T10:40:00Z',
    event_uid: `${name}-secret`,
  });
}

describe('registry-auth', () => {
  it('names a refused pull in every runtime’s and registry’s wording, with what the answer says', async () => {
    const rows = REFUSED.flatMap((c, i) => failingPull(`refused-${i}`, c.image, c.error));
    const bundle = await openRows(tempDir(), 'refused.parquet', rows);
    try {
      const findings = await detectPattern(bundle, builtin('registry-auth'), WINDOW);
      const byPod = new Map(findings.map((f) => [f.subject.name, f]));
      REFUSED.forEach((c, i) => {
        const finding = byPod.get(`refused-${i}`);
        expect(finding, c.runtime).toBeDefined();
        expect(finding!.subject.container, c.runtime).toBe('app');
        expect(finding!.variant, c.runtime).toBe(c.variant);
      });
      expect(findings).toHaveLength(REFUSED.length);
      // "pull access denied" alone is said for a missing repository too: less sure than a 401.
      const ambiguous = byPod.get('refused-0')!;
      const explicit = byPod.get('refused-1')!;
      expect(ambiguous.confidence).toBeLessThan(explicit.confidence);
    } finally {
      bundle.close();
    }
  });

  it('names the refusals the simulator words for each registry', async () => {
    const refs = [
      `${ECR}/api:1.4`,
      'shopacr.azurecr.io/web:2.3',
      'gcr.io/shop/web:2.3',
      'registry.example.com/a/b:1',
    ];
    const rows = refs.flatMap((ref, i) => {
      const registry = ref.split('/')[0]!;
      const error = `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${refusedPull(registry, ref)}`;
      return failingPull(`simulated-${i}`, ref, error);
    });
    const bundle = await openRows(tempDir(), 'simulated.parquet', rows);
    try {
      const findings = await detectPattern(bundle, builtin('registry-auth'), WINDOW);
      expect(findings.map((f) => [f.subject.name, f.variant]).sort()).toEqual([
        ['simulated-0', 'unauthorized'],
        ['simulated-1', 'unauthorized'],
        ['simulated-2', 'forbidden'],
        ['simulated-3', 'denied-or-missing'],
      ]);
    } finally {
      bundle.close();
    }
  });

  it('leaves a missing image, an unreachable registry and a rate limit to image-pull-backoff', async () => {
    const rows = NOT_CREDENTIALS.flatMap((c, i) => failingPull(`other-${i}`, c.image, c.error));
    const bundle = await openRows(tempDir(), 'other.parquet', rows);
    try {
      expect(await detectPattern(bundle, builtin('registry-auth'), WINDOW)).toEqual([]);
      const pulls = await detectPattern(bundle, builtin('image-pull-backoff'), WINDOW);
      expect(pulls.map((f) => f.subject.name).sort()).toEqual(NOT_CREDENTIALS.map((_, i) => `other-${i}`));
    } finally {
      bundle.close();
    }
  });

  it('is the root of the pull back-off it causes, under the pull secret the pod cannot find', async () => {
    const rows = [
      ...failingPull('billing-1', 'registry.internal.example.com/shop/billing:3.1', REFUSED[0]!.error),
      missingSecret('billing-1', 5),
    ];
    const bundle = await openRows(tempDir(), 'secret-refused.parquet', rows);
    try {
      const report = await analyzeBundle(bundle);
      expect(report.incidents).toHaveLength(1);
      const chain = report.incidents[0]!.chain.map((s) => report.findings[s.finding]!);
      expect(report.findings[report.incidents[0]!.root]!.pattern).toBe('image-pull-secret-missing');
      expect(report.findings[report.incidents[0]!.root]!.variant).toBe('pull-refused');
      const auth = chain.find((f) => f.pattern === 'registry-auth');
      expect(auth?.variant).toBe('secret-missing');
      expect(chain.map((f) => f.pattern)).toContain('image-pull-backoff');
      expect(report.incidents[0]!.severity).toBe('high');
    } finally {
      bundle.close();
    }
  });
});

describe('image-pull-secret-missing', () => {
  it('says the pod runs anyway when its image pulled without the secret, at medium severity', async () => {
    const running = aPodRow({
      name: 'profile-1',
      phase: 'Running',
      containers: [
        {
          name: 'web',
          image: 'shopacr.azurecr.io/profile:latest',
          init: false,
          ready: true,
          restart_count: 0,
          state: 'running',
        },
      ],
    });
    const bundle = await openRows(tempDir(), 'secret-public.parquet', [
      running,
      missingSecret('profile-1', 6),
    ]);
    try {
      const report = await analyzeBundle(bundle);
      expect(report.incidents).toHaveLength(1);
      const root = report.findings[report.incidents[0]!.root]!;
      expect(root).toMatchObject({
        pattern: 'image-pull-secret-missing',
        variant: 'image-public',
        severity: 'medium',
      });
      expect(root.summary).toContain('x6');
      expect(report.findings.some((f) => f.pattern === 'registry-auth')).toBe(false);
    } finally {
      bundle.close();
    }
  });
});
