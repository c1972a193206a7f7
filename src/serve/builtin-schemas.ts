// OpenAPI v3 schemas of the built-in kinds, for `kubectl explain pods` against a served bundle: read
// offline from the models @kubernetes/client-node generates from the Kubernetes OpenAPI document
// (field names and types from each model's type map, descriptions and required fields from its
// declarations), with every model a kind references.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Json } from '../kube/fields.ts';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

interface Model {
  description: string | null;
  attributes: Attribute[];
  /** Descriptions by attribute name (the generator leaves out those of fields typed by another model). */
  descriptions: Map<string, string>;
  required: string[];
}

let modelsDir: string | null | undefined;

/** Where the package keeps its models; null when it is not installed as expected. */
function modelsDirectory(): string | null {
  if (modelsDir !== undefined) return modelsDir;
  try {
    const entry = createRequire(import.meta.url).resolve('@kubernetes/client-node');
    const dir = path.join(path.dirname(entry), 'gen', 'models');
    modelsDir = existsSync(dir) ? dir : null;
  } catch {
    modelsDir = null;
  }
  return modelsDir;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The model of a built-in kind: `V1Pod`, `V1Deployment`; `CoreV1Event` where two groups share a kind. */
export function modelOfKind(group: string, version: string, kind: string): string | null {
  const dir = modelsDirectory();
  if (!dir || !/^v\d+((alpha|beta)\d+)?$/.test(version) || !/^[A-Za-z0-9]+$/.test(kind)) return null;
  const v = capitalise(version);
  const g = group === '' ? 'Core' : capitalise(group.split('.')[0]!);
  for (const name of [`${g}${v}${kind}`, `${v}${kind}`]) {
    if (existsSync(path.join(dir, `${name}.js`))) return name;
  }
  return null;
}

/** `V1PodSpec` → `io.k8s.v1.PodSpec`: the last part is what kubectl explain prints as a field's type. */
export function schemaName(model: string): string {
  const m = /^([A-Z][a-z]+)?(V\d+(?:(?:alpha|beta)\d+)?)(.+)$/.exec(model);
  if (!m) return `io.k8s.${model}`;
  return `io.k8s.${m[1] ? `${m[1].toLowerCase()}.` : ''}${m[2]!.toLowerCase()}.${m[3]}`;
}

const cache = new Map<string, Model | null>();

function readModel(name: string): Model | null {
  if (cache.has(name)) return cache.get(name)!;
  const dir = modelsDirectory();
  let model: Model | null = null;
  if (dir && /^[A-Za-z0-9]+$/.test(name) && existsSync(path.join(dir, `${name}.js`))) {
    const js = readFileSync(path.join(dir, `${name}.js`), 'utf8');
    const map = /\.attributeTypeMap = (\[[\s\S]*?\]);/.exec(js);
    const dts = existsSync(path.join(dir, `${name}.d.ts`))
      ? readFileSync(path.join(dir, `${name}.d.ts`), 'utf8')
      : '';
    if (map) model = { attributes: JSON.parse(map[1]!) as Attribute[], ...readDeclarations(dts, name) };
  }
  cache.set(name, model);
  return model;
}

/** The class comment, the comment above each field, and the fields declared without `?`. */
function readDeclarations(
  dts: string,
  name: string,
): Pick<Model, 'description' | 'descriptions' | 'required'> {
  const descriptions = new Map<string, string>();
  const required: string[] = [];
  let description: string | null = null;
  let comment: string | null = null;
  let inComment = false;
  let lines: string[] = [];
  for (const line of dts.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('/**')) {
      inComment = true;
      lines = [];
      continue;
    }
    if (inComment) {
      if (trimmed.startsWith('*/')) {
        inComment = false;
        comment = unescapeQuotes(lines.join('\n').trim());
      } else lines.push(trimmed.replace(/^\* ?/, ''));
      continue;
    }
    if (trimmed.startsWith(`export declare class ${name}`)) description = comment;
    const field = /^'([^']+)'(\?)?:/.exec(trimmed);
    if (field) {
      if (comment) descriptions.set(field[1]!, comment);
      if (!field[2]) required.push(field[1]!);
    }
    if (trimmed !== '') comment = null;
  }
  return { description, descriptions, required };
}

