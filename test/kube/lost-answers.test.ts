// The Kubernetes adapter's writes when the API server applied them but the answer was lost
// (the simulator's "after" faults): each converges on the state asked for, and a retry that
// meets the first write's own effect (409 Conflict, 404, a failed `test`, AlreadyExists)
// takes it for what it is — done — not for someone else's change.

import { afterEach, describe, expect, it } from 'vitest';
import { createEventSink } from '../../src/kube/events.js';
import { createKubeDeps, loadKubeConfig } from '../../src/kube/index.js';
import { markChange, phaseChange, readMark, rollbackChange } from '../../src/plan/index.js';
import type { LostAnswer } from '../../src/sim/faults.js';
import { CLIENT_ID, failure, kubeconfigFile, useKubeSim } from './helpers.js';

const MODES: LostAnswer[] = ['reset', 500, 'timeout'];
const START = Date.parse('2026-03-02T09:00:00Z');

const t = useKubeSim({ cluster: { requestTimeoutMs: 300 } });
afterEach(() => t.sim.faults.clear());

/** Loses the answer of the next `operation` carried out; returns how many such answers were lost since. */
function loseNext(operation: string, mode: LostAnswer): () => number {
  const key = `kube ${operation} ${mode}`;
  const before = t.sim.faults.lostAnswers()[key] ?? 0;
  t.sim.faults.addRequestFault({ api: 'kube', operation, when: 'after', error: mode, count: 1 });
  return () => (t.sim.faults.lostAnswers()[key] ?? 0) - before;
}

/** A Node of the test's own, so that marking or deleting it leaves the scenario's alone. */
async function ownNode(name: string): Promise<string> {
  await t.core.createNode({ body: { metadata: { name, labels: { 'scalerd.io/test': 'lost-answers' } } } });
  return name;
}

describe('node changes', () => {
  it.each(MODES)('%s: the mark (taint, cordon, annotation) lands once and the change returns it', async (mode) => {
    const node = await ownNode(`mark-${mode}`);
    const lost = loseNext('patch nodes', mode);
    const after = await t.cluster.changeNode(node, markChange('scalerd', START));
    expect(lost()).toBe(1);
    expect(after.unschedulable).toBe(true);
    expect(readMark(after, 'scalerd')).toMatchObject({ kind: 'ours', mark: { phase: 'cordoned' } });
    expect(after.taints.filter((x) => x.key === 'scalerd.io/scale-down')).toHaveLength(1);
  });

  it.each(MODES)('%s: a phase change (a guarded patch) that landed is done, not "someone changed the mark"', async (mode) => {
    const node = await ownNode(`phase-${mode}`);
    await t.cluster.changeNode(node, markChange('scalerd', START));
    const mark = { owner: 'scalerd', startedAt: START, phase: 'cordoned' as const };
    const lost = loseNext('patch nodes', mode);
    // The retry's `test` of the old mark fails: the write it guards is the one that landed.
    const after = await t.cluster.changeNode(node, phaseChange(mark, 'draining'));
    expect(lost()).toBe(1);
    expect(readMark(after, 'scalerd')).toMatchObject({ kind: 'ours', mark: { phase: 'draining' } });
  });

  it('a guarded change whose mark someone else changed still fails, writing nothing', async () => {
    const node = await ownNode('phase-changed');
    await t.cluster.changeNode(node, markChange('scalerd', START));
    const mark = { owner: 'scalerd', startedAt: START, phase: 'cordoned' as const };
    // Someone rolled the node back meanwhile: the re-read after the failed `test` sees no mark.
    await t.cluster.changeNode(node, rollbackChange());
    const error = await failure(t.cluster.changeNode(node, phaseChange(mark, 'draining')));
    expect(error).toMatchObject({ detail: { operation: 'patch nodes', reason: 'MarkChanged', retryable: false } });
    expect(readMark((await t.cluster.listNodes()).find((n) => n.name === node)!, 'scalerd').kind).toBe('none');
  });

  it.each(MODES)('%s: a Node delete that landed is done', async (mode) => {
    const node = await ownNode(`delete-${mode}`);
    const lost = loseNext('delete nodes', mode);
    expect(['deleted', 'gone']).toContain(await t.cluster.deleteNode(node));
    expect(lost()).toBe(1);
    expect(t.sim.store.get('nodes', undefined, node)).toBeUndefined();
  });
});

