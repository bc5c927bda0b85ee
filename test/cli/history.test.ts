// `scalerd history` against the simulator over HTTP, in-process: the entries of the
// ConfigMap scalerd-history as a table newest first, as JSON, limited by -n, and an empty
// history.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import type { HistoryEntry } from '../../src/daemon/history.js';
import { startSim, type Sim } from '../../src/sim/index.js';
import { kubeconfigFile } from '../kube/helpers.js';
import { threeNodes } from './engine-helpers.js';

const START = Date.parse('2026-03-05T07:00:00Z');

const down: HistoryEntry = {
  id: '2026-03-04T220001.000Z-abcd', start: '2026-03-04T22:00:01.000Z', end: '2026-03-04T22:03:15.000Z',
  direction: 'down', outcome: 'done', message: '2 steps done', groups: { workers: { from: 12, to: 6 } }, added: 0,
  nodes: [
    { node: 'n1', group: 'workers', result: 'removed', reason: 'removed: 2 pods evicted', evicted: 2, refused: 1, forced: 0 },
    { node: 'n2', group: 'workers', result: 'rolled-back', reason: 'a budget', evicted: 1, refused: 3, forced: 0 },
  ],
  workloads: { 'shop/web': { from: 6, to: 3 } }, reason: 'window weeknights', by: 'scalerd-0_1',
};
const up: HistoryEntry = {
  ...down, id: '2026-03-05T060000.000Z-efgh', start: '2026-03-05T06:00:00.000Z', end: '2026-03-05T06:04:30.000Z',
  direction: 'up', outcome: 'complete', message: 'scale-up complete: 12 nodes Ready, 2 workloads available',
  groups: { workers: { from: 6, to: 12 } }, added: 6, nodes: [], workloads: { 'shop/web': { from: 3, to: 6 } }, reason: 'default', completedAt: '2026-03-05T06:06:00.000Z',
};

/** Written before evictions were counted: its nodes do not say. */
const older: HistoryEntry = {
  ...down, id: '2026-03-03T220001.000Z-ijkm', start: '2026-03-03T22:00:01.000Z', end: '2026-03-03T22:03:15.000Z',
  nodes: [{ node: 'n0', group: 'workers', result: 'removed', reason: 'removed' }],
};

let sim: Sim;
let kube: string[];
beforeEach(async () => {
  sim = await startSim({ scenario: { ...threeNodes(), namespaces: ['scalerd'] }, manualClock: true, startAt: START });
  kube = ['--kubeconfig', kubeconfigFile(sim)];
});
afterEach(async () => {
  await sim.stop();
});

const seed = (entries: HistoryEntry[]) => sim.store.create('configmaps', {
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'scalerd-history', namespace: 'scalerd' },
  data: Object.fromEntries([...entries.map((e): [string, string] => [e.id, JSON.stringify(e)]), ['garbage', '{']]),
} as never);

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), clock: sim.clock });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('scalerd history', () => {
  it('lists the operations newest first, as a table', async () => {
    seed([older, down, up]);
    const { code, out, err } = await run('history', ...kube);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^START \(UTC\)\s+DURATION\s+DIRECTION\s+OUTCOME\s+GROUPS\s+NODES -\/\+\s+EVICTED\s+REASON$/);
    // No node, no eviction; the scale-down's pods evicted from both its nodes.
    expect(lines[1]).toMatch(/^2026-03-05T06:00:00Z\s+4m30s\s+up\s+complete\s+workers 6→12\s+-0\/\+6\s+0\s+default$/);
    expect(lines[2]).toMatch(/^2026-03-04T22:00:01Z\s+3m14s\s+down\s+done\s+workers 12→6\s+-1\/\+0\s+3\s+window weeknights$/);
    expect(lines[3]).toMatch(/^2026-03-03T22:00:01Z\s+3m14s\s+down\s+done\s+workers 12→6\s+-1\/\+0\s+-\s+window weeknights$/);
    expect(lines[4]).toBe('entry garbage of configmap scalerd/scalerd-history cannot be read; skipped');
  });

  it('-n limits, -o json gives the entries', async () => {
    seed([down, up]);
    const limited = await run('history', ...kube, '-n', '1');
    expect(limited.out.split('\n')).toHaveLength(4);
    expect(limited.out).toContain('1 older not shown (-n 2 shows all)');
    const json = await run('history', ...kube, '-n', '1', '-o', 'json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual({ configMap: 'scalerd/scalerd-history', total: 2, entries: [up], unreadable: ['garbage'] });
  });

  it('says so when nothing was recorded; refuses a bad -n', async () => {
    expect(await run('history', ...kube)).toEqual({ code: 0, out: 'no scale operations recorded in configmap scalerd/scalerd-history', err: '' });
    expect((await run('history', ...kube, '-n', '0')).code).toBe(2);
  });
});
