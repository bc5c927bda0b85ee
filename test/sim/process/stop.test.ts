// sim.stop() leaves no process behind, whatever state its pods are in; and the clock's
// part in a process pod's life (when it starts, when its grace period ends).

import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../../src/sim/index.js';
import { deletePod } from '../../../src/sim/kube/pods.js';
import { liveChildren } from '../../../src/sim/process/child.js';
import { DEFAULT_PROCESSES } from '../../../src/sim/process/table.js';
import { NS, alive, containerStatus, deploy, pidsOf, podStatus, podsOf, readyPods, startProcessSim, stopAndCheck, waitFor } from './helpers.js';

let sim: Sim | undefined;

afterEach(async () => {
  await stopAndCheck(sim);
  sim = undefined;
});

describe('sim.stop()', () => {
  it('kills every process: running, not Ready, ignoring SIGTERM, terminating; none is left', async () => {
    sim = await startProcessSim();
    deploy(sim, 'web', { replicas: 2 });
    deploy(sim, 'sick', { args: ['--unhealthy'] });
    deploy(sim, 'stubborn', { args: ['--ignore-sigterm'], grace: 30 });
    await waitFor(() => readyPods(sim!, 'web').length === 2 && readyPods(sim!, 'stubborn').length === 1 && pidsOf(sim!, 'sick').length === 1, { timeoutMs: 10_000, what: 'the pods up' });
    const stubborn = podsOf(sim, 'stubborn')[0]!;
    deletePod(sim, stubborn, {});
    await waitFor(() => sim!.processes.logs(NS, stubborn.metadata.name)?.includes('ignoring SIGTERM'), { timeoutMs: 2000, what: 'SIGTERM received' });
    // Two web, one sick, the stubborn one terminating, and its replacement. The replacement's
    // process starts once the controllers have made its pod, so the test waits for it.
    const running = () => sim!.processes.list().flatMap((p) => (p.pid === undefined ? [] : [p.pid]));
    await waitFor(() => running().length === 5, { timeoutMs: 10_000, what: 'five processes' });
    const pids = running();
    expect(pids).toHaveLength(5);
    expect(pids.every(alive)).toBe(true);

    await sim.stop();
    expect(pids.filter(alive)).toEqual([]);
    expect(liveChildren()).toEqual([]);
    expect(sim.processes.list()).toEqual([]);
    sim = undefined;
  });
});

describe('process pods and the simulator clock', () => {
  it('a manual clock runs no process by default: the test app image stays simulated', async () => {
    sim = await startProcessSim({ manualClock: true });
    deploy(sim, 'web');
    sim.clock.advance(5000);
    expect(readyPods(sim, 'web')).toHaveLength(1);
    expect(podStatus(podsOf(sim, 'web')[0]).podIP).toMatch(/^100\./);
    expect(sim.processes.list()).toEqual([]);
  });

  it('with a table on a manual clock, a pod starts when the clock moves, and its SIGKILL waits for the clock too', async () => {
    sim = await startProcessSim({ manualClock: true, processes: DEFAULT_PROCESSES });
    deploy(sim, 'stubborn', { args: ['--ignore-sigterm'], grace: 10 });
    expect(sim.processes.list()).toEqual([]);
    sim.clock.advance(0); // replica set, scheduler and kubelet passes (process pods start at once)
    expect(sim.processes.list()).toHaveLength(1);
    await waitFor(() => readyPods(sim!, 'stubborn').length === 1, { timeoutMs: 5000, what: 'the pod Ready (in real time; the clock stands still)' });
    const pod = podsOf(sim, 'stubborn')[0]!;
    const [pid] = pidsOf(sim, 'stubborn');

    deletePod(sim, pod, {});
    sim.clock.advance(0); // the kubelet sends SIGTERM
    await waitFor(() => sim!.processes.logs(NS, pod.metadata.name)?.includes('ignoring SIGTERM'), { timeoutMs: 2000, what: 'SIGTERM received' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alive(pid!)).toBe(true);
    expect(sim.store.get('pods', NS, pod.metadata.name)).toBeDefined();
    sim.clock.advance(10_000); // the grace period ends: SIGKILL
    await waitFor(() => !sim!.store.get('pods', NS, pod.metadata.name), { timeoutMs: 2000, what: 'the pod gone' });
    expect(alive(pid!)).toBe(false);
    expect(containerStatus(pod).name).toBe('app');
  });
});
