import { describe, expect, it } from 'vitest';
import { keptVersions, orphanSince, orphanVersions } from '../../../src/deployer/service/keeps.js';
import type { DeploymentRecord } from '../../../src/deployer/state/records.js';

let clock = 0;
const rec = (version: number, previousVersion: number | undefined, status: DeploymentRecord['status'], more: Partial<DeploymentRecord> = {}): DeploymentRecord => ({
  id: `r${++clock}`, namespace: 'shop', app: 'web', version, previousVersion, frontends: ['shop.example.com'], phase: status === 'RUNNING' ? 'verifying' : 'done', status,
  switched: true, createdAt: clock, updatedAt: clock, phases: [], descriptor: {}, ...more,
});

describe('the versions an app\'s records keep', () => {
  it('keeps what serves and the newest success; the rest present are orphans', () => {
    const records = [rec(1, undefined, 'SUCCESS'), rec(2, 1, 'SUCCESS'), rec(3, 2, 'FAILURE')];
    expect([...keptVersions({ records, serving: [2] })].sort()).toEqual([2]);
    expect(orphanVersions({ records, serving: [2], present: [1, 2, 3] })).toEqual([1, 3]);
  });

  it('keeps both sides of a deployment still RUNNING', () => {
    const records = [rec(1, undefined, 'SUCCESS'), rec(2, 1, 'RUNNING')];
    expect(orphanVersions({ records, serving: [1], present: [1, 2] })).toEqual([]);
  });

  it('never takes a version from under traffic, whatever the records say', () => {
    expect(orphanVersions({ records: [rec(5, 4, 'SUCCESS')], serving: [4], present: [4, 5] })).toEqual([]);
  });

  it('the review\'s leak: a stale deployment rolled back after a newer one succeeded leaves its previous version an orphan', () => {
    // v1 → v2 stuck while etcd was away; v3 accepted beside it and succeeded (v2 drained); the stale one rolled back later.
    const records = [rec(1, undefined, 'SUCCESS'), rec(2, 1, 'FAILURE'), rec(3, 2, 'SUCCESS')];
    expect(orphanVersions({ records, serving: [3], present: [1, 3] })).toEqual([1]);
  });

  it('after an undeploy nothing is kept but what serves; reconcile records keep nothing', () => {
    const records = [rec(1, undefined, 'SUCCESS'), rec(1, undefined, 'SUCCESS', { kind: 'undeploy', reason: 'undeploy' }), rec(7, undefined, 'SUCCESS', { kind: 'reconcile' })];
    expect(orphanVersions({ records, serving: [], present: [1] })).toEqual([1]);
  });
});

describe('orphans and the drain delay', () => {
  it('an orphan goes once it has been one for the drain delay; one no longer an orphan is forgotten', () => {
    let state = orphanSince(new Map(), [1, 3], 1_000, 30_000);
    expect(state.remove).toEqual([]);
    state = orphanSince(state.since, [1], 20_000, 30_000);
    expect([...state.since.keys()]).toEqual([1]);
    expect(orphanSince(state.since, [1], 31_000, 30_000).remove).toEqual([1]);
  });
});
