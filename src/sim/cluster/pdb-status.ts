// The disruption controller's status half: every PodDisruptionBudget's counts and its
// DisruptionAllowed condition, rewritten only when they change.

import { computePdbStatus, selects } from '../kube/pdb.js';
import { scaleOfOwner } from '../kube/pods.js';
import type { KubeObject, StoreEvent } from '../kube/store.js';
import type { ClusterDeps, Controller } from './controller.js';
import { podsInNamespace } from './indexes.js';
import { type Condition, type Loose, changed, keyOf, putStatus, setCondition, splitKey, status } from './objects.js';
import { WorkQueue, eachKey } from './queue.js';

const PDB = 'poddisruptionbudgets.policy';

export function createPdbStatusController(deps: ClusterDeps): Controller {
  const { store, clock, faults } = deps;
  const queue = new WorkQueue(clock, 0, eachKey(reconcile));

  function reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const pdb = store.get(PDB, namespace, name);
    if (!pdb) return;
    const computed = computePdbStatus(pdb, podsInNamespace(store, namespace!), (pod) => scaleOfOwner(store, pod));
    const disruptionsAllowed = faults.behaves('pdbsNeverAllow', key) ? 0 : computed.disruptionsAllowed;
    const previous = status(pdb);
    const condition: Condition = disruptionsAllowed > 0
      ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: computed.observedGeneration }
      : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: computed.observedGeneration };
    const conditions = (previous.conditions ?? []) as Condition[];
    const old = conditions.find((c) => c.type === 'DisruptionAllowed');
    const same = old && old.status === condition.status && old.reason === condition.reason && old.observedGeneration === condition.observedGeneration;
    const next: Loose = {
      ...previous,
      observedGeneration: computed.observedGeneration,
      disruptionsAllowed,
      currentHealthy: computed.currentHealthy,
      desiredHealthy: computed.desiredHealthy,
      expectedPods: computed.expectedPods,
      conditions: same ? conditions : setCondition(conditions, condition, clock.now()),
    };
    if (changed(pdb.status, next)) putStatus(store, PDB, pdb, next);
  }

  const budgetsIn = (namespace: string | undefined) => (namespace === undefined ? [] : store.list(PDB, namespace));
  const queueAll = (budgets: readonly KubeObject[]) => {
    for (const pdb of budgets) queue.add(keyOf(pdb));
  };

  return {
    watches: [PDB, 'pods', 'replicasets.apps', 'statefulsets.apps', 'deployments.apps'],
    queues: [queue],
    onEvent(event: StoreEvent) {
      if (event.resource === PDB) {
        if (event.type !== 'DELETED') queue.add(keyOf(event.object));
        return;
      }
      // Pods change what the budgets selecting them count; a controller's scale changes
      // what every budget in its namespace may expect. (Queueing every budget of the
      // namespace for every pod event made a 30,000-pod start spend a second here; a pod
      // relabelled out of a budget is counted again at that budget's next event.)
      const budgets = budgetsIn(event.object.metadata.namespace);
      queueAll(event.resource === 'pods' ? budgets.filter((pdb) => selects(pdb, event.object)) : budgets);
    },
  };
}
