// Kubernetes objects (wire.ts) → the observations of src/ports/observation.ts. Pure: no
// I/O, no clock. Quantities become base units (millicores, bytes), times epoch milliseconds.

import type * as wire from './wire.js';
import type {
  HpaObservation,
  LabelSelector,
  NodeObservation,
  PdbObservation,
  PodObservation,
  Resources,
  Taint,
  Toleration,
  WorkloadKind,
  WorkloadObservation,
} from '../ports/index.js';
import { parseProviderId } from '../ports/index.js';
import { cpuMillis, quantityValue } from '../quantity.js';

export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const ZONE_LABEL = 'topology.kubernetes.io/zone';

type Quantities = { readonly [name: string]: string } | undefined;

/** metav1.Time is RFC 3339 text on the wire. */
const ms = (time: string | undefined): number | undefined => (time === undefined ? undefined : Date.parse(time));

function resources(quantities: Quantities): Resources {
  return {
    cpuMilli: quantities?.cpu !== undefined ? cpuMillis(quantities.cpu) : 0,
    memoryBytes: quantities?.memory !== undefined ? quantityValue(quantities.memory) : 0,
  };
}

const add = (a: Resources, b: Resources): Resources => ({ cpuMilli: a.cpuMilli + b.cpuMilli, memoryBytes: a.memoryBytes + b.memoryBytes });
const max = (a: Resources, b: Resources): Resources => ({ cpuMilli: Math.max(a.cpuMilli, b.cpuMilli), memoryBytes: Math.max(a.memoryBytes, b.memoryBytes) });
const ZERO: Resources = { cpuMilli: 0, memoryBytes: 0 };

export function toTaint(taint: wire.Taint): Taint {
  return { key: taint.key, ...(taint.value ? { value: taint.value } : {}), effect: taint.effect as Taint['effect'] };
}

export function nodeObservation(node: wire.Node): NodeObservation {
  const providerId = node.spec?.providerID || undefined;
  const parsed = parseProviderId(providerId);
  const labels = node.metadata?.labels ?? {};
  const allocatable = node.status?.allocatable;
  return {
    name: node.metadata?.name ?? '',
    uid: node.metadata?.uid ?? '',
    resourceVersion: node.metadata?.resourceVersion ?? '',
    providerId,
    instanceId: parsed?.instanceId,
    // The providerID's zone; for a node without an AWS providerID, its well-known zone label.
    zone: parsed?.zone ?? labels[ZONE_LABEL],
    labels,
    annotations: node.metadata?.annotations ?? {},
    taints: (node.spec?.taints ?? []).map(toTaint),
    unschedulable: node.spec?.unschedulable === true,
    ready: node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    allocatable: { ...resources(allocatable), pods: allocatable?.pods !== undefined ? quantityValue(allocatable.pods) : 0 },
    createdAt: ms(node.metadata?.creationTimestamp) ?? 0,
  };
}

/**
 * What the scheduler reserves for a pod (the resource helpers' PodRequests): the regular
 * containers' sum plus the sidecars' (init containers with restartPolicy Always), or,
 * when larger, what any init container needs while it runs beside the sidecars started
 * before it; plus the RuntimeClass overhead.
 */
export function podRequests(pod: wire.Pod): Resources {
  const of = (container: wire.Container) => resources(container.resources?.requests);
  let sidecars = ZERO;
  let initPeak = ZERO;
  for (const init of pod.spec?.initContainers ?? []) {
    if (init.restartPolicy === 'Always') {
      sidecars = add(sidecars, of(init));
      initPeak = max(initPeak, sidecars);
    } else {
      initPeak = max(initPeak, add(of(init), sidecars));
    }
  }
  const containers = (pod.spec?.containers ?? []).reduce((sum, c) => add(sum, of(c)), ZERO);
  return add(max(add(containers, sidecars), initPeak), resources(pod.spec?.overhead));
}

const PHASES = new Set(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);

function toToleration(t: wire.Toleration): Toleration {
  return {
    ...(t.key ? { key: t.key } : {}),
    ...(t.operator ? { operator: t.operator as Toleration['operator'] } : {}),
    ...(t.value ? { value: t.value } : {}),
    ...(t.effect ? { effect: t.effect as Toleration['effect'] } : {}),
    ...(t.tolerationSeconds !== undefined ? { tolerationSeconds: t.tolerationSeconds } : {}),
  };
}

