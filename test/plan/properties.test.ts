import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyPod, computeBudgets, plan, resolveOptions, type Plan, type Step } from '../../src/plan/index.js';
import { tolerates } from '../../src/plan/selectors.js';
import { occupies } from '../../src/plan/context.js';
import { isCounted } from '../../src/plan/match.js';
import { belongsTo } from '../../src/plan/workloads.js';
import type { Observation } from '../../src/ports/observation.js';
import { applyPlan } from './apply.js';
import { buildScenario, scenarioArb, shuffle, type Scenario } from './arbitrary.js';
import { T0 } from './builders.js';

const RUNS = { numRuns: Number(process.env.PLAN_RUNS ?? 300) };

function planScenario(s: Scenario, observation?: Observation): { observation: Observation; plan: Plan; input: Parameters<typeof plan>[0] } {
  const { world, desired } = buildScenario(s);
  const obs = observation ?? world.build();
  const input = { observation: obs, schedule: world.schedule(), desired, now: T0, options: { maxNodeRemovals: s.cap } };
  return { observation: obs, plan: plan(input), input };
}

const inGroup = (asg: string) => (s: Step) => 'asg' in s && s.asg === asg;
const NODE_STEPS = new Set(['suspend-processes', 'rollback-node', 'terminate-unjoined', 'scale-up', 'resume-node', 'drain-node']);

