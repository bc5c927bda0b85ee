// The protobuf bodies of client-go's typed clients (kubectl create <kind>), decoded into the
// JSON that encoding/json writes for the same Go object. The bytes are encoded here with the
// same message types (protobufjs), the way gogo protobuf writes them: a Go value field is
// written even when zero, a nil pointer is not. The expected JSON is written out by hand
// from the Go types' json tags: it is what `kubectl create … --dry-run=client -o json` and
// any JSON client send.

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/sim/kube/api-error.js';
import { GO_FIELDS, KUBE_MESSAGES, KUBE_PROTO_SOURCE } from '../../../src/sim/kube/protobuf/descriptor.js';
import { type ExpectedKind, decodeProtobufDeleteOptions, decodeProtobufObject, messageOf, messageType } from '../../../src/sim/kube/protobuf/decode.js';
import { RESOURCES } from '../../../src/sim/kube/resources.js';

const MAGIC = Buffer.from('k8s\0', 'latin1');

/** The message `name` (k8s.io.api.core.v1.ConfigMap) of a protobufjs plain object. */
function encode(name: string, object: Record<string, unknown>): Uint8Array {
  const type = messageType(name);
  const problem = type.verify(object);
  if (problem) throw new Error(`${name}: ${problem}`);
  return type.encode(type.fromObject(object)).finish();
}

/** The body client-go sends: "k8s\0" and a runtime.Unknown around the object's bytes. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const unknown = encode('k8s.io.apimachinery.pkg.runtime.Unknown', { typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' });
  return Buffer.concat([MAGIC, unknown]);
}

const CORE = 'k8s.io.api.core.v1';
const APPS = 'k8s.io.api.apps.v1';

const kindOf = (group: string, version: string, kind: string): ExpectedKind => ({ group, version, kind });
const configMaps = kindOf('', 'v1', 'ConfigMap');

/** Decodes the body of `object` as `kind` (apiVersion/kind as the URL's) sent to a URL of the same kind. */
function roundTrip(group: string, version: string, kind: string, object: Record<string, unknown>): Record<string, unknown> {
  const apiVersion = group ? `${group}/${version}` : version;
  const body = envelope(apiVersion, kind, encode(messageOf(group, version, kind)!, object));
  return decodeProtobufObject(body, kindOf(group, version, kind));
}

/** What gogo writes for an ObjectMeta with only a name set: every Go string and integer, zero or not. */
const meta = (name: string, more: Record<string, unknown> = {}) => ({
  name, generateName: '', namespace: '', selfLink: '', uid: '', resourceVersion: '', generation: 0, creationTimestamp: {}, ...more,
});

const refusal = (fn: () => unknown): Record<string, unknown> => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error.toStatus();
    throw error;
  }
  throw new Error('the body was accepted');
};

const badRequest = (message: string) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'BadRequest', code: 400, message });

describe('the generated descriptor', () => {
  it('comes from kubectl v1.32 and has a message and a JSON mapping for every served kind and subresource kind', () => {
    expect(KUBE_PROTO_SOURCE).toMatch(/^v1\.32\./);
    const kinds = RESOURCES.flatMap((r) => [
      [r.group, r.version, r.kind],
      ...(r.subresources ?? []).filter((s) => s.name !== 'log').map((s) => [s.group ?? r.group, s.version ?? r.version, s.kind]),
    ]);
    for (const [group, version, kind] of kinds) {
      const message = messageOf(group!, version!, kind!);
      expect(message, `${group}/${version} ${kind}`).toBeDefined();
      expect(GO_FIELDS[message!], message).toBeDefined();
    }
    expect(Object.keys(KUBE_MESSAGES).length).toBeGreaterThan(200);
  });
});

