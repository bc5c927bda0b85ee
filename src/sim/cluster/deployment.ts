// The Deployment controller: one ReplicaSet per pod template, named
// `<deployment>-<pod-template-hash>`, sized step by step by the rollout strategy, with
// revisions and a bounded history of old ReplicaSets, and the Deployment's status.

import { applyDefaults } from '../kube/defaults.js';
import type { KubeObject, Store, StoreEvent } from '../kube/store.js';
import { type ClusterDeps, type Controller, namespaceOpen } from './controller.js';
import { type RsView, type Strategy, rolloutStep, surgeAndUnavailable } from './deployment-rollout.js';
import { deploymentStatus } from './deployment-status.js';
import { refTo } from './events.js';
import { controlledBy } from './indexes.js';
import { type Loose, changed, isTerminal, keyOf, ownedBy, rewrite, spec, status, templateHash } from './objects.js';
import type { WorkQueue } from './queue.js';
import { ownerKey, workloadController } from './workload.js';

const HASH_LABEL = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';

const revisionOf = (rs: KubeObject) => Number(rs.metadata.annotations?.[REVISION] ?? 0);

function view(store: Store, rs: KubeObject): RsView {
  return {
    name: rs.metadata.name,
    replicas: Number(spec(rs).replicas ?? 0),
    pods: controlledBy(store, 'pods', rs).filter((pod) => !isTerminal(pod)).length,
    available: Number(status(rs).availableReplicas ?? 0),
    created: rs.metadata.creationTimestamp,
  };
}

/** The ReplicaSet a Deployment's template becomes: the hash label on its selector, template and pods. */
function replicaSetFor(d: KubeObject, hash: string, revision: number, replicas: number, maxSurge: number): KubeObject {
  const s = spec(d);
  const template = (s.template ?? {}) as Loose;
  const labels = { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash };
  return applyDefaults('replicasets.apps', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge),
        [REVISION]: String(revision),
      },
      ownerReferences: [ownedBy(d)],
    },
    spec: {
      replicas: 0,
      minReadySeconds: s.minReadySeconds ?? 0,
      selector: { ...(s.selector ?? {}), matchLabels: { ...(s.selector?.matchLabels ?? {}), [HASH_LABEL]: hash } },
      template: { ...structuredClone(template), metadata: { ...structuredClone(template.metadata ?? {}), labels } },
    },
  } as unknown as KubeObject);
}

