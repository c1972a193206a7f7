// The import-format registry: detection takes the most confident claim (on a tie, the format listed
// first), skipped content says why, a fallback takes only what nothing imports, and the help of
// `kstory import` lists what the registry holds.
import { describe, expect, it, onTestFinished } from 'vitest';
import { detectFile, explainDetection, fileHead } from '../../src/import/detect.ts';
import type { FileHead, ImportFormat, SkippedContent } from '../../src/import/format.ts';
import { IMPORT_FORMATS, SKIPPED_CONTENT } from '../../src/import/formats/index.ts';
import { kstory } from '../support/cli.ts';
import { Scratch } from './helpers.ts';

function aFormat(name: string, claim: (head: FileHead) => number | null, fallback?: boolean): ImportFormat {
  return {
    name,
    description: `the ${name} format`,
    detect: (head) => {
      const confidence = claim(head);
      return confidence === null ? null : { confidence, reason: `${name} says so` };
    },
    fallback: fallback ? () => ({ confidence: 0, reason: 'the user said so' }) : undefined,
    import: async () => {},
  };
}

function aSkip(name: string, confidence: number): SkippedContent {
  return {
    name,
    description: `not ${name}`,
    detect: (head) => (head.text.includes(name) ? { confidence, reason: `a ${name}, not imported` } : null),
  };
}

const nameOf = (head: FileHead, formats: ImportFormat[], skipped: SkippedContent[] = []) => {
  const detection = detectFile(head, formats, skipped);
  return 'skip' in detection ? `skip: ${detection.skip}` : detection.format.name;
};

