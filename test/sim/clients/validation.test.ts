// Independent clients against the simulator's validation and dryRun: kubectl v1.32, the
// official Python client (Debian's python3-kubernetes, run by /usr/bin/python3), and the
// wire itself for the Warning headers. Each is refused, or dry-run, with what a real
// API server would answer.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.js';
import type { StoreEvent } from '../../../src/sim/kube/store.js';
import { type Clients, START, clientsFor, isDaemonSetPod, podsOn, requireKubectl132, runPython, shippedScenario } from './helpers.js';

let sim: Sim;
let c: Clients;
let events: StoreEvent[];

beforeAll(requireKubectl132);

beforeEach(async () => {
  sim = await startSim({ scenario: await shippedScenario('small'), manualClock: true, startAt: START });
  c = await clientsFor(sim);
  events = [];
  sim.store.subscribe((e) => events.push(e));
});

afterEach(async () => {
  await sim?.stop();
  await c?.dispose();
});

const deploymentYaml = (name: string, replicas: string, app = name) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${app}}
  template:
    metadata:
      labels: {app: ${app}}
    spec:
      containers: [{name: c, image: nginx}]
`;

async function file(name: string, text: string): Promise<string> {
  const path = join(c.dir, name);
  await writeFile(path, text);
  return path;
}

describe('kubectl', () => {
  it('drain --dry-run=server cordons and evicts nothing', async () => {
    const node = sim.store.list('nodes').find((n) => podsOn(sim, n.metadata.name).length > 1)!.metadata.name;
    const pods = podsOn(sim, node).map((p) => p.metadata.uid).sort();
    const rv = sim.store.resourceVersion;
    const out = await c.kubectl('drain', '--dry-run=server', node, '--ignore-daemonsets', '--force', '--delete-emptydir-data');
    // kubectl warns of the bare pod and the DaemonSet's pod it was told to force past and ignore.
    expect(out.stderr.trim().split('\n').every((line) => line.startsWith('Warning: '))).toBe(true);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`node/${node} cordoned (server dry run)`);
    // Every pod but the DaemonSet's is evicted in the dry run (kubectl then waits for none to go).
    for (const pod of podsOn(sim, node).filter((p) => !isDaemonSetPod(p))) {
      expect(out.stdout).toContain(`evicting pod ${pod.metadata.namespace}/${pod.metadata.name} (server dry run)`);
    }
    expect(out.stdout).toContain(`node/${node} drained (server dry run)`);
    expect((sim.store.get('nodes', undefined, node)!.spec as { unschedulable?: boolean }).unschedulable).toBeFalsy();
    expect(podsOn(sim, node).map((p) => p.metadata.uid).sort()).toEqual(pods);
    expect(podsOn(sim, node).filter((p) => p.metadata.deletionTimestamp)).toEqual([]);
    expect(sim.store.resourceVersion).toBe(rv);
    expect(events).toEqual([]);
    expect(sim.recorder.facts('eviction')).toEqual([]);
    expect(sim.recorder.facts('cordon')).toEqual([]);
    expect(sim.recorder.facts('mutation')).toEqual([]);
  });

  it('create --dry-run=server answers "created (server dry run)" and stores nothing', async () => {
    const path = await file('d.yaml', deploymentYaml('dry', '2'));
    expect(await c.kubectl('create', '-f', path, '--dry-run=server')).toEqual({ code: 0, stdout: 'deployment.apps/dry created (server dry run)\n', stderr: '' });
    expect(sim.store.get('deployments.apps', 'shop', 'dry')).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('apply of an object that does not decode, or breaks a rule, is refused with the API server\'s words', async () => {
    const three = await file('three.yaml', deploymentYaml('bad', '"three"'));
    expect(await c.kubectl('apply', '-f', three)).toEqual({
      code: 1, stdout: '',
      stderr: `Error from server (BadRequest): error when creating "${three}": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32\n`,
    });
    const negative = await file('negative.yaml', deploymentYaml('bad', '-1'));
    expect(await c.kubectl('apply', '-f', negative)).toEqual({
      code: 1, stdout: '',
      stderr: `The Deployment "bad" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n`,
    });
    expect(sim.store.get('deployments.apps', 'shop', 'bad')).toBeUndefined();

    // The scenario's web Deployment, moved to another selector: immutable.
    const moved = await file('moved.yaml', deploymentYaml('web', '2', 'moved'));
    const out = await c.kubectl('apply', '-f', moved);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('The Deployment "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"moved"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable');
    expect((sim.store.get('deployments.apps', 'shop', 'web')!.spec as { selector: unknown }).selector).toEqual({ matchLabels: { app: 'web' } });
  });
});

describe('the wire', () => {
  const post = (path: string, body: unknown) => fetch(`${sim.server}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: 'b' }, colour: 'red' });

  it('warns of an unknown field by default (Warning: 299), refuses it with Strict, says nothing with Ignore', async () => {
    const warned = await post('/api/v1/namespaces/shop/configmaps', configMap('a'));
    expect(warned.status).toBe(201);
    expect(warned.headers.get('warning')).toBe('299 - "unknown field \\"colour\\""');
    expect(await warned.json()).not.toHaveProperty('colour');

    const strict = await post('/api/v1/namespaces/shop/configmaps?fieldValidation=Strict', configMap('b'));
    expect(strict.status).toBe(400);
    expect(await strict.json()).toMatchObject({ reason: 'BadRequest', message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "colour"' });

    const ignored = await post('/api/v1/namespaces/shop/configmaps?fieldValidation=Ignore', configMap('c'));
    expect(ignored.status).toBe(201);
    expect(ignored.headers.get('warning')).toBeNull();
    expect(sim.store.list('configmaps', 'shop').map((m) => m.metadata.name)).toEqual(expect.arrayContaining(['a', 'c']));
    expect(sim.store.get('configmaps', 'shop', 'b')).toBeUndefined();
  });

  it('refuses a dryRun other than All with the 422 of the options kind, and deletes a collection only for real', async () => {
    const bad = await post('/api/v1/namespaces/shop/configmaps?dryRun=Some', configMap('a'));
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ message: 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"' });
    await post('/api/v1/namespaces/shop/configmaps', configMap('a'));
    const before = sim.store.count('configmaps');
    const dry = await fetch(`${sim.server}/api/v1/namespaces/shop/configmaps?dryRun=All`, { method: 'DELETE' });
    expect(dry.status).toBe(200);
    expect(sim.store.count('configmaps')).toBe(before);
  });
});

