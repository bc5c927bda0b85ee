// Loading a scenario file: the JSON Schema first, then consistency checks, every problem
// located at file:line:column like the schedule's.

import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../../json/diagnostics.js';
import { type Problem, checkJsonDocument, locateAll, readDocument } from '../../json/document.js';
import type { SourceMap } from '../../json/source-map.js';
import type { Scenario } from './types.js';
import { UserDataError, registrationOf } from './user-data.js';

export const SCENARIO_SCHEMA_URL = new URL('../../../scenarios/scenario.schema.json', import.meta.url);
export const SCENARIOS_DIR = new URL('../../../scenarios/', import.meta.url);

const CODES = {
  read: 'SCALERD_ERR_SCENARIO_READ',
  json: 'SCALERD_ERR_SCENARIO_JSON',
  duplicateKey: 'SCALERD_ERR_SCENARIO_DUPLICATE_KEY',
  schema: 'SCALERD_ERR_SCENARIO_SCHEMA',
} as const;

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; diagnostics: Diagnostic[] };

type Checked = { ok: true; scenario: Scenario; map: SourceMap } | { ok: false; diagnostics: Diagnostic[] };

/** A scenario's text checked; a node group's userData is not read (see loadScenarioFile). */
export function checkScenarioText(text: string, file: string): ScenarioResult {
  const checked = check(text, file);
  return checked.ok ? { ok: true, scenario: checked.scenario } : checked;
}

/** A scenario file checked, each node group's labels and taints read from its userData file. */
export async function loadScenarioFile(path: string): Promise<ScenarioResult> {
  const read = await readDocument(path, CODES.read, 'check the path; scenarios ship in scenarios/*.json');
  if (!read.ok) return { ok: false, diagnostics: [read.diagnostic] };
  const checked = check(read.text, path);
  if (!checked.ok) return checked;
  const problems: Problem[] = [];
  const nodeGroups = await Promise.all(checked.scenario.nodeGroups.map(async (group, i) => {
    const { userData, ...resolved } = group;
    if (userData === undefined) return group;
    const file = resolve(dirname(path), userData);
    try {
      // userData gives way to what it says: the scenario holds labels and taints, as if written inline.
      return { ...resolved, ...registrationOf(await readFile(file, 'utf8')) };
    } catch (error) {
      const why = error instanceof UserDataError ? error.message : `it cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
      problems.push({
        code: 'SCALERD_ERR_SCENARIO_USER_DATA', severity: 'error', pointer: `/nodeGroups/${i}/userData`,
        message: `the user data ${file} of node group "${group.name}": ${why}`,
        hint: 'point userData (relative to the scenario file) at a #cloud-config file that writes a kubeadm JoinConfiguration, such as ../cloud-init/workers.yaml',
      });
      return group;
    }
  }));
  return problems.length > 0 ? { ok: false, diagnostics: locateAll(path, checked.map, problems) } : { ok: true, scenario: { ...checked.scenario, nodeGroups } };
}

function check(text: string, file: string): Checked {
  const checked = checkJsonDocument(text, file, SCENARIO_SCHEMA_URL, CODES);
  if (!checked.ok) return checked;
  const scenario = checked.value as Scenario;
  const problems = consistency(scenario);
  return problems.length > 0 ? { ok: false, diagnostics: locateAll(file, checked.map, problems) } : { ok: true, scenario, map: checked.map };
}

function consistency(scenario: Scenario): Problem[] {
  const problems: Problem[] = [];
  const error = (pointer: string, message: string, hint: string) =>
    problems.push({ code: 'SCALERD_ERR_SCENARIO_INVALID', severity: 'error', pointer, message, hint });
  const groupNames = new Set<string>();
  scenario.nodeGroups.forEach((g, i) => {
    if (g.userData !== undefined && (g.labels !== undefined || g.taints !== undefined)) {
      error(`/nodeGroups/${i}/userData`, `node group "${g.name}" has userData and also labels or taints`, 'take labels and taints from one place: the user data, or (without it) the scenario');
    }
    if (groupNames.has(g.name)) error(`/nodeGroups/${i}/name`, `node group "${g.name}" is defined twice`, 'give every node group its own name');
    groupNames.add(g.name);
    if (g.min > g.max) error(`/nodeGroups/${i}/min`, `min ${g.min} is above max ${g.max}`, 'make min at most max');
    else if (g.desired < g.min || g.desired > g.max) error(`/nodeGroups/${i}/desired`, `desired ${g.desired} is outside ${g.min}..${g.max}`, 'make desired lie between min and max, as AWS requires');
    if (g.zones.some((z) => !z.startsWith(scenario.region ?? 'eu-west-1'))) {
      error(`/nodeGroups/${i}/zones`, `zones must be in the region ${scenario.region ?? 'eu-west-1'}`, 'use zones such as eu-west-1a, or set "region"');
    }
  });
  const seen = new Set<string>();
  const checkUnique = (list: { namespace: string; name: string }[] | undefined, field: string, kind: string) =>
    (list ?? []).forEach((item, i) => {
      const key = `${kind}/${item.namespace}/${item.name}`;
      if (seen.has(key)) error(`/${field}/${i}/name`, `${item.namespace}/${item.name} is defined twice`, 'give each its own name');
      seen.add(key);
    });
  checkUnique(scenario.workloads?.map((w) => ({ ...w, namespace: `${w.kind}:${w.namespace}` })), 'workloads', 'workload');
  checkUnique(scenario.daemonSets, 'daemonSets', 'daemonset');
  checkUnique(scenario.pods, 'pods', 'pod');
  scenario.workloads?.forEach((w, i) => {
    if (w.hpa && w.hpa.min > w.hpa.max) error(`/workloads/${i}/hpa/min`, `hpa min ${w.hpa.min} is above max ${w.hpa.max}`, 'make min at most max');
  });
  return problems;
}
