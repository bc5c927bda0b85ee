// kubectl v1.32's generators against the simulated API server: kubectl create configmap,
// deployment, namespace and poddisruptionbudget. Their typed clients send the object as
// protobuf: `kubectl create configmap x --from-literal=a=b -v=8` logs
// "Content-Type: application/vnd.kubernetes.protobuf" and
// "Accept: application/vnd.kubernetes.protobuf,application/json" on its POST, and the
// simulator answers in JSON, which client-go decodes by the answer's Content-Type. Here
// kubectl talks through a recording proxy, so each test sees the bytes it sent, and the JSON
// kubectl itself writes for the same object (--dry-run=client -o json) is what they must
// decode to.

import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.js';
import { decodeProtobufObject } from '../../../src/sim/kube/protobuf/decode.js';
import type { StoreEvent } from '../../../src/sim/kube/store.js';
import { type Clients, START, clientsFor, isServing, podsOfApp, requireKubectl132, shippedScenario } from './helpers.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

type Exchange = { method: string; path: string; contentType: string; accept: string; body: Buffer; status: number; answer: string };

/** An HTTP proxy to the simulator that keeps every request and answer. */
async function recordingProxy(target: string): Promise<{ url: string; exchanges: Exchange[]; close(): Promise<void> }> {
  const exchanges: Exchange[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && !['host', 'connection', 'content-length', 'accept-encoding'].includes(name)) headers[name] = value;
      }
      fetch(`${target}${req.url}`, { method: req.method, headers, ...(body.length > 0 ? { body } : {}), signal: AbortSignal.timeout(15_000) })
        .then(async (upstream) => {
          const answer = await upstream.text();
          exchanges.push({
            method: req.method!, path: req.url!, contentType: req.headers['content-type'] ?? '', accept: req.headers.accept ?? '', body, status: upstream.status, answer,
          });
          const out: Record<string, string> = {};
          upstream.headers.forEach((value, name) => {
            if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) out[name] = value;
          });
          res.writeHead(upstream.status, out);
          res.end(answer);
        })
        .catch((error: Error) => {
          res.writeHead(502);
          res.end(error.message);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let sim: Sim;
let c: Clients;
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
let events: StoreEvent[];

beforeAll(requireKubectl132);

beforeEach(async () => {
  sim = await startSim({ scenario: await shippedScenario('small'), manualClock: true, startAt: START });
  proxy = await recordingProxy(sim.server);
  c = await clientsFor({ ...sim, kubeconfig: sim.kubeconfig.replace(sim.server, proxy.url) });
  events = [];
  sim.store.subscribe((e) => events.push(e));
});

afterEach(async () => {
  await proxy?.close();
  await sim?.stop();
  await c?.dispose();
});

/** kubectl's stdout, failing the test (with its stderr) unless it exits 0 with nothing on stderr. */
async function ok(...args: string[]): Promise<string> {
  const out = await c.kubectl(...args);
  expect(out.stderr, `kubectl ${args.join(' ')}`).toBe('');
  expect(out.code).toBe(0);
  return out.stdout;
}

/** The one POST to `resource` that kubectl made. */
function posted(resource: string): Exchange {
  const posts = proxy.exchanges.filter((e) => e.method === 'POST' && e.path.split('?')[0]!.endsWith(`/${resource}`));
  expect(posts).toHaveLength(1);
  return posts[0]!;
}

/** `kubectl get -o json` without what the server sets (uid, resourceVersion, creationTimestamp, generation). */
async function readBack(...args: string[]): Promise<Record<string, any>> {
  const object = JSON.parse(await ok('get', ...args, '-o', 'json')) as Record<string, any>;
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ct, generation: _g, ...metadata } = object.metadata as Record<string, unknown>;
  return { ...object, metadata };
}

/** What kubectl writes for the object it would create (`kubectl create … --dry-run=client -o json`). */
async function clientJson(...args: string[]): Promise<Record<string, any>> {
  return JSON.parse(await ok('create', ...args, '--dry-run=client', '-o', 'json')) as Record<string, any>;
}

/** Without the null creationTimestamp of an object not yet created. */
const withoutTimestamp = (object: Record<string, any>): Record<string, any> => {
  const { creationTimestamp: _ct, ...metadata } = object.metadata as Record<string, unknown>;
  return { ...object, metadata };
};

describe('kubectl create <kind> sends protobuf, decoded into the JSON kubectl writes for the same object', () => {
  it('configmap --from-literal and --from-file (binaryData): stored and read back as sent', async () => {
    const dir = c.dir;
    await writeFile(join(dir, 'blob.bin'), Buffer.from([0, 1, 2, 0xfe, 0xff]));
    const args = ['configmap', 'settings', '--from-literal=mode=prod', '--from-literal=level=3', `--from-file=${join(dir, 'blob.bin')}`, '-n', 'shop'];
    const expected = await clientJson(...args);
    expect(expected.binaryData).toEqual({ 'blob.bin': 'AAEC/v8=' });

    expect(await ok('create', ...args)).toBe('configmap/settings created\n');
    const sent = posted('configmaps');
    expect(sent.contentType).toBe(PROTOBUF);
    expect(sent.accept).toBe(`${PROTOBUF},application/json`);
    expect(sent.body.subarray(0, 4).toString('latin1')).toBe('k8s\0');
    expect(sent.path).toContain('fieldValidation=Strict');
    // Decoded, kubectl's bytes are kubectl's JSON of the same object, key for key.
    expect(decodeProtobufObject(sent.body, { group: '', version: 'v1', kind: 'ConfigMap' })).toEqual(expected);
    // Answered in JSON, which kubectl took.
    expect(sent.status).toBe(201);
    expect(JSON.parse(sent.answer).data).toEqual({ level: '3', mode: 'prod' });

    // Read back: what kubectl sent, with the server's uid, resourceVersion and creationTimestamp.
    expect(await readBack('configmap', 'settings', '-n', 'shop')).toEqual(withoutTimestamp(expected));
  });

  it('namespace, then deployment web --image=nginx --replicas=3 in it: as a JSON client\'s, and its 3 pods run', async () => {
    expect(await ok('create', 'namespace', 'team')).toBe('namespace/team created\n');
    const ns = posted('namespaces');
    expect(ns.contentType).toBe(PROTOBUF);
    const sentNamespace = await clientJson('namespace', 'team');
    expect(decodeProtobufObject(ns.body, { group: '', version: 'v1', kind: 'Namespace' })).toEqual(sentNamespace);
    // Read back: what kubectl sent (and whatever the server adds).
    const team = await readBack('namespace', 'team');
    expect(team).toMatchObject(withoutTimestamp(sentNamespace));
    // ...and what the namespace strategy adds, as on a real server: no generation.
    expect(team).toMatchObject({ metadata: { labels: { 'kubernetes.io/metadata.name': 'team' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    expect(sim.store.get('namespaces', undefined, 'team')!.metadata).not.toHaveProperty('generation');

    const args = ['deployment', 'web', '--image=nginx', '--replicas=3', '-n', 'team'];
    const expected = await clientJson(...args);
    expect(expected.spec.template.spec.containers).toEqual([{ name: 'nginx', image: 'nginx', resources: {} }]);
    expect(await ok('create', ...args)).toBe('deployment.apps/web created\n');
    const sent = posted('deployments');
    expect(sent.contentType).toBe(PROTOBUF);
    expect(decodeProtobufObject(sent.body, { group: 'apps', version: 'v1', kind: 'Deployment' })).toEqual(expected);

    // The same object sent as JSON (kubectl create -f of kubectl's own JSON) is stored alike:
    // both took the same path (defaults, status), so they differ in namespace only.
    await ok('create', 'namespace', 'twin');
    const file = join(c.dir, 'web.json');
    await writeFile(file, JSON.stringify({ ...expected, metadata: { ...expected.metadata, namespace: 'twin' } }));
    expect(await ok('create', '-f', file)).toBe('deployment.apps/web created\n');
    expect(proxy.exchanges.filter((e) => e.method === 'POST' && e.path.includes('/namespaces/twin/deployments')).map((e) => e.contentType)).toEqual(['application/json']);
    const fromProtobuf = await readBack('deployment', 'web', '-n', 'team');
    const fromJson = await readBack('deployment', 'web', '-n', 'twin');
    expect(fromProtobuf.spec.replicas).toBe(3);
    expect(fromProtobuf.spec.template.spec.containers[0].image).toBe('nginx');
    expect({ ...fromProtobuf, metadata: { ...fromProtobuf.metadata, namespace: 'twin' } }).toEqual(fromJson);

    sim.clock.advance(10_000); // ReplicaSet, scheduler, kubelet
    expect(podsOfApp(sim, 'team', 'web').filter(isServing)).toHaveLength(3);
    const deployment = await readBack('deployment', 'web', '-n', 'team');
    expect(deployment.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3 });
  });

  it('poddisruptionbudget --selector --min-available 1: the IntOrString and the selector as sent', async () => {
    const args = ['poddisruptionbudget', 'web-pdb', '--selector=app=web', '--min-available=1', '-n', 'shop'];
    const expected = await clientJson(...args);
    expect(expected.spec).toEqual({ minAvailable: 1, selector: { matchLabels: { app: 'web' } } });
    expect(await ok('create', ...args)).toBe('poddisruptionbudget.policy/web-pdb created\n');
    const sent = posted('poddisruptionbudgets');
    expect(sent.contentType).toBe(PROTOBUF);
    expect(decodeProtobufObject(sent.body, { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget' })).toEqual(expected);
    sim.clock.advance(1_000);
    const stored = await readBack('pdb', 'web-pdb', '-n', 'shop');
    // Read back: what kubectl sent, but the status, which is the disruption controller's.
    const { status: _status, ...sentButStatus } = withoutTimestamp(expected);
    expect(stored).toMatchObject(sentButStatus);
    expect(stored.spec).toEqual(expected.spec);
    // The disruption controller counts the shop's web pods against it.
    expect(stored.status.expectedPods).toBe(podsOfApp(sim, 'shop', 'web').length);
    expect(stored.status.expectedPods).toBeGreaterThan(0);
  });
});

describe('kubectl create service', () => {
  it('clusterip --tcp=80:8080: a port and an IntOrString targetPort as sent', async () => {
    const args = ['service', 'clusterip', 'front', '--tcp=80:8080', '--tcp=443:https', '-n', 'shop'];
    const expected = await clientJson(...args);
    expect(expected.spec.ports).toEqual([
      { name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 },
      { name: '443-https', protocol: 'TCP', port: 443, targetPort: 'https' },
    ]);
    expect(await ok('create', ...args)).toBe('service/front created\n');
    const sent = posted('services');
    expect(sent.contentType).toBe(PROTOBUF);
    expect(decodeProtobufObject(sent.body, { group: '', version: 'v1', kind: 'Service' })).toEqual(expected);
    const stored = await readBack('service', 'front', '-n', 'shop');
    expect(stored.spec.ports).toEqual(expected.spec.ports);
    expect(stored.spec.selector).toEqual(expected.spec.selector);
  });
});

describe('kubectl create <kind> --dry-run=server: answered, nothing stored', () => {
  it.each([
    [['configmap', 'dry', '--from-literal=a=b', '-n', 'shop'], 'configmap/dry created (server dry run)\n', ['configmap', 'dry', '-n', 'shop']],
    [['deployment', 'dry', '--image=nginx', '--replicas=3', '-n', 'shop'], 'deployment.apps/dry created (server dry run)\n', ['deployment', 'dry', '-n', 'shop']],
    [['namespace', 'dry'], 'namespace/dry created (server dry run)\n', ['namespace', 'dry']],
    [['poddisruptionbudget', 'dry', '--selector=app=web', '--min-available=1', '-n', 'shop'], 'poddisruptionbudget.policy/dry created (server dry run)\n', ['pdb', 'dry', '-n', 'shop']],
  ])('create %j', async (args, said, get) => {
    const rv = sim.store.resourceVersion;
    expect(await c.kubectl('create', ...args, '--dry-run=server')).toEqual({ code: 0, stdout: said, stderr: '' });
    const sent = proxy.exchanges.find((e) => e.method === 'POST')!;
    expect(sent.contentType).toBe(PROTOBUF);
    expect(sent.path).toContain('dryRun=All');
    expect(sent.status).toBe(201);
    // The clock has not moved: nothing else wrote either.
    expect(events).toEqual([]);
    expect(sim.store.resourceVersion).toBe(rv);
    expect(sim.recorder.facts('mutation')).toEqual([]);
    const out = await c.kubectl('get', ...get);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/\(NotFound\)/);
  });
});

describe('refused as the JSON path refuses it', () => {
  it('deployment Bad_Name: the same 422 Status as kubectl create -f of the same object in JSON', async () => {
    const protobuf = await c.kubectl('create', 'deployment', 'Bad_Name', '--image=x', '-n', 'shop');
    expect(protobuf.code).toBe(1);
    expect(protobuf.stderr).toMatch(/^error: failed to create deployment: Deployment\.apps "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    const sentProtobuf = posted('deployments');
    expect(sentProtobuf.contentType).toBe(PROTOBUF);

    const file = join(c.dir, 'bad.json');
    await writeFile(file, JSON.stringify(await clientJson('deployment', 'Bad_Name', '--image=x', '-n', 'shop')));
    const json = await c.kubectl('create', '-f', file);
    expect(json.code).toBe(1);
    const sentJson = proxy.exchanges.filter((e) => e.method === 'POST' && e.contentType === 'application/json');
    expect(sentJson).toHaveLength(1);

    expect(sentProtobuf.status).toBe(422);
    expect(sentJson[0]!.status).toBe(422);
    expect(JSON.parse(sentProtobuf.answer)).toEqual(JSON.parse(sentJson[0]!.answer));
    expect(JSON.parse(sentProtobuf.answer)).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422, details: { name: 'Bad_Name', group: 'apps', kind: 'Deployment' } });
    expect(events).toEqual([]);
  });

  it('on the wire: a body that is not protobuf, and another kind than the URL\'s, are a 400 Status', async () => {
    const post = (body: Buffer) => fetch(`${sim.server}/api/v1/namespaces/shop/configmaps`, {
      method: 'POST', headers: { 'content-type': PROTOBUF, accept: `${PROTOBUF}, application/json` }, body, signal: AbortSignal.timeout(10_000),
    });
    const notProtobuf = await post(Buffer.from('{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x"}}'));
    expect(notProtobuf.status).toBe(400);
    expect(notProtobuf.headers.get('content-type')).toBe('application/json');
    expect(await notProtobuf.json()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'BadRequest', code: 400,
      message: 'the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"kind":"ConfigMap","apiVersio ...)',
    });

    // kubectl's own bytes for a namespace, sent to configmaps.
    await ok('create', 'namespace', 'elsewhere');
    const namespace = posted('namespaces').body;
    const mismatch = await post(namespace);
    expect(mismatch.status).toBe(400);
    expect(((await mismatch.json()) as { message: string }).message).toBe('Namespace in version "v1" cannot be handled as a ConfigMap: converting (v1.Namespace) to (core.ConfigMap): unknown conversion');
    expect(sim.store.get('configmaps', 'shop', 'elsewhere')).toBeUndefined();
  });
});
