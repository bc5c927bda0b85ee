// Two details of the simulated API server's HTTP answers that kubectl's behaviour hangs on,
// checked on the wire (the kubectl tests show the behaviour itself):
// - a 429 from a PodDisruptionBudget has no Retry-After header, as from the real server
//   (its Status carries retryAfterSeconds 0), so client-go hands it to kubectl drain, which
//   reports it and retries after 5 s; with the header, client-go retried it out of sight;
// - a watch asked for as a Table streams one-row Tables, the columns only in the first
//   event, so `kubectl get --watch` prints rows of the same table.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.js';
import { START, podsOfApp, shippedScenario } from './helpers.js';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

let sim: Sim;

beforeEach(async () => {
  sim = await startSim({ scenario: await shippedScenario('small'), manualClock: true, startAt: START });
});

afterEach(() => sim.stop());

function evict(name: string): Promise<Response> {
  return fetch(`${sim.server}/api/v1/namespaces/shop/pods/${name}/eviction`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'shop' } }),
    signal: AbortSignal.timeout(10_000),
  });
}

/** The first `count` events of a watch, then the stream is cancelled. */
async function firstEvents(path: string, accept: string, count: number): Promise<{ type: string; object: Record<string, any> }[]> {
  const response = await fetch(`${sim.server}${path}`, { headers: { accept }, signal: AbortSignal.timeout(10_000) });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (text.split('\n').length <= count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text.split('\n').slice(0, count).map((line) => JSON.parse(line) as { type: string; object: Record<string, any> });
}

describe('a 429 on the wire', () => {
  it('from a PodDisruptionBudget: no Retry-After header, the Status as the API server words it', async () => {
    const [first, second] = podsOfApp(sim, 'shop', 'web').map((p) => p.metadata.name);
    expect((await evict(first!)).status).toBe(201);
    const refused = await evict(second!);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(await refused.json()).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429, message: 'Cannot evict pod as it would violate the pod\'s disruption budget.' });
  });

  it('from an injected throttling fault: Retry-After: 1, which client-go honours by itself', async () => {
    sim.faults.addRequestFault({ api: 'kube', operation: 'create pods/eviction', error: 429, count: 1 });
    const throttled = await evict(podsOfApp(sim, 'shop', 'web')[0]!.metadata.name);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
  });
});

describe('a watch on the wire', () => {
  it('asked for as a Table: one-row Tables, the column definitions only in the first event', async () => {
    const events = await firstEvents('/api/v1/namespaces/shop/pods?watch=true&labelSelector=app%3Dweb', TABLE, 3);
    const names = podsOfApp(sim, 'shop', 'web').map((p) => p.metadata.name).sort();
    expect(events.map((e) => [e.type, e.object.kind, e.object.rows.length])).toEqual(Array(3).fill(['ADDED', 'Table', 1]));
    expect(events[0]!.object.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    expect(events.slice(1).map((e) => e.object.columnDefinitions)).toEqual([null, null]);
    expect(events.map((e) => e.object.rows[0].cells.slice(0, 3)).sort()).toEqual(names.map((name) => [name, '1/1', 'Running']));
    expect(events.map((e) => e.object.rows[0].object.metadata.name).sort()).toEqual(names);
  });

  it('asked for as JSON: the objects themselves', async () => {
    const events = await firstEvents('/api/v1/namespaces/shop/pods?watch=true&labelSelector=app%3Dweb', 'application/json', 3);
    expect(events.map((e) => [e.type, e.object.kind])).toEqual(Array(3).fill(['ADDED', 'Pod']));
  });
});
