// `scalerd override` against the simulator over HTTP, in-process, on the simulator's
// manual clock: the ConfigMap it writes, concurrent writers, expiry, and the checks made
// before any request.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLI_CLIENT_ID } from '../../src/cli/engine-options.js';
import { runCli } from '../../src/cli/program.js';
import { startSim, type Sim } from '../../src/sim/index.js';
import { kubeconfigFile, tempDir } from '../kube/helpers.js';
import { threeNodes } from './engine-helpers.js';

const START = Date.parse('2026-03-02T20:00:00Z'); // Monday 21:00 in Amsterdam
const MINUTE = 60_000;

type Bed = { sim: Sim; schedule: string; kube: string[]; run(...argv: string[]): Promise<{ code: number; out: string; err: string }> };

function useOverrideBed(namespaces = ['scalerd']): Bed {
  const bed = {} as Bed;
  beforeEach(async () => {
    const sim = await startSim({ scenario: { ...threeNodes(), namespaces }, manualClock: true, startAt: START });
    vi.stubEnv('USER', 'alice');
    const schedule = join(tempDir('scalerd-override-'), 'schedule.json');
    writeFileSync(schedule, JSON.stringify({
      version: 1,
      timezone: 'Europe/Amsterdam',
      nodeGroups: { workers: { asg: 'small-workers', min: 2, max: 5 } },
      workloads: { 'shop/web': { min: 1, max: 10 } },
      default: { capacity: { workers: 3 }, replicas: { 'shop/web': 3 } },
      windows: [{ name: 'office', weekly: { days: 'Mon-Fri', from: '08:00', to: '18:00' }, capacity: { workers: 4 } }],
    }));
    const kube = ['--kubeconfig', kubeconfigFile(sim)];
    // No sleep: the store's pauses between conflicting writes are real (and short); the
    // simulator's manual clock would never end them.
    const run = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), clock: sim.clock });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    Object.assign(bed, { sim, schedule, kube, run });
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await bed.sim.stop();
  });
  return bed;
}

const configMap = (sim: Sim) => sim.store.get('configmaps', 'scalerd', 'scalerd-overrides') as { metadata: { labels?: Record<string, string> }; data?: Record<string, string> } | undefined;
const mutations = (sim: Sim) => sim.recorder.facts('mutation').filter((f) => f.client === CLI_CLIENT_ID);