describe('the format registry', () => {
  it('names each format and each skipped content once, in kebab-case, with a one-line description', () => {
    const entries = [...IMPORT_FORMATS, ...SKIPPED_CONTENT];
    const names = entries.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const entry of entries) {
      expect(entry.name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(entry.description).toMatch(/^\S[^\n]*\S$/);
    }
  });

  it('recognises each registered format from a file of its own, whatever its name', () => {
    const files: [string, string, string][] = [
      ['audit-log', 'x.yaml', '{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a"}\n'],
      ['kube-json', 'x.log', '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p"}}\n'],
      ['kube-yaml', 'x.json', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n'],
      ['prometheus-text', 'x.yaml', '# TYPE up gauge\nup{job="a"} 1\n'],
      ['container-log', 'x.json', '2026-03-01T10:00:00Z stderr F hello\n'],
      [
        'otlp-logs',
        'x.json',
        '{"resourceLogs":[{"resource":{"attributes":[]},"scopeLogs":[{"logRecords":[]}]}]}\n',
      ],
      [
        'fluent-logs',
        'x.json',
        '{"log":"hi\\n","stream":"stdout","time":"2026-03-01T10:00:00Z","kubernetes":{"pod_name":"p","namespace_name":"n"}}\n',
      ],
      [
        'alertmanager',
        'x.log',
        '[{"labels":{"alertname":"A"},"startsAt":"2026-03-01T10:00:00Z","fingerprint":"f"}]\n',
      ],
      [
        'kubectl-lineage',
        'x.json',
        'NAME                READY   STATUS   AGE\nJob/export          -                3h\n└── Pod/export-k2   0/1     Error    3h\n',
      ],
      ['skip: template (Helm/Go), not rendered objects', 'x.yaml', '{{- if .Values.on }}\nkind: Pod\n'],
      ['skip: HTML page', 'x.txt', '<!DOCTYPE html>\n<html></html>\n'],
      [
        'journal',
        'host_service_logs/masters/kubelet_service.log',
        'Mar 01 10:00:00 node kubelet[1]: started\n',
      ],
      [
        'skip: errors the support bundle met gathering (what it lacks)',
        'cluster-resources/pods-errors.json',
        '["pods is forbidden"]\n',
      ],
      [
        'skip: kind export logs: versions and node container details, no cluster state',
        'kind-worker/kubernetes-version.txt',
        'v1.34.0\n',
      ],
      ['skip: unrecognised content: text in no format kstory reads', 'x.yaml', 'hello world\n'],
    ];
    for (const [expected, path, text] of files) {
      expect([path, nameOf(fileHead(text, { path }), [...IMPORT_FORMATS], [...SKIPPED_CONTENT])]).toEqual([
        path,
        expected,
      ]);
    }
  });

  it('takes the most confident claim, and on a tie the format listed first', () => {
    const head = fileHead('{"a": 1}', { path: 'x' });
    const generic = aFormat('generic', () => 0.5);
    const specific = aFormat('specific', () => 0.9);
    const twin = aFormat('twin', () => 0.5);
    expect(nameOf(head, [generic, specific])).toBe('specific');
    expect(nameOf(head, [specific, generic])).toBe('specific');
    expect(nameOf(head, [generic, twin])).toBe('generic');
    expect(nameOf(head, [twin, generic])).toBe('twin');
  });

  it('says why a file is skipped: recognised content beats a weaker claim, else "unrecognised content"', () => {
    const json = aFormat('json', (head) => (head.text.startsWith('{') ? 0.5 : null));
    const template = aSkip('template', 0.95);
    const page = aSkip('page', 0.2);
    expect(nameOf(fileHead('{{ template }}', { path: 'x' }), [json], [template])).toBe(
      'skip: a template, not imported',
    );
    expect(nameOf(fileHead('{"page": 1}', { path: 'x' }), [json], [page])).toBe('json');
    expect(nameOf(fileHead('plain text', { path: 'x' }), [json], [page])).toBe(
      'skip: unrecognised content: text in no format kstory reads',
    );
    expect(nameOf(fileHead(' \n\t\n', { path: 'x' }), [json], [page])).toBe('skip: empty file');
  });

  it('says what a file nothing claims looks like, never what it says', () => {
    const shapes: [string, string][] = [
      [
        '{"user": "me", "password": "hunter2"}',
        'JSON, but no Kubernetes object, list, audit event or Prometheus answer',
      ],
      ['<config><a/></config>', 'markup (XML or HTML)'],
      [
        'user_prompt: "why"\nexpected_output:\n  - a thing\nbefore_test: |\n  kubectl apply -f x\n',
        'YAML, but no Kubernetes object or list',
      ],
      ['name,age,town\nann,3,rome\nbob,4,oslo\n', 'a CSV table whose columns no format reads'],
      [
        '2026-03-01 10:00:00 INFO started\n2026-03-01 10:00:01 WARN slow\n',
        'dated lines of no known log format (a container’s log: name it with --pod and --container)',
      ],
      ['NAME    COLOUR\napple   red\nlemon   yellow\n', 'a text table with no kubectl header kstory reads'],
      ['we restarted the pods at 10:40 with password hunter2\n', 'text in no format kstory reads'],
    ];
    for (const [text, says] of shapes) {
      const skip = nameOf(fileHead(text, { path: 'x' }), [], []);
      expect(skip).toBe(`skip: unrecognised content: ${says}`);
      expect(skip).not.toContain('hunter2');
    }
  });

  it('lets a fallback take only a file that nothing imports', () => {
    const json = aFormat('json', (head) => (head.text.startsWith('{') ? 0.5 : null));
    const plain = aFormat('plain', () => null, true);
    const skipped = [aSkip('template', 0.95)];
    expect(nameOf(fileHead('{"a": 1}', { path: 'x' }), [json, plain], skipped)).toBe('json');
    expect(nameOf(fileHead('some text', { path: 'x' }), [json, plain], skipped)).toBe('plain');
    expect(nameOf(fileHead('a template', { path: 'x' }), [json, plain], skipped)).toBe('plain');
    expect(nameOf(fileHead(' ', { path: 'x' }), [json, plain], skipped)).toBe('skip: empty file');
  });

  it('explains a detection with every claim, the winner first', () => {
    const head = fileHead('{{ if .Values.on }}\n{"kind": "Pod"}\n', { path: 'chart.json' });
    expect(explainDetection(head)).toEqual([
      {
        name: 'helm-template',
        imports: false,
        confidence: 0.95,
        reason: 'template (Helm/Go), not rendered objects',
      },
      { name: 'kube-json', imports: true, confidence: 0.5, reason: 'JSON' },
    ]);
  });

  it('gives the detected head of the file, its first lines without line ends, and where it sits', () => {
    const head = fileHead('\r\n  first\r\nsecond\n', {
      path: 'ns/pods.yaml',
      direct: true,
      layout: 'must-gather',
      complete: false,
    });
    expect(head).toEqual({
      text: 'first\r\nsecond\n',
      lines: ['first', 'second', ''],
      complete: false,
      path: 'ns/pods.yaml',
      direct: true,
      layout: 'must-gather',
      options: {},
    });
  });

  it('lists every registered format and skipped content in `kstory import --help`', () => {
    const result = kstory(['import', '--help']);
    expect(result.code).toBe(0);
    for (const entry of [...IMPORT_FORMATS, ...SKIPPED_CONTENT]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${entry.name} +\\S`, 'm'));
    }
    expect(result.stdout.indexOf('  audit-log ')).toBeLessThan(result.stdout.indexOf('  helm-template '));
  });

  it('lists them in `kstory help import` too, as in the help flag', () => {
    const result = kstory(['help', 'import']);
    expect(result.code).toBe(0);
    for (const entry of [...IMPORT_FORMATS, ...SKIPPED_CONTENT]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${entry.name} +\\S`, 'm'));
    }
    expect(result.stdout).toBe(kstory(['import', '--help']).stdout);
    expect(kstory(['help', 'bundle', 'scan']).stdout).toBe(kstory(['bundle', 'scan', '--help']).stdout);
  });

  it('counts a file as its format once the format reads it, not when it turns the file down unread', async () => {
    const scratch = new Scratch();
    onTestFinished(() => scratch.remove());
    const orphan = scratch.write('dir/app.log', '2026-03-01T10:00:00Z hello\n');
    const notKube = scratch.write('dir/settings.json', '{"theme": "dark"}\n');
    scratch.write(
      'dir/pod.json',
      '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","namespace":"d"}}\n',
    );
    const { result, bundle } = await scratch.import([scratch.path('dir')]);
    expect(result.inputs[0]?.formats).toEqual({ 'kube-json': 2 });
    expect(result.inputs[0]?.skippedFiles).toEqual({
      'container log whose pod is unknown (pass --pod ns/name --container c)': [orphan],
      'JSON that holds no Kubernetes objects, audit events or Prometheus data': [notKube],
    });
    bundle?.close();
  });
});
