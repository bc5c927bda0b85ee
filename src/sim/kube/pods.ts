// Pod deletion and eviction with the API server's rules: graceful deletion hands the pod
// to its kubelet, which ends it within the grace period; the eviction subresource
// guards PodDisruptionBudgets.

import type { Clock } from '../../clock.js';
import type { Faults } from '../faults.js';
import type { Recorder } from '../recorder.js';
import { ApiError, badRequest, conflict, notFound } from './api-error.js';
import { computePdbStatus, isPodReady, isTerminal, selects } from './pdb.js';
import { type KubeObject, type Store } from './store.js';
import { isoSeconds } from '../../clock.js';

type Loose = Record<string, any>;

export type DeleteOptions = {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
  dryRun?: string[];
};

/** dryRun=All on a delete (the query's or the body's, checked by the HTTP layer): decide, answer, change nothing. */
export const isDryRun = (options: DeleteOptions): boolean => (options.dryRun ?? []).length > 0;

export type PodDeps = { store: Store; clock: Clock; faults: Faults; recorder: Recorder };

export function checkPreconditions(object: KubeObject, resource: string, options: DeleteOptions): void {
  const { uid, resourceVersion } = options.preconditions ?? {};
  if (uid !== undefined && uid !== object.metadata.uid) {
    throw conflict(resource, '', object.metadata.name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${object.metadata.uid}`);
  }
  if (resourceVersion !== undefined && resourceVersion !== object.metadata.resourceVersion) {
    throw conflict(resource, '', object.metadata.name, `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${object.metadata.resourceVersion}`);
  }
}

/**
 * Deletes a pod the way the API server does: at once when it never ran (unbound), is
 * terminal, or the grace period is 0; otherwise it is marked with a deletionTimestamp and
 * its kubelet finishes it. Returns the pod as it is after the call (a dry run: as it would be).
 */
export function deletePod(deps: PodDeps, pod: KubeObject, options: DeleteOptions): KubeObject {
  checkPreconditions(pod, 'pods', options);
  const dryRun = isDryRun(options);
  const spec = (pod.spec ?? {}) as Loose;
  const grace = Math.max(0, options.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30);
  const { namespace, name } = pod.metadata;
  if (!spec.nodeName || isTerminal(pod) || grace === 0) return deps.store.delete('pods', namespace, name, dryRun);
  const current = pod.metadata.deletionGracePeriodSeconds;
  // A second delete may shorten the grace period, never lengthen it.
  if (current !== undefined && current <= grace) return pod;
  return deps.store.mutate('pods', namespace, name, (p) => {
    p.metadata.deletionTimestamp = isoSeconds(deps.clock.now() + grace * 1000);
    p.metadata.deletionGracePeriodSeconds = grace;
  }, dryRun);
}

/**
 * The controller owner's desired replicas, for budgets given as maxUnavailable or a
 * percentage. A ReplicaSet's pods count against its Deployment when it has one, as the
 * disruption controller's finders do (getPodDeployment before getPodReplicaSet): a scaled
 * Deployment counts at once, and a rollout's old and new ReplicaSets count once.
 */
export function scaleOfOwner(store: Store, pod: KubeObject): { key: string; replicas: number } | undefined {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
  if (!owner) return undefined;
  const resource = owner.kind === 'ReplicaSet' ? 'replicasets.apps' : owner.kind === 'StatefulSet' ? 'statefulsets.apps' : undefined;
  if (!resource) return undefined;
  let object = store.get(resource, pod.metadata.namespace, owner.name);
  let key = `${resource}/${owner.name}`;
  const deployment = resource === 'replicasets.apps' ? object?.metadata.ownerReferences?.find((o) => o.controller && o.kind === 'Deployment') : undefined;
  if (deployment) {
    object = store.get('deployments.apps', pod.metadata.namespace, deployment.name);
    key = `deployments.apps/${deployment.name}`;
  }
  const replicas = (object?.spec as Loose | undefined)?.replicas;
  return typeof replicas === 'number' ? { key, replicas } : undefined;
}

const TOO_MANY_PDBS = 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';

/**
 * POST pods/{name}/eviction: the API server's rules (pkg/registry/core/pod/storage/eviction.go).
 * With dryRun (the request's, which the API server copies into the eviction's
 * deleteOptions) every check runs and nothing changes: no deletion, no budget charged,
 * nothing recorded.
 */
export function evictPod(deps: PodDeps, namespace: string, name: string, eviction: Loose, client: string, dryRun = false): Record<string, unknown> {
  if ((eviction.metadata?.name ?? '') !== name) throw badRequest('name in URL does not match name in Eviction object');
  const given = (eviction.deleteOptions ?? {}) as DeleteOptions;
  const options: DeleteOptions = dryRun ? { ...given, dryRun: ['All'] } : given;
  const pod = deps.store.get('pods', namespace, name);
  const fact = (result: 'accepted' | 'refused', code: number, reason: string) =>
    isDryRun(options) || deps.recorder.record({
      kind: 'eviction', at: deps.clock.now(), client, pod: `${namespace}/${name}`, uid: pod?.metadata.uid ?? '',
      node: (pod?.spec as Loose | undefined)?.nodeName, result, code, reason,
    });
  try {
    if (!pod) throw notFound('pods', '', name);
    checkPreconditions(pod, 'pods', options);
    const phase = (pod.status as Loose | undefined)?.phase;
    // Pods that are terminal, not yet running or already going are deleted without a budget check.
    if (isTerminal(pod) || phase === 'Pending' || pod.metadata.deletionTimestamp) {
      deletePod(deps, pod, options);
      fact('accepted', 201, 'no budget check: pod terminal, pending or already deleting');
      return success();
    }
    const pdbs = deps.store.list('poddisruptionbudgets.policy', namespace).filter((pdb) => selects(pdb, pod));
    if (pdbs.length > 1) throw new ApiError(500, 'InternalError', TOO_MANY_PDBS);
    const pdb = pdbs[0];
    if (pdb) {
      const status = computePdbStatus(pdb, deps.store.list('pods', namespace), (p) => scaleOfOwner(deps.store, p));
      const key = `${namespace}/${pdb.metadata.name}`;
      const blocked = deps.faults.behaves('pdbsNeverAllow', key) || status.disruptionsAllowed <= 0;
      // An unready pod may go while the budget is met without it and requires some pods
      // (IfHealthyBudget: upstream also asks for DesiredHealthy > 0).
      const unreadyButBudgetMet = !isPodReady(pod) && status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0;
      if (blocked && !unreadyButBudgetMet) {
        throw new ApiError(429, 'TooManyRequests', 'Cannot evict pod as it would violate the pod\'s disruption budget.', {
          causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata.name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently` }],
          retryAfterSeconds: 0,
        });
      }
    }
    deletePod(deps, pod, options);
    // As upstream's checkAndDecrement: the accepted eviction is charged to the budget's
    // status in the same request, so a client reading the budget next sees one fewer
    // disruption allowed, not the count from before (the status controller recounts later).
    if (pdb && !isDryRun(options)) {
      deps.store.mutate('poddisruptionbudgets.policy', namespace, pdb.metadata.name, (o) => {
        const status = (o.status ?? {}) as Loose;
        o.status = { ...status, disruptionsAllowed: Math.max(0, Number(status.disruptionsAllowed ?? 0) - 1) };
      });
    }
    fact('accepted', 201, pdb ? `within budget ${pdb.metadata.name}` : 'no budget');
    return success();
  } catch (error) {
    if (error instanceof ApiError) fact('refused', error.code, error.message);
    throw error;
  }
}

function success(): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}
