// Loading scenarios: a YAML file or the name of a built-in one (fixtures/scenarios/NAME.yaml),
// validated with zod; errors name the file and the field path.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { KstoryError } from '../../errors.ts';
import { fieldPath } from '../../vocab/zod-issue.ts';
import { parseDuration } from '../engine/quantity.ts';
import { type Scenario, ScenarioSchema } from './schema.ts';

/** The folder of built-in scenarios, from source (src/...) or from the build (dist/src/...). */
export function builtinDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ['../../..', '../../../..']) {
    const dir = path.resolve(here, up, 'fixtures/scenarios');
    if (existsSync(dir)) return dir;
  }
  return path.resolve(here, '../../../fixtures/scenarios');
}

export interface BuiltinScenario {
  name: string;
  description: string;
  file: string;
}

export function listBuiltinScenarios(): BuiltinScenario[] {
  const dir = builtinDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      const scenario = loadScenarioFile(file);
      return { name: scenario.name, description: scenario.description, file };
    });
}

/** A path to a YAML file, or a built-in scenario's name. */
export function resolveScenario(ref: string): string {
  if (ref.endsWith('.yaml') || ref.endsWith('.yml') || ref.includes('/') || ref.includes(path.sep)) {
    if (!existsSync(ref))
      throw new KstoryError(`scenario file ${ref} does not exist`, {
        hint: 'Give a scenario YAML file or a built-in name: kstory simulate --list',
      });
    return ref;
  }
  const file = path.join(builtinDir(), `${ref}.yaml`);
  if (!existsSync(file)) {
    const names = listBuiltinScenarios().map((s) => s.name);
    throw new KstoryError(`no built-in scenario named "${ref}"`, {
      hint: `Built-in scenarios: ${names.join(', ') || '(none found)'}. Or give a path to a scenario YAML file.`,
    });
  }
  return file;
}

export function loadScenarioFile(file: string): Scenario {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? `:${error.linePos[0].line}` : '';
    throw new KstoryError(
      `${file}${where}: not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      {
        hint: 'Fix the YAML syntax; the scenario format is described in src/simulate/scenario/schema.ts.',
      },
    );
  }
  return parseScenario(raw, file);
}

/** Merge a built-in background (`background: NAME`) under the scenario: lists are concatenated. */
function withBackground(raw: unknown, file: string): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const scenario = raw as Record<string, unknown>;
  const name = scenario.background;
  if (name === undefined) return raw;
  const bgFile = path.join(builtinDir(), 'backgrounds', `${String(name)}.yaml`);
  if (typeof name !== 'string' || !existsSync(bgFile)) {
    const known = existsSync(path.dirname(bgFile))
      ? readdirSync(path.dirname(bgFile)).map((f) => f.replace(/\.yaml$/, ''))
      : [];
    throw new KstoryError(
      `${file}: invalid scenario: no built-in background "${String(name)}" (location: background)`,
      { hint: `Known backgrounds: ${known.join(', ') || '(none)'}` },
    );
  }
  const bg = parseYaml(readFileSync(bgFile, 'utf8')) as Record<string, unknown>;
  const out: Record<string, unknown> = { ...bg, ...scenario };
  delete out.background;
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  if (!scenario.nodes) out.nodes = bg.nodes;
  for (const key of ['namespaces', 'users', 'workloads', 'timeline', 'missingImages', 'privateRegistries']) {
    out[key] = [...list(bg[key]), ...list(scenario[key])];
  }
  // The background's routine actions that fall after the scenario's end are left out.
  let end = Number.POSITIVE_INFINITY;
  try {
    end = parseDuration(scenario.duration as string);
  } catch {
    // An invalid duration is reported by the schema.
  }
  out.timeline = [
    ...list(bg.timeline).filter((a) => {
      try {
        return parseDuration((a as { at: string }).at) <= end;
      } catch {
        return true;
      }
    }),
    ...list(scenario.timeline),
  ];
  out.namespaces = [...new Set(out.namespaces as string[])];
  const bgRes = (bg.resources ?? {}) as Record<string, unknown>;
  const scRes = (scenario.resources ?? {}) as Record<string, unknown>;
  const resources: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(bgRes), ...Object.keys(scRes)])) {
    // Lists are concatenated; a single setting (resources.gatekeeper) is the scenario's if it has one.
    resources[key] =
      Array.isArray(bgRes[key]) || Array.isArray(scRes[key])
        ? [...list(bgRes[key]), ...list(scRes[key])]
        : (scRes[key] ?? bgRes[key]);
  }
  out.resources = resources;
  return out;
}

export function parseScenario(input: unknown, file: string): Scenario {
  const raw = withBackground(input, file);
  const result = ScenarioSchema.safeParse(raw);
  if (!result.success) {
    // Several at once: a scenario is written by hand and often has more than one mistake.
    const lines = result.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.message} (location: ${fieldPath(issue.path)})`);
    throw new KstoryError(`${file}: invalid scenario: ${lines.join('; ')}`, {
      hint: 'Each scenario field is described in src/simulate/scenario/schema.ts.',
    });
  }
  const scenario = result.data;
  checkReferences(scenario, file);
  return scenario;
}