describe('planner properties', () => {
  it('(a) never takes a group below max(MinSize, schedule min) nor above MaxSize', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      const { observation, plan: p } = planScenario(s);
      for (const g of p.groups) {
        const steps = p.steps.filter(inGroup(g.asg));
        const group = observation.groups.find((x) => x.name === g.asg)!;
        // Nodes already past the point of no return (phase terminating) were decided earlier.
        const committed = steps.filter((x) => x.kind === 'resume-node' && x.phase === 'terminating' && x.actions.includes('terminate')).length;
        const fresh = steps.filter((x) => (x.kind === 'resume-node' && x.phase !== 'terminating' && x.actions.includes('terminate')) || x.kind === 'drain-node' || x.kind === 'terminate-unjoined').length;
        const unjoined = steps.filter((x) => x.kind === 'terminate-unjoined').length;
        const add = steps.reduce((n, x) => n + (x.kind === 'scale-up' ? x.add : 0), 0);
        const result = g.observedDesired - committed - fresh + add;
        if (fresh > 0) expect(result + committed).toBeGreaterThanOrEqual(g.floor);
        if (unjoined > 0) expect(g.observedDesired - committed - unjoined).toBeGreaterThanOrEqual(group.minSize);
        if (add > 0) {
          expect(g.observedDesired - unjoined + add).toBeLessThanOrEqual(group.maxSize);
          expect(result).toBeLessThanOrEqual(g.ceiling);
        }
        for (const x of steps) if (x.kind === 'scale-up') expect(x.add).toBeGreaterThan(0);
      }
    }), RUNS);
  });

  it('(b) the nodes that stay can hold every moving pod: the planner’s placement checks out', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      const { observation: o, plan: p } = planScenario(s);
      // Nodes chosen this time (new victims and resumed ones not yet past the point of no return).
      const chosen = new Set(p.steps.flatMap((x) =>
        x.kind === 'drain-node' || (x.kind === 'resume-node' && x.phase !== 'terminating' && x.actions.includes('terminate')) ? [x.node] : []));
      const options = resolveOptions();
      const ctx = { now: T0, options, budgets: computeBudgets(o.pdbs) };
      const key = (pod: { namespace: string; name: string }) => `${pod.namespace}/${pod.name}`;
      const mustMove = o.pods.filter((pod) => chosen.has(pod.nodeName ?? '') && classifyPod(pod, ctx).verdict === 'evict');
      // Every pod that must move is placed, but for at most the scale-down's deletions per workload.
      const unplaced = mustMove.filter((pod) => !(key(pod) in p.placement));
      for (const step of p.steps) {
        if (step.kind !== 'scale-workload' || step.direction !== 'down') continue;
        const w = o.workloads.find((x) => x.namespace === step.workload.namespace && x.name === step.workload.name)!;
        expect(unplaced.filter((pod) => belongsTo(pod, w)).length).toBeLessThanOrEqual(w.replicas - step.expected);
      }
      const shrinking = p.steps.flatMap((x) => (x.kind === 'scale-workload' && x.direction === 'down' ? [x.workload] : []));
      for (const pod of unplaced) expect(shrinking.some((w) => belongsTo(pod, { ...w }))).toBe(true);
      expect(Object.keys(p.placement).every((k) => mustMove.some((pod) => key(pod) === k))).toBe(true);

      // Every target is a node that stays and serves, admits the pod, and has the room.
      const instances = new Map(o.groups.flatMap((g) => g.instances.map((i) => [i.id, i] as const)));
      const rolledBack = new Set(p.steps.flatMap((x) => (x.kind === 'rollback-node' ? [x.node] : [])));
      const byKey = new Map(mustMove.map((pod) => [key(pod), pod]));
      const load = new Map<string, { cpu: number; mem: number; pods: number }>();
      for (const [podKey, target] of Object.entries(p.placement)) {
        const node = o.nodes.find((n) => n.name === target)!;
        const pod = byKey.get(podKey)!;
        expect(chosen.has(target)).toBe(false);
        expect(node.ready).toBe(true);
        const ours = node.taints.some((t) => t.key === 'scalerd.io/scale-down');
        if (!rolledBack.has(target)) expect(node.unschedulable || ours).toBe(false);
        const instance = node.instanceId ? instances.get(node.instanceId) : undefined;
        if (instance) expect(instance.lifecycleState === 'InService' && isCounted(instance)).toBe(true);
        const taints = node.taints.filter((t) => t.key !== 'scalerd.io/scale-down' && t.effect !== 'PreferNoSchedule');
        expect(taints.every((t) => pod.tolerations.some((tol) => tolerates(tol, t)))).toBe(true);
        expect(Object.entries(pod.nodeSelector).every(([k, v]) => node.labels[k] === v)).toBe(true);
        const l = load.get(target) ?? { cpu: 0, mem: 0, pods: 0 };
        load.set(target, { cpu: l.cpu + pod.requests.cpuMilli, mem: l.mem + pod.requests.memoryBytes, pods: l.pods + 1 });
      }
      for (const [target, l] of load) {
        const node = o.nodes.find((n) => n.name === target)!;
        const there = o.pods.filter((pod) => pod.nodeName === target && occupies(pod, T0, options.terminatingSlackMs));
        expect(there.reduce((n, pod) => n + pod.requests.cpuMilli, 0) + l.cpu).toBeLessThanOrEqual(node.allocatable.cpuMilli);
        expect(there.reduce((n, pod) => n + pod.requests.memoryBytes, 0) + l.mem).toBeLessThanOrEqual(node.allocatable.memoryBytes);
        expect(there.length + l.pods).toBeLessThanOrEqual(node.allocatable.pods);
      }
    }), RUNS);
  });

  it('(c) is deterministic: the same world, listed in any order, gives the same plan', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      const { observation: o, plan: p, input } = planScenario(s);
      const shuffled: Observation = {
        ...o,
        groups: shuffle(o.groups, s.seed).map((g) => ({ ...g, instances: shuffle(g.instances, s.seed + 1) })),
        nodes: shuffle(o.nodes, s.seed + 2),
        pods: shuffle(o.pods, s.seed + 3),
        workloads: shuffle(o.workloads, s.seed + 4),
        pdbs: shuffle(o.pdbs, s.seed + 5),
      };
      expect(plan({ ...input, observation: shuffled })).toEqual(p);
      expect(plan(input)).toEqual(p);
    }), RUNS);
  });

  it('(d) re-planning after the plan’s effects yields no further node steps (and never a reversal)', () => {
    const LIMITING = new Set(['cap', 'no-fit', 'no-candidate', 'unjoined-min-size', 'unjoined-cap', 'cluster-unhealthy', 'az-rebalance', 'max-size-pending']);
    fc.assert(fc.property(scenarioArb, (s) => {
      const { observation: o, plan: first, input } = planScenario(s);
      const after = applyPlan(o, first, T0);
      const second = plan({ ...input, observation: after });
      const limited = first.blocked.some((b) => LIMITING.has(b.code));
      // One legitimate second step: a not-Ready node whose last movable pod the first
      // plan's scale-down deleted is now "never Ready and empty": terminated and replaced.
      const emptied = new Set(o.nodes.filter((n) => !n.ready).map((n) => n.name).filter((name) =>
        o.pods.some((pod) => pod.nodeName === name && pod.owner?.kind === 'ReplicaSet') && !after.pods.some((pod) => pod.nodeName === name && pod.owner?.kind === 'ReplicaSet')));
      const replaced = new Set(second.steps.flatMap((x) => (x.kind === 'terminate-unjoined' && x.node && emptied.has(x.node) ? [x.asg] : [])));
      const expected = (x: Step) => NODE_STEPS.has(x.kind) && !(replaced.has((x as { asg?: string }).asg ?? '') && ['terminate-unjoined', 'scale-up', 'suspend-processes'].includes(x.kind));
      if (!limited) {
        expect(second.steps.filter(expected).map((x) => x.kind)).toEqual([]);
        expect(second.steps.filter((x) => x.kind === 'scale-workload')).toEqual([]);
      }
      // Limited or not, a group that shrank does not grow back, nor the other way round.
      // (A never-joined instance terminated and replaced is neither.)
      for (const g of first.groups) {
        const again = second.groups.find((x) => x.asg === g.asg)!;
        if (g.direction === 'down' && !replaced.has(g.asg)) expect(again.direction).not.toBe('up');
        if (g.direction === 'up') expect(again.direction).not.toBe('down');
      }
    }), RUNS);
  });
});