describe('decoded into the JSON of the Go object', () => {
  it('ConfigMap: maps sorted as encoding/json sorts them, bytes as base64, a pointer set to false kept, empty strings left out', () => {
    const json = roundTrip('', 'v1', 'ConfigMap', {
      metadata: meta('settings', { namespace: 'shop', labels: { b: '2', a: '1' } }),
      immutable: false,
      data: { zeta: 'z', alpha: 'a' },
      binaryData: { blob: Buffer.from([0, 1, 2, 255]) },
    });
    expect(json).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'settings', namespace: 'shop', creationTimestamp: null, labels: { a: '1', b: '2' } },
      immutable: false,
      data: { alpha: 'a', zeta: 'z' },
      binaryData: { blob: 'AAEC/w==' },
    });
    // encoding/json's order: TypeMeta, then the Go fields in declaration order, map keys sorted.
    expect(JSON.stringify(json)).toBe('{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"settings","namespace":"shop","creationTimestamp":null,"labels":{"a":"1","b":"2"}},"immutable":false,"data":{"alpha":"a","zeta":"z"},"binaryData":{"blob":"AAEC/w=="}}');
  });

  it('ConfigMap with nothing but a name: no data, no immutable (nil pointer, nil maps)', () => {
    expect(roundTrip('', 'v1', 'ConfigMap', { metadata: meta('empty') })).toEqual({
      kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'empty', creationTimestamp: null },
    });
  });

  it('Deployment: Quantity, IntOrString (int and string), a pointer to 0 kept, structs always written, an inline probe handler', () => {
    const container = {
      name: 'nginx', image: 'nginx:1.27', workingDir: '', terminationMessagePath: '', imagePullPolicy: '', stdin: false, stdinOnce: false, tty: false,
      ports: [{ name: 'http', hostPort: 0, containerPort: 80, protocol: 'TCP', hostIP: '' }],
      env: [{ name: 'MODE', value: 'prod' }],
      resources: { limits: { memory: { string: '1Gi' }, cpu: { string: '500m' } }, requests: { cpu: { string: '250m' } } },
      readinessProbe: {
        handler: { httpGet: { path: '/healthz', port: { type: 1, intVal: 0, strVal: 'http' }, host: '', scheme: 'HTTP' } },
        initialDelaySeconds: 0, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 0, failureThreshold: 0,
      },
    };
    const json = roundTrip('apps', 'v1', 'Deployment', {
      metadata: meta('web', { labels: { app: 'web' } }),
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: meta('', { labels: { app: 'web' } }), spec: { containers: [container], restartPolicy: '', dnsPolicy: '', serviceAccountName: '', nodeName: '', hostNetwork: false } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: { type: 0, intVal: 0, strVal: '' }, maxSurge: { type: 1, intVal: 0, strVal: '25%' } } },
        minReadySeconds: 0,
        revisionHistoryLimit: 0,
        paused: false,
      },
      status: { observedGeneration: 0, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 0 },
    });
    expect(json).toEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' } },
          spec: {
            containers: [{
              name: 'nginx',
              image: 'nginx:1.27',
              ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
              env: [{ name: 'MODE', value: 'prod' }],
              resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '250m' } },
              readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10 },
            }],
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        revisionHistoryLimit: 0,
      },
      status: {},
    });
  });

  it('Deployment with replicas 0 keeps it (a pointer), and without a template still has one (a struct)', () => {
    expect(roundTrip('apps', 'v1', 'Deployment', { metadata: meta('zero'), spec: { replicas: 0 } })).toEqual({
      kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'zero', creationTimestamp: null },
      // selector is a pointer without omitempty: null; containers a slice without omitempty: null.
      spec: { replicas: 0, selector: null, template: { metadata: { creationTimestamp: null }, spec: { containers: null } }, strategy: {} },
      status: {},
    });
  });

  it('Pod: inline volume sources, int64s, Time and a zero Time, a Quantity pointer', () => {
    const json = roundTrip('', 'v1', 'Pod', {
      metadata: meta('p', { namespace: 'shop', creationTimestamp: { seconds: 1772442000, nanos: 0 }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u-1', controller: true }] }),
      spec: {
        volumes: [
          { name: 'scratch', volumeSource: { emptyDir: { medium: '', sizeLimit: { string: '1Gi' } } } },
          { name: 'conf', volumeSource: { configMap: { localObjectReference: { name: 'settings' }, defaultMode: 420 } } },
        ],
        containers: [{ name: 'c', image: 'x', resources: {} }],
        terminationGracePeriodSeconds: 30,
        securityContext: { runAsUser: 1000, fsGroup: 2000 },
        tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', value: '', effect: 'NoExecute', tolerationSeconds: 300 }],
        nodeSelector: { 'kubernetes.io/os': 'linux' },
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastProbeTime: {}, lastTransitionTime: { seconds: 1772442005, nanos: 999000000 }, reason: '', message: '' }],
        startTime: { seconds: 1772442001, nanos: 0 },
      },
    });
    expect(json).toEqual({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name: 'p', namespace: 'shop', creationTimestamp: '2026-03-02T09:00:00Z',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u-1', controller: true }],
      },
      spec: {
        volumes: [
          { name: 'scratch', emptyDir: { sizeLimit: '1Gi' } },
          { name: 'conf', configMap: { name: 'settings', defaultMode: 420 } },
        ],
        containers: [{ name: 'c', image: 'x', resources: {} }],
        terminationGracePeriodSeconds: 30,
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        securityContext: { runAsUser: 1000, fsGroup: 2000 },
        tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-03-02T09:00:05Z' }],
        startTime: '2026-03-02T09:00:01Z',
      },
    });
  });

  it('Node: taints with a Time, capacity Quantities, a bool', () => {
    expect(roundTrip('', 'v1', 'Node', {
      metadata: meta('n1'),
      spec: { podCIDR: '', providerID: 'aws:///eu-west-1a/i-1', unschedulable: true, taints: [{ key: 'k', value: '', effect: 'NoSchedule', timeAdded: { seconds: 1772442000, nanos: 0 } }] },
      status: { capacity: { pods: { string: '110' }, cpu: { string: '2' } }, phase: '' },
    })).toEqual({
      kind: 'Node', apiVersion: 'v1', metadata: { name: 'n1', creationTimestamp: null },
      spec: { providerID: 'aws:///eu-west-1a/i-1', unschedulable: true, taints: [{ key: 'k', effect: 'NoSchedule', timeAdded: '2026-03-02T09:00:00Z' }] },
      status: { capacity: { cpu: '2', pods: '110' }, daemonEndpoints: { kubeletEndpoint: { Port: 0 } }, nodeInfo: { machineID: '', systemUUID: '', bootID: '', kernelVersion: '', osImage: '', containerRuntimeVersion: '', kubeletVersion: '', kubeProxyVersion: '', operatingSystem: '', architecture: '' } },
    });
  });

  it('Event: MicroTime to the microsecond, Time to the second, a struct reference, a series pointer', () => {
    expect(roundTrip('', 'v1', 'Event', {
      metadata: meta('web.1', { namespace: 'shop' }),
      involvedObject: { kind: 'Deployment', namespace: 'shop', name: 'web', uid: '', apiVersion: 'apps/v1', resourceVersion: '', fieldPath: '' },
      reason: 'Scaled', message: 'scaled to 3', source: { component: 'scalerd', host: '' },
      firstTimestamp: { seconds: 1772442000, nanos: 500000000 }, lastTimestamp: {}, count: 2, type: 'Normal',
      eventTime: { seconds: 1772442000, nanos: 123456789 },
      series: { count: 2, lastObservedTime: { seconds: 1772442001, nanos: 1000 } },
      action: '', reportingComponent: 'scalerd', reportingInstance: '',
    })).toEqual({
      kind: 'Event', apiVersion: 'v1', metadata: { name: 'web.1', namespace: 'shop', creationTimestamp: null },
      involvedObject: { kind: 'Deployment', namespace: 'shop', name: 'web', apiVersion: 'apps/v1' },
      reason: 'Scaled', message: 'scaled to 3', source: { component: 'scalerd' },
      firstTimestamp: '2026-03-02T09:00:00Z', lastTimestamp: null, count: 2, type: 'Normal',
      eventTime: '2026-03-02T09:00:00.123456Z',
      series: { count: 2, lastObservedTime: '2026-03-02T09:00:01.000001Z' },
      reportingComponent: 'scalerd', reportingInstance: '',
    });
  });

  it('Service: a named targetPort, an unset one is 0 (a struct), port always written', () => {
    expect(roundTrip('', 'v1', 'Service', {
      metadata: meta('web'),
      spec: {
        ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: { type: 1, intVal: 0, strVal: 'http' }, nodePort: 0 }, { name: 'metrics', protocol: 'TCP', port: 0, nodePort: 0 }],
        selector: { app: 'web' }, clusterIP: '', type: 'ClusterIP',
      },
      status: { loadBalancer: {} },
    })).toEqual({
      kind: 'Service', apiVersion: 'v1', metadata: { name: 'web', creationTimestamp: null },
      spec: { ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }, { name: 'metrics', protocol: 'TCP', port: 0, targetPort: 0 }], selector: { app: 'web' }, type: 'ClusterIP' },
      status: { loadBalancer: {} },
    });
  });

  it('Endpoints: subsets of addresses and ports', () => {
    expect(roundTrip('', 'v1', 'Endpoints', {
      metadata: meta('web'),
      subsets: [{ addresses: [{ ip: '10.0.0.1', hostname: '', targetRef: { kind: 'Pod', name: 'p', namespace: 'shop', uid: '', apiVersion: '', resourceVersion: '', fieldPath: '' } }], ports: [{ name: '', port: 8080, protocol: 'TCP' }] }],
    })).toEqual({
      kind: 'Endpoints', apiVersion: 'v1', metadata: { name: 'web', creationTimestamp: null },
      subsets: [{ addresses: [{ ip: '10.0.0.1', targetRef: { kind: 'Pod', namespace: 'shop', name: 'p' } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
  });

  it('Namespace: finalizers and a phase', () => {
    expect(roundTrip('', 'v1', 'Namespace', { metadata: meta('team'), spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } })).toEqual({
      kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'team', creationTimestamp: null }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' },
    });
  });

  const podTemplate = { metadata: meta('', { labels: { app: 'db' } }), spec: { containers: [{ name: 'db', image: 'postgres', resources: {} }] } };
  const templateJson = { metadata: { creationTimestamp: null, labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres', resources: {} }] } };

  it('StatefulSet: volume claim templates with a storage request, a partition pointer of 0', () => {
    expect(roundTrip('apps', 'v1', 'StatefulSet', {
      metadata: meta('db'),
      spec: {
        replicas: 1, selector: { matchLabels: { app: 'db' } }, template: podTemplate, serviceName: 'db', podManagementPolicy: '',
        volumeClaimTemplates: [{ metadata: meta('data'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: { string: '10Gi' } } } }, status: {} }],
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        minReadySeconds: 0,
      },
      status: {},
    })).toEqual({
      kind: 'StatefulSet', apiVersion: 'apps/v1', metadata: { name: 'db', creationTimestamp: null },
      spec: {
        replicas: 1, selector: { matchLabels: { app: 'db' } }, template: templateJson,
        volumeClaimTemplates: [{ metadata: { name: 'data', creationTimestamp: null }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } }, status: {} }],
        serviceName: 'db', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      },
      status: { replicas: 0, availableReplicas: 0 },
    });
  });

  it('ReplicaSet and DaemonSet: selectors with expressions, an IntOrString maxUnavailable', () => {
    expect(roundTrip('apps', 'v1', 'ReplicaSet', {
      metadata: meta('db-1'),
      spec: { replicas: 2, minReadySeconds: 0, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'cache'] }] }, template: podTemplate },
      status: { replicas: 0, fullyLabeledReplicas: 0, readyReplicas: 0, availableReplicas: 0, observedGeneration: 0 },
    })).toEqual({
      kind: 'ReplicaSet', apiVersion: 'apps/v1', metadata: { name: 'db-1', creationTimestamp: null },
      spec: { replicas: 2, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'cache'] }] }, template: templateJson },
      status: { replicas: 0 },
    });
    expect(roundTrip('apps', 'v1', 'DaemonSet', {
      metadata: meta('agent'),
      spec: { selector: { matchLabels: { app: 'db' } }, template: podTemplate, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: { type: 0, intVal: 1, strVal: '' } } }, minReadySeconds: 0 },
      status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
    })).toEqual({
      kind: 'DaemonSet', apiVersion: 'apps/v1', metadata: { name: 'agent', creationTimestamp: null },
      spec: { selector: { matchLabels: { app: 'db' } }, template: templateJson, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } },
      status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
    });
  });

  it('PodDisruptionBudget: a percentage minAvailable, disruptedPods as a map of Times', () => {
    expect(roundTrip('policy', 'v1', 'PodDisruptionBudget', {
      metadata: meta('web'),
      spec: { minAvailable: { type: 1, intVal: 0, strVal: '50%' }, selector: { matchLabels: { app: 'web' } } },
      status: { observedGeneration: 0, disruptedPods: { 'web-1': { seconds: 1772442000, nanos: 0 } }, disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
    })).toEqual({
      kind: 'PodDisruptionBudget', apiVersion: 'policy/v1', metadata: { name: 'web', creationTimestamp: null },
      spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } },
      status: { disruptedPods: { 'web-1': '2026-03-02T09:00:00Z' }, disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
    });
  });

  it('Lease: MicroTimes and pointers', () => {
    expect(roundTrip('coordination.k8s.io', 'v1', 'Lease', {
      metadata: meta('node-1', { namespace: 'kube-node-lease' }),
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: { seconds: 1772442000, nanos: 5000 }, leaseTransitions: 0 },
    })).toEqual({
      kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', metadata: { name: 'node-1', namespace: 'kube-node-lease', creationTimestamp: null },
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2026-03-02T09:00:00.000005Z', leaseTransitions: 0 },
    });
  });

  it('HorizontalPodAutoscaler v2: metrics, behaviour, a Quantity target', () => {
    expect(roundTrip('autoscaling', 'v2', 'HorizontalPodAutoscaler', {
      metadata: meta('web'),
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 2, maxReplicas: 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
          { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: { string: '100' } } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
      },
      status: { currentReplicas: 0, desiredReplicas: 0 },
    })).toEqual({
      kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2', metadata: { name: 'web', creationTimestamp: null },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 2, maxReplicas: 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
          { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
      },
      // currentMetrics has no omitempty in autoscaling/v2 (json:"currentMetrics"): nil is null.
      status: { desiredReplicas: 0, currentMetrics: null },
    });
  });

  it('Eviction: a grace period of 0 is kept (a pointer), dryRun a list', () => {
    expect(roundTrip('policy', 'v1', 'Eviction', { metadata: meta('web-1', { namespace: 'shop' }), deleteOptions: { gracePeriodSeconds: 0, dryRun: ['All'] } })).toEqual({
      kind: 'Eviction', apiVersion: 'policy/v1', metadata: { name: 'web-1', namespace: 'shop', creationTimestamp: null }, deleteOptions: { gracePeriodSeconds: 0, dryRun: ['All'] },
    });
  });

  it('Scale: replicas 0 is left out (a value with omitempty)', () => {
    expect(roundTrip('autoscaling', 'v1', 'Scale', { metadata: meta('web'), spec: { replicas: 0 }, status: { replicas: 0, selector: '' } })).toEqual({
      kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web', creationTimestamp: null }, spec: {}, status: { replicas: 0 },
    });
  });

  it('managedFields: FieldsV1 is its raw JSON', () => {
    const json = roundTrip('', 'v1', 'ConfigMap', {
      metadata: meta('cm', { managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: { seconds: 1772442000 }, fieldsType: 'FieldsV1', fieldsV1: { Raw: Buffer.from('{"f:data":{".":{}}}') }, subresource: '' }] }),
    });
    expect((json.metadata as Record<string, unknown>).managedFields).toEqual([{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-03-02T09:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {} } } }]);
  });

  it('an envelope with no kind or apiVersion is taken as the URL\'s kind', () => {
    const unknown = encode('k8s.io.apimachinery.pkg.runtime.Unknown', { raw: encode(`${CORE}.ConfigMap`, { metadata: meta('cm'), data: { a: 'b' } }) });
    expect(decodeProtobufObject(Buffer.concat([MAGIC, unknown]), configMaps)).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cm', creationTimestamp: null }, data: { a: 'b' } });
  });

  it('DeleteOptions of a DELETE body', () => {
    const body = envelope('v1', 'DeleteOptions', encode('k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions', { gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: ['All'] }));
    expect(decodeProtobufDeleteOptions(body)).toEqual({ gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: ['All'] });
  });
});