describe('evictions and scale', () => {
  it.each(MODES)('%s: an eviction that landed is evicted, charged to its budget once, and no other pod goes', async (mode) => {
    const [pod] = (await t.cluster.listPods()).filter((p) => p.namespace === 'shop' && p.name.startsWith('web-') && p.deletionTimestamp === undefined);
    const before = t.sim.recorder.facts('eviction').length;
    const lost = loseNext('create pods/eviction', mode);
    expect(await t.cluster.evictPod({ namespace: pod!.namespace, name: pod!.name, uid: pod!.uid })).toEqual({ kind: 'evicted' });
    expect(lost()).toBe(1);
    const accepted = t.sim.recorder.facts('eviction').slice(before).filter((e) => e.result === 'accepted');
    expect(new Set(accepted.map((e) => e.pod))).toEqual(new Set([`shop/${pod!.name}`]));
    expect(accepted.filter((e) => e.reason.startsWith('within budget'))).toHaveLength(1);
    expect(t.sim.recorder.facts('pdb-violation')).toEqual([]);
    // Let the evicted pod go and its replacement start, for the next mode's eviction.
    t.sim.clock.advance(60_000);
  });

  it.each(MODES)('%s: a scale that landed leaves the replicas asked for', async (mode) => {
    const ref = { kind: 'Deployment' as const, namespace: 'shop', name: 'cache' };
    const replicas = 3 + MODES.indexOf(mode);
    const lost = loseNext('patch deployments/scale', mode);
    await t.cluster.scaleWorkload(ref, replicas);
    expect(lost()).toBe(1);
    const [cache] = await t.cluster.getWorkloads([ref]);
    expect(cache!.replicas).toBe(replicas);
  });
});

describe('workload annotations and forced deletes', () => {
  it.each(MODES)('%s: annotations that landed are there, set once', async (mode) => {
    const ref = { kind: 'Deployment' as const, namespace: 'shop', name: 'web' };
    const lost = loseNext('patch deployments', mode);
    await t.cluster.annotateWorkload(ref, { 'scalerd.io/original-replicas': `3-${mode}` });
    expect(lost()).toBe(1);
    const [web] = await t.cluster.getWorkloads([ref]);
    expect(web!.annotations['scalerd.io/original-replicas']).toBe(`3-${mode}`);
  });

  it.each(MODES)('%s: a forced delete that landed is done, and touches no other pod', async (mode) => {
    const [pod] = (await t.cluster.listPods()).filter((p) => p.namespace === 'shop' && p.name.startsWith('cache-') && p.deletionTimestamp === undefined);
    const lost = loseNext('delete pods', mode);
    expect(['deleted', 'gone']).toContain(await t.cluster.deletePod({ namespace: pod!.namespace, name: pod!.name, uid: pod!.uid }, 5));
    expect(lost()).toBe(1);
    const after = await t.cluster.getPod(pod!.namespace, pod!.name);
    expect(after === undefined || after.deletionTimestamp !== undefined).toBe(true);
    expect(t.sim.recorder.facts('pod-killed')).toEqual([]);
    t.sim.clock.advance(60_000);
  });
});

describe('events', () => {
  it.each(MODES)('%s: an Event whose create landed is written once, not again under another name', async (mode) => {
    const deps = createKubeDeps({ target: loadKubeConfig({ kubeconfig: kubeconfigFile(t.sim) }), clientId: CLIENT_ID, clock: t.sim.clock, requestTimeoutMs: 300 });
    const sink = createEventSink(deps, { instance: 'lost-answers' });
    const message = `removed after a lost answer (${mode})`;
    const lost = loseNext('create events', mode);
    await sink.emit({ regarding: { kind: 'Node', name: `node-lost-${mode}` }, type: 'Normal', reason: 'ScaleDown', message });
    expect(lost()).toBe(1);
    const written = t.sim.store.list('events').filter((e) => (e as { message?: string }).message === message);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ count: 1, reason: 'ScaleDown' });
  });

  it.each(MODES)('%s: a repeat counted on the Event, its answer lost, is counted once', async (mode) => {
    const deps = createKubeDeps({ target: loadKubeConfig({ kubeconfig: kubeconfigFile(t.sim) }), clientId: CLIENT_ID, clock: t.sim.clock, requestTimeoutMs: 300 });
    const sink = createEventSink(deps, { instance: 'lost-answers' });
    const event = { regarding: { kind: 'Node', name: `node-repeat-${mode}` }, type: 'Warning' as const, reason: 'DrainFailed', message: `a budget refused (${mode})` };
    await sink.emit(event);
    const lost = loseNext('patch events', mode);
    await sink.emit(event);
    expect(lost()).toBe(1);
    await sink.emit(event);
    const written = t.sim.store.list('events').filter((e) => (e as { message?: string }).message === event.message);
    expect(written.map((e) => (e as { count?: number }).count)).toEqual([3]);
  });
});