export function createDeploymentController(deps: ClusterDeps): Controller {
  const { store, clock } = deps;

  function reconcile(d: KubeObject, queue: WorkQueue): void {
    const namespace = d.metadata.namespace;
    const s = spec(d);
    const replicas = Number(s.replicas ?? 1);
    const strategy = (s.strategy?.type === 'Recreate' ? { type: 'Recreate' } : { type: 'RollingUpdate', ...(s.strategy?.rollingUpdate ?? {}) }) as Strategy;
    const { maxSurge, maxUnavailable } = surgeAndUnavailable(strategy, replicas);
    const hash = templateHash(s.template ?? {});
    let owned = controlledBy(store, 'replicasets.apps', d);
    let newRs = owned.find((rs) => rs.metadata.labels?.[HASH_LABEL] === hash);
    const maxRevision = Math.max(0, ...owned.map(revisionOf));
    let created = false;
    if (!newRs && !s.paused && namespaceOpen(deps, namespace)) {
      newRs = store.create('replicasets.apps', replicaSetFor(d, hash, maxRevision + 1, replicas, maxSurge));
      created = true;
      owned = [...owned, newRs];
    } else if (newRs && revisionOf(newRs) < maxRevision) {
      // Rolling back to an older template makes its ReplicaSet the newest revision again.
      newRs = rewrite(store, 'replicasets.apps', newRs, (rs) => ({
        ...rs, metadata: { ...rs.metadata, annotations: { ...rs.metadata.annotations, [REVISION]: String(maxRevision + 1) } },
      }));
    }
    const old = owned.filter((rs) => rs !== newRs && rs.metadata.name !== newRs?.metadata.name);
    if (newRs) resize(d, newRs, old, replicas, strategy);
    pruneHistory(d, old);
    writeStatus(d, hash, maxUnavailable, created, queue);
  }

  function resize(d: KubeObject, newRs: KubeObject, old: KubeObject[], replicas: number, strategy: Strategy): void {
    const oldViews = old.map((rs) => view(store, rs));
    let sizes: Map<string, number>;
    if (!spec(d).paused) sizes = rolloutStep(replicas, strategy, view(store, newRs), oldViews);
    // Paused: scaling still applies, but only when no rollout is half done.
    else sizes = oldViews.some((rs) => rs.replicas > 0) || Number(spec(newRs).replicas ?? 0) === replicas ? new Map() : new Map([[newRs.metadata.name, replicas]]);
    for (const [name, size] of sizes) {
      const rs = [newRs, ...old].find((r) => r.metadata.name === name)!;
      const before = Number(spec(store.mustGet('replicasets.apps', rs.metadata.namespace, name)).replicas ?? 0);
      rewrite(store, 'replicasets.apps', rs, (current) => ({ ...current, spec: { ...spec(current), replicas: size } }));
      if (size !== before) {
        deps.events.record({ component: 'deployment-controller' }, refTo(d), 'Normal', 'ScalingReplicaSet', `Scaled ${size > before ? 'up' : 'down'} replica set ${name} from ${before} to ${size}`);
      }
    }
  }

  /** Old ReplicaSets scaled to zero beyond revisionHistoryLimit go, oldest revision first. */
  function pruneHistory(d: KubeObject, old: KubeObject[]): void {
    const limit = Number(spec(d).revisionHistoryLimit ?? 10);
    const empty = old
      .map((rs) => store.get('replicasets.apps', rs.metadata.namespace, rs.metadata.name))
      .filter((rs): rs is KubeObject => Boolean(rs) && Number(spec(rs!).replicas ?? 0) === 0 && Number(status(rs!).replicas ?? 0) === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of empty.slice(0, Math.max(0, empty.length - limit))) store.delete('replicasets.apps', rs.metadata.namespace, rs.metadata.name);
  }

  function writeStatus(d: KubeObject, hash: string, maxUnavailable: number, created: boolean, queue: WorkQueue): void {
    const all = controlledBy(store, 'replicasets.apps', d);
    const newRs = all.find((rs) => rs.metadata.labels?.[HASH_LABEL] === hash);
    const { status: next, deadlineAt } = deploymentStatus({ deployment: d, newRs, all, maxUnavailable, created, now: clock.now() });
    if (deadlineAt !== undefined) queue.addAfter(keyOf(d), deadlineAt - clock.now());
    const revision = newRs?.metadata.annotations?.[REVISION];
    const annotate = revision !== undefined && d.metadata.annotations?.[REVISION] !== revision;
    if (!changed(d.status, next) && !annotate) return;
    rewrite(store, 'deployments.apps', d, (o) => ({
      ...o,
      metadata: annotate ? { ...o.metadata, annotations: { ...o.metadata.annotations, [REVISION]: revision } } : o.metadata,
      status: next,
    }));
  }

  // Recreate waits for the last old pod to be gone, which changes no ReplicaSet.
  function onPod(event: StoreEvent, queue: WorkQueue): void {
    const rsKey = event.type === 'DELETED' ? ownerKey(event.object, 'ReplicaSet') : undefined;
    const rs = rsKey ? store.getByKey('replicasets.apps', rsKey) : undefined;
    const key = rs && ownerKey(rs, 'Deployment');
    if (key) queue.add(key);
  }

  return workloadController(deps, {
    resource: 'deployments.apps', kind: 'Deployment', dependents: ['replicasets.apps'], reconcile,
    also: { watches: ['pods'], onEvent: onPod },
  });
}
