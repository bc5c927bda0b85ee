// kubectl v1.32, an independent client, sees process pods as a real cluster would show
// them: their loopback IPs, READY, CrashLoopBackOff with its restarts; and the Services the
// deployer creates per version can be created and deleted.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../../src/sim/index.js';
import { type Clients, clientsFor, requireKubectl132, table } from '../clients/helpers.js';
import { NS, containerStatus, deploy, podStatus, podsOf, readyPods, startProcessSim, stopAndCheck, waitFor } from './helpers.js';

let sim: Sim | undefined;
let c: Clients;

beforeAll(async () => {
  await requireKubectl132();
  sim = await startProcessSim({ processTimings: { backoff: { initialMs: 200, maxMs: 2000 } } });
  c = await clientsFor(sim);
});

afterAll(async () => {
  await stopAndCheck(sim);
  await c?.dispose();
});

/** What kubectl printed, once it succeeded with nothing on stderr. */
async function ok(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await c.kubectl(...args);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return stdout;
}

describe('kubectl against process pods', () => {
  it('get pods -o wide: each pod with its loopback IP, 1/1 Running once Ready; a crashing one in CrashLoopBackOff', async () => {
    deploy(sim!, 'web', { replicas: 2, version: '2' });
    deploy(sim!, 'broken', { args: ['--fail-to-start'] });
    await waitFor(() => readyPods(sim!, 'web').length === 2, { timeoutMs: 10_000, what: 'web Ready' });
    await waitFor(() => Number(containerStatus(podsOf(sim!, 'broken')[0]).restartCount) >= 2 && containerStatus(podsOf(sim!, 'broken')[0]).state?.waiting, { timeoutMs: 8000, what: 'broken restarting' });

    // The crashing pod runs for a moment between back-offs: ask again until kubectl catches it waiting.
    let rows: string[][] = [];
    let header: string[] | undefined;
    const brokenName = podsOf(sim!, 'broken')[0]!.metadata.name;
    for (let attempt = 0; attempt < 5; attempt++) {
      [header, ...rows] = table(await ok('get', 'pods', '-n', NS, '-o', 'wide'));
      if (rows.find((r) => r[0] === brokenName)?.[2] === 'CrashLoopBackOff') break;
    }
    expect(header).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    const byName = new Map(rows.map((r) => [r[0]!, r]));
    for (const pod of podsOf(sim!, 'web')) {
      const row = byName.get(pod.metadata.name)!;
      expect([row[1], row[2], row[3], row[5], row[6]]).toEqual(['1/1', 'Running', '0', podStatus(pod).podIP, (pod.spec as { nodeName: string }).nodeName]);
      expect(row[5]).toMatch(/^127\./);
    }
    const broken = byName.get(brokenName)!;
    expect(broken.slice(1, 3)).toEqual(['0/1', 'CrashLoopBackOff']);
    expect(broken[3]).toMatch(/^[1-9]\d* \(\d+s ago\)$/);
  });

  it('logs: what the process wrote, its previous run\'s with --previous, the last lines with --tail', async () => {
    const web = podsOf(sim!, 'web')[0]!;
    const current = await ok('logs', '-n', NS, web.metadata.name);
    expect(current).toMatch(new RegExp(`^\\S+ ${web.metadata.name} v2: listening on http://${podStatus(web).podIP.replaceAll('.', '\\.')}:8080\n$`));
    const broken = podsOf(sim!, 'broken')[0]!.metadata.name;
    expect(await ok('logs', '-n', NS, broken, '--previous')).toBe(`${broken} v1: failing to start (FAIL_TO_START)\n`);
    expect(await ok('logs', '-n', NS, web.metadata.name, '--tail=0')).toBe('');
    const wrong = await c.kubectl('logs', '-n', NS, web.metadata.name, '-c', 'nope');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('container nope is not valid for pod');
  });

  it('creates and deletes a version\'s Service (<app>-<version>)', async () => {
    const file = join(c.dir, 'service.json');
    await writeFile(file, JSON.stringify({
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'web-2', namespace: NS, labels: { app: 'web' } },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] },
    }));
    expect(await ok('apply', '-f', file)).toBe('service/web-2 created\n');
    const [header, row] = table(await ok('get', 'service', 'web-2', '-n', NS));
    expect(header?.[0]).toBe('NAME');
    expect(row?.[0]).toBe('web-2');
    expect(await ok('delete', 'service', 'web-2', '-n', NS)).toBe('service "web-2" deleted\n');
    expect(sim!.store.get('services', NS, 'web-2')).toBeUndefined();
  });
});