export function podObservation(pod: wire.Pod): PodObservation {
  const meta = pod.metadata;
  const owner = meta?.ownerReferences?.find((o) => o.controller === true);
  const phase = pod.status?.phase;
  const annotations = meta?.annotations ?? {};
  return {
    namespace: meta?.namespace ?? '',
    name: meta?.name ?? '',
    uid: meta?.uid ?? '',
    nodeName: pod.spec?.nodeName || undefined,
    phase: phase === undefined ? 'Pending' : PHASES.has(phase) ? (phase as PodObservation['phase']) : 'Unknown',
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    deletionTimestamp: ms(meta?.deletionTimestamp),
    terminationGracePeriodSeconds: pod.spec?.terminationGracePeriodSeconds ?? 30,
    labels: meta?.labels ?? {},
    annotations,
    owner: owner ? { kind: owner.kind, name: owner.name, uid: owner.uid } : undefined,
    mirror: MIRROR_ANNOTATION in annotations,
    requests: podRequests(pod),
    priorityClassName: pod.spec?.priorityClassName || undefined,
    priority: pod.spec?.priority,
    tolerations: (pod.spec?.tolerations ?? []).map(toToleration),
    nodeSelector: pod.spec?.nodeSelector ?? {},
    localStorage: (pod.spec?.volumes ?? []).some((v) => (v.emptyDir !== undefined && v.emptyDir.medium !== 'Memory') || v.hostPath !== undefined),
  };
}

export function hpaObservation(hpa: wire.HorizontalPodAutoscaler): HpaObservation {
  return {
    namespace: hpa.metadata?.namespace ?? '',
    name: hpa.metadata?.name ?? '',
    minReplicas: hpa.spec?.minReplicas ?? 1,
    maxReplicas: hpa.spec?.maxReplicas ?? 0,
    annotations: hpa.metadata?.annotations ?? {},
  };
}

/** Whether an autoscaler's scaleTargetRef is this apps/v1 workload. */
export function targets(hpa: wire.HorizontalPodAutoscaler, kind: WorkloadKind, namespace: string, name: string): boolean {
  const ref = hpa.spec?.scaleTargetRef;
  const group = ref?.apiVersion?.includes('/') ? ref.apiVersion.split('/')[0] : '';
  return hpa.metadata?.namespace === namespace && ref?.kind === kind && ref.name === name && group === 'apps';
}

export function workloadObservation(kind: WorkloadKind, object: wire.Workload, hpa: HpaObservation | undefined): WorkloadObservation {
  return {
    kind,
    namespace: object.metadata?.namespace ?? '',
    name: object.metadata?.name ?? '',
    uid: object.metadata?.uid ?? '',
    resourceVersion: object.metadata?.resourceVersion ?? '',
    replicas: object.spec?.replicas ?? 1,
    readyReplicas: object.status?.readyReplicas ?? 0,
    availableReplicas: object.status?.availableReplicas ?? 0,
    annotations: object.metadata?.annotations ?? {},
    hpa,
  };
}

function toSelector(selector: wire.LabelSelector): LabelSelector {
  return {
    ...(selector.matchLabels ? { matchLabels: selector.matchLabels } : {}),
    ...(selector.matchExpressions
      ? {
          matchExpressions: selector.matchExpressions.map((e) => ({
            key: e.key,
            operator: e.operator as NonNullable<LabelSelector['matchExpressions']>[number]['operator'],
            ...(e.values ? { values: e.values } : {}),
          })),
        }
      : {}),
  };
}

/**
 * The budget, or undefined for one without a selector: in policy/v1 a null selector
 * selects no pod (the eviction API ignores such a budget), while an empty one selects
 * every pod of its namespace, so the two must not both become `{}`. A status the
 * disruption controller has not caught up with (observedGeneration behind generation)
 * allows nothing, as the eviction API then refuses too: fail closed.
 */
export function pdbObservation(pdb: wire.PodDisruptionBudget): PdbObservation | undefined {
  if (!pdb.spec?.selector) return undefined;
  const generation = pdb.metadata?.generation;
  const stale = generation !== undefined && (pdb.status?.observedGeneration ?? 0) < generation;
  return {
    namespace: pdb.metadata?.namespace ?? '',
    name: pdb.metadata?.name ?? '',
    selector: toSelector(pdb.spec.selector),
    disruptionsAllowed: stale ? 0 : Math.max(0, pdb.status?.disruptionsAllowed ?? 0),
    currentHealthy: pdb.status?.currentHealthy ?? 0,
    desiredHealthy: pdb.status?.desiredHealthy ?? 0,
    expectedPods: pdb.status?.expectedPods ?? 0,
  };
}
