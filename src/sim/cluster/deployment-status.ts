// A Deployment's status from its ReplicaSets (calculateStatus, syncRolloutStatus): the
// counts kubectl rollout status reads, and the Available and Progressing conditions.

import type { KubeObject } from '../kube/store.js';
import { isoSeconds } from '../../clock.js';
import { type Condition, type Loose, setCondition, spec, status } from './objects.js';

export type DeploymentFacts = {
  readonly deployment: KubeObject;
  readonly newRs: KubeObject | undefined;
  readonly all: readonly KubeObject[];
  readonly maxUnavailable: number;
  /** The controller created the new ReplicaSet in this pass. */
  readonly created: boolean;
  readonly now: number;
};

const sum = (sets: readonly KubeObject[], read: (rs: KubeObject) => unknown) => sets.reduce((a, rs) => a + Number(read(rs) ?? 0), 0);

/** The new status, and when to look again for the progress deadline (undefined: no deadline running). */
export function deploymentStatus(f: DeploymentFacts): { status: Loose; deadlineAt: number | undefined } {
  const d = f.deployment;
  const replicas = Number(spec(d).replicas ?? 1);
  const previous = status(d);
  const available = sum(f.all, (rs) => status(rs).availableReplicas);
  const next: Loose = {
    ...previous,
    observedGeneration: d.metadata.generation ?? 1,
    replicas: sum(f.all, (rs) => status(rs).replicas),
    updatedReplicas: f.newRs ? Number(status(f.newRs).replicas ?? 0) : 0,
    readyReplicas: sum(f.all, (rs) => status(rs).readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sum(f.all, (rs) => spec(rs).replicas) - available),
  };
  const conditions = (previous.conditions ?? []) as Condition[];
  const byType = (type: string) => conditions.find((c) => c.type === type);
  const rsName = f.newRs?.metadata.name ?? '';
  const minimum = available >= replicas - f.maxUnavailable;
  const availableCondition: Condition = minimum
    ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
    : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' };
  const complete = next.updatedReplicas === replicas && next.replicas === replicas && available === replicas;
  const progressed = next.updatedReplicas > Number(previous.updatedReplicas ?? 0)
    || next.readyReplicas > Number(previous.readyReplicas ?? 0)
    || available > Number(previous.availableReplicas ?? 0)
    || next.replicas - next.updatedReplicas < Number(previous.replicas ?? 0) - Number(previous.updatedReplicas ?? 0);
  const old = byType('Progressing');
  const deadlineMs = Number(spec(d).progressDeadlineSeconds ?? 600) * 1000;
  const condition = (state: Condition['status'], reason: string, message: string): Condition => ({ type: 'Progressing', status: state, reason, message });
  let progressing: Condition | undefined;
  let touch = false;
  let deadlineAt: number | undefined;
  if (spec(d).paused) {
    progressing = condition('Unknown', 'DeploymentPaused', 'Deployment is paused');
  } else if (complete) {
    progressing = condition('True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`);
  } else if (f.created || progressed || !old || old.reason === 'NewReplicaSetAvailable' || old.reason === 'DeploymentPaused') {
    // A rollout or scale-up began, or moved on: the progress deadline starts again.
    progressing = f.created
      ? condition('True', 'NewReplicaSetCreated', `Created new replica set "${rsName}"`)
      : condition('True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`);
    touch = true;
    deadlineAt = f.now + deadlineMs;
  } else if (old.reason !== 'ProgressDeadlineExceeded') {
    deadlineAt = (Date.parse(old.lastUpdateTime ?? '') || f.now) + deadlineMs;
    if (f.now >= deadlineAt) {
      progressing = condition('False', 'ProgressDeadlineExceeded', `ReplicaSet "${rsName}" has timed out progressing.`);
      deadlineAt = undefined;
    }
  }
  let nextConditions = updateCondition(conditions, availableCondition, f.now, false);
  if (progressing) nextConditions = updateCondition(nextConditions, progressing, f.now, touch);
  next.conditions = nextConditions;
  return { status: next, deadlineAt };
}

/** Keeps the condition's times unless its status or reason changes, or the controller saw progress. */
function updateCondition(conditions: Condition[], next: Condition, now: number, touch: boolean): Condition[] {
  const old = conditions.find((c) => c.type === next.type);
  if (old && old.status === next.status && old.reason === next.reason && old.message === next.message && !touch) return conditions;
  const lastUpdateTime = isoSeconds(now);
  return setCondition(conditions, { ...next, lastUpdateTime }, now).sort((a, b) => order(a.type) - order(b.type));
}

const order = (type: string) => (type === 'Available' ? 0 : type === 'Progressing' ? 1 : 2);
