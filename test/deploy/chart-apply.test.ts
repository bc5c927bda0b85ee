// The rendered chart applied with kubectl v1.32 (validation on: the server checks every
// field, as a real API server does) to the simulated cluster, with its defaults and with
// every optional part on. The simulator serves the kinds src/sim/kube/resources.ts lists:
// no RBAC, no ServiceAccounts and no custom resources. Those objects are applied apart, to
// show the simulator refuses them for their kind alone; their fields are checked against
// the API types in chart.test.ts and their rules in rbac.test.ts.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../src/sim/index.js';
import { RESOURCES, apiVersionOf } from '../../src/sim/kube/resources.js';
import { startDemoSim } from '../daemon/helpers.js';
import { START, clientsFor, requireKubectl132, type Clients } from '../sim/clients/helpers.js';
import { ALL_PARTS, renderChart } from './helm.js';
import type { KubeObject } from './render.js';

const SERVED = new Map(RESOURCES.map((r) => [`${apiVersionOf(r)} ${r.kind}`, r]));
const served = (o: KubeObject) => SERVED.has(`${o.apiVersion} ${o.kind}`);
const name = (o: KubeObject) => `${o.kind}/${o.metadata.name}${o.metadata.namespace ? ` in ${o.metadata.namespace}` : ''}`;

/** What the simulator does not serve, object by object: every one of them is named here. */
const NOT_SERVED = {
  defaults: ['ClusterRole/scalerd', 'ClusterRoleBinding/scalerd', 'Role/scalerd in scalerd', 'RoleBinding/scalerd in scalerd', 'ServiceAccount/scalerd in scalerd'],
  allParts: [
    'ClusterRole/scalerd', 'ClusterRoleBinding/scalerd', 'Role/scalerd in scalerd', 'RoleBinding/scalerd in scalerd', 'ServiceAccount/scalerd in scalerd',
    'Role/scalerd-deployer in default', 'RoleBinding/scalerd-deployer in default', 'ServiceAccount/scalerd-deployer in scalerd',
    'ServiceMonitor/scalerd in scalerd', 'ServiceMonitor/scalerd-deployer in scalerd', 'ServiceMonitor/scalerd-lb in scalerd',
    'PrometheusRule/scalerd in scalerd',
  ],
};

let c: Clients;
let sim: Sim;
beforeAll(async () => {
  await requireKubectl132();
  // The demo cluster has scalerd's namespace, as `helm install -n scalerd --create-namespace` makes it.
  sim = await startDemoSim({ manualClock: true, startAt: START });
  c = await clientsFor(sim);
}, 30_000);
afterAll(async () => {
  await c?.dispose();
  await sim?.stop();
});

async function manifest(file: string, objects: readonly KubeObject[]): Promise<string> {
  const path = join(c.dir, file);
  await writeFile(path, objects.map((o) => yaml.dump(o)).join('---\n'));
  return path;
}

/** kubectl's name for an object in its output: deployment.apps/scalerd. */
function printed(o: KubeObject): string {
  const type = SERVED.get(`${o.apiVersion} ${o.kind}`)!;
  return `${type.group === '' ? type.resource.replace(/s$/, '') : `${type.kind.toLowerCase()}.${type.group}`}/${o.metadata.name}`;
}

describe('charts/scalerd applied to the simulated cluster with kubectl', () => {
  it.each([
    ['its defaults', {}, NOT_SERVED.defaults],
    ['every optional part on and namespace.create', { ...ALL_PARTS, namespace: { create: true } }, NOT_SERVED.allParts],
  ] as const)('with %s: the API server takes every object of a kind it serves', async (label, values, notServed) => {
    const objects = await renderChart(values);
    expect(objects.filter((o) => !served(o)).map(name).sort()).toEqual([...notServed].sort());
    const applied = objects.filter(served);
    const out = await c.kubectl('apply', '--validate=strict', '-f', await manifest(`${label}.yaml`, applied));
    expect(out.code, out.stderr).toBe(0);
    // The demo's namespace scalerd is there already (created by the scenario, not by kubectl).
    expect(out.stderr.replace(/^Warning: resource namespaces\/scalerd is missing the kubectl\.kubernetes\.io\/last-applied-configuration annotation.*\n/m, '')).toBe('');
    // Every object, once: created, or configured / unchanged where the first case applied it.
    const lines = out.stdout.trim().split('\n');
    for (const line of lines) expect(line).toMatch(/^\S+ (created|configured|unchanged)$/);
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual(applied.map(printed).sort());

    // What is left out, the simulator refuses for its kind, not for its content (without
    // validation: kubectl would look for the unknown kinds' CRDs, which the simulator does not serve).
    const refused = await c.kubectl('apply', '--validate=false', '-f', await manifest(`${label}-not-served.yaml`, objects.filter((o) => !served(o))));
    expect(refused.code).not.toBe(0);
    const kinds = [...new Set(objects.filter((o) => !served(o)).map((o) => `${o.kind}" in version "${o.apiVersion}`))];
    for (const kind of kinds) expect(refused.stderr).toContain(`no matches for kind "${kind}"`);
  });
});
