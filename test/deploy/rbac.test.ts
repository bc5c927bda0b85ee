// Least privilege you can check: every Kubernetes request the adapter can make, found by
// calling every method of every port it implements against the simulator (which counts
// requests as RBAC sees them: verb, resource, subresource), must be exactly what
// CALLS lists, and deploy/'s ClusterRole and Role must grant exactly CALLS — no rule the
// code does not use, no call without a rule. The deployer's component grants Roles only,
// one in each namespace it is configured to deploy to. The Helm chart (charts/scalerd) is
// held to the same: its rendered rules are checked with the same expectations.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HISTORY_CONFIG_MAP } from '../../src/daemon/history.js';
import { LEASE_NAME } from '../../src/daemon/leader.js';
import { versionManifests } from '../../src/deployer/manifests/index.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clusterOver, createDeployerCluster, createKubeDeps, createSecretReader, loadKubeConfig } from '../../src/kube/index.js';
import { createConfigMaps } from '../../src/kube/config-maps.js';
import { createEventSink } from '../../src/kube/events.js';
import { createLeaseStore } from '../../src/kube/leases.js';
import { OVERRIDES_CONFIG_MAP } from '../../src/overrides/store.js';
import { startSim, type Sim } from '../../src/sim/index.js';
import { loadScenarioFile } from '../../src/sim/scenario/load.js';
import { kubeconfigFile } from '../kube/helpers.js';
import type { DeployerCluster } from '../../src/ports/deployer.js';
import { helloDescriptor } from '../deployer/bed.js';
import { ALL_PARTS, renderChart } from './helm.js';
import { render, renderWith, type KubeObject } from './render.js';

const NAMESPACE = 'scalerd';

/** The daemon's objects from kustomize and from the chart's defaults. */
const DAEMON_SOURCES = [['deploy/', () => render()], ['charts/scalerd', () => renderChart()]] as const;
/**
 * With the deployer: kustomize's component as shipped, and the chart with two namespaces
 * (deployer.namespaces drives both the variable and the Roles).
 */
const DEPLOYER_SOURCES = [
  ['deploy/components/deployer', () => renderWith(['deployer'])],
  ['charts/scalerd, deployer.enabled', () => renderChart({ deployer: { ...ALL_PARTS.deployer, namespaces: ['default', 'shop'] } })],
] as const;

/**
 * Every request, by where RBAC must allow it: cluster-wide (the ClusterRole), or only in
 * scalerd's namespace on its own objects (the Role).
 */
const CALLS = {
  cluster: [
    ['', 'nodes', ['get', 'list', 'patch', 'delete']],
    ['', 'pods', ['get', 'list', 'delete']],
    ['', 'pods/eviction', ['create']],
    ['', 'events', ['create', 'get', 'patch']],
    ['apps', 'deployments', ['list', 'patch']],
    ['apps', 'statefulsets', ['list', 'patch']],
    ['apps', 'deployments/scale', ['patch']],
    ['apps', 'statefulsets/scale', ['patch']],
    ['autoscaling', 'horizontalpodautoscalers', ['list', 'patch']],
    ['policy', 'poddisruptionbudgets', ['list']],
  ],
  namespace: [
    ['coordination.k8s.io', 'leases', ['get', 'create', 'update']],
    ['', 'configmaps', ['get', 'list', 'watch', 'create', 'update']],
  ],
  /** The blue/green deployer's Role in each namespace it deploys to (deploy/components/deployer). */
  deployer: [
    ['apps', 'deployments', ['create', 'get', 'list', 'delete']],
    ['', 'services', ['create', 'get', 'list', 'delete']],
    ['', 'pods', ['list']],
    ['', 'secrets', ['get']],
  ],
} as const;

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
type Grant = `${string} ${string} ${string}`;

const expand = (calls: readonly (readonly [string, string, readonly string[]])[]): Grant[] =>
  calls.flatMap(([group, resource, verbs]) => verbs.map((verb): Grant => `${verb} ${group || 'core'} ${resource}`)).sort();
const granted = (rules: readonly Rule[]): Grant[] =>
  rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v): Grant => `${v} ${g || 'core'} ${res}`)))).sort();

let sim: Sim;
const exercised = new Set<string>();
/** What the daemon's ports asked, and then what the deployer's did. */
let daemonRequests: Record<string, number>;
let deployerRequests: Record<string, number>;

