// fast-check arbitraries: small clusters with every kind of node and pod the planner
// judges, and a desired state that may go up or down.

import fc from 'fast-check';
import { GiB, MiB, MIN, T0, World, scalerdMark } from './builders.js';
import { seeded } from '../seeded.js';

const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] as const;

const nodeArb = fc.record({
  zone: fc.constantFrom(...ZONES),
  cpu: fc.constantFrom(2000, 4000, 8000),
  ready: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  protected: fc.oneof({ weight: 19, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  disabled: fc.oneof({ weight: 19, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  lifecycle: fc.oneof({ weight: 18, arbitrary: fc.constant('InService') }, { weight: 1, arbitrary: fc.constantFrom('Pending', 'Terminating', 'Standby') }),
  mark: fc.oneof(
    { weight: 8, arbitrary: fc.constant<string | undefined>(undefined) },
    { weight: 2, arbitrary: fc.constantFrom('cordoned', 'draining', 'drained', 'terminating', 'other') },
  ),
  cordoned: fc.oneof({ weight: 29, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

const groupArb = fc.record({
  nodes: fc.array(nodeArb, { minLength: 1, maxLength: 7 }),
  unjoined: fc.array(fc.record({ old: fc.boolean(), zone: fc.constantFrom(...ZONES) }), { maxLength: 2 }),
  minSize: fc.integer({ min: 0, max: 3 }),
  maxExtra: fc.integer({ min: 0, max: 6 }),
  scheduleMin: fc.integer({ min: 0, max: 2 }),
  scheduleMax: fc.integer({ min: 6, max: 14 }),
  desired: fc.integer({ min: 0, max: 12 }),
  suspended: fc.boolean(),
});

const workloadArb = fc.record({
  replicas: fc.integer({ min: 0, max: 10 }),
  cpu: fc.constantFrom(100, 250, 500, 1000, 1500),
  hpa: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  desired: fc.integer({ min: 0, max: 10 }),
  pdb: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 3 }),
});

const oddPodArb = fc.record({
  kind: fc.constantFrom('bare', 'local', 'unsafe'),
  node: fc.nat(),
});

export const scenarioArb = fc.record({
  groups: fc.array(groupArb, { minLength: 1, maxLength: 2 }),
  workloads: fc.array(workloadArb, { minLength: 1, maxLength: 3 }),
  odd: fc.array(oddPodArb, { maxLength: 2 }),
  cap: fc.constantFrom(1, 3, 10),
  seed: fc.integer(),
});

export type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

export function buildScenario(s: Scenario): { world: World; desired: { capacity: Record<string, number>; replicas: Record<string, number> } } {
  const w = new World();
  const capacity: Record<string, number> = {};
  const names: string[] = [];
  s.groups.forEach((g, gi) => {
    const counted = g.nodes.filter((n) => n.lifecycle === 'InService' || n.lifecycle === 'Pending').length + g.unjoined.length;
    const maxSize = Math.max(counted, g.minSize) + g.maxExtra;
    const name = `g${gi}`;
    w.group(name, { asg: `asg-${gi}`, minSize: g.minSize, maxSize, scheduleMin: g.scheduleMin, scheduleMax: g.scheduleMax, suspended: g.suspended ? ['AZRebalance'] : [] });
    capacity[name] = Math.min(g.scheduleMax, Math.max(g.scheduleMin, g.desired));
    g.nodes.forEach((n, ni) => {
      const node = `n${gi}x${ni}`;
      names.push(node);
      const mark = n.mark === undefined ? {} : n.mark === 'other' ? scalerdMark('draining', T0 - 5 * MIN, 'someone') : scalerdMark(n.mark);
      w.node(node, {
        zone: n.zone, cpu: n.cpu, mem: (n.cpu / 1000) * 4 * GiB, ready: n.ready, protected: n.protected, lifecycle: n.lifecycle,
        ...mark,
        unschedulable: n.cordoned || n.mark !== undefined,
        annotations: { ...mark.annotations, ...(n.disabled ? { 'scalerd.io/scale-down-disabled': 'true' } : {}) },
      });
    });
    g.unjoined.forEach((u, ui) => w.unjoined(`i-late${gi}x${ui}`, { zone: u.zone, launchedAt: u.old ? T0 - 60 * MIN : T0 - 2 * MIN }));
  });
  w.daemonSet('kube-system/logs');
  const replicas: Record<string, number> = {};
  s.workloads.forEach((wl, wi) => {
    const key = `shop/app${wi}`;
    w.deployment(key, wl.replicas, rotate(names, wi), { cpu: wl.cpu, mem: 256 * MiB, hpa: wl.hpa ? { minReplicas: 1, maxReplicas: 8 } : undefined });
    if (wl.pdb !== null) w.pdb(`shop/app${wi}`, { app: `app${wi}`, allowed: wl.pdb, desiredHealthy: Math.max(0, wl.replicas - 1), expectedPods: wl.replicas });
    replicas[key] = wl.desired;
  });
  s.odd.forEach((p, i) => {
    const node = names[p.node % names.length]!;
    if (p.kind === 'bare') w.pod(`shop/bare${i}`, { node, bare: true });
    else if (p.kind === 'local') w.pod(`shop/cache${i}`, { node, localStorage: true });
    else w.pod(`shop/pinned${i}`, { node, annotations: { 'scalerd.io/safe-to-evict': 'false' } });
  });
  return { world: w, desired: { capacity, replicas } };
}

const rotate = <T>(items: readonly T[], by: number): T[] => items.map((_, i) => items[(i + by) % items.length]!);

/** A deterministic shuffle (mulberry32). */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const random = seeded(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