/** Cross-field checks zod cannot express: timeline targets and node names must exist. */
function checkReferences(s: Scenario, file: string): void {
  const workloads = new Set(s.workloads.map((w) => `${w.namespace}/${w.name}`));
  const nodeNames = new Set(
    s.nodes.flatMap((n) =>
      n.count ? Array.from({ length: n.count }, (_, i) => `${n.name}-${i + 1}`) : [n.name],
    ),
  );
  const namespaces = new Set(['default', 'kube-system', ...s.namespaces]);
  const fail = (pathText: string, message: string) => {
    throw new KstoryError(`${file}: invalid scenario: ${message} (location: ${pathText})`, {
      hint: 'Each scenario field is described in src/simulate/scenario/schema.ts.',
    });
  };
  s.workloads.forEach((w, i) => {
    if (!namespaces.has(w.namespace))
      fail(`workloads.${i}.namespace`, `namespace "${w.namespace}" is not listed under namespaces`);
  });
  const duration = parseDuration(s.duration);
  s.timeline.forEach((a, i) => {
    if (parseDuration(a.at) > duration)
      fail(`timeline.${i}.at`, `action at ${a.at} is after the end of the scenario (${s.duration})`);
    if ('node' in a && !nodeNames.has(a.node)) fail(`timeline.${i}.node`, `no node named "${a.node}"`);
    const workloadActions = [
      'set-image',
      'restart',
      'scale',
      'rollback',
      'set-command',
      'set-env',
      'set-resources',
      'memory-leak',
      'probe-fail',
      'load',
      'set-service-account',
      'disk-fill',
      'pid-leak',
    ];
    if (
      workloadActions.includes(a.action) &&
      'name' in a &&
      'namespace' in a &&
      !workloads.has(`${a.namespace}/${a.name}`)
    ) {
      fail(`timeline.${i}.name`, `no workload ${a.namespace}/${a.name}`);
    }
    if (
      a.action === 'set-role-rules' &&
      !s.resources.roles.some((r) => r.namespace === a.namespace && r.name === a.name)
    )
      fail(`timeline.${i}.name`, `no Role ${a.namespace}/${a.name} under resources.roles`);
    if (a.action === 'set-constraint' && !s.resources.gatekeeper?.constraints.some((c) => c.name === a.name))
      fail(`timeline.${i}.name`, `no Gatekeeper constraint "${a.name}" under resources.gatekeeper`);
    if (a.action === 'git-push') {
      const app = s.resources.applications.find((x) => x.name === a.application);
      if (!app)
        fail(`timeline.${i}.application`, `no Application "${a.application}" under resources.applications`);
      a.changes.forEach((c, j) => {
        if (!app?.workloads.includes(c.workload))
          fail(
            `timeline.${i}.changes.${j}.workload`,
            `Application "${a.application}" does not manage "${c.workload}"`,
          );
      });
    }
  });
  s.resources.applications.forEach((app, i) => {
    app.workloads.forEach((w, j) => {
      if (!workloads.has(`${app.destination}/${w}`))
        fail(`resources.applications.${i}.workloads.${j}`, `no workload ${app.destination}/${w}`);
    });
  });
  s.resources.persistentVolumes.forEach((pv, i) => {
    if (pv.local && !nodeNames.has(pv.local.node))
      fail(`resources.persistentVolumes.${i}.local.node`, `no node named "${pv.local.node}"`);
  });
}