beforeAll(async () => {
  const loaded = await loadScenarioFile('scenarios/small.json');
  if (!loaded.ok) throw new Error('scenarios/small.json does not load');
  // An HPA on web, so the HPA calls have something to act on.
  const scenario = { ...loaded.scenario, namespaces: [NAMESPACE], workloads: loaded.scenario.workloads!.map((w) => (w.name === 'web' ? { ...w, hpa: { min: 2, max: 5 } } : w)) };
  sim = await startSim({ scenario });
  const deps = createKubeDeps({ target: loadKubeConfig({ kubeconfig: kubeconfigFile(sim) }), clientId: 'rbac-test' });
  const cluster = clusterOver(deps);
  const leases = createLeaseStore(deps);
  const configMaps = createConfigMaps(deps);
  const events = createEventSink(deps);
  const ports = { cluster, leases, configMaps, events } as const;

  sim.recorder.clear();
  const call = async <P extends keyof typeof ports, M extends keyof (typeof ports)[P]>(port: P, method: M, run: (p: (typeof ports)[P]) => Promise<unknown>) => {
    exercised.add(`${port}.${String(method)}`);
    await run(ports[port]);
  };
  const nodes = await cluster.listNodes();
  const pods = await cluster.listPods();
  exercised.add('cluster.listNodes').add('cluster.listPods');
  const [victim, other] = nodes.map((n) => n.name);
  const web = pods.filter((p) => p.name.startsWith('web-'));
  await call('cluster', 'listPodsOnNode', (c) => c.listPodsOnNode(victim!));
  await call('cluster', 'getPod', (c) => c.getPod(web[0]!.namespace, web[0]!.name));
  await call('cluster', 'changeNode', async (c) => {
    await c.changeNode(victim!, { unschedulable: true, annotations: { 'scalerd.io/test': 'a' } });
    await c.changeNode(victim!, { annotations: { 'scalerd.io/test': 'b' }, expectAnnotations: { 'scalerd.io/test': 'a' } });
  });
  await call('cluster', 'evictPod', (c) => c.evictPod(web[0]!, 1));
  await call('cluster', 'deletePod', (c) => c.deletePod(web[1]!, 0));
  await call('cluster', 'deleteNode', (c) => c.deleteNode(other!));
  const refs = [{ kind: 'Deployment', namespace: 'shop', name: 'web' }, { kind: 'StatefulSet', namespace: 'shop', name: 'search' }] as const;
  await call('cluster', 'getWorkloads', (c) => c.getWorkloads(refs));
  await call('cluster', 'scaleWorkload', async (c) => { for (const ref of refs) await c.scaleWorkload(ref, 3); });
  await call('cluster', 'annotateWorkload', async (c) => { for (const ref of refs) await c.annotateWorkload(ref, { 'scalerd.io/test': 'x' }); });
  await call('cluster', 'changeHpa', (c) => c.changeHpa('shop', 'web', { minReplicas: 3 }));
  await call('cluster', 'listPdbs', (c) => c.listPdbs());
  await call('leases', 'get', (l) => l.get(NAMESPACE, LEASE_NAME));
  await call('leases', 'create', (l) => l.create({ namespace: NAMESPACE, name: LEASE_NAME, holderIdentity: 'a', leaseDurationSeconds: 15, resourceVersion: '' }));
  await call('leases', 'update', async (l) => { const lease = await l.get(NAMESPACE, LEASE_NAME); await l.update({ ...lease!, holderIdentity: 'b' }); });
  const content = { data: { a: '1' }, labels: {}, annotations: {} };
  await call('configMaps', 'create', (m) => m.create(NAMESPACE, OVERRIDES_CONFIG_MAP, content));
  await call('configMaps', 'update', async (m) => { const cm = await m.get(NAMESPACE, OVERRIDES_CONFIG_MAP); await m.update(NAMESPACE, OVERRIDES_CONFIG_MAP, { ...content, resourceVersion: cm!.resourceVersion }); });
  await call('configMaps', 'get', (m) => m.get(NAMESPACE, HISTORY_CONFIG_MAP));
  await call('configMaps', 'watch', async (m) => {
    const stop = new AbortController();
    let seen = 0;
    const watching = m.watch(NAMESPACE, OVERRIDES_CONFIG_MAP, () => { seen++; }, { signal: stop.signal });
    const deadline = Date.now() + 5_000;
    // The first call comes from the list; the watch request follows it.
    while ((seen === 0 || !sim.recorder.requests()['watch configmaps']) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    await watching;
  });
  await call('events', 'emit', async (e) => {
    const event = { regarding: { kind: 'Node', name: victim! }, type: 'Normal', reason: 'Test', message: 'same twice' } as const;
    // The first create lands but its answer is lost: the retry meets AlreadyExists and
    // reads the Event back to tell its own from another writer's.
    sim.faults.addRequestFault({ api: 'kube', operation: 'create events', when: 'after', error: 500, count: 1 });
    await e.emit(event);
    await e.emit(event); // a repeat patches the count
    // On one of scalerd's ConfigMaps: the sink reads its uid (get configmaps, in the Role).
    await e.emit({ regarding: { kind: 'ConfigMap', namespace: NAMESPACE, name: OVERRIDES_CONFIG_MAP }, type: 'Normal', reason: 'Test', message: 'on the overrides' });
  });
  for (const [name, port] of Object.entries(ports)) {
    for (const method of Object.keys(port)) expect(exercised, `${name}.${method} is not exercised: add it above`).toContain(`${name}.${method}`);
  }
  daemonRequests = { ...sim.recorder.requests() };

  // The deployer: a version created (twice: the second meets AlreadyExists and reads the
  // object back), its pods and the app's versions listed, both deleted.
  sim.recorder.clear();
  const deployer = createDeployerCluster(deps);
  const descriptor = helloDescriptor(1);
  const { deployment, service } = versionManifests(descriptor, 1);
  const ref = { namespace: descriptor.namespace, app: descriptor.appName, version: 1 };
  const run: Record<keyof DeployerCluster, () => Promise<unknown>> = {
    createDeployment: async () => { await deployer.createDeployment(deployment); await deployer.createDeployment(deployment); },
    createService: async () => { await deployer.createService(service); await deployer.createService(service); },
    listVersionPods: () => deployer.listVersionPods(ref),
    listVersions: () => deployer.listVersions(ref.namespace, ref.app),
    deleteService: () => deployer.deleteService(ref),
    deleteDeployment: () => deployer.deleteDeployment(ref),
  };
  for (const call of Object.values(run)) await call();
  expect(Object.keys(run).sort()).toEqual(Object.keys(deployer).sort());
  deployerRequests = { ...sim.recorder.requests() };

  // The SecretReader: the simulator serves no Secrets, so the adapter talks to a server that
  // records each request as RBAC sees it (verb and resource, from the method and the path)
  // and answers one Secret, through the same kubeconfig but for the server's address.
  const recorded: Record<string, number> = {};
  const secretServer = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname.split('/');
    const named = path.length % 2 === 1 && path.length > 4;
    const verb = req.method === 'GET' ? (named ? 'get' : 'list') : (req.method ?? '').toLowerCase();
    const resource = path[named ? path.length - 2 : path.length - 1];
    recorded[`${verb} ${resource}`] = (recorded[`${verb} ${resource}`] ?? 0) + 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hooks', namespace: 'default' }, data: { signing: Buffer.from('s3cret').toString('base64') } }));
  });
  await new Promise<void>((resolve) => secretServer.listen(0, '127.0.0.1', resolve));
  try {
    const server = `http://127.0.0.1:${(secretServer.address() as AddressInfo).port}`;
    const kubeconfig = sim.kubeconfig.replace(/server: \S+/g, `server: ${server}`);
    const secretDeps = createKubeDeps({ target: loadKubeConfig({ kubeconfig: kubeconfigFile(sim, kubeconfig) }), clientId: 'rbac-test' });
    const reader = createSecretReader(secretDeps);
    const readers: Record<keyof typeof reader, () => Promise<unknown>> = {
      readSecretKey: async () => expect(await reader.readSecretKey('default', 'hooks', 'signing')).toBe('s3cret'),
    };
    for (const call of Object.values(readers)) await call();
    expect(Object.keys(readers).sort()).toEqual(Object.keys(reader).sort());
  } finally {
    await new Promise((resolve) => secretServer.close(resolve));
  }
  for (const [request, count] of Object.entries(recorded)) deployerRequests[request] = (deployerRequests[request] ?? 0) + count;
}, 60_000);