describe('the official Python client', () => {
  const python = (script: string) => runPython(c, script);

  const body = (replicas: unknown) => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'py' },
    spec: { replicas, selector: { matchLabels: { app: 'py' } }, template: { metadata: { labels: { app: 'py' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });

  it("dry_run='All' create answers the object and changes nothing", async () => {
    const answer = await python(`d = apps.create_namespaced_deployment('shop', ${JSON.stringify(body(3))}, dry_run='All')\nprint(json.dumps({'name': d.metadata.name, 'uid': d.metadata.uid, 'replicas': d.spec.replicas}))`);
    expect(answer).toEqual({ name: 'py', uid: expect.any(String), replicas: 3 });
    expect(sim.store.get('deployments.apps', 'shop', 'py')).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('an invalid body is answered 422 with its causes; one that does not decode, 400', async () => {
    const refused = await python(`
out = []
for replicas in [-1, 'three']:
    try:
        apps.create_namespaced_deployment('shop', ${JSON.stringify(body(0)).replace('"replicas":0', '"replicas":replicas')})
        out.append('created')
    except ApiException as e:
        out.append({'status': e.status, 'body': json.loads(e.body)})
print(json.dumps(out))`);
    expect(refused).toEqual([
      { status: 422, body: expect.objectContaining({ reason: 'Invalid', details: expect.objectContaining({ causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }] }) }) },
      { status: 400, body: expect.objectContaining({ reason: 'BadRequest', message: expect.stringContaining('json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32') }) },
    ]);
    expect(sim.store.get('deployments.apps', 'shop', 'py')).toBeUndefined();
  });
});
