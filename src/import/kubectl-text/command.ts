// A kubectl command line as people type it (`kubectl -n shop get pods -o wide | grep web`,
// `oc logs api-1 -c app --previous`), read for what it says about its output: the verb, the kind
// and names asked for, the namespace, the output form, the container and whether it was filtered.

import { BUILTIN_KINDS } from '../../kube/resources.ts';

export interface KubectlCommand {
  /** The command as written. */
  text: string;
  /** `describe`, `get`, `logs`, `top`, `lineage`…; for another program, its name. */
  verb: string;
  /** Whether kubectl (or oc) ran it. */
  kubectl: boolean;
  /** The kinds asked for, in order (`get pods,svc` asks for two). */
  kinds: string[];
  /** Names asked for (`describe pod a b`, `logs pod/a`). */
  names: string[];
  namespace?: string;
  allNamespaces: boolean;
  /** `-o wide`, `yaml`, `json`, `name`… */
  output?: string;
  showLabels: boolean;
  noHeaders: boolean;
  container?: string;
  previous: boolean;
  allContainers: boolean;
  /** `status`, `history`, `undo`… of `kubectl rollout`. */
  rolloutAction?: string;
  /** `kubectl top pods --containers`: a row per container. */
  containers: boolean;
  /** Piped through grep or the like: a table loses its header and some rows. */
  filtered: boolean;
}

// kubectl's short names and the words it accepts for each kind, besides plural and singular.
const SHORT_NAMES: Record<string, string> = {
  po: 'Pod',
  no: 'Node',
  ns: 'Namespace',
  svc: 'Service',
  ep: 'Endpoints',
  ev: 'Event',
  cm: 'ConfigMap',
  sa: 'ServiceAccount',
  pv: 'PersistentVolume',
  pvc: 'PersistentVolumeClaim',
  rc: 'ReplicationController',
  quota: 'ResourceQuota',
  limits: 'LimitRange',
  deploy: 'Deployment',
  rs: 'ReplicaSet',
  sts: 'StatefulSet',
  ds: 'DaemonSet',
  cj: 'CronJob',
  hpa: 'HorizontalPodAutoscaler',
  ing: 'Ingress',
  netpol: 'NetworkPolicy',
  pdb: 'PodDisruptionBudget',
  sc: 'StorageClass',
  crd: 'CustomResourceDefinition',
  crds: 'CustomResourceDefinition',
  csr: 'CertificateSigningRequest',
  pc: 'PriorityClass',
};

const KIND_BY_WORD: Map<string, string> = (() => {
  const map = new Map<string, string>();
  for (const [plural, kind] of Object.entries(BUILTIN_KINDS)) {
    map.set(plural, kind);
    map.set(kind.toLowerCase(), kind);
  }
  for (const [short, kind] of Object.entries(SHORT_NAMES)) map.set(short, kind);
  return map;
})();

/** The kind a resource word names (`po`, `pods`, `deployments.apps`, `PersistentVolumeClaim`), or null. */
export function kindOfWord(word: string): string | null {
  const w = word.toLowerCase();
  return KIND_BY_WORD.get(w) ?? KIND_BY_WORD.get(w.split('.')[0]!) ?? null;
}

// Flags that take a value (as the next word unless written `--flag=value`), for every verb.
const VALUE_FLAGS = new Set([
  '-n',
  '--namespace',
  '-o',
  '--output',
  '-c',
  '--container',
  '-l',
  '--selector',
  '--context',
  '--kubeconfig',
  '--cluster',
  '--user',
  '--field-selector',
  '--sort-by',
  '--since',
  '--since-time',
  '--tail',
  '-L',
  '--label-columns',
  '--template',
  '--chunk-size',
  '--request-timeout',
  '-s',
  '--server',
  '--token',
  '--as',
  '--as-group',
  '--limit-bytes',
  '--max-log-requests',
  '--pod-running-timeout',
  '--for',
  '--types',
]);

const PROGRAMS = new Set(['kubectl', 'kubectl.exe', 'oc', 'k', 'kubecolor']);

