// API objects → observations, field by field as src/ports/observation.ts documents them.

import type { HorizontalPodAutoscaler, Node, Pod, PodDisruptionBudget } from '../../src/kube/wire.js';
import { describe, expect, it } from 'vitest';
import { nodeObservation, pdbObservation, podObservation, podRequests, targets } from '../../src/kube/observe.js';

const container = (name: string, cpu?: string, memory?: string, restartPolicy?: string) => ({
  name,
  ...(restartPolicy ? { restartPolicy } : {}),
  resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } },
});

describe('nodes', () => {
  const base: Node = {
    metadata: { name: 'ip-10-0-1-1', uid: 'u1', resourceVersion: '7', creationTimestamp: '2026-03-02T08:00:00Z', labels: { 'topology.kubernetes.io/zone': 'eu-west-1a' } },
    spec: { providerID: 'aws:///eu-west-1a/i-0abc123', taints: [{ key: 'k', effect: 'NoSchedule', timeAdded: '1970-01-01T00:00:00Z' }], unschedulable: true },
    status: { allocatable: { cpu: '1930m', memory: '7Gi', pods: '29' }, conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }] },
  };

  it('maps identity, providerID, taints, Ready, allocatable in base units and the creation time', () => {
    expect(nodeObservation(base)).toEqual({
      name: 'ip-10-0-1-1', uid: 'u1', resourceVersion: '7',
      providerId: 'aws:///eu-west-1a/i-0abc123', instanceId: 'i-0abc123', zone: 'eu-west-1a',
      labels: { 'topology.kubernetes.io/zone': 'eu-west-1a' }, annotations: {},
      taints: [{ key: 'k', effect: 'NoSchedule' }],
      unschedulable: true, ready: true,
      allocatable: { cpuMilli: 1930, memoryBytes: 7 * 2 ** 30, pods: 29 },
      createdAt: Date.parse('2026-03-02T08:00:00Z'),
    });
  });

  it('is not ready without a Ready=True condition; a foreign providerID has no instance; the zone comes from the label then', () => {
    const other = nodeObservation({ ...base, spec: { providerID: 'gce://p/z/n' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } });
    expect(other).toMatchObject({ ready: false, instanceId: undefined, zone: 'eu-west-1a', unschedulable: false, taints: [], allocatable: { cpuMilli: 0, memoryBytes: 0, pods: 0 } });
    expect(nodeObservation({ metadata: { name: 'n' } })).toMatchObject({ ready: false, providerId: undefined, zone: undefined });
  });
});