describe('refused as the API server refuses it (400, the handler\'s and the protobuf decoder\'s words)', () => {
  const configMap = encode(`${CORE}.ConfigMap`, { metadata: meta('cm'), data: { a: 'b' } });

  it('a body that is not protobuf, an empty one, the magic alone', () => {
    expect(refusal(() => decodeProtobufObject(Buffer.from('{"kind":"ConfigMap"}'), configMaps))).toEqual(badRequest(
      'the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"kind":"ConfigMap"})',
    ));
    expect(refusal(() => decodeProtobufObject(Buffer.alloc(0), configMaps))).toEqual(badRequest('the object provided is unrecognized (must be of type ConfigMap): empty data (<empty>)'));
    expect(refusal(() => decodeProtobufObject(MAGIC, configMaps))).toEqual(badRequest('the object provided is unrecognized (must be of type ConfigMap): empty body (6b387300)'));
  });

  it('a truncated envelope: unexpected EOF, with the first 30 bytes in hex', () => {
    const body = envelope('v1', 'ConfigMap', configMap);
    const cut = body.subarray(0, body.length - 3);
    expect(refusal(() => decodeProtobufObject(cut, configMaps))).toEqual(badRequest(
      `the object provided is unrecognized (must be of type ConfigMap): unexpected EOF (${cut.subarray(0, 30).toString('hex')} ...)`,
    ));
  });

  it('a truncated object, a field of the wrong wire type, a tag of 0: the kind cannot be handled', () => {
    expect(refusal(() => decodeProtobufObject(envelope('v1', 'ConfigMap', configMap.subarray(0, configMap.length - 1)), configMaps)))
      .toEqual(badRequest('ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF'));
    // Field 2 (data, a map) as a varint.
    expect(refusal(() => decodeProtobufObject(envelope('v1', 'ConfigMap', Uint8Array.from([0x10, 0x01])), configMaps)))
      .toEqual(badRequest('ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: wrong wireType = 0 for field Data'));
    expect(refusal(() => decodeProtobufObject(envelope('v1', 'ConfigMap', Uint8Array.from([0x00, 0x01])), configMaps)))
      .toEqual(badRequest('ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: ConfigMap: illegal tag 0 (wire type 0)'));
    // Deep inside: a Deployment's template's container's name as a varint.
    const deployment = encode(`${APPS}.Deployment`, { metadata: meta('d') });
    const container = Uint8Array.from([0x08, 0x05]); // Container field 1 (name) as a varint
    const podSpec = Uint8Array.from([0x12, container.length, ...container]); // PodSpec field 2: containers
    const template = Uint8Array.from([0x12, podSpec.length, ...podSpec]); // PodTemplateSpec field 2: spec
    const spec = Uint8Array.from([0x1a, template.length, ...template]); // DeploymentSpec field 3: template
    const body = envelope('apps/v1', 'Deployment', Uint8Array.from([...deployment, 0x12, spec.length, ...spec]));
    expect(refusal(() => decodeProtobufObject(body, kindOf('apps', 'v1', 'Deployment'))))
      .toEqual(badRequest('Deployment in version "v1" cannot be handled as a Deployment: proto: wrong wireType = 0 for field Name'));
  });

  it('unknown fields are skipped, as gogo skips them', () => {
    // Field 99 (a varint) and field 100 (bytes) before the ConfigMap's own.
    const raw = Uint8Array.from([0x98, 0x06, 0x07, 0xa2, 0x06, 0x02, 0x61, 0x62, ...configMap]);
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', raw), configMaps)).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cm', creationTimestamp: null }, data: { a: 'b' } });
  });

  it('another registered kind than the URL\'s: it does not convert', () => {
    expect(refusal(() => decodeProtobufObject(envelope('v1', 'Secret', configMap), configMaps)))
      .toEqual(badRequest('Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion'));
    expect(refusal(() => decodeProtobufObject(envelope('apps/v1', 'Deployment', configMap), configMaps)))
      .toEqual(badRequest('Deployment in version "v1" cannot be handled as a ConfigMap: converting (v1.Deployment) to (core.ConfigMap): unknown conversion'));
    expect(refusal(() => decodeProtobufObject(envelope('v1', 'Pod', configMap), kindOf('policy', 'v1', 'Eviction'))))
      .toEqual(badRequest('Pod in version "v1" cannot be handled as a Eviction: converting (v1.Pod) to (policy.Eviction): unknown conversion'));
  });

  it('a kind no scheme has: not registered', () => {
    expect(refusal(() => decodeProtobufObject(envelope('v1', 'configmap', configMap), configMaps)))
      .toEqual(badRequest('configmap in version "v1" cannot be handled as a ConfigMap: no kind "configmap" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"'));
    expect(refusal(() => decodeProtobufObject(envelope('example.com/v1', 'Widget', configMap), configMaps)))
      .toEqual(badRequest('Widget in version "v1" cannot be handled as a ConfigMap: no kind "Widget" is registered for version "example.com/v1" in scheme "pkg/api/legacyscheme/scheme.go:30"'));
  });

  it('the same kind in another version: the API version does not match', () => {
    expect(refusal(() => decodeProtobufObject(envelope('apps/v1beta2', 'Deployment', configMap), kindOf('apps', 'v1', 'Deployment'))))
      .toEqual(badRequest('the API version in the data (apps/v1beta2) does not match the expected API version (apps/v1)'));
  });

  it('a DELETE body that does not decode is a 500 with the decoder\'s words', () => {
    expect(refusal(() => decodeProtobufDeleteOptions(Buffer.from('k8s\0\x0a', 'latin1')))).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, message: 'unexpected EOF',
    });
  });
});
