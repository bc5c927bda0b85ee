// The DaemonSet controller: one pod on every node its template's nodeSelector, affinity
// and tolerations allow (plus the tolerations the controller always adds), bound by
// setting spec.nodeName; pods on nodes that are gone or no longer eligible go. Template
// changes roll out by deleting old pods within maxUnavailable.

import type { KubeObject, StoreEvent } from '../kube/store.js';
import { type ClusterDeps, type Controller, deletePodOf } from './controller.js';
import { controlledBy } from './indexes.js';
import { type Loose, availability, isDeleting, isPodReady, isTerminal, keyOf, scaledValue, spec, status, templateHash } from './objects.js';
import { type Taint, type Toleration, nodeMatcher, untoleratedTaint } from './placement.js';
import { createPodFromTemplate } from './pod-factory.js';
import type { WorkQueue } from './queue.js';
import { publishStatus, workloadController } from './workload.js';

const TEMPLATE_GENERATION = 'pod-template-generation';
const REVISION_LABEL = 'controller-revision-hash';

/** util.AddOrUpdateDaemonPodTolerations: daemons ride out node conditions and cordons. */
const DAEMON_TOLERATIONS: readonly Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' },
];

function daemonTolerations(template: readonly Toleration[]): Toleration[] {
  const missing = DAEMON_TOLERATIONS.filter((d) => !template.some((t) => t.key === d.key && t.effect === d.effect));
  return [...template, ...missing];
}

export function createDaemonSetController(deps: ClusterDeps): Controller {
  const { store, clock } = deps;
  const nodeSignatures = new Map<string, string>();

  function reconcile(ds: KubeObject, queue: WorkQueue): void {
    const templateSpec = (spec(ds).template?.spec ?? {}) as Loose;
    const tolerations = daemonTolerations((templateSpec.tolerations ?? []) as Toleration[]);
    const matcher = nodeMatcher(templateSpec);
    const eligible = (node: KubeObject) => (!matcher || matcher(node)) && !untoleratedTaint((spec(node).taints ?? []) as Taint[], tolerations);
    const revision = templateHash(spec(ds).template ?? {});
    const byNode = groupByNode(controlledBy(store, 'pods', ds));
    const nodes = store.list('nodes');
    for (const node of nodes) {
      const pods = byNode.get(node.metadata.name) ?? [];
      byNode.delete(node.metadata.name);
      const failed = pods.filter((p) => isTerminal(p) && !isDeleting(p));
      for (const pod of failed) deletePodOf(deps, ds, pod);
      const running = pods.filter((p) => !isTerminal(p) && !isDeleting(p));
      const keep = eligible(node) ? 1 : 0;
      if (running.length < keep) {
        createPodFromTemplate(deps, ds, {
          labels: { [REVISION_LABEL]: revision, [TEMPLATE_GENERATION]: String(ds.metadata.generation ?? 1) },
          spec: { nodeName: node.metadata.name, tolerations },
        });
      }
      const oldestFirst = running.sort((a, b) => (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : 1));
      for (const pod of oldestFirst.slice(keep)) deletePodOf(deps, ds, pod);
    }
    // Pods whose node is gone (pod GC force-deletes them too).
    for (const pods of byNode.values()) for (const pod of pods) if (!isDeleting(pod)) deletePodOf(deps, ds, pod);
    rollingUpdate(ds, revision, nodes.filter(eligible));
    writeStatus(ds, revision, nodes, eligible, queue);
  }

  function rollingUpdate(ds: KubeObject, revision: string, eligible: KubeObject[]): void {
    const strategy = (spec(ds).updateStrategy ?? {}) as Loose;
    if (strategy.type === 'OnDelete') return;
    const minReady = Number(spec(ds).minReadySeconds ?? 0);
    const byNode = groupByNode(controlledBy(store, 'pods', ds).filter((p) => !isDeleting(p) && !isTerminal(p)));
    const maxUnavailable = scaledValue(strategy.rollingUpdate?.maxUnavailable, eligible.length, true, 1);
    let unavailable = 0;
    const old: { pod: KubeObject; available: boolean }[] = [];
    for (const node of eligible) {
      const pod = byNode.get(node.metadata.name)?.[0];
      const available = pod ? availability(pod, minReady, clock.now()).available : false;
      if (!available) unavailable++;
      if (pod && pod.metadata.labels?.[REVISION_LABEL] !== revision) old.push({ pod, available });
    }
    // Old pods that are not available anyway go first; available ones only within the budget.
    for (const { pod, available } of old.sort((a, b) => Number(a.available) - Number(b.available))) {
      if (available && unavailable >= maxUnavailable) break;
      deletePodOf(deps, ds, pod);
      if (available) unavailable++;
    }
  }

  function writeStatus(ds: KubeObject, revision: string, nodes: KubeObject[], eligible: (node: KubeObject) => boolean, queue: WorkQueue): void {
    const minReady = Number(spec(ds).minReadySeconds ?? 0);
    const byNode = groupByNode(controlledBy(store, 'pods', ds).filter((p) => !isTerminal(p)));
    const counts = { desired: 0, current: 0, misscheduled: 0, ready: 0, available: 0, updated: 0 };
    let retryAt: number | undefined;
    for (const node of nodes) {
      const pods = byNode.get(node.metadata.name) ?? [];
      if (!eligible(node)) {
        if (pods.length > 0) counts.misscheduled++;
        continue;
      }
      counts.desired++;
      if (pods.length === 0) continue;
      counts.current++;
      if (pods.some(isPodReady)) counts.ready++;
      const a = pods.map((p) => availability(p, minReady, clock.now()));
      if (a.some((x) => x.available)) counts.available++;
      for (const x of a) if (x.retryAt !== undefined) retryAt = Math.min(retryAt ?? Infinity, x.retryAt);
      if (pods.some((p) => p.metadata.labels?.[REVISION_LABEL] === revision)) counts.updated++;
    }
    publishStatus(deps, queue, ds, 'daemonsets.apps', {
      ...status(ds),
      currentNumberScheduled: counts.current,
      numberMisscheduled: counts.misscheduled,
      desiredNumberScheduled: counts.desired,
      numberReady: counts.ready,
      observedGeneration: ds.metadata.generation ?? 1,
      updatedNumberScheduled: counts.updated,
      numberAvailable: counts.available,
      numberUnavailable: counts.desired - counts.available,
    }, retryAt);
  }

  /** Labels and taints decide where daemons run; a node's status heartbeats do not. */
  function onNode(event: StoreEvent, queue: WorkQueue): void {
    const node = event.object;
    const signature = event.type === 'DELETED' ? '' : JSON.stringify([node.metadata.labels ?? {}, spec(node).taints ?? []]);
    if (nodeSignatures.get(node.metadata.name) === signature) return;
    if (signature) nodeSignatures.set(node.metadata.name, signature);
    else nodeSignatures.delete(node.metadata.name);
    for (const ds of store.list('daemonsets.apps')) queue.add(keyOf(ds));
  }

  return workloadController(deps, {
    resource: 'daemonsets.apps', kind: 'DaemonSet', dependents: ['pods'], reconcile,
    also: { watches: ['nodes'], onEvent: onNode },
  });
}

function groupByNode(pods: readonly KubeObject[]): Map<string, KubeObject[]> {
  const result = new Map<string, KubeObject[]>();
  for (const pod of pods) {
    const node = (spec(pod).nodeName as string | undefined) ?? '';
    let list = result.get(node);
    if (!list) result.set(node, (list = []));
    list.push(pod);
  }
  return result;
}
