// Pods of the test app run as real processes on loopback IPs of their own, and are Ready
// only while their process answers the readiness probe.

import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../../src/sim/index.js';
import { NS, alive, containerStatus, deploy, get, podStatus, podsOf, readyPods, startProcessSim, stopAndCheck, waitFor, watchReady } from './helpers.js';

let sim: Sim | undefined;

afterEach(async () => {
  await stopAndCheck(sim);
  sim = undefined;
});

const accepts = (host: string, port: number) => new Promise<boolean>((resolve) => {
  const socket = connect({ host, port });
  socket.once('connect', () => { socket.destroy(); resolve(true); });
  socket.once('error', () => resolve(false));
});

describe('a Deployment of the test app, 3 replicas', () => {
  it('runs one process per pod on a loopback IP of its own, Ready once /health answers, with the version from its env', async () => {
    sim = await startProcessSim();
    deploy(sim, 'web', { replicas: 3, version: '4' });
    const pods = await waitFor(() => readyPods(sim!, 'web').length === 3 && readyPods(sim!, 'web'), { timeoutMs: 10_000, what: '3 Ready pods' });

    const ips = pods.map((p) => podStatus(p).podIP as string);
    expect(new Set(ips).size).toBe(3);
    for (const ip of ips) expect(ip).toMatch(/^127\.(1[6-9]|[2-9]\d|1\d\d|2[0-4]\d|25[0-4])\.\d+\.\d+$/);

    const processes = sim.processes.list();
    expect(processes).toHaveLength(3);
    for (const pod of pods) {
      const { podIP } = podStatus(pod);
      expect(podStatus(pod)).toMatchObject({ phase: 'Running', podIPs: [{ ip: podIP }] });
      expect(containerStatus(pod)).toMatchObject({ name: 'app', ready: true, started: true, restartCount: 0, state: { running: {} } });
      const info = processes.find((p) => p.pod === pod.metadata.name)!;
      expect(info).toMatchObject({ namespace: NS, podIP, phase: 'running', ready: true });
      expect(alive(info.pid!)).toBe(true);

      const health = await get(`http://${podIP}:8080/health`);
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ healthy: true, version: '4', message: `${pod.metadata.name} is healthy` });
      const root = await get(`http://${podIP}:8080/`);
      expect(root.headers.get('x-version')).toBe('4');
      expect(root.body).toMatchObject({ version: '4', pod: pod.metadata.name, host: podIP, port: 8080 });
      expect(sim.processes.logs(NS, pod.metadata.name)).toContain(`listening on http://${podIP}:8080`);
    }
    await waitFor(() => (sim!.store.get('deployments.apps', NS, 'web')!.status as { availableReplicas?: number }).availableReplicas === 3, { timeoutMs: 3000, what: 'the Deployment available' });
  });

  it('a process that runs but answers /health with 503 is Running and not Ready; it turns Ready when healthy, and not Ready again when it fails later', async () => {
    sim = await startProcessSim();
    const ready = watchReady(sim, 'sick');
    deploy(sim, 'sick', { args: ['--unhealthy'], probe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 1, failureThreshold: 2 } });
    const pod = await waitFor(() => podsOf(sim!, 'sick').find((p) => podStatus(p).phase === 'Running' && sim!.processes.list()[0]?.pid), { timeoutMs: 5000, what: 'a Running pod' });
    const { podIP } = podStatus(pod);
    await waitFor(() => accepts(podIP, 8080), { timeoutMs: 3000, what: 'the port open' });
    await new Promise((resolve) => setTimeout(resolve, 1000)); // four probe periods and more
    expect(ready.everReady).toEqual(new Set());
    const current = podsOf(sim, 'sick')[0]!;
    expect(containerStatus(current)).toMatchObject({ ready: false, started: true, state: { running: {} } });
    expect(podStatus(current).conditions).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' }),
    ]));
    expect((await fetch(`http://${podIP}:8080/health`)).status).toBe(503);

    const pid = sim.processes.list()[0]!.pid!;
    process.kill(pid, 'SIGUSR2'); // healthy now
    await waitFor(() => readyPods(sim!, 'sick').length === 1, { timeoutMs: 3000, what: 'the pod Ready' });
    process.kill(pid, 'SIGUSR2'); // unhealthy again: two failed probes later, not Ready
    await waitFor(() => readyPods(sim!, 'sick').length === 0, { timeoutMs: 3000, what: 'the pod not Ready' });
    expect(ready.transitions).toEqual([`${pod.metadata.name}:NotReady`, `${pod.metadata.name}:Ready`, `${pod.metadata.name}:NotReady`]);
    expect(sim.processes.list()[0]).toMatchObject({ pid, phase: 'running', restartCount: 0 });
    ready.stop();
  });

  it('without a readiness probe, a pod is Ready once its port accepts connections', async () => {
    // A program that listens only 700 ms after it starts.
    const late = "setTimeout(() => require('node:http').createServer((q, s) => s.end('ok')).listen(+process.env.PORT, process.env.HOST), 700)";
    sim = await startProcessSim({ processes: { 'example/late': { command: process.execPath, args: ['-e', late] } } });
    const started = performance.now();
    deploy(sim, 'late', { image: 'example/late:3', probe: null });
    const pod = await waitFor(() => podsOf(sim!, 'late').find((p) => podStatus(p).phase === 'Running'), { timeoutMs: 5000, what: 'a Running pod' });
    expect(containerStatus(pod).ready).toBe(false);
    await waitFor(() => readyPods(sim!, 'late').length === 1, { timeoutMs: 5000, what: 'the pod Ready' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(700);
    expect(await accepts(podStatus(podsOf(sim, 'late')[0]).podIP, 8080)).toBe(true);
  });

  it('leaves pods of other images simulated: Running and Ready on their own, with a 100.64/10 IP and no process', async () => {
    sim = await startProcessSim();
    deploy(sim, 'nginx', { image: 'nginx:1.27', probe: null });
    const pod = await waitFor(() => readyPods(sim!, 'nginx')[0], { timeoutMs: 5000, what: 'the simulated pod Ready' });
    expect(podStatus(pod).podIP).toMatch(/^100\./);
    expect(sim.processes.list()).toEqual([]);
  });
});
