import { describe, expect, it } from 'vitest';
import {
  budgetNeverAllows, classifyPod, daemonSetPod, localStoragePod, mirrorPod, multipleBudgets, POD_PREDICATES, safeToEvictFalse,
  terminalPod, terminatingPastGrace, unreplicatedPod, type PodContext,
} from '../../src/plan/pods.js';
import { computeBudgets, resolveOptions, type PodPolicy } from '../../src/plan/index.js';
import type { PdbObservation, PodObservation } from '../../src/ports/observation.js';
import { T0, world, type PodOpts } from './builders.js';

const podOf = (opts: PodOpts): PodObservation => world().pod('shop/p', { node: 'n1', deploy: 'web', ...opts }).build().pods[0]!;
const ctxOf = (pdbs: readonly PdbObservation[] = [], pods: Partial<PodPolicy> = {}): PodContext => ({ now: T0, options: resolveOptions({ pods }), budgets: computeBudgets(pdbs) });
const pdbs = (...specs: { name: string; allowed?: number; desiredHealthy?: number; expectedPods?: number }[]) =>
  specs.reduce((w, s) => w.pdb(`shop/${s.name}`, { app: 'web', ...s }), world()).build().pdbs;

describe('pod predicates, one by one', () => {
  it('mirror pods stay', () => {
    expect(mirrorPod(podOf({ mirror: true }))).toMatchObject({ verdict: 'skip', code: 'mirror' });
    expect(mirrorPod(podOf({}))).toBeUndefined();
  });

  it('a pod terminating longer than its grace period + 30 s is ignored; a younger one is not', () => {
    const stuck = podOf({ deletedAt: T0 - 61_000, grace: 30 });
    const fresh = podOf({ deletedAt: T0 - 59_000, grace: 30 });
    expect(terminatingPastGrace(stuck, ctxOf())).toMatchObject({ verdict: 'skip', code: 'terminating' });
    expect(terminatingPastGrace(fresh, ctxOf())).toBeUndefined();
  });

  it('finished pods stay (nothing needs room)', () => {
    expect(terminalPod(podOf({ phase: 'Succeeded' }))).toMatchObject({ verdict: 'skip', code: 'terminal' });
    expect(terminalPod(podOf({ phase: 'Running' }))).toBeUndefined();
  });

  it('DaemonSet pods stay', () => {
    expect(daemonSetPod(podOf({ ds: 'logs', deploy: undefined }))).toMatchObject({ verdict: 'skip', code: 'daemonset' });
  });

  it('safe-to-evict=false blocks unless the policy ignores it', () => {
    const pod = podOf({ annotations: { 'scalerd.io/safe-to-evict': 'false' } });
    expect(safeToEvictFalse(pod, ctxOf())).toMatchObject({ verdict: 'block', code: 'safe-to-evict-false' });
    expect(safeToEvictFalse(pod, ctxOf([], { ignoreSafeToEvictFalse: true }))).toBeUndefined();
  });

  it('a pod with no controller blocks unless the policy evicts it', () => {
    const pod = podOf({ bare: true, deploy: undefined });
    expect(unreplicatedPod(pod, ctxOf())).toMatchObject({ verdict: 'block', code: 'unreplicated' });
    expect(unreplicatedPod(pod, ctxOf([], { evictUnreplicated: true }))).toBeUndefined();
  });

  it('local storage blocks unless the policy evicts it', () => {
    const pod = podOf({ localStorage: true });
    expect(localStoragePod(pod, ctxOf())).toMatchObject({ verdict: 'block', code: 'local-storage' });
    expect(localStoragePod(pod, ctxOf([], { evictLocalStorage: true }))).toBeUndefined();
  });

  it('a pod selected by two budgets blocks (the eviction API answers 500)', () => {
    const status = multipleBudgets(podOf({}), ctxOf(pdbs({ name: 'a' }, { name: 'b' })));
    expect(status).toMatchObject({ verdict: 'block', code: 'multiple-budgets' });
    expect(status!.message).toContain('shop/a, shop/b');
    expect(multipleBudgets(podOf({}), ctxOf(pdbs({ name: 'a' })))).toBeUndefined();
  });

  it('a budget that can never allow a disruption blocks; one exhausted for now does not', () => {
    expect(budgetNeverAllows(podOf({}), ctxOf(pdbs({ name: 'all', allowed: 0, desiredHealthy: 3, expectedPods: 3 })))).toMatchObject({ verdict: 'block', code: 'budget-never-allows' });
    expect(budgetNeverAllows(podOf({}), ctxOf(pdbs({ name: 'busy', allowed: 0, desiredHealthy: 2, expectedPods: 3 })))).toBeUndefined();
  });
});

describe('classifyPod', () => {
  it('evicts an ordinary replicated pod', () => {
    expect(classifyPod(podOf({}), ctxOf())).toEqual({ verdict: 'evict', code: 'evict', message: 'evict' });
  });

  it('lets the first predicate with an opinion decide: a DaemonSet pod with local storage stays', () => {
    expect(POD_PREDICATES.indexOf(daemonSetPod)).toBeLessThan(POD_PREDICATES.indexOf(localStoragePod));
    expect(classifyPod(podOf({ ds: 'logs', deploy: undefined, localStorage: true }), ctxOf()).code).toBe('daemonset');
  });

  it('runs extra predicates after the built-in ones', () => {
    const options = resolveOptions({ extraPodPredicates: [(p) => (p.labels.app === 'web' ? { verdict: 'block', code: 'team-rule', message: 'web is special' } : undefined)] });
    expect(classifyPod(podOf({}), { now: T0, options, budgets: computeBudgets([]) }).code).toBe('team-rule');
    expect(classifyPod(podOf({ mirror: true }), { now: T0, options, budgets: computeBudgets([]) }).code).toBe('mirror');
  });
});