describe('pods', () => {
  // A volume of a kind the adapter does not read, as the API sends it.
  const configMapVolume = { name: 'cfg', configMap: { name: 'x' } };
  const pod: Pod = {
    metadata: {
      namespace: 'shop', name: 'web-1', uid: 'p1', labels: { app: 'web' },
      deletionTimestamp: '2026-03-02T09:00:30Z',
      ownerReferences: [
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'not-the-controller', uid: 'c0' },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs1', controller: true },
      ],
    },
    spec: {
      nodeName: 'ip-10-0-1-1', priorityClassName: 'high', priority: 1000, terminationGracePeriodSeconds: 60,
      nodeSelector: { disk: 'ssd' },
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, { operator: 'Exists' }],
      containers: [container('a', '250m', '256Mi'), container('b', '0.5', '1Gi')],
      volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory' } }, configMapVolume],
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };

  it('maps the fields the planner needs', () => {
    expect(podObservation(pod)).toEqual({
      namespace: 'shop', name: 'web-1', uid: 'p1', nodeName: 'ip-10-0-1-1', phase: 'Running', ready: true,
      deletionTimestamp: Date.parse('2026-03-02T09:00:30Z'), terminationGracePeriodSeconds: 60,
      labels: { app: 'web' }, annotations: {},
      owner: { kind: 'ReplicaSet', name: 'web-abc', uid: 'rs1' },
      mirror: false,
      requests: { cpuMilli: 750, memoryBytes: 1280 * 2 ** 20 },
      priorityClassName: 'high', priority: 1000,
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, { operator: 'Exists' }],
      nodeSelector: { disk: 'ssd' },
      localStorage: false, // an emptyDir in memory goes with the pod
    });
  });

  it('has no owner without a controller reference; knows mirror pods; defaults a missing grace period to 30 s', () => {
    const bare = podObservation({ metadata: { name: 'p', namespace: 'kube-system', annotations: { 'kubernetes.io/config.mirror': 'abc' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'n1' }] }, spec: { containers: [] } });
    expect(bare).toMatchObject({ owner: undefined, mirror: true, terminationGracePeriodSeconds: 30, phase: 'Pending', ready: false, nodeName: undefined, deletionTimestamp: undefined });
  });

  it('counts an emptyDir on disk and a hostPath as local storage', () => {
    const withVolume = (volume: object) => podObservation({ ...pod, spec: { ...pod.spec!, volumes: [volume as never] } }).localStorage;
    expect(withVolume({ name: 'v', emptyDir: {} })).toBe(true);
    expect(withVolume({ name: 'v', emptyDir: { medium: '' } })).toBe(true);
    expect(withVolume({ name: 'v', hostPath: { path: '/var/log' } })).toBe(true);
    expect(withVolume({ name: 'v', persistentVolumeClaim: { claimName: 'c' } })).toBe(false);
  });

  it('requests: containers summed, the larger of that and an init container, sidecars added, overhead on top', () => {
    const requests = (spec: object) => podRequests({ spec: { containers: [], ...spec } as never });
    expect(requests({ containers: [container('a', '100m', '100Mi'), container('b', '100m')] })).toEqual({ cpuMilli: 200, memoryBytes: 100 * 2 ** 20 });
    // An init container bigger than the containers wins on that resource only.
    expect(requests({ initContainers: [container('init', '1', '10Mi')], containers: [container('a', '100m', '100Mi')] })).toEqual({ cpuMilli: 1000, memoryBytes: 100 * 2 ** 20 });
    // A sidecar (restartPolicy Always) runs beside everything after it.
    expect(requests({
      initContainers: [container('sidecar', '100m', '64Mi', 'Always'), container('migrate', '500m')],
      containers: [container('a', '200m', '64Mi')],
      overhead: { cpu: '10m', memory: '1Mi' },
    })).toEqual({ cpuMilli: 610, memoryBytes: 129 * 2 ** 20 });
  });
});

describe('budgets and autoscalers', () => {
  const pdb = (extra: Partial<PodDisruptionBudget> = {}): PodDisruptionBudget => ({
    metadata: { namespace: 'shop', name: 'web', generation: 2 },
    spec: { selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] } },
    status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, observedGeneration: 2 },
    ...extra,
  });

  it('maps the selector and the status', () => {
    expect(pdbObservation(pdb())).toEqual({
      namespace: 'shop', name: 'web',
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] },
      disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3,
    });
  });

  it('fails closed on a status older than the spec, and leaves out a budget that selects nothing', () => {
    expect(pdbObservation(pdb({ status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, observedGeneration: 1 } }))?.disruptionsAllowed).toBe(0);
    expect(pdbObservation(pdb({ spec: {} }))).toBeUndefined();
    expect(pdbObservation(pdb({ spec: { selector: {} } }))?.selector).toEqual({}); // empty: every pod of the namespace
  });

  it('matches an autoscaler to its apps/v1 target only', () => {
    const hpa = (apiVersion: string, kind = 'Deployment'): HorizontalPodAutoscaler => ({ metadata: { namespace: 'shop', name: 'h' }, spec: { maxReplicas: 5, scaleTargetRef: { apiVersion, kind, name: 'web' } } });
    expect(targets(hpa('apps/v1'), 'Deployment', 'shop', 'web')).toBe(true);
    expect(targets(hpa('apps/v1'), 'Deployment', 'other', 'web')).toBe(false);
    expect(targets(hpa('apps/v1', 'StatefulSet'), 'Deployment', 'shop', 'web')).toBe(false);
    expect(targets(hpa('example.com/v1'), 'Deployment', 'shop', 'web')).toBe(false);
  });
});
