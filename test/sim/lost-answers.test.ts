// Answers lost after the request was applied ("after" request faults), seen through the
// product's own adapters over HTTP: the change is in the simulator's state, the client got
// a reset connection, a 500 or no answer, and the simulator counted the lost answer by api,
// operation and mode. A request the server refused is answered as it is.

import { afterEach, describe, expect, it } from 'vitest';
import { isRemoteError } from '../../src/errors.js';
import { createConfigMaps } from '../../src/kube/config-maps.js';
import { createKubeDeps, loadKubeConfig } from '../../src/kube/index.js';
import type { LostAnswer } from '../../src/sim/faults.js';
import { cloudFor, GROUP, remoteFailure, requests, useSimCloud } from '../aws/helpers.js';
import { failure, kubeconfigFile, useKubeSim } from '../kube/helpers.js';

const MODES: LostAnswer[] = ['reset', 500, 'timeout'];

/** What a client that tries once sees of each lost answer (the adapters' RemoteError details). */
const KUBE_SEES: Record<string, object> = {
  reset: { retryable: true },
  500: { status: 500, reason: 'InternalError', retryable: true },
  timeout: { retryable: true },
};

describe('Kubernetes: the answer lost after the request was applied', () => {
  const t = useKubeSim();
  afterEach(() => t.sim.faults.clear());
  /** One attempt, a short time limit: each lost answer reaches the test as it happened. */
  const once = () => t.clusterWith({ retry: { attempts: 1 }, requestTimeoutMs: 300 });
  const lost = (key: string) => t.sim.faults.lostAnswers()[key] ?? 0;
  const annotation = (node: string) => (t.sim.store.get('nodes', undefined, node)?.metadata.annotations ?? {})['test.scalerd.io/lost'];

  it.each(MODES)('%s: the node is patched, the client has no answer, and the simulator counts it', async (mode) => {
    const cluster = once();
    const [node] = await cluster.listNodes();
    const before = lost(`kube patch nodes ${mode}`);
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'patch nodes', when: 'after', error: mode, count: 1 });
    const error = await failure(cluster.changeNode(node!.name, { annotations: { 'test.scalerd.io/lost': String(mode) } }));
    expect(isRemoteError(error) && error.detail).toMatchObject({ operation: 'patch nodes', ...KUBE_SEES[mode] });
    if (mode !== 500) expect(isRemoteError(error) && error.detail.status).toBeUndefined();
    expect(annotation(node!.name)).toBe(String(mode));
    expect(lost(`kube patch nodes ${mode}`)).toBe(before + 1);
    // The rule is spent: the next write is answered.
    await cluster.changeNode(node!.name, { annotations: { 'test.scalerd.io/lost': `${mode} again` } });
    expect(annotation(node!.name)).toBe(`${mode} again`);
  });

  it('a refused request is answered as it is and does not spend the rule', async () => {
    const deps = createKubeDeps({ target: loadKubeConfig({ kubeconfig: kubeconfigFile(t.sim) }), retry: { attempts: 1 }, requestTimeoutMs: 300 });
    const configMaps = createConfigMaps(deps);
    const content = { data: { a: '1' }, labels: {}, annotations: {} };
    expect(await configMaps.create('default', 'lost-first', content)).toMatchObject({ data: { a: '1' } });
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'create configmaps', when: 'after', error: 'reset', count: 1 });
    // 409 AlreadyExists: refused, so answered, and the rule waits for a request carried out.
    expect(await configMaps.create('default', 'lost-first', content)).toBe('conflict');
    expect(t.sim.faults.snapshot().requests).toHaveLength(1);
    expect(lost('kube create configmaps reset')).toBe(0);
    await failure(configMaps.create('default', 'lost-second', content));
    expect(t.sim.store.get('configmaps', 'default', 'lost-second')).toBeDefined();
    expect(lost('kube create configmaps reset')).toBe(1);
    expect(t.sim.faults.snapshot().requests).toEqual([]);
  });

  it('a reset before the request leaves it unapplied; both kinds are counted apart', async () => {
    const cluster = once();
    const [node] = await cluster.listNodes();
    const was = annotation(node!.name);
    const lostBefore = t.sim.faults.lostAnswers();
    t.sim.faults.addRequestFault({ api: 'kube', operation: 'patch nodes', error: 'reset', count: 1 });
    const error = await failure(cluster.changeNode(node!.name, { annotations: { 'test.scalerd.io/lost': 'never' } }));
    expect(isRemoteError(error) && error.detail).toMatchObject({ operation: 'patch nodes', retryable: true });
    expect(annotation(node!.name)).toBe(was);
    expect(t.sim.faults.fired()['kube reset']).toBe(1);
    expect(t.sim.faults.lostAnswers()).toEqual(lostBefore);
  });

  it('refuses an "after" rule whose error is not a lost answer, and an unknown "when"', () => {
    expect(() => t.sim.faults.addRequestFault({ api: 'kube', operation: 'patch nodes', when: 'after', error: 429 })).toThrow(/"reset", 500 or "timeout", not 429/);
    expect(() => t.sim.faults.set({ requests: [{ api: 'aws', operation: '*', when: 'later' as 'after', error: 'reset' }] })).toThrow(/when must be "before" or "after"/);
    expect(t.sim.faults.snapshot().requests).toEqual([]);
  });
});