/** The generator writes quotes inside comments escaped as in a string. */
function unescapeQuotes(text: string): string {
  return text.replace(/\\(["'\\])/g, '$1');
}

const ref = (model: string) => ({ $ref: `#/components/schemas/${schemaName(model)}` });

/** The schema of a type as the type map writes it, and the models it names. */
function typeSchema(type: string, format: string, refs: string[]): Json {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: 'array', items: typeSchema(array[1]!, '', refs) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: 'object', additionalProperties: typeSchema(map[1]!, '', refs) };
  switch (type) {
    case 'string':
      return format ? { type: 'string', format } : { type: 'string' };
    case 'number':
      return format === 'int32' || format === 'int64'
        ? { type: 'integer', format }
        : { type: 'number', format: format || 'double' };
    case 'boolean':
      return { type: 'boolean' };
    case 'Date':
      return { type: 'string', format: 'date-time' };
    case 'IntOrString':
      return { 'x-kubernetes-int-or-string': true };
    case 'any':
      return { type: 'object' };
    // The one type the package names without a model: a time with microseconds, a string on the wire.
    case 'V1MicroTime':
      return { type: 'string', format: 'date-time' };
    default:
      refs.push(type);
      return ref(type);
  }
}

const CONVENTIONS = 'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md';

/**
 * The generator keeps no description for a field typed by another model (kubectl explain then
 * shows that model's own). A kind's metadata, spec and status are described as the API describes
 * them everywhere.
 */
function conventional(field: string, kind: string): string | undefined {
  const name = kind.toLowerCase();
  switch (field) {
    case 'metadata':
      return `Standard object's metadata. More info: ${CONVENTIONS}#metadata`;
    case 'spec':
      return `Specification of the desired behavior of the ${name}. More info: ${CONVENTIONS}#spec-and-status`;
    case 'status':
      return `Most recently observed status of the ${name}. This data may not be up to date. Populated by the system. Read-only. More info: ${CONVENTIONS}#spec-and-status`;
    default:
      return undefined;
  }
}

/** One model as an OpenAPI schema, and the models it references; `kind` when it is a kind's own. */
function modelSchema(model: Model, kind: string | null): { schema: Json; refs: string[] } {
  const refs: string[] = [];
  const properties: Json = {};
  const byName = new Map(model.attributes.map((a) => [a.name, a.baseName]));
  for (const a of model.attributes) {
    const schema = typeSchema(a.type, a.format, refs);
    const description = model.descriptions.get(a.name) ?? (kind ? conventional(a.baseName, kind) : undefined);
    // As the API server writes a described reference: the description beside an allOf.
    properties[a.baseName] = description
      ? '$ref' in schema
        ? { description, allOf: [schema] }
        : { description, ...schema }
      : schema;
  }
  const schema: Json = { type: 'object', properties };
  if (model.description) schema.description = model.description;
  const required = model.required.map((n) => byName.get(n) ?? n);
  if (required.length > 0) schema.required = required;
  return { schema, refs };
}

/** `components.schemas` for these models and every model they reference, by schemaName. */
export function schemasOf(kinds: readonly { model: string; kind: string }[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  const kindOf = new Map(kinds.map((k) => [k.model, k.kind]));
  const queue = kinds.map((k) => k.model);
  while (queue.length > 0) {
    const name = queue.pop()!;
    const key = schemaName(name);
    if (key in out) continue;
    const model = readModel(name);
    if (!model) {
      // A type the package does not describe: any object, rather than a reference to nothing.
      out[key] = { type: 'object' };
      continue;
    }
    const { schema, refs } = modelSchema(model, kindOf.get(name) ?? null);
    out[key] = schema;
    queue.push(...refs);
  }
  return out;
}
