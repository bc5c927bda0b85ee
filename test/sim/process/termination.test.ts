// Deleting a process pod sends SIGTERM, then SIGKILL at the end of its grace period on the
// simulator's clock; the pod object goes once its process is gone, and no process is left.

import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../../src/sim/index.js';
import { deletePod } from '../../../src/sim/kube/pods.js';
import { NS, alive, deploy, pidsOf, podsOf, readyPods, startProcessSim, stopAndCheck, waitFor } from './helpers.js';

let sim: Sim | undefined;

afterEach(async () => {
  await stopAndCheck(sim);
  sim = undefined;
});

const scale = (s: Sim, app: string, replicas: number) =>
  s.store.mutate('deployments.apps', NS, app, (d) => {
    (d.spec as { replicas: number }).replicas = replicas;
  });

describe('termination of process pods', () => {
  it('scaling down stops the processes of the pods removed: SIGTERM honoured, well inside the 30 s grace period', async () => {
    sim = await startProcessSim();
    deploy(sim, 'web', { replicas: 3 });
    await waitFor(() => readyPods(sim!, 'web').length === 3, { timeoutMs: 10_000, what: '3 Ready pods' });
    const before = new Map(sim.processes.list().map((p) => [p.pod, p.pid!]));
    const started = performance.now();
    scale(sim, 'web', 1);
    await waitFor(() => podsOf(sim!, 'web').length === 1, { timeoutMs: 5000, what: 'two pods gone' });
    expect(performance.now() - started).toBeLessThan(5000);
    const [kept] = podsOf(sim, 'web').map((p) => p.metadata.name);
    for (const [pod, pid] of before) expect([pod, alive(pid)]).toEqual([pod, pod === kept]);
    expect(sim.processes.list().map((p) => p.pod)).toEqual([kept]);
    expect(sim.recorder.facts('pod-killed')).toEqual([]);
  });

  it('a process that ignores SIGTERM is killed at the end of its grace period, and its pod goes then', async () => {
    sim = await startProcessSim();
    deploy(sim, 'stubborn', { args: ['--ignore-sigterm'], grace: 1 });
    const pod = await waitFor(() => readyPods(sim!, 'stubborn')[0], { timeoutMs: 5000, what: 'the pod Ready' });
    const [pid] = pidsOf(sim, 'stubborn');
    const deleted = performance.now();
    deletePod(sim, pod, {});
    await waitFor(() => sim!.processes.logs(NS, pod.metadata.name)?.includes('ignoring SIGTERM'), { timeoutMs: 2000, what: 'SIGTERM received' });
    // Terminating, its process alive, not Ready any more, while the grace period runs.
    const terminating = sim.store.get('pods', NS, pod.metadata.name)!;
    expect(terminating.metadata.deletionTimestamp).toBeDefined();
    expect(alive(pid!)).toBe(true);
    await waitFor(() => !sim!.store.get('pods', NS, pod.metadata.name), { timeoutMs: 5000, what: 'the pod gone' });
    expect(performance.now() - deleted).toBeGreaterThanOrEqual(990);
    expect(alive(pid!)).toBe(false);
    // It was given all the time it asked for: not an ungraceful kill.
    expect(sim.recorder.facts('pod-killed')).toEqual([]);
    // The Deployment replaced it.
    await waitFor(() => readyPods(sim!, 'stubborn').length === 1, { timeoutMs: 5000, what: 'a replacement Ready' });
  });

  it('a grace period cut short by the deleter ends in SIGKILL, recorded as an ungraceful kill', async () => {
    sim = await startProcessSim();
    deploy(sim, 'stubborn', { args: ['--ignore-sigterm'], grace: 30 });
    const pod = await waitFor(() => readyPods(sim!, 'stubborn')[0], { timeoutMs: 5000, what: 'the pod Ready' });
    const [pid] = pidsOf(sim, 'stubborn');
    deletePod(sim, pod, { gracePeriodSeconds: 1 });
    await waitFor(() => !sim!.store.get('pods', NS, pod.metadata.name), { timeoutMs: 5000, what: 'the pod gone' });
    expect(alive(pid!)).toBe(false);
    expect(sim.recorder.facts('pod-killed')).toEqual([expect.objectContaining({ pod: `${NS}/${pod.metadata.name}`, cause: 'grace period cut short (1 s of 30 s): SIGKILL' })]);
  });

  it('deleting the Deployment stops every process of it', async () => {
    sim = await startProcessSim();
    deploy(sim, 'web', { replicas: 3 });
    await waitFor(() => readyPods(sim!, 'web').length === 3, { timeoutMs: 10_000, what: '3 Ready pods' });
    const pids = pidsOf(sim, 'web');
    sim.store.delete('deployments.apps', NS, 'web');
    await waitFor(() => podsOf(sim!, 'web').length === 0, { timeoutMs: 5000, what: 'every pod gone' });
    expect(pids.filter(alive)).toEqual([]);
    expect(sim.processes.list()).toEqual([]);
  });

  it('a pod force-deleted (grace period 0) has its process killed at once', async () => {
    sim = await startProcessSim();
    deploy(sim, 'web');
    const pod = await waitFor(() => readyPods(sim!, 'web')[0], { timeoutMs: 5000, what: 'the pod Ready' });
    const [pid] = pidsOf(sim, 'web');
    deletePod(sim, pod, { gracePeriodSeconds: 0 });
    expect(sim.store.get('pods', NS, pod.metadata.name)).toBeUndefined();
    await waitFor(() => !alive(pid!), { timeoutMs: 2000, what: 'the process gone' });
  });
});