afterAll(async () => sim?.stop());

describe('RBAC: the Kubernetes adapter\'s calls', () => {
  it('the adapter\'s requests are exactly CALLS (every port method called)', () => {
    const made = Object.keys(daemonRequests).sort();
    const listed = [...CALLS.cluster, ...CALLS.namespace].flatMap(([, resource, verbs]) => verbs.map((verb) => `${verb} ${resource}`)).sort();
    expect(made).toEqual(listed);
  });
});

describe.each(DAEMON_SOURCES)('RBAC: %s grants exactly the calls the Kubernetes adapter makes', (_source, renderObjects) => {
  it('the ClusterRole grants exactly the cluster-wide calls, for the service account', async () => {
    const objects = await renderObjects();
    const role = objects.find((o) => o.kind === 'ClusterRole') as KubeObject & { rules: Rule[] };
    expect(role.rules.every((r) => r.resourceNames === undefined)).toBe(true);
    expect(granted(role.rules)).toEqual(expand(CALLS.cluster));
    const binding = objects.find((o) => o.kind === 'ClusterRoleBinding') as KubeObject & { roleRef: { name: string }; subjects: { kind: string; name: string; namespace: string }[] };
    expect(binding.roleRef.name).toBe(role.metadata.name);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'scalerd', namespace: NAMESPACE }]);
  });

  it('the Role grants exactly the namespace calls, by name wherever RBAC can match one', async () => {
    const objects = await renderObjects();
    const role = objects.find((o) => o.kind === 'Role') as KubeObject & { rules: Rule[] };
    expect(role.metadata.namespace).toBe(NAMESPACE);
    expect(granted(role.rules)).toEqual(expand(CALLS.namespace));
    // create cannot name its object; every other verb is held to scalerd's own objects.
    for (const rule of role.rules) {
      if (rule.verbs.includes('create')) expect(rule.verbs).toEqual(['create']);
      else expect(rule.resourceNames, JSON.stringify(rule)).toEqual(rule.resources.includes('leases') ? [LEASE_NAME] : [OVERRIDES_CONFIG_MAP, HISTORY_CONFIG_MAP]);
    }
    const binding = objects.find((o) => o.kind === 'RoleBinding') as KubeObject & { roleRef: { kind: string; name: string }; subjects: unknown[] };
    expect(binding.roleRef).toMatchObject({ kind: 'Role', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'scalerd', namespace: NAMESPACE }]);
  });
});

