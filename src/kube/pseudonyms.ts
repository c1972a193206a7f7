// Stable pseudonyms for share-safe bundles: a word of a name, an IP address, a long number each
// get one made from a keyed hash, the same wherever it appears, so that analysis still links
// `checkout` (Deployment) to `checkout-7d9f8b6c5d` (ReplicaSet) to `checkout-7d9f8b6c5d-x2x4z`
// (Pod) after each becomes `tavirome…`. What carries meaning for Kubernetes stays as it is.

import { createHmac, randomBytes } from 'node:crypto';

/**
 * Words that name no one: Kubernetes' own vocabulary and generic parts of workload names. They
 * stay, so that `kube-system`, `coredns`, `default` and `checkout-api` still read as they did.
 */
const KEPT_WORDS = new Set(
  (
    'kube system public node lease default kubernetes coredns dns proxy apiserver controller manager ' +
    'scheduler etcd cluster local svc pod pods deployment replicaset statefulset daemonset job cronjob ' +
    'service services endpoint endpoints ingress configmap secret secrets volume claim storage class ' +
    'namespace namespaces serviceaccount serviceaccounts account token root crt cert certs tls ca ' +
    'api apis web app apps worker workers frontend backend server client admin metrics monitoring ' +
    'logging log logs prometheus grafana alertmanager exporter operator agent collector gateway cache ' +
    'redis postgres postgresql mysql mongo mongodb kafka zookeeper rabbitmq nginx envoy istio linkerd ' +
    'calico cilium flannel weave csi driver provisioner snapshotter attacher resizer registrar ' +
    'autoscaler metrics-server dashboard cert manager webhook admission validating mutating config ' +
    'data db database primary replica leader follower main master canary stable blue green test dev ' +
    'staging prod production internal external private shared common core system-node critical ' +
    'high low priority init sidecar migrate migration backup restore cron batch queue consumer ' +
    'producer scheduler-plugins true false enabled disabled none all amd arm linux windows latest ' +
    'stdout stderr http https grpc tcp udp healthz ready readyz livez health status info debug warn ' +
    'error openshift argocd argo flux helm release chart sh bin usr var etc tmp opt home lib run ' +
    'compute amazonaws ec2 eks gke aks azure google googleapis gcr docker io com org net dev example ' +
    'access allow deny aws gcp cpu memory disk east west north south central zone region xlarge large ' +
    'medium small micro nano library horizontal vertical endpointslice yes no pvc pv ebs efs standard ' +
    'fast slow ssd hdd nfs local path hostpath empty emptydir projected downward'
  ).split(/\s+/),
);

/** Domains of public things (registries, Kubernetes' own label keys): never anyone's name. */
const PUBLIC_DOMAINS = [
  'kubernetes.io',
  'k8s.io',
  'x-k8s.io',
  'docker.io',
  'gcr.io',
  'ghcr.io',
  'quay.io',
  'amazonaws.com',
  'googleapis.com',
  'azurecr.io',
  'github.com',
  'helm.sh',
  'example.com',
  'example.org',
  'example.net',
  'istio.io',
  'prometheus.io',
  'cert-manager.io',
  'argoproj.io',
  'openshift.io',
  'cluster.local',
];

const CONSONANTS = 'bdfgklmnprstvz';
const VOWELS = 'aeiou';

export interface PseudonymMapping {
  words: Record<string, string>;
  ips: Record<string, string>;
  numbers: Record<string, string>;
}

/** One share-safe bundle's pseudonyms: its key (random, never stored) and what it has made. */
export class Pseudonyms {
  private readonly key: Uint8Array;
  private readonly words = new Map<string, string>();
  private readonly ips = new Map<string, string>();
  private readonly numbers = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(key?: Uint8Array) {
    this.key = key ?? randomBytes(32);
  }

  /** Whether a word is kept as it is: generic, Kubernetes' own, or a hash or ordinal. */
  static keeps(word: string): boolean {
    return (
      word.length < 3 ||
      KEPT_WORDS.has(word) ||
      !/^[a-z]+$/.test(word) ||
      // Kubernetes' generated suffixes use no vowels (`x2x4z`, `cdwqz`): no one's name.
      !/[aeiouy]/.test(word)
    );
  }

  static isPublicDomain(host: string): boolean {
    return PUBLIC_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`));
  }

  /** The pseudonym of a lower-case word of a name. */
  word(word: string): string {
    if (Pseudonyms.keeps(word)) return word;
    let found = this.words.get(word);
    if (found === undefined) {
      const bytes = this.hash(`w:${word}`);
      let out = '';
      for (let i = 0; out.length < 8 || this.taken.has(out) || KEPT_WORDS.has(out); i++) {
        const b = bytes[i % bytes.length] as number;
        out += (CONSONANTS[(b >> 3) % CONSONANTS.length] as string) + (VOWELS[b % VOWELS.length] as string);
        if (i > 40) out += String(i);
      }
      found = out;
      this.taken.add(found);
      this.words.set(word, found);
    }
    return found;
  }

  /** An IPv4 address in 10.0.0.0/8, or IPv6 in fd00::/8; loopback, unspecified and link-local stay. */
  ip(ip: string): string {
    if (/^(?:127\.|0\.0\.0\.0$|255\.255\.255\.255$|169\.254\.)/.test(ip) || ip === '::1' || ip === '::')
      return ip;
    let found = this.ips.get(ip);
    if (found === undefined) {
      const bytes = this.hash(`ip:${ip}`);
      for (let i = 0; found === undefined || this.taken.has(found); i++) {
        const b = (k: number) => bytes[(k + i) % bytes.length] as number;
        found = ip.includes(':')
          ? `fd00::${((b(0) << 8) | b(1)).toString(16)}:${((b(2) << 8) | b(3)).toString(16)}`
          : `10.${b(0)}.${b(1)}.${Math.max(1, b(2) % 255)}`;
      }
      this.taken.add(found);
      this.ips.set(ip, found);
    }
    return found;
  }

  /** A long number that identifies (a cloud account id): another of the same length. */
  number(digits: string): string {
    let found = this.numbers.get(digits);
    if (found === undefined) {
      const bytes = this.hash(`n:${digits}`);
      found = '';
      for (let i = 0; found.length < digits.length; i++)
        found += String((bytes[i % bytes.length] as number) % 10);
      if (found.startsWith('0')) found = `9${found.slice(1)}`;
      this.numbers.set(digits, found);
    }
    return found;
  }

  /** What was mapped, for the user to keep (`--mapping`). */
  mapping(): PseudonymMapping {
    return {
      words: Object.fromEntries([...this.words].sort()),
      ips: Object.fromEntries([...this.ips].sort()),
      numbers: Object.fromEntries([...this.numbers].sort()),
    };
  }

  private hash(text: string): Uint8Array {
    return createHmac('sha256', this.key).update(text).digest();
  }
}