describe('AWS: the answer lost after the action was applied', () => {
  const s = useSimCloud();

  it.each(MODES)('%s: SetDesiredCapacity is applied, the SDK has no answer, and the simulator counts it', async (mode) => {
    const cloud = cloudFor(s.sim, { maxAttempts: 1, requestTimeoutMs: 300 });
    try {
      s.sim.faults.addRequestFault({ api: 'aws', operation: 'SetDesiredCapacity', when: 'after', error: mode, count: 1 });
      const error = await remoteFailure(cloud.setDesiredCapacity(GROUP, 4));
      expect(error.detail).toMatchObject(mode === 500 ? { status: 500, reason: 'InternalFailure', retryable: true } : { retryable: true });
      if (mode !== 500) expect(error.message).toContain('(no answer)');
      expect(s.sim.aws.group(GROUP)!.desiredCapacity).toBe(4);
      expect(s.sim.recorder.facts('mutation').filter((f) => f.operation === 'SetDesiredCapacity')).toHaveLength(1);
      expect(s.sim.faults.lostAnswers()).toEqual({ [`aws SetDesiredCapacity ${mode}`]: 1 });
      expect(s.sim.faults.fired()).toEqual({});
    } finally {
      cloud.destroy();
    }
  });

  it('a refusal is answered as it is and does not spend the rule', async () => {
    s.sim.faults.addRequestFault({ api: 'aws', operation: 'SetDesiredCapacity', when: 'after', error: 500, count: 1 });
    const refused = await remoteFailure(s.cloud.setDesiredCapacity(GROUP, 60));
    expect(refused.detail).toMatchObject({ reason: 'ValidationError', retryable: false });
    expect(s.sim.faults.snapshot().requests).toHaveLength(1);
    expect(s.sim.faults.lostAnswers()).toEqual({});
  });

  it('over /sim/faults: set, fired and refused, as a simulator in another process offers them', async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${s.sim.server}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const rule = { api: 'aws', operation: 'SetDesiredCapacity', when: 'after', error: 'reset', count: 1 };
    expect((await admin('PUT', '/sim/faults', { requests: [rule] })).status).toBe(200);
    const cloud = cloudFor(s.sim, { maxAttempts: 1 });
    try {
      await remoteFailure(cloud.setDesiredCapacity(GROUP, 5));
    } finally {
      cloud.destroy();
    }
    expect(s.sim.aws.group(GROUP)!.desiredCapacity).toBe(5);
    expect(await (await admin('GET', '/sim/faults/fired')).json()).toEqual({ errors: {}, lostAnswers: { 'aws SetDesiredCapacity reset': 1 } });

    const kept = { ...rule, count: 3 };
    await admin('PUT', '/sim/faults', { requests: [kept] });
    const bad = await admin('PUT', '/sim/faults', { requests: [{ ...rule, error: 'Throttling' }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('not "Throttling"');
    expect(await (await admin('GET', '/sim/faults')).json()).toMatchObject({ requests: [kept] });
    expect(requests(s.sim, 'SetDesiredCapacity')).toBe(1);
  });
});
