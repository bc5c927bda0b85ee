import { describe, expect, it } from 'vitest';
import { belongsTo } from '../../src/plan/workloads.js';
import { planOf, world } from './builders.js';

const only = (w: ReturnType<typeof world>, replicas: Record<string, number>) => {
  const p = planOf(w.group('workers').nodes_('n', 1), { capacity: { workers: 1 }, replicas });
  return { p, steps: p.steps.filter((s) => s.kind === 'scale-workload') };
};

describe('workload replicas', () => {
  it('scales through the scale subresource and records the original first', () => {
    const { steps } = only(world().workload('shop/web', { replicas: 8 }), { 'shop/web': 3 });
    expect(steps).toEqual([{
      kind: 'scale-workload', workload: { key: 'shop/web', kind: 'Deployment', namespace: 'shop', name: 'web' }, direction: 'down',
      replicas: { from: 8, to: 3 }, hpa: undefined, annotate: { workload: { 'scalerd.io/original-replicas': '8' }, hpa: {} },
      expected: 3, reason: 'the schedule wants 3; it has 8',
    }]);
  });

  it('does not record again once the original is recorded', () => {
    const { steps } = only(world().workload('shop/web', { replicas: 3, annotations: { 'scalerd.io/original-replicas': '8' } }), { 'shop/web': 5 });
    expect(steps[0]).toMatchObject({ direction: 'up', replicas: { from: 3, to: 5 }, annotate: { workload: {}, hpa: {} } });
  });

  it('restores the recorded original when the desired state names no value, and forgets it', () => {
    const { steps } = only(world().workload('shop/web', { replicas: 3, annotations: { 'scalerd.io/original-replicas': '8' } }), {});
    expect(steps[0]).toMatchObject({ replicas: { from: 3, to: 8 }, annotate: { workload: { 'scalerd.io/original-replicas': null } }, reason: 'restore the value from before scalerd (8); it has 3' });
  });

  it('drops no-ops: nothing to do when replicas already match, or no value and nothing recorded', () => {
    expect(only(world().workload('shop/web', { replicas: 3 }), { 'shop/web': 3 }).steps).toEqual([]);
    expect(only(world().workload('shop/web', { replicas: 3 }), {}).steps).toEqual([]);
  });

  it('with an HPA, lowers minReplicas instead (the HPA decides the rest) and records the original', () => {
    const { steps } = only(world().workload('shop/web', { replicas: 6, hpa: { minReplicas: 5, maxReplicas: 10 } }), { 'shop/web': 2 });
    expect(steps[0]).toMatchObject({
      direction: 'adjust', replicas: undefined, expected: 6,
      hpa: { name: 'web-hpa', minReplicas: { from: 5, to: 2 }, maxReplicas: undefined },
      annotate: { workload: {}, hpa: { 'scalerd.io/original-min-replicas': '5' } },
    });
  });

  it('with an HPA, raises maxReplicas too when the desired count is above it', () => {
    const { steps } = only(world().workload('shop/web', { replicas: 4, hpa: { minReplicas: 2, maxReplicas: 10 } }), { 'shop/web': 12 });
    expect(steps[0]).toMatchObject({
      direction: 'up', expected: 12,
      hpa: { minReplicas: { from: 2, to: 12 }, maxReplicas: { from: 10, to: 12 } },
      annotate: { hpa: { 'scalerd.io/original-min-replicas': '2', 'scalerd.io/original-max-replicas': '10' } },
    });
  });

  it('with an HPA, restores both bounds and forgets the records', () => {
    const hpa = { minReplicas: 12, maxReplicas: 12, annotations: { 'scalerd.io/original-min-replicas': '2', 'scalerd.io/original-max-replicas': '10' } };
    const { steps } = only(world().workload('shop/web', { replicas: 12, hpa }), {});
    expect(steps[0]).toMatchObject({
      direction: 'down', expected: 10,
      hpa: { minReplicas: { from: 12, to: 2 }, maxReplicas: { from: 12, to: 10 } },
      annotate: { hpa: { 'scalerd.io/original-min-replicas': null, 'scalerd.io/original-max-replicas': null } },
    });
  });

  it('with an HPA, lowering to a count under the raised max brings the max back to its original', () => {
    const hpa = { minReplicas: 12, maxReplicas: 12, annotations: { 'scalerd.io/original-min-replicas': '2', 'scalerd.io/original-max-replicas': '10' } };
    const { steps } = only(world().workload('shop/web', { replicas: 12, hpa }), { 'shop/web': 4 });
    expect(steps[0]).toMatchObject({ hpa: { minReplicas: { from: 12, to: 4 }, maxReplicas: { from: 12, to: 10 } }, annotate: { hpa: { 'scalerd.io/original-max-replicas': null } } });
  });

  it('with an HPA, a step that only forgets a recorded original still names the HPA', () => {
    const hpa = { minReplicas: 4, maxReplicas: 10, annotations: { 'scalerd.io/original-min-replicas': '2', 'scalerd.io/original-max-replicas': '10' } };
    const { steps } = only(world().workload('shop/web', { replicas: 4, hpa }), { 'shop/web': 4 });
    expect(steps[0]).toMatchObject({ replicas: undefined, hpa: { minReplicas: undefined, maxReplicas: undefined }, annotate: { hpa: { 'scalerd.io/original-max-replicas': null } } });
    expect(typeof (steps[0] as { hpa: { name: unknown } }).hpa.name).toBe('string');
  });

  it('with an HPA, 0 replicas goes through the scale subresource (minReplicas 0 is invalid; the HPA idles at 0)', () => {
    const { steps } = only(world().workload('shop/web', { replicas: 4, hpa: { minReplicas: 2 } }), { 'shop/web': 0 });
    expect(steps[0]).toMatchObject({ replicas: { from: 4, to: 0 }, hpa: undefined, annotate: { workload: { 'scalerd.io/original-replicas': '4' } } });
    const back = only(world().workload('shop/web', { replicas: 0, hpa: { minReplicas: 2 }, annotations: { 'scalerd.io/original-replicas': '4' } }), { 'shop/web': 3 });
    expect(back.steps[0]).toMatchObject({ direction: 'up', replicas: { from: 0, to: 3 }, hpa: { minReplicas: { from: 2, to: 3 } }, expected: 3 });
  });

  it('reports a workload it cannot find, or cannot tell apart', () => {
    const missing = planOf(world().group('workers').nodes_('n', 1), { capacity: { workers: 1 } });
    expect(missing.blocked).toEqual([]);
    const w = world().workload('shop/web', { replicas: 1 }).workload('shop/web', { kind: 'StatefulSet', replicas: 1 });
    w.scheduled.splice(1, 1);
    (w.scheduled as { kind: unknown }[])[0]!.kind = undefined;
    w.scheduled.push({ key: 'shop/gone', namespace: 'shop', name: 'gone', kind: undefined, min: 0, max: 9 });
    const { p } = only(w, { 'shop/web': 2, 'shop/gone': 1 });
    expect(p.blocked.map((b) => [b.code, b.workload])).toEqual([['workload-ambiguous', 'shop/web'], ['workload-not-found', 'shop/gone']]);
  });

  it('keeps replicas within the schedule’s limits and says so', () => {
    const { p, steps } = only(world().workload('shop/web', { replicas: 4, min: 2, max: 6 }), { 'shop/web': 9 });
    expect(steps[0]).toMatchObject({ replicas: { from: 4, to: 6 } });
    expect(p.blocked).toEqual([{ code: 'workload-limits', workload: 'shop/web', message: "shop/web: 9 replicas is outside the schedule's limits 2..6" }]);
  });

  it('recognises a workload’s pods: a Deployment’s through its ReplicaSet, a StatefulSet’s directly', () => {
    const o = world().pod('shop/web-1', { deploy: 'web' }).pod('shop/webhook-1', { deploy: 'webhook' }).pod('shop/db-0', { sts: 'db' }).build();
    const [web, webhook, db] = o.pods;
    expect(belongsTo(web!, { kind: 'Deployment', namespace: 'shop', name: 'web' })).toBe(true);
    expect(belongsTo(webhook!, { kind: 'Deployment', namespace: 'shop', name: 'web' })).toBe(false);
    expect(belongsTo(db!, { kind: 'StatefulSet', namespace: 'shop', name: 'db' })).toBe(true);
    expect(belongsTo(db!, { kind: 'StatefulSet', namespace: 'other', name: 'db' })).toBe(false);
  });
});
