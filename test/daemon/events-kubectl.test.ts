// What an operator sees of the daemon's Events with the real kubectl (v1.32) against the
// simulator: `kubectl describe node` on a node being drained and `kubectl describe deploy`
// on a scaled workload list scalerd's events (describe selects them by involvedObject
// uid; the simulated controllers' own are there too), `kubectl get events -A` prints the API server's columns, and a repeated event is
// one Event with a count, not a second one. The simulated clock is manual: the daemon is
// stopped in the middle of its scale-down by not moving time on, never by a real-time race.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeEventObject } from '../../src/daemon/event-objects.js';
import { createEventSink } from '../../src/kube/events.js';
import type { Sim } from '../../src/sim/index.js';
import { type Clients, clientsFor, requireKubectl132, table } from '../sim/clients/helpers.js';
import { pump, startDaemonBed, startDemoSim, type DaemonBed } from './helpers.js';
import { eventsOf, kubeOf, wiring } from './wiring.js';

// Wednesday 2026-03-04, 23:00 in Amsterdam: weeknights, 12 → 6 workers, shop/web 6 → 3.
const NIGHT = Date.parse('2026-03-04T22:00:00Z');

let bed: DaemonBed | undefined;
let sim: Sim | undefined;
let c: Clients | undefined;

beforeAll(requireKubectl132);

afterEach(async () => {
  await c?.dispose();
  if (bed) {
    // Time must move for the daemon to wind down (its waits are on the simulated clock).
    let stopped = false;
    const b = bed;
    const stopping = b.stop().finally(() => { stopped = true; });
    await pump(b.sim, 'the daemon stopped', () => stopped, { stepMs: 1_000 });
    await stopping;
  }
  await sim?.stop();
  bed = undefined;
  sim = undefined;
  c = undefined;
});

async function kubectl(...args: string[]): Promise<string> {
  const out = await c!.kubectl(...args);
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  return out.stdout;
}

/** The rows of describe's Events section as [Type, Reason, From, Message] (Age is left out: kubectl works it out from its own wall clock). */
function describedEvents(text: string): string[][] {
  const at = text.indexOf('\nEvents:');
  expect(at, text).toBeGreaterThan(0);
  const section = text.slice(at);
  expect(section).not.toMatch(/^\nEvents:\s+<none>/);
  return table(section).slice(3).map(([type, reason, , from, message]) => [type!, reason!, from!, message!]);
}