/** The command `text` runs, or null when it is empty. */
export function parseCommand(text: string): KubectlCommand | null {
  const stages = splitPipeline(text.trim());
  const words = tokenize(stages[0] ?? '');
  // `sudo`, `VAR=value`, `microk8s kubectl`, `minikube kubectl --` in front of the program.
  while (words.length > 0 && (words[0] === 'sudo' || /^\w+=/.test(words[0]!))) words.shift();
  if (words[0] === 'microk8s' || words[0] === 'k3s' || words[0] === 'minikube') words.shift();
  if (words[0] === '--') words.shift();
  const program = words.shift();
  if (program === undefined) return null;
  const command: KubectlCommand = {
    text: text.trim(),
    verb: program,
    kubectl: PROGRAMS.has(program.replace(/^.*\//, '')) || program === 'microk8s.kubectl',
    kinds: [],
    names: [],
    allNamespaces: false,
    showLabels: false,
    noHeaders: false,
    previous: false,
    allContainers: false,
    containers: false,
    filtered: stages.length > 1,
  };
  if (!command.kubectl) return command;
  const positionals: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') break;
    if (!word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    let flag = eq > 0 ? word.slice(0, eq) : word;
    let value: string | undefined = eq > 0 ? word.slice(eq + 1) : undefined;
    // `-owide`, `-nkube-system`: a short flag with its value attached.
    if (value === undefined && /^-[nocl][^-=]/.test(word) && word.length > 2) {
      flag = word.slice(0, 2);
      value = word.slice(2);
    }
    const takesValue =
      VALUE_FLAGS.has(flag) || (flag === '-f' && positionals[0] !== 'logs') || flag === '--filename';
    if (takesValue && value === undefined) value = words[++i];
    applyFlag(command, flag, value);
  }
  command.verb = positionals.shift() ?? '';
  readPositionals(command, positionals);
  return command;
}

function applyFlag(command: KubectlCommand, flag: string, value: string | undefined): void {
  const on = value === undefined || value === 'true';
  switch (flag) {
    case '-n':
    case '--namespace':
      command.namespace = value;
      break;
    case '-A':
    case '--all-namespaces':
      command.allNamespaces = on;
      break;
    case '-o':
    case '--output':
      command.output = value;
      break;
    case '-c':
    case '--container':
      command.container = value;
      break;
    case '-p':
    case '--previous':
      command.previous = on;
      break;
    case '--all-containers':
      command.allContainers = on;
      break;
    case '--containers':
      command.containers = on;
      break;
    case '--show-labels':
      command.showLabels = on;
      break;
    case '--no-headers':
      command.noHeaders = on;
      break;
  }
}

function readPositionals(command: KubectlCommand, words: string[]): void {
  if (command.verb === 'logs' || command.verb === 'log') {
    command.verb = 'logs';
    const [target, container] = words;
    if (target) addTarget(command, target, 'Pod');
    // `kubectl logs pod container`, the form before -c.
    if (container && !command.container) command.container = container;
    return;
  }
  // `rollout status deployment/x`: the action, then the target as for any verb.
  if (command.verb === 'rollout') command.rolloutAction = words.shift();
  const [first, ...rest] = words;
  if (first === undefined) return;
  if (first.includes('/')) {
    for (const word of words) addTarget(command, word, null);
    return;
  }
  for (const word of first.split(',')) {
    const kind = kindOfWord(word);
    if (kind) command.kinds.push(kind);
  }
  command.names.push(...rest);
}

/** `pod/x`, `deploy/x`, or a bare name of `defaultKind`. */
function addTarget(command: KubectlCommand, word: string, defaultKind: string | null): void {
  const slash = word.indexOf('/');
  const kind = slash > 0 ? kindOfWord(word.slice(0, slash)) : defaultKind;
  if (kind && !command.kinds.includes(kind)) command.kinds.push(kind);
  command.names.push(slash > 0 ? word.slice(slash + 1) : word);
}

function splitPipeline(text: string): string[] {
  const stages: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '|' && text[i + 1] !== '|') {
      stages.push(text.slice(start, i));
      start = i + 1;
    }
  }
  stages.push(text.slice(start));
  return stages.map((s) => s.trim()).filter((s) => s !== '');
}

function tokenize(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}
