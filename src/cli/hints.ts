// The way forward for a node scale or drain does not remove: which flag or annotation
// would allow it, for the reasons an operator can lift. Names and ids are the cluster's:
// the caller makes the line safe to print.

import { SAFE_TO_EVICT_ANNOTATION, SCALE_DOWN_DISABLED_ANNOTATION, type NotChosen } from '../plan/index.js';

/** One sentence, or undefined when nothing the operator sets would change the verdict. */
export function hintFor(skip: Pick<NotChosen, 'node' | 'instanceId' | 'code' | 'podCode'>, asg: string): string | undefined {
  switch (skip.code) {
    case 'scale-down-disabled':
      return `remove the annotation if it may go: kubectl annotate node ${skip.node} ${SCALE_DOWN_DISABLED_ANNOTATION}-`;
    case 'protected':
      return `lift the protection if it may go: aws autoscaling set-instance-protection --auto-scaling-group-name ${asg} --instance-ids ${skip.instanceId} --no-protected-from-scale-in`;
    case 'blocking-pods':
      switch (skip.podCode) {
        case 'local-storage':
          return 'to remove it anyway, losing that pod\'s emptyDir/hostPath data: --delete-local-data';
        case 'unreplicated':
          return 'to remove it anyway, the pod gone for good: --evict-unreplicated';
        case 'safe-to-evict-false':
          return `the pod opted out: remove its annotation if it may move (kubectl annotate pod -n <namespace> <pod> ${SAFE_TO_EVICT_ANNOTATION}-)`;
        case 'multiple-budgets':
          return 'the eviction API refuses a pod under two PodDisruptionBudgets: leave one selecting it';
        case 'budget-never-allows':
          return 'relax the PodDisruptionBudget (minAvailable / maxUnavailable) or add replicas, then run again';
        default:
          return undefined;
      }
    default:
      return undefined;
  }
}