describe('the daemon\'s events in kubectl', () => {
  it('describe node (while it drains), describe deploy and get events -A show them', async () => {
    bed = await startDaemonBed(NIGHT, (s) => wiring(s), 'schedules/example.json', { manualClock: true });
    const b = bed;
    const started = () => eventsOf(b.sim).find((e) => e.reason === 'ScaleDownStarted');
    await pump(b.sim, 'a ScaleDownStarted event', () => started() !== undefined && eventsOf(b.sim).some((e) => e.reason === 'Scaled' && e.involvedObject.name === 'web'));
    c = await clientsFor(b.sim);
    const event = started()!;
    const nodeName = event.involvedObject.name;
    const node = b.sim.store.get('nodes', undefined, nodeName);
    expect(node, 'the node is still there, being drained').toBeDefined();
    // The involvedObject is the node as observed: a cluster-scoped v1 Node with its uid.
    expect(event.involvedObject).toEqual({ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: node!.metadata.uid, resourceVersion: expect.stringMatching(/^\d+$/) });

    const onNode = describedEvents(await kubectl('describe', 'node', nodeName));
    expect(onNode).toEqual([['Normal', 'ScaleDownStarted', 'scalerd', expect.stringMatching(/^tainted and cordoned, \d+ pods to move: workers shrinks to 6/)]]);

    // Beside scalerd's, the simulated Deployment controller's own, as on a real cluster.
    const onWeb = describedEvents(await kubectl('describe', 'deploy', 'web', '-n', 'shop'));
    expect(onWeb.sort(([, a], [, b]) => a!.localeCompare(b!))).toEqual([
      ['Normal', 'Scaled', 'scalerd', 'replicas 6→3 (window weeknights)'],
      ['Normal', 'ScalingReplicaSet', 'deployment-controller', expect.stringMatching(/^Scaled down replica set web-\w+ from 6 to 3$/)],
    ]);

    const [header, ...rows] = table(await kubectl('get', 'events', '-A'));
    expect(header).toEqual(['NAMESPACE', 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(rows).toContainEqual(['default', expect.stringMatching(/^\d+s$/), 'Normal', 'ScaleDownStarted', `node/${nodeName}`, event.message]);
    expect(rows).toContainEqual(['shop', expect.stringMatching(/^\d+s$/), 'Normal', 'Scaled', 'deployment/web', 'replicas 6→3 (window weeknights)']);
  });

  it('a repeated event is one Event counted up: COUNT in get events, "(xN over …)" in describe', async () => {
    sim = await startDemoSim({ manualClock: true, startAt: NIGHT });
    const s = sim;
    c = await clientsFor(s);
    const node = s.store.list('nodes')[0]!;
    const sink = createEventSink(kubeOf(s).deps, { instance: 'scalerd-0' });
    const record = { regarding: nodeEventObject({ name: node.metadata.name, uid: node.metadata.uid, resourceVersion: node.metadata.resourceVersion }), type: 'Warning' as const, reason: 'DrainFailed', message: 'a budget refused' };
    for (let i = 0; i < 3; i++) {
      await sink.emit(record);
      s.clock.advance(30_000);
    }
    expect(eventsOf(s).filter((e) => e.reason === 'DrainFailed')).toHaveLength(1);

    const [header, ...rows] = table(await kubectl('get', 'events', '-A', '-o', 'wide'));
    expect(header).toEqual(['NAMESPACE', 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME']);
    // SUBOBJECT is empty, so the row has one cell less.
    expect(rows).toEqual([['default', '30s', 'Warning', 'DrainFailed', `node/${node.metadata.name}`, 'scalerd, scalerd-0', 'a budget refused', '90s', '3', expect.stringMatching(new RegExp(`^${node.metadata.name}\\.[0-9a-f]{16}$`))]]);

    const text = await kubectl('describe', 'node', node.metadata.name);
    expect(describedEvents(text)).toEqual([['Warning', 'DrainFailed', 'scalerd', 'a budget refused']]);
    expect(text).toMatch(/DrainFailed\s+.* \(x3 over .+\)\s+scalerd\s+a budget refused/);
  });

  it('an event on one of scalerd\'s ConfigMaps names it by uid (read by the sink), so describe configmap shows it', async () => {
    sim = await startDemoSim({ manualClock: true, startAt: NIGHT });
    const s = sim;
    c = await clientsFor(s);
    const history = s.store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'scalerd', name: 'scalerd-history' }, data: {} });
    const sink = createEventSink(kubeOf(s).deps);
    await sink.emit({ regarding: { kind: 'ConfigMap', namespace: 'scalerd', name: 'scalerd-history' }, type: 'Normal', reason: 'ScaleUpComplete', message: 'scale-up complete: 12 nodes Ready, 2 workloads available' });
    // One that does not exist (yet): the event is written all the same, by name.
    await sink.emit({ regarding: { kind: 'ConfigMap', namespace: 'scalerd', name: 'scalerd-overrides' }, type: 'Normal', reason: 'OverrideCleared', message: 'override aaaaaa is no longer in force' });

    const [complete, byName] = ['scalerd-history', 'scalerd-overrides'].map((name) => eventsOf(s).find((e) => e.involvedObject.name === name)!);
    expect(complete!.involvedObject).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'scalerd', name: 'scalerd-history', uid: history.metadata.uid, resourceVersion: history.metadata.resourceVersion });
    expect(byName!.involvedObject).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'scalerd', name: 'scalerd-overrides' });
    expect(describedEvents(await kubectl('describe', 'configmap', 'scalerd-history', '-n', 'scalerd'))).toEqual([
      ['Normal', 'ScaleUpComplete', 'scalerd', 'scale-up complete: 12 nodes Ready, 2 workloads available'],
    ]);
  });
});
