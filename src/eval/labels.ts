// The labelled real samples (labels.yaml in a folder of artifacts from real clusters): for each
// sample, its input files and what a person reading it names as its root causes, or that it must
// stay quiet. Validated with zod; errors name the file, the line and the field.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { KstoryError } from '../errors.ts';
import type { RootSpec } from './match.ts';

const RegexSchema = z.string().refine((source) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}, 'a regular expression (JavaScript syntax)');

const RootSchema = z.object({
  subject: z.object({
    kind: z.string().min(1),
    /** A regular expression the object's whole name matches. */
    name: RegexSchema,
    namespace: z.string().optional(),
  }),
  patterns: z.array(z.string().min(1)).min(1),
  says: z.string().optional(),
});

const SampleSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/, 'letters, digits, dashes, dots'),
    inputs: z.array(z.string().min(1)).min(1),
    roots: z.array(RootSchema).default([]),
    /** Nothing at severity high or above may be reported. */
    quiet: z.boolean().default(false),
    says: z.string().optional(),
  })
  .refine((s) => s.quiet !== s.roots.length > 0, 'give either roots or quiet: true');

const LabelsSchema = z.object({ samples: z.array(SampleSchema).min(1) });

export interface LabelledSample {
  id: string;
  /** Absolute paths of the files and folders to import. */
  inputs: string[];
  roots: RootSpec[];
  quiet: boolean;
  says: string | null;
}

export const LABELS_FILE = 'labels.yaml';

export function loadLabels(dir: string): LabelledSample[] {
  const file = path.join(dir, LABELS_FILE);
  if (!existsSync(file))
    throw new KstoryError(`${file} does not exist`, {
      hint: `A folder of real samples holds a ${LABELS_FILE} naming each sample's inputs and root causes.`,
    });
  const hint = `Each sample needs an id, inputs, and roots (subject: {kind, name, namespace?}, patterns) or quiet: true; see the header of ${LABELS_FILE}.`;
  const text = readFileSync(file, 'utf8');
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    throw new KstoryError(
      `${file}:${error.linePos?.[0]?.line ?? 1}: not valid YAML: ${error.message.split('\n')[0]}`,
      { hint },
    );
  }
  const parsed = LabelsSchema.safeParse(document.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.map(String).join('.') || '(root)';
    const line = lineOf(text, document.getIn(issue.path as (string | number)[], true));
    throw new KstoryError(`${file}${line ? `:${line}` : ''}: ${issue.message} (location: ${where})`, {
      hint,
    });
  }
  const seen = new Set<string>();
  return parsed.data.samples.map((sample, i) => {
    if (seen.has(sample.id)) {
      const line = lineOf(text, document.getIn(['samples', i, 'id'], true));
      throw new KstoryError(
        `${file}${line ? `:${line}` : ''}: sample id "${sample.id}" is used twice (location: samples.${i}.id)`,
        { hint },
      );
    }
    seen.add(sample.id);
    return {
      id: sample.id,
      inputs: sample.inputs.map((input) => path.resolve(dir, input)),
      roots: sample.roots.map((root) => ({
        patterns: root.patterns,
        subject: {
          kind: root.subject.kind,
          name: root.subject.name,
          regex: true,
          ...(root.subject.namespace === undefined ? {} : { namespace: root.subject.namespace }),
        },
        ...(root.says === undefined ? {} : { says: root.says }),
      })),
      quiet: sample.quiet,
      says: sample.says ?? null,
    };
  });
}

function lineOf(text: string, node: unknown): number | undefined {
  const offset = (node as { range?: [number, number] } | undefined)?.range?.[0];
  if (offset === undefined) return undefined;
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
