// kubectl v1.32 reading Events from the simulator: `kubectl describe` finds an object's
// events by the field selector involvedObject.{name,namespace,kind,uid} (for a Node, also
// with the kubelet's uid = name), and `kubectl get events` prints the API server's event
// columns. The clock is manual: the table's LAST SEEN is worked out on it. describe's AGE
// is not asserted: kubectl works it out from its own wall clock.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoSeconds } from '../../../src/clock.js';
import { type Sim, startSim } from '../../../src/sim/index.js';
import type { KubeObject } from '../../../src/sim/kube/store.js';
import { type Clients, START, clientsFor, describedEvents, kubectlOk, requireKubectl132, shippedScenario, table } from './helpers.js';

let sim: Sim;
let c: Clients;
let node: KubeObject;
let web: KubeObject;

/** A core/v1 Event as a recorder writes it, `ago` ms before now, repeated `count` times up to `lastAgo` ms ago. */
function event(namespace: string, name: string, involvedObject: Record<string, string>, fields: { reason: string; message: string; type?: string; count?: number; ago: number; lastAgo?: number; host?: string }): void {
  const now = sim.clock.now();
  sim.store.create('events', {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace },
    involvedObject,
    reason: fields.reason,
    message: fields.message,
    type: fields.type ?? 'Normal',
    source: { component: 'scalerd', ...(fields.host ? { host: fields.host } : {}) },
    reportingComponent: 'scalerd',
    firstTimestamp: isoSeconds(now - fields.ago),
    lastTimestamp: isoSeconds(now - (fields.lastAgo ?? fields.ago)),
    count: fields.count ?? 1,
  });
}

beforeAll(async () => {
  await requireKubectl132();
  sim = await startSim({ scenario: await shippedScenario('small'), manualClock: true, startAt: START });
  sim.clock.advance(600_000);
  c = await clientsFor(sim);
  node = sim.store.list('nodes')[0]!;
  web = sim.store.get('deployments.apps', 'shop', 'web')!;
  const nodeRef = { apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid, resourceVersion: node.metadata.resourceVersion };
  event('default', `${node.metadata.name}.a`, nodeRef, { reason: 'ScaleDownStarted', message: 'tainted and cordoned, 4 pods to move', ago: 90_000, lastAgo: 30_000, count: 3, host: 'scalerd-0' });
  // The kubelet's way: the node's name as its uid.
  event('default', `${node.metadata.name}.b`, { kind: 'Node', name: node.metadata.name, uid: node.metadata.name }, { reason: 'NodeReady', message: 'Node is ready', ago: 300_000 });
  const webRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web', uid: web.metadata.uid, resourceVersion: web.metadata.resourceVersion };
  event('shop', 'web.a', webRef, { reason: 'Scaled', message: 'replicas 3→2 (window weeknights)', ago: 120_000 });
  // An earlier Deployment of the same name (another uid): not this one's.
  event('shop', 'web.b', { ...webRef, uid: '00000000-0000-0000-0000-000000000000' }, { reason: 'Scaled', message: 'replicas 9→1 (gone)', ago: 200_000, type: 'Warning' });
});

afterAll(async () => {
  await sim?.stop();
  await c?.dispose();
});

const ok = (...args: string[]): Promise<string> => kubectlOk(c, ...args);


describe('kubectl and Events against the simulator', () => {
  it('describe node: the events on the node by uid, and the kubelet\'s by name, with the count', async () => {
    const rows = describedEvents(await ok('describe', 'node', node.metadata.name));
    expect(rows.map(([type, reason, , from, message]) => [type, reason, from, message]).sort()).toEqual([
      ['Normal', 'NodeReady', 'scalerd', 'Node is ready'],
      ['Normal', 'ScaleDownStarted', 'scalerd', 'tainted and cordoned, 4 pods to move'],
    ]);
    expect(rows.find((r) => r[1] === 'ScaleDownStarted')![2]).toMatch(/ \(x3 over .+\)$/);
  });

  it('describe deploy: only the events of this Deployment (its uid)', async () => {
    const rows = describedEvents(await ok('describe', 'deploy', 'web', '-n', 'shop'));
    expect(rows.map(([type, reason, , from, message]) => [type, reason, from, message])).toEqual([
      ['Normal', 'Scaled', 'scalerd', 'replicas 3→2 (window weeknights)'],
    ]);
  });

  it('get events -A: the API server\'s columns, LAST SEEN on the simulated clock', async () => {
    const [header, ...rows] = table(await ok('get', 'events', '-A'));
    expect(header).toEqual(['NAMESPACE', 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(rows.sort()).toEqual([
      ['default', '30s', 'Normal', 'ScaleDownStarted', `node/${node.metadata.name}`, 'tainted and cordoned, 4 pods to move'],
      ['default', '5m', 'Normal', 'NodeReady', `node/${node.metadata.name}`, 'Node is ready'],
      ['shop', '2m', 'Normal', 'Scaled', 'deployment/web', 'replicas 3→2 (window weeknights)'],
      ['shop', '3m20s', 'Warning', 'Scaled', 'deployment/web', 'replicas 9→1 (gone)'],
    ].sort());
  });

  it('get events -o wide: source, first seen, count and name', async () => {
    const [header, ...rows] = table(await ok('get', 'events', '-n', 'default', '-o', 'wide'));
    expect(header).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME']);
    // SUBOBJECT is empty: the table splitter sees one gap there.
    expect(rows.find((r) => r[2] === 'ScaleDownStarted')).toEqual(['30s', 'Normal', 'ScaleDownStarted', `node/${node.metadata.name}`, 'scalerd, scalerd-0', 'tainted and cordoned, 4 pods to move', '90s', '3', `${node.metadata.name}.a`]);
  });

  it('get events --field-selector: every field the API server selects events on', async () => {
    const names = async (selector: string) => table(await ok('get', 'events', '-A', '--field-selector', selector, '-o', 'custom-columns=NAME:.metadata.name', '--no-headers')).map((r) => r[0]).sort();
    expect(await names('type=Warning')).toEqual(['web.b']);
    expect(await names(`involvedObject.uid=${web.metadata.uid}`)).toEqual(['web.a']);
    expect(await names('involvedObject.apiVersion=apps/v1,reason=Scaled')).toEqual(['web.a', 'web.b']);
    expect(await names(`involvedObject.resourceVersion=${node.metadata.resourceVersion}`)).toEqual([`${node.metadata.name}.a`]);
    expect(await names('source=scalerd,involvedObject.kind=Node,involvedObject.fieldPath=')).toEqual([`${node.metadata.name}.a`, `${node.metadata.name}.b`]);
    expect(await names('reportingComponent!=scalerd')).toEqual([]);
    expect(await c.kubectl('get', 'events', '-A', '--field-selector', 'involvedObject.colour=red')).toMatchObject({ code: 1, stderr: expect.stringContaining('field label not supported: involvedObject.colour') });
  });
});
