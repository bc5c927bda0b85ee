import { describe, expect, it } from 'vitest';
import {
  blockingPods, cordonedByOther, instanceNotInService, judgeNode, markedByOther, notReadyWithPods, protectedFromScaleIn, scaleDownDisabled,
  type NodeCandidate,
} from '../../src/plan/nodes.js';
import { classifyNodePods, computeBudgets, matchNodes, readMark, resolveOptions } from '../../src/plan/index.js';
import { T0, scalerdMark, world, type NodeOpts, type PodOpts } from './builders.js';

function candidate(opts: NodeOpts = {}, pods: PodOpts[] = []): NodeCandidate {
  const w = world().group('workers').node('n1', opts);
  pods.forEach((p, i) => w.pod(`shop/p${i}`, { node: 'n1', ...p }));
  const o = w.build();
  const member = matchNodes(o.groups, o.nodes).members.get('workers')![0]!;
  const node = o.nodes[0]!;
  const ctx = { now: T0, options: resolveOptions(), budgets: computeBudgets([]) };
  return { group: 'workers', asg: 'workers', member, node, mark: readMark(node, 'scalerd'), pods: classifyNodePods(o.pods, ctx) };
}

describe('node predicates, one by one', () => {
  it('never a node annotated scale-down-disabled=true', () => {
    expect(scaleDownDisabled(candidate({ annotations: { 'scalerd.io/scale-down-disabled': 'true' } }))).toMatchObject({ code: 'scale-down-disabled' });
    expect(scaleDownDisabled(candidate({ annotations: { 'scalerd.io/scale-down-disabled': 'false' } }))).toBeUndefined();
  });

  it('never an instance that is not InService', () => {
    expect(instanceNotInService(candidate({ lifecycle: 'Standby' }))).toMatchObject({ code: 'not-in-service', reason: 'instance i-n1 is Standby, not InService' });
    expect(instanceNotInService(candidate())).toBeUndefined();
  });

  it('never an instance protected from scale-in', () => {
    expect(protectedFromScaleIn(candidate({ protected: true }))).toMatchObject({ code: 'protected' });
  });

  it('never a node another owner is removing', () => {
    expect(markedByOther(candidate(scalerdMark('draining', T0, 'blue')))).toMatchObject({ code: 'marked-by-other', reason: 'being removed by blue' });
    expect(markedByOther(candidate(scalerdMark('draining')))).toBeUndefined();
  });

  it('never a node someone else cordoned; scalerd’s own cordon is not in the way', () => {
    expect(cordonedByOther(candidate({ unschedulable: true }))).toMatchObject({ code: 'cordoned-by-other' });
    expect(cordonedByOther(candidate(scalerdMark('cordoned')))).toBeUndefined();
  });

  it('a not-Ready node is skipped when pods must move, and eligible when empty', () => {
    expect(notReadyWithPods(candidate({ ready: false }, [{ deploy: 'web' }]))).toMatchObject({ code: 'not-ready' });
    expect(notReadyWithPods(candidate({ ready: false }, [{ ds: 'logs' }]))).toBeUndefined();
  });

  it('a blocking pod keeps its node, and the reason names the pod', () => {
    const verdict = blockingPods(candidate({}, [{ bare: true }, { localStorage: true }]));
    expect(verdict).toMatchObject({ code: 'blocking-pods' });
    expect(verdict!.reason).toBe('pod shop/p0 not managed by a controller: evicted, nothing recreates it (and 1 more)');
  });

  it('judgeNode returns the first objection, in the documented order', () => {
    expect(judgeNode(candidate({ protected: true, annotations: { 'scalerd.io/scale-down-disabled': 'true' } }))?.code).toBe('scale-down-disabled');
    expect(judgeNode(candidate())).toBeUndefined();
    expect(judgeNode(candidate(), [() => ({ verdict: 'skip', code: 'gpu', reason: 'GPU nodes stay' })])?.code).toBe('gpu');
  });
});