describe('RBAC: the deployer\'s adapter\'s calls', () => {
  it('the adapter\'s requests are exactly CALLS.deployer (every method called)', () => {
    const listed = CALLS.deployer.flatMap(([, resource, verbs]) => verbs.map((verb) => `${verb} ${resource}`)).sort();
    expect(Object.keys(deployerRequests).sort()).toEqual(listed);
  });
});

describe.each(DEPLOYER_SOURCES)('RBAC: %s grants exactly the calls the deployer\'s adapter makes', (_source, renderObjects) => {
  it('its Roles grant exactly those, in each namespace it deploys to and nowhere else, to its own service account', async () => {
    const objects = await renderObjects();
    // No cluster-wide grant: a deployer token reaches the namespaces it is configured for only.
    expect(objects.filter((o) => /^ClusterRole/.test(o.kind) && o.metadata.name === 'scalerd-deployer')).toEqual([]);
    const pod = (objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'scalerd-deployer') as KubeObject & { spec: { template: { spec: { serviceAccountName: string; containers: { env: { name: string; value: string }[] }[] } } } }).spec.template.spec;
    expect(pod.serviceAccountName).toBe('scalerd-deployer');
    const namespaces = pod.containers[0]!.env.find((e) => e.name === 'SCALERD_DEPLOYER_NAMESPACES')!.value.split(',').map((n) => n.trim());
    expect(namespaces.length).toBeGreaterThan(0);
    const roles = objects.filter((o) => o.kind === 'Role' && o.metadata.name === 'scalerd-deployer') as (KubeObject & { rules: Rule[] })[];
    const bindings = objects.filter((o) => o.kind === 'RoleBinding' && o.metadata.name === 'scalerd-deployer') as (KubeObject & { roleRef: { kind: string; name: string }; subjects: unknown[] })[];
    expect(roles.map((r) => r.metadata.namespace).sort()).toEqual([...namespaces].sort());
    expect(bindings.map((b) => b.metadata.namespace).sort()).toEqual([...namespaces].sort());
    for (const role of roles) {
      expect(granted(role.rules)).toEqual(expand(CALLS.deployer));
      expect(role.rules.every((r) => r.resourceNames === undefined)).toBe(true);
    }
    for (const binding of bindings) {
      expect(binding.roleRef).toMatchObject({ kind: 'Role', name: 'scalerd-deployer' });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'scalerd-deployer', namespace: NAMESPACE }]);
    }
    // The daemon's roles are not widened by the component.
    const daemonRole = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'scalerd') as KubeObject & { rules: Rule[] };
    expect(granted(daemonRole.rules)).toEqual(expand(CALLS.cluster));
  });
});
