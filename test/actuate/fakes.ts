// In-memory stand-ins for the ports, for unit tests of single decisions (what the
// actuator does on one answer); behaviour against a cluster is tested on the simulator.

import { createContext, type ExecContext } from '../../src/actuate/context.js';
import { resolveExecuteOptions, type ExecuteDeps, type ExecuteOptionsInput } from '../../src/actuate/index.js';
import type { Cloud, Cluster, PodObservation } from '../../src/ports/index.js';

export function pod(over: Partial<PodObservation> = {}): PodObservation {
  return {
    namespace: 'shop', name: 'search-1', uid: 'uid-1', nodeName: 'node-a', phase: 'Running', ready: true, deletionTimestamp: undefined,
    terminationGracePeriodSeconds: 30, labels: { app: 'search' }, annotations: {}, owner: { kind: 'StatefulSet', name: 'search', uid: 'sts' },
    mirror: false, requests: { cpuMilli: 100, memoryBytes: 1 }, priorityClassName: undefined, priority: undefined, tolerations: [], nodeSelector: {}, localStorage: false,
    ...over,
  };
}

const unexpected = (name: string) => () => Promise.reject(new Error(`unexpected call: ${name}`));

/** Every method fails the test unless `impl` provides it. */
export function fakeCluster(impl: Partial<Cluster>): Cluster {
  const names: (keyof Cluster)[] = ['listNodes', 'listPods', 'listPodsOnNode', 'getPod', 'changeNode', 'deleteNode', 'evictPod', 'deletePod', 'getWorkloads', 'scaleWorkload', 'annotateWorkload', 'changeHpa', 'listPdbs'];
  return Object.fromEntries(names.map((n) => [n, impl[n] ?? unexpected(n)])) as unknown as Cluster;
}

export function fakeCloud(impl: Partial<Cloud>): Cloud {
  const names: (keyof Cloud)[] = ['describeGroups', 'setDesiredCapacity', 'terminateInstance', 'suspendProcesses', 'resumeProcesses'];
  return Object.fromEntries(names.map((n) => [n, impl[n] ?? unexpected(n)])) as unknown as Cloud;
}

/** A context on a clock that moves only when something sleeps; `slept` lists the waits. */
export function fakeContext(ports: { cluster?: Cluster; cloud?: Cloud }, more: Partial<ExecuteDeps> = {}, options: ExecuteOptionsInput = {}): { ctx: ExecContext; slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  const deps: ExecuteDeps = {
    cloud: ports.cloud ?? fakeCloud({}), cluster: ports.cluster ?? fakeCluster({}),
    clock: { now: () => now }, sleep: async (ms) => { slept.push(ms); now += ms; },
    random: () => 0.5, dryRun: false, ...more,
  };
  return { ctx: createContext('scalerd', deps, resolveExecuteOptions(options)), slept };
}
