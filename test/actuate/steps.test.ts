// Single steps, call by call: the order scale-workload writes in, and the scale-up's
// delta from a fresh look.

import { describe, expect, it } from 'vitest';
import { scaleUp, scaleWorkload } from '../../src/actuate/steps.js';
import type { ScaleUpStep, ScaleWorkloadStep } from '../../src/plan/index.js';
import type { GroupObservation } from '../../src/ports/index.js';
import { fakeCloud, fakeCluster, fakeContext } from './fakes.js';

const workload = { key: 'shop/api', kind: 'Deployment' as const, namespace: 'shop', name: 'api' };

function recordingCluster(calls: string[]) {
  return fakeCluster({
    annotateWorkload: async (_ref, notes) => void calls.push(`annotate workload ${JSON.stringify(notes)}`),
    changeHpa: async (_ns, name, change) => void calls.push(`hpa ${name} ${JSON.stringify(change)}`),
    scaleWorkload: async (_ref, replicas) => void calls.push(`scale ${replicas}`),
    getWorkloads: async () => [{ kind: 'Deployment', namespace: 'shop', name: 'api', uid: 'u', resourceVersion: '7', replicas: 3, readyReplicas: 3, availableReplicas: 3, annotations: {}, hpa: { namespace: 'shop', name: 'api-hpa', minReplicas: 2, maxReplicas: 6, annotations: {} } }],
  });
}

describe('scale-workload', () => {
  it('records the originals before it changes anything: workload notes, HPA notes, HPA bounds, replicas', async () => {
    const calls: string[] = [];
    const step: ScaleWorkloadStep = {
      kind: 'scale-workload', workload, direction: 'up', expected: 8, reason: 'test',
      replicas: { from: 0, to: 8 },
      hpa: { name: 'api-hpa', minReplicas: { from: 2, to: 8 }, maxReplicas: { from: 6, to: 8 } },
      annotate: { workload: { 'scalerd.io/original-replicas': '0' }, hpa: { 'scalerd.io/original-min-replicas': '2', 'scalerd.io/original-max-replicas': '6' } },
    };
    const { ctx } = fakeContext({ cluster: recordingCluster(calls) });
    expect(await scaleWorkload(ctx, step)).toMatchObject({ status: 'done' });
    expect(calls).toEqual([
      'annotate workload {"scalerd.io/original-replicas":"0"}',
      'hpa api-hpa {"annotations":{"scalerd.io/original-min-replicas":"2","scalerd.io/original-max-replicas":"6"}}',
      'hpa api-hpa {"minReplicas":8,"maxReplicas":8}',
      'scale 8',
    ]);
  });

  it('writes the HPA annotations when the step only forgets a recorded value', async () => {
    const calls: string[] = [];
    const step: ScaleWorkloadStep = {
      kind: 'scale-workload', workload, direction: 'adjust', expected: 3, reason: 'test', replicas: undefined,
      hpa: { name: 'api-hpa', minReplicas: undefined, maxReplicas: undefined },
      annotate: { workload: {}, hpa: { 'scalerd.io/original-max-replicas': null } },
    };
    const { ctx } = fakeContext({ cluster: recordingCluster(calls) });
    await scaleWorkload(ctx, step);
    expect(calls).toEqual(['hpa api-hpa {"annotations":{"scalerd.io/original-max-replicas":null}}']);
  });
});

describe('scale-up', () => {
  const group = (desired: number): GroupObservation => ({ name: 'workers', minSize: 1, maxSize: 10, desiredCapacity: desired, zones: [], instances: [], suspendedProcesses: [], tags: {} });
  const step: ScaleUpStep = { kind: 'scale-up', group: 'workers', asg: 'workers', add: 3, observedDesired: 5, target: 8, maxSize: 10, reason: 'test' };

  it('adds to the desired capacity of a fresh look, not the plan\'s target, capped at MaxSize', async () => {
    const set: number[] = [];
    // Two terminations with decrement landed since the plan: 3 + 3, not 8.
    const { ctx } = fakeContext({ cloud: fakeCloud({ describeGroups: async () => [group(3)], setDesiredCapacity: async (_g, d) => void set.push(d) }) });
    expect(await scaleUp(ctx, step)).toMatchObject({ status: 'done', message: 'workers: desired 3 → 6' });
    const { ctx: full } = fakeContext({ cloud: fakeCloud({ describeGroups: async () => [group(9)], setDesiredCapacity: async (_g, d) => void set.push(d) }) });
    await scaleUp(full, step);
    expect(set).toEqual([6, 10]);
  });

  it('does nothing at MaxSize', async () => {
    const { ctx } = fakeContext({ cloud: fakeCloud({ describeGroups: async () => [group(10)] }) });
    expect(await scaleUp(ctx, step)).toMatchObject({ status: 'skipped' });
  });
});