describe('scalerd override', () => {
  const bed = useOverrideBed();

  it('set stores the override in the ConfigMap, list shows it, clear removes it', async () => {
    const set = await bed.run('override', 'set', '--schedule', bed.schedule, ...bed.kube, '--group', 'workers=5', '--replicas', 'shop/web=8', '--for', '3h', '--reason', 'load test');
    expect(set).toMatchObject({ code: 0, err: '' });
    const id = /^override ([a-z2-9]{6}) set: workers=5, shop\/web=8$/m.exec(set.out)?.[1];
    expect(id, set.out).toBeDefined();
    expect(set.out).toContain('until  Tue 2026-03-03 00:00 +01:00 (2026-03-02T23:00Z)');
    expect(set.out).toContain('by     alice (kube user scalerd-sim)');

    const stored = configMap(bed.sim)!;
    expect(stored.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'scalerd' });
    expect(JSON.parse(stored.data![id!]!)).toEqual({
      capacity: { workers: 5 }, replicas: { 'shop/web': 8 },
      from: '2026-03-02T20:00:00.000Z', until: '2026-03-02T23:00:00.000Z',
      reason: 'load test', by: 'alice (kube user scalerd-sim)', createdAt: '2026-03-02T20:00:00.000Z',
    });

    const list = await bed.run('override', 'list', '--schedule', bed.schedule, ...bed.kube);
    expect(list.code).toBe(0);
    expect(list.out.split('\n')[0]).toMatch(/^ID\s+STATE\s+SETS\s+UNTIL \(Europe\/Amsterdam\)\s+UNTIL \(UTC\)\s+REASON\s+BY$/);
    expect(list.out).toMatch(new RegExp(`^${id}\\s+active\\s+workers=5, shop/web=8\\s+Tue 2026-03-03 00:00 \\+01:00\\s+2026-03-02T23:00Z\\s+load test\\s+alice \\(kube user scalerd-sim\\)$`, 'm'));

    const json = JSON.parse((await bed.run('override', 'list', ...bed.kube, '-o', 'json')).out);
    expect(json).toMatchObject({ configMap: 'scalerd/scalerd-overrides', problems: [], overrides: [{ id, state: 'active', capacity: { workers: 5 }, until: '2026-03-02T23:00:00.000Z', untilNextWindow: false }] });

    expect(await bed.run('override', 'clear', id!, ...bed.kube)).toMatchObject({ code: 0, out: `cleared ${id} from configmap scalerd/scalerd-overrides` });
    expect(configMap(bed.sim)!.data ?? {}).toEqual({});
    expect(await bed.run('override', 'list', ...bed.kube)).toMatchObject({ code: 0, out: 'no overrides in configmap scalerd/scalerd-overrides' });
  });

  it('--until-next-window ends when the schedule next changes; -o json', async () => {
    const r = await bed.run('override', 'set', '--schedule', bed.schedule, ...bed.kube, '--group', 'workers=5', '--until-next-window', '--reason', 'wake', '-o', 'json');
    expect(r.code).toBe(0);
    // Monday 21:00 CET: the office window starts Tuesday 08:00 CET.
    expect(JSON.parse(r.out)).toMatchObject({ override: { until: '2026-03-03T07:00:00.000Z', untilNextWindow: true, state: 'active' }, droppedExpired: [] });
  });

  it('--until takes a local time in the schedule\'s zone', async () => {
    const r = await bed.run('override', 'set', '--schedule', bed.schedule, ...bed.kube, '--group', 'workers=2', '--until', '2026-03-03T06:30', '--reason', 'quiet');
    expect(r.code).toBe(0);
    expect(r.out).toContain('until  Tue 2026-03-03 06:30 +01:00 (2026-03-03T05:30Z)');
  });

  it('concurrent writers all land', async () => {
    // Count the writes the API server refused because another writer got there first.
    let refused = 0;
    for (const method of ['create', 'update'] as const) {
      const original = bed.sim.store[method].bind(bed.sim.store) as (...args: unknown[]) => unknown;
      vi.spyOn(bed.sim.store, method).mockImplementation(((...args: unknown[]) => {
        try {
          return original(...args);
        } catch (error) {
          if (args[0] === 'configmaps') refused++;
          throw error;
        }
      }) as never);
    }
    const results = await Promise.all([2, 3, 4, 5].map((n) =>
      bed.run('override', 'set', '--schedule', bed.schedule, ...bed.kube, '--group', `workers=${n}`, '--for', '1h', '--reason', `writer ${n}`)));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const data = configMap(bed.sim)!.data!;
    expect(Object.values(data).map((v) => (JSON.parse(v) as { reason: string }).reason).sort()).toEqual(['writer 2', 'writer 3', 'writer 4', 'writer 5']);
    expect(refused).toBeGreaterThan(0);
  });

  it('expired overrides are shown as such, then dropped at the next write', async () => {
    const first = await bed.run('override', 'set', '--schedule', bed.schedule, ...bed.kube, '--group', 'workers=5', '--for', '10m', '--reason', 'short', '-o', 'json');
    const id = (JSON.parse(first.out) as { override: { id: string } }).override.id;
    bed.sim.clock.advance(11 * MINUTE);
    expect((await bed.run('override', 'list', ...bed.kube)).out).toMatch(new RegExp(`^${id}\\s+expired\\s`, 'm'));
    const second = await bed.run('override', 'set', '--schedule', bed.schedule, ...bed.kube, '--group', 'workers=4', '--for', '1h', '--reason', 'next');
    expect(second.code).toBe(0);
    expect(second.out).toContain(`dropped expired overrides: ${id}`);
    expect(Object.keys(configMap(bed.sim)!.data!)).not.toContain(id);
    expect(Object.keys(configMap(bed.sim)!.data!)).toHaveLength(1);
  });

  it('a hand-broken entry is reported and skipped; the others are listed', async () => {
    await bed.run('override', 'set', '--schedule', bed.schedule, ...bed.kube, '--group', 'workers=5', '--for', '1h', '--reason', 'fine');
    const current = bed.sim.store.get('configmaps', 'scalerd', 'scalerd-overrides')!;
    bed.sim.store.update('configmaps', { ...current, data: { ...configMap(bed.sim)!.data, 'by-hand': '{"capacity":{"workers":"lots"}}' } });
    const list = await bed.run('override', 'list', ...bed.kube);
    expect(list.code).toBe(0);
    expect(list.err).toBe('warning SCALERD_ERR_OVERRIDE_ENTRY: overrides entry "by-hand": /capacity/workers: "lots" is not a whole number of 0 or more; the entry is skipped (fix it with kubectl edit, or remove it with "scalerd override clear by-hand")');
    expect(list.out).toMatch(/active\s+workers=5/);
    expect((await bed.run('override', 'clear', 'by-hand', ...bed.kube)).code).toBe(0);
    expect((await bed.run('override', 'list', ...bed.kube)).err).toBe('');
  });

  it('clear of an unknown id fails with exit 1 and writes nothing', async () => {
    const r = await bed.run('override', 'clear', 'nosuch', ...bed.kube);
    expect(r.code).toBe(1);
    expect(r.err).toBe('error SCALERD_ERR_OVERRIDE_NOT_FOUND: no override nosuch in configmap scalerd/scalerd-overrides (it holds none); nothing was cleared');
    expect(mutations(bed.sim)).toEqual([]);
  });

  describe('refuses bad arguments with exit 2, before any request', () => {
    const cases: [string, string[], RegExp][] = [
      ['an unknown node group', ['--group', 'gpu=2', '--for', '1h', '--reason', 'x'], /--group gpu: .* has no such node group \(it has workers\)/],
      ['a capacity above the limit', ['--group', 'workers=9', '--for', '1h', '--reason', 'x'], /--group workers=9 is outside the limits of workers in .*: min 2, max 5/],
      ['replicas below the limit', ['--replicas', 'shop/web=0', '--for', '1h', '--reason', 'x'], /--replicas shop\/web=0 is outside the limits of shop\/web in .*: min 1, max 10/],
      ['an undeclared workload', ['--replicas', 'shop/cart=2', '--for', '1h', '--reason', 'x'], /--replicas shop\/cart: .* declares no such workload/],
      ['nothing to set', ['--for', '1h', '--reason', 'x'], /needs at least one --group/],
      ['no reason', ['--group', 'workers=4', '--for', '1h'], /needs --reason/],
      ['a blank reason', ['--group', 'workers=4', '--for', '1h', '--reason', '  '], /needs --reason/],
      ['no end', ['--group', 'workers=4', '--reason', 'x'], /exactly one of --for <duration>, --until <time>, --until-next-window$/m],
      ['two ends', ['--group', 'workers=4', '--for', '1h', '--until-next-window', '--reason', 'x'], /exactly one of .* \(got --for, --until-next-window\)/],
      ['an end in the past', ['--group', 'workers=4', '--until', '2026-03-02T20:00', '--reason', 'x'], /SCALERD_ERR_CLI_TIME: --until 2026-03-02T20:00 \(Mon 2026-03-02 20:00 \+01:00, 2026-03-02T19:00Z\) is not in the future/],
      ['an unreadable time', ['--group', 'workers=4', '--until', 'tomorrow', '--reason', 'x'], /--until "tomorrow" is not a time/],
      ['an unreadable duration', ['--group', 'workers=4', '--for', '3 hours', '--reason', 'x'], /option .--for <duration>. argument .3 hours. is invalid. expected a duration from 1m to 366d/],
      ['a duration past a year, which once ended in RangeError: Invalid time value', ['--group', 'workers=4', '--for', '99999999d', '--reason', 'x'], /option .--for <duration>. argument .99999999d. is invalid. 99999999d is outside the range from 1m to 366d/],
      ['a malformed assignment', ['--group', 'workers', '--for', '1h', '--reason', 'x'], /"workers" is not NAME=N/],
      ['a bad namespace', ['--group', 'workers=4', '--for', '1h', '--reason', 'x', '--namespace', 'Scalerd'], /"Scalerd" is not a namespace name/],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const r = await bed.run('override', 'set', '--schedule', bed.schedule, ...bed.kube, ...args);
        expect(r.code, r.err).toBe(2);
        expect(r.err).toMatch(message);
        expect(mutations(bed.sim)).toEqual([]);
        expect(configMap(bed.sim)).toBeUndefined();
      });
    }

    it('set without --schedule', async () => {
      const r = await bed.run('override', 'set', ...bed.kube, '--group', 'workers=4', '--for', '1h', '--reason', 'x');
      expect(r).toMatchObject({ code: 2, err: expect.stringContaining('override set needs --schedule <file>') });
    });

    it('clear with neither an id nor --all, or both', async () => {
      expect((await bed.run('override', 'clear', ...bed.kube)).code).toBe(2);
      expect((await bed.run('override', 'clear', 'abc', '--all', ...bed.kube)).code).toBe(2);
    });

    it('--until-next-window on a schedule that never changes', async () => {
      const flat = join(tempDir('scalerd-override-'), 'flat.json');
      writeFileSync(flat, JSON.stringify({ version: 1, timezone: 'UTC', nodeGroups: { workers: { min: 2, max: 5 } }, default: { capacity: { workers: 3 } } }));
      const r = await bed.run('override', 'set', '--schedule', flat, ...bed.kube, '--group', 'workers=4', '--until-next-window', '--reason', 'x');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^error SCALERD_ERR_OVERRIDE_NO_NEXT_WINDOW: --until-next-window: the desired state of .* never changes after Mon 2026-03-02 20:00 \+00:00.*; use --for or --until$/);
    });
  });

  it('clear --all empties the ConfigMap', async () => {
    for (const n of [3, 4]) await bed.run('override', 'set', '--schedule', bed.schedule, ...bed.kube, '--group', `workers=${n}`, '--for', '1h', '--reason', 'x');
    const r = await bed.run('override', 'clear', '--all', ...bed.kube, '-o', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).cleared).toHaveLength(2);
    expect(configMap(bed.sim)!.data ?? {}).toEqual({});
  });
});

describe('scalerd override without scalerd\'s namespace', () => {
  const bed = useOverrideBed([]);

  it('fails with exit 1 and says how to create it', async () => {
    const r = await bed.run('override', 'set', '--schedule', bed.schedule, ...bed.kube, '--group', 'workers=4', '--for', '1h', '--reason', 'x');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error SCALERD_ERR_KUBE_CALL: Kubernetes create configmaps scalerd\/scalerd-overrides failed: 404 NotFound: .*\(create the namespace with "kubectl create namespace scalerd", or pass --namespace\)$/);
  });
});
